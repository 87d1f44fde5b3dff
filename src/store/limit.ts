/**
 * Statistics queries, one or two at a time (issue: hostile input, second round, item 8): each one
 * reads the whole card table (in SQLite, in a worker thread of its own), so 40 dashboard requests at
 * once over a million card records took the process from 89 MB to 1.27 GB (151 MB with this
 * limit). A few more wait their turn; past that a request is told the service is busy (503), never
 * queued without bound. The results are aggregates (rules x weeks), so they need no paging.
 */
import { HttpError } from '../errors';
import type { Store } from './types';

export class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(
    readonly concurrency: number,
    readonly maxWaiting: number,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxWaiting)
        throw new HttpError(503, 'statistics-busy', [
          { code: 'transient', diagnostics: 'The statistics are being computed for other requests; retry in a few seconds.' },
        ]).with({ 'Retry-After': '5' });
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  get busy(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }
}

/** What the committee's routes read: the two statistics queries. */
export type Statistics = Pick<Store, 'ruleStats' | 'weeklyStats'>;

/** The store's statistics through a limiter (the writes and the jti claims are not limited). */
export function limitedStatistics(store: Statistics, limiter = new Limiter(2, 8)): Statistics & { limiter: Limiter } {
  return {
    ruleStats: (filter) => limiter.run(() => store.ruleStats(filter)),
    weeklyStats: (filter) => limiter.run(() => store.weeklyStats(filter)),
    limiter,
  };
}
