/**
 * The embedded store: SQLite (better-sqlite3) in DATA_DIR. WAL journal with synchronous=FULL, so
 * a write is on disk when its call returns: a process killed with SIGKILL right after an
 * acknowledgement loses nothing. better-sqlite3 is synchronous; each call is one short
 * transaction.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { type CardRecord, type FeedbackRecord, type RuleStats, type Store, REASONS_SQL, SCHEMA_SQL, STATS_SQL, assembleStats } from './types';

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly insertCard: Database.Statement;
  private readonly insertFeedback: Database.Statement;

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
    this.insertCard = this.db.prepare(
      `INSERT OR IGNORE INTO cards (card_uuid, hook_instance, service, rule_id, rule_version, issued_at, patient_hash) VALUES (@cardUuid, @hookInstance, @service, @ruleId, @ruleVersion, @issuedAt, @patientHash)`,
    );
    this.insertFeedback = this.db.prepare(
      `INSERT OR IGNORE INTO feedback (card_uuid, outcome, outcome_timestamp, service, accepted_suggestions, reason_system, reason_code, has_comment, received_at)
       VALUES (@cardUuid, @outcome, @outcomeTimestamp, @service, @acceptedSuggestions, @reasonSystem, @reasonCode, @hasComment, @receivedAt)`,
    );
  }

  async init(): Promise<void> {}

  async salt(): Promise<string> {
    const row = this.db.prepare(`SELECT value FROM meta WHERE key = 'patient_hash_salt'`).get() as { value: string } | undefined;
    if (row) return row.value;
    this.db.prepare(`INSERT OR IGNORE INTO meta (key, value) VALUES ('patient_hash_salt', ?)`).run(randomBytes(32).toString('hex'));
    return ((this.db.prepare(`SELECT value FROM meta WHERE key = 'patient_hash_salt'`).get() as { value: string }).value);
  }

  async recordCards(cards: CardRecord[]): Promise<void> {
    if (cards.length === 0) return;
    this.db.transaction((rows: CardRecord[]) => {
      for (const r of rows) this.insertCard.run(r);
    })(cards);
  }

  async recordFeedback(items: FeedbackRecord[]): Promise<{ stored: number; duplicates: number }> {
    let stored = 0;
    this.db.transaction((rows: FeedbackRecord[]) => {
      for (const r of rows)
        stored += this.insertFeedback.run({ ...r, acceptedSuggestions: JSON.stringify(r.acceptedSuggestions), reasonSystem: r.reasonSystem ?? null, reasonCode: r.reasonCode ?? null, hasComment: r.hasComment ? 1 : 0 }).changes;
    })(items);
    return { stored, duplicates: items.length - stored };
  }

  async ruleStats(): Promise<RuleStats[]> {
    return assembleStats(this.db.prepare(STATS_SQL).all() as never, this.db.prepare(REASONS_SQL).all() as never);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
