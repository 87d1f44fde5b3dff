/**
 * The embedded store: SQLite (better-sqlite3) in DATA_DIR, WAL journal. Two connections:
 * - feedback commits with synchronous=FULL (fsync before the acknowledgement: survives kill -9
 *   and power loss);
 * - card records commit with synchronous=NORMAL (in the WAL before the CDS response: survives
 *   kill -9; a power loss may drop the last few, which only leaves their later feedback
 *   unjoined). This keeps an fsync out of every CDS call that returns cards.
 * better-sqlite3 is synchronous; each call is one short transaction.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import {
  type CardRecord,
  type FeedbackRecord,
  type RuleStats,
  type Store,
  REASONS_SQL,
  SCHEMA_SQL,
  STATS_SQL,
  assembleStats,
} from './types';

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly cardsDb: Database.Database;
  private readonly insertCard: Database.Statement;
  private readonly insertFeedback: Database.Statement;
  /** Built once: every CDS call with cards runs it. */
  private readonly insertCards: (rows: CardRecord[]) => void;
  private readonly insertFeedbackItems: (rows: FeedbackRecord[]) => number;

  /** `dir` is a folder (the file is ttp-cds.sqlite in it) or ':memory:'. */
  constructor(dir: string) {
    let file = ':memory:';
    if (dir !== ':memory:') {
      mkdirSync(dir, { recursive: true });
      file = join(dir, 'ttp-cds.sqlite');
    }
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    for (const sql of SCHEMA_SQL) this.db.exec(sql);
    // ':memory:' databases are per connection, so there the cards share the one connection.
    this.cardsDb = file === ':memory:' ? this.db : new Database(file);
    if (this.cardsDb !== this.db) {
      this.cardsDb.pragma('synchronous = NORMAL');
      this.cardsDb.pragma('busy_timeout = 5000');
    }
    this.insertCard = this.cardsDb.prepare(
      `INSERT OR IGNORE INTO cards (card_uuid, hook_instance, service, rule_id, rule_version, issued_at, patient_hash) VALUES (@cardUuid, @hookInstance, @service, @ruleId, @ruleVersion, @issuedAt, @patientHash)`,
    );
    this.insertFeedback = this.db.prepare(
      `INSERT OR IGNORE INTO feedback (card_uuid, outcome, outcome_timestamp, service, accepted_suggestions, reason_system, reason_code, has_comment, received_at)
       VALUES (@cardUuid, @outcome, @outcomeTimestamp, @service, @acceptedSuggestions, @reasonSystem, @reasonCode, @hasComment, @receivedAt)`,
    );
    this.insertCards = this.cardsDb.transaction((rows: CardRecord[]) => {
      for (const r of rows) this.insertCard.run(r);
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

  async ruleStats(): Promise<RuleStats[]> {
    return assembleStats(this.db.prepare(STATS_SQL).all() as never, this.db.prepare(REASONS_SQL).all() as never);
  }

  async close(): Promise<void> {
    if (this.cardsDb !== this.db && this.cardsDb.open) this.cardsDb.close();
    if (this.db.open) this.db.close();
  }
}
