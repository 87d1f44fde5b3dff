/**
 * Card records that survive a store outage. Each CDS call with cards writes its records before it
 * answers (so that feedback finds its card), but never waits long for it: a write that fails, or
 * takes longer than `firstTryMs`, goes to a bounded queue retried with back-off until the store
 * takes it. The writes are idempotent (the card's uuid is its key), so a slow first write that
 * lands after all is no duplicate. Only when the queue is full is a record dropped: the oldest
 * first, counted, and logged.
 */
import type { Logger } from '../logger';
import type { CardRecord, IssuedCard, Store } from './types';

export interface RecorderOptions {
  /** Records kept for retry at most (a record is about 300 bytes: 10,000 is about 3 MB). */
  maxQueued: number;
  /** How long a CDS answer waits for its records to be written before they are queued instead. */
  firstTryMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

const DEFAULTS: RecorderOptions = { maxQueued: 10_000, firstTryMs: 500, baseDelayMs: 500, maxDelayMs: 30_000 };

export class CardRecorder {
  private readonly queue: CardRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private flushing: Promise<void> | undefined;
  /** Records given up (queue full), since start. */
  dropped = 0;
  /** Records written by a retry rather than at once, since start. */
  retried = 0;
  private readonly opts: RecorderOptions;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    opts: Partial<RecorderOptions> = {},
    /** Told of each failed write (for the metrics). */
    private readonly onError: () => void = () => undefined,
  ) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  /** How many records wait for the store. */
  get pending(): number {
    return this.queue.length;
  }

  /** Write now, or queue for retry: resolves 'stored' or 'queued', never rejects. */
  async record(rows: CardRecord[]): Promise<'stored' | 'queued'> {
    if (rows.length === 0) return 'stored';
    if (this.queue.length === 0) {
      try {
        await within(this.store.recordCards(rows), this.opts.firstTryMs);
        return 'stored';
      } catch (e) {
        this.onError();
        this.logger.warn({ cards: rows.length, err: (e as Error).message }, 'card records not written; queued for retry');
      }
    }
    this.enqueue(rows);
    return 'queued';
  }

  /** The cards of these ids still waiting to be written (issued, so feedback about them is valid). */
  queued(cardUuids: ReadonlySet<string>): IssuedCard[] {
    const out: IssuedCard[] = [];
    if (cardUuids.size === 0) return out;
    for (const r of this.queue)
      if (cardUuids.has(r.cardUuid))
        out.push({
          cardUuid: r.cardUuid,
          service: r.service,
          ruleId: r.ruleId,
          ruleVersion: r.ruleVersion,
          silent: !!r.silent,
          feedbackItems: 0,
        });
    return out;
  }

  /** One attempt to write what waits (the timer calls it; tests and shutdown may too). */
  async flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.drain().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** Stop retrying: one last attempt, then say what is lost. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.length) await this.flush();
    if (this.queue.length) this.logger.error({ cards: this.queue.length }, 'card records lost at shutdown: the store did not take them');
  }

  private enqueue(rows: CardRecord[]): void {
    this.queue.push(...rows);
    const over = this.queue.length - this.opts.maxQueued;
    if (over > 0) {
      this.queue.splice(0, over);
      this.dropped += over;
      this.logger.error({ dropped: over, droppedSinceStart: this.dropped }, 'card records dropped: the retry queue is full');
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.queue.length === 0) return;
    const delay = Math.min(this.opts.maxDelayMs, this.opts.baseDelayMs * 2 ** Math.min(this.failures, 16));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delay);
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.slice(0, 500);
      try {
        await this.store.recordCards(batch);
      } catch (e) {
        this.onError();
        this.failures++;
        this.logger.warn({ pending: this.queue.length, err: (e as Error).message }, 'card records still not written; retrying');
        this.schedule();
        return;
      }
      this.queue.splice(0, batch.length);
      this.retried += batch.length;
      this.failures = 0;
    }
  }
}

/** The promise, or a rejection after `ms` (the promise itself goes on). */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  p.catch(() => undefined);
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
