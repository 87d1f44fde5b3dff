/**
 * The embedded store: SQLite (better-sqlite3) in DATA_DIR, WAL journal. Two connections:
 * - feedback commits with synchronous=FULL (fsync before the acknowledgement: survives kill -9
 *   and power loss);
 * - card records commit with synchronous=NORMAL (in the WAL before the CDS response: survives
 *   kill -9; a power loss may drop the last few, which only leaves their later feedback
 *   unjoined). This keeps an fsync out of every CDS call that returns cards.
 * better-sqlite3 is synchronous; each call is one short transaction.
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import {
  type CardRecord,
  type FeedbackRecord,
  type IssuedCard,
  type RuleStats,
  type Store,
  type StatsFilter,
  type WeekStats,
  SCHEMA_SQL,
  JTI_PURGE_EVERY,
  assembleStats,
  assembleWeeks,
  statsSql,
  issuedCardsSql,
  issuedCardRow,
} from './types';

/** Runs `code` in a worker thread with `data`; resolves with its one message. */
function inWorker<T>(code: string, data: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: data });
    w.once('message', (m: T) => resolve(m));
    w.once('error', reject);
    w.once('exit', (c) => (c === 0 ? undefined : reject(new Error(`the statistics worker exited with ${c}`))));
  });
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly cardsDb: Database.Database;
  private readonly insertCard: Database.Statement;
  private readonly insertFeedback: Database.Statement;
  /** Built once: every CDS call with cards runs it. */
  private readonly insertCards: (rows: CardRecord[]) => void;
  private readonly insertFeedbackItems: (rows: FeedbackRecord[]) => number;
  private readonly file: string;
  private claims = 0;

  /** `dir` is a folder (the file is ttp-cds.sqlite in it) or ':memory:'. */
  constructor(dir: string) {
    let file = ':memory:';
    if (dir !== ':memory:') {
      file = join(dir, 'ttp-cds.sqlite');
      // Whatever goes wrong (a file where the folder should be, a read-only mount), say where.
      try {
        mkdirSync(dir, { recursive: true });
        accessSync(dir, constants.W_OK);
      } catch (e) {
        throw new Error(`DATA_DIR ${resolve(dir)} cannot hold the store: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
          cause: e,
        });
      }
    }
    this.file = file;
    try {
      this.db = new Database(file);
    } catch (e) {
      throw new Error(`DATA_DIR: cannot open ${file === ':memory:' ? file : resolve(file)}: ${(e as Error).message}`, { cause: e });
    }
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    for (const sql of SCHEMA_SQL) this.db.exec(sql);
    // A store created before silent mode: the column is added (existing cards were all shown).
    const columns = this.db.prepare(`PRAGMA table_info(cards)`).all() as { name: string }[];
    if (!columns.some((c) => c.name === 'silent')) this.db.exec(`ALTER TABLE cards ADD COLUMN silent INTEGER NOT NULL DEFAULT 0`);
    // ':memory:' databases are per connection, so there the cards share the one connection.
    this.cardsDb = file === ':memory:' ? this.db : new Database(file);
    if (this.cardsDb !== this.db) {
      this.cardsDb.pragma('synchronous = NORMAL');
      this.cardsDb.pragma('busy_timeout = 5000');
    }
    this.insertCard = this.cardsDb.prepare(
      `INSERT OR IGNORE INTO cards (card_uuid, hook_instance, service, rule_id, rule_version, issued_at, patient_hash, silent) VALUES (@cardUuid, @hookInstance, @service, @ruleId, @ruleVersion, @issuedAt, @patientHash, @silent)`,
    );
    this.insertFeedback = this.db.prepare(
      `INSERT OR IGNORE INTO feedback (card_uuid, outcome, outcome_timestamp, service, accepted_suggestions, reason_system, reason_code, has_comment, received_at)
       VALUES (@cardUuid, @outcome, @outcomeTimestamp, @service, @acceptedSuggestions, @reasonSystem, @reasonCode, @hasComment, @receivedAt)`,
    );
    this.insertCards = this.cardsDb.transaction((rows: CardRecord[]) => {
      for (const r of rows) this.insertCard.run({ ...r, silent: r.silent ? 1 : 0 });
    });
    this.insertFeedbackItems = this.db.transaction((rows: FeedbackRecord[]) => {
      let stored = 0;
      for (const r of rows)
        stored += this.insertFeedback.run({
          ...r,
          acceptedSuggestions: JSON.stringify(r.acceptedSuggestions),
          reasonSystem: r.reasonSystem ?? null,
          reasonCode: r.reasonCode ?? null,
          hasComment: r.hasComment ? 1 : 0,
        }).changes;
      return stored;
    });
  }

  async init(): Promise<void> {}

  async salt(): Promise<string> {
    const row = this.db.prepare(`SELECT value FROM meta WHERE key = 'patient_hash_salt'`).get() as { value: string } | undefined;
    if (row) return row.value;
    this.db.prepare(`INSERT OR IGNORE INTO meta (key, value) VALUES ('patient_hash_salt', ?)`).run(randomBytes(32).toString('hex'));
    return (this.db.prepare(`SELECT value FROM meta WHERE key = 'patient_hash_salt'`).get() as { value: string }).value;
  }

  async recordCards(cards: CardRecord[]): Promise<void> {
    if (cards.length === 0) return;
    this.insertCards(cards);
  }

  async recordFeedback(items: FeedbackRecord[]): Promise<{ stored: number; duplicates: number }> {
    const stored = this.insertFeedbackItems(items);
    return { stored, duplicates: items.length - stored };
  }

  async issuedCards(cardUuids: string[]): Promise<IssuedCard[]> {
    const out: IssuedCard[] = [];
    // The feedback schema allows 100 items per request: one statement, under SQLite's 999 parameters.
    for (let i = 0; i < cardUuids.length; i += 500) {
      const ids = cardUuids.slice(i, i + 500);
      const rows = this.db.prepare(issuedCardsSql(ids.map(() => '?').join(','))).all(...ids) as Record<string, unknown>[];
      for (const r of rows) out.push(issuedCardRow(r));
    }
    return out;
  }

  /**
   * Aggregated by SQLite, in a worker thread with its own read-only connection: better-sqlite3 is
   * synchronous, and over a large history the query would stop every CDS call meanwhile (0.4-0.5 s
   * with 141k cards). An in-memory database has no second connection: there it runs here.
   */
  private async query(queries: { sql: string; params: string[] }[]): Promise<unknown[][]> {
    if (this.file === ':memory:') return queries.map((q) => this.db.prepare(q.sql).all(...q.params));
    return inWorker<unknown[][]>(
      `const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
       const { parentPort, workerData } = require('node:worker_threads');
       const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
       db.pragma('busy_timeout = 5000');
       parentPort.postMessage(workerData.queries.map((q) => db.prepare(q.sql).all(...q.params)));
       db.close();`,
      { file: this.file, queries },
    );
  }

  async ruleStats(filter: StatsFilter = {}): Promise<RuleStats[]> {
    const q = statsSql(filter, 'sqlite');
    const [rows, reasons] = await this.query([
      { sql: q.stats, params: q.params },
      { sql: q.reasons, params: q.params },
    ]);
    return assembleStats(rows as never, reasons as never);
  }

  async weeklyStats(filter: StatsFilter = {}): Promise<WeekStats[]> {
    const q = statsSql(filter, 'sqlite');
    const [rows] = await this.query([{ sql: q.weekly, params: q.params }]);
    return assembleWeeks(rows as never);
  }

  async claimJti(key: string, expiresAt: number): Promise<boolean> {
    if (++this.claims % JTI_PURGE_EVERY === 0) this.cardsDb.prepare(`DELETE FROM jti WHERE expires_at < ?`).run(Date.now());
    // One statement: a new key, or one whose earlier claim has expired, is claimed; a live one is not.
    const r = this.cardsDb
      .prepare(
        `INSERT INTO jti (key, expires_at) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE jti.expires_at < ?`,
      )
      .run(key, expiresAt, Date.now());
    return r.changes === 1;
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.cardsDb !== this.db && this.cardsDb.open) this.cardsDb.close();
    if (this.db.open) this.db.close();
  }
}
