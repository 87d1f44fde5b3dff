/**
 * PostgreSQL store (DATABASE_URL), for several instances behind a load balancer. Same tables and
 * queries as SQLite; idempotency by primary key with ON CONFLICT DO NOTHING; a write resolves
 * after COMMIT.
 */
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
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

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  private readonly pool: Pool;
  private claims = 0;

  constructor(
    connectionString: string,
    private readonly schema?: string,
  ) {
    if (schema && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error('DATABASE_SCHEMA must be a plain lower-case identifier');
    // A database that accepts connections but does not answer: a connection gives up after 2 s and a
    // query after 10 s (client side; the server ends a statement after 10 s too), so that no caller
    // waits forever. Callers on a request path have their own, shorter deadline (src/store/deadline.ts).
    this.pool = new Pool({
      connectionString,
      max: 10,
      connectionTimeoutMillis: 2000,
      query_timeout: 10_000,
      statement_timeout: 10_000,
      idle_in_transaction_session_timeout: 10_000,
    });
    this.pool.on('error', () => undefined); // an idle client's error must never kill the process
    if (schema) this.pool.on('connect', (c) => void c.query(`SET search_path TO ${schema}`));
  }

  async init(): Promise<void> {
    const c = await this.pool.connect();
    try {
      if (this.schema) {
        await c.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
        await c.query(`SET search_path TO ${this.schema}`);
      }
      for (const sql of SCHEMA_SQL) await c.query(sql);
      // A store created before silent mode: the column is added (existing cards were all shown).
      await c.query(`ALTER TABLE cards ADD COLUMN IF NOT EXISTS silent INTEGER NOT NULL DEFAULT 0`);
    } finally {
      c.release();
    }
  }

  async salt(): Promise<string> {
    await this.pool.query(`INSERT INTO meta (key, value) VALUES ('patient_hash_salt', $1) ON CONFLICT (key) DO NOTHING`, [
      randomBytes(32).toString('hex'),
    ]);
    const r = await this.pool.query(`SELECT value FROM meta WHERE key = 'patient_hash_salt'`);
    return r.rows[0].value as string;
  }

  async recordCards(cards: CardRecord[]): Promise<void> {
    if (cards.length === 0) return;
    const values: unknown[] = [];
    const rows = cards.map((c, i) => {
      values.push(c.cardUuid, c.hookInstance, c.service, c.ruleId, c.ruleVersion, c.issuedAt, c.patientHash, c.silent ? 1 : 0);
      const b = i * 8;
      return `($${b + 1},$${b + 2},$${b + 3},$${b + 4},$${b + 5},$${b + 6},$${b + 7},$${b + 8})`;
    });
    await this.pool.query(
      `INSERT INTO cards (card_uuid, hook_instance, service, rule_id, rule_version, issued_at, patient_hash, silent) VALUES ${rows.join(',')} ON CONFLICT DO NOTHING`,
      values,
    );
  }

  async recordFeedback(items: FeedbackRecord[]): Promise<{ stored: number; duplicates: number }> {
    if (items.length === 0) return { stored: 0, duplicates: 0 };
    const values: unknown[] = [];
    const rows = items.map((f, i) => {
      values.push(
        f.cardUuid,
        f.outcome,
        f.outcomeTimestamp,
        f.service,
        JSON.stringify(f.acceptedSuggestions),
        f.reasonSystem ?? null,
        f.reasonCode ?? null,
        f.hasComment ? 1 : 0,
        f.receivedAt,
      );
      const b = i * 9;
      return `(${Array.from({ length: 9 }, (_, k) => `$${b + k + 1}`).join(',')})`;
    });
    const r = await this.pool.query(
      `INSERT INTO feedback (card_uuid, outcome, outcome_timestamp, service, accepted_suggestions, reason_system, reason_code, has_comment, received_at) VALUES ${rows.join(',')} ON CONFLICT DO NOTHING`,
      values,
    );
    const stored = r.rowCount ?? 0;
    return { stored, duplicates: items.length - stored };
  }

  async issuedCards(cardUuids: string[]): Promise<IssuedCard[]> {
    if (cardUuids.length === 0) return [];
    const r = await this.pool.query(issuedCardsSql(cardUuids.map((_, i) => `$${i + 1}`).join(',')), cardUuids);
    return (r.rows as Record<string, unknown>[]).map(issuedCardRow);
  }

  async ruleStats(filter: StatsFilter = {}): Promise<RuleStats[]> {
    const q = statsSql(filter, 'postgres');
    const [a, b] = await Promise.all([this.pool.query(q.stats, q.params), this.pool.query(q.reasons, q.params)]);
    return assembleStats(a.rows, b.rows);
  }

  async weeklyStats(filter: StatsFilter = {}): Promise<WeekStats[]> {
    const q = statsSql(filter, 'postgres');
    return assembleWeeks((await this.pool.query(q.weekly, q.params)).rows);
  }

  async claimJti(key: string, expiresAt: number): Promise<boolean> {
    if (++this.claims % JTI_PURGE_EVERY === 0) await this.pool.query(`DELETE FROM jti WHERE expires_at < $1`, [Date.now()]);
    // One statement: a new key, or one whose earlier claim has expired, is claimed; a live one is not.
    const r = await this.pool.query(
      `INSERT INTO jti (key, expires_at) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE jti.expires_at < $3`,
      [key, expiresAt, Date.now()],
    );
    return r.rowCount === 1;
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
