/**
 * Governance storage: every card issued and every feedback item, so that feedback joins back to
 * its rule. One interface, two implementations (SQLite embedded by default, PostgreSQL for several
 * instances). No patient identifier is ever stored: only a salted hash.
 */

export interface CardRecord {
  cardUuid: string;
  hookInstance: string;
  service: string;
  ruleId: string;
  ruleVersion: string;
  /** ISO 8601 instant. */
  issuedAt: string;
  /** HMAC-SHA256 of the patient id with the deployment's salt. */
  patientHash: string;
}

export interface FeedbackRecord {
  service: string;
  cardUuid: string;
  outcome: 'accepted' | 'overridden';
  /** As sent (RFC 3339); part of the idempotency key. */
  outcomeTimestamp: string;
  acceptedSuggestions: string[];
  reasonSystem?: string;
  reasonCode?: string;
  /** Free-text comments are not stored (they may hold patient data); only whether there was one. */
  hasComment: boolean;
  receivedAt: string;
}

export interface RuleStats {
  ruleId: string;
  ruleVersion: string;
  fired: number;
  accepted: number;
  overridden: number;
  overrideReasons: Record<string, number>;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Create tables; resolves when the store is ready. */
  init(): Promise<void>;
  /** The deployment's salt for patient hashes (created once, then stable). */
  salt(): Promise<string>;
  recordCards(cards: CardRecord[]): Promise<void>;
  /** Idempotent on (card, outcome, outcomeTimestamp): the same item twice counts once. Resolves after commit. */
  recordFeedback(items: FeedbackRecord[]): Promise<{ stored: number; duplicates: number }>;
  ruleStats(): Promise<RuleStats[]>;
  /**
   * Replay protection shared by every worker and replica (a client JWT's `jti`): true the first
   * time `key` is claimed, false ever after until it expires (epoch ms). Expired keys are purged.
   */
  claimJti(key: string, expiresAt: number): Promise<boolean>;
  /** Resolves when the store answers a query (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const SCHEMA_SQL = [
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS cards (
     card_uuid TEXT PRIMARY KEY,
     hook_instance TEXT NOT NULL,
     service TEXT NOT NULL,
     rule_id TEXT NOT NULL,
     rule_version TEXT NOT NULL,
     issued_at TEXT NOT NULL,
     patient_hash TEXT NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS cards_rule ON cards (rule_id, rule_version)`,
  `CREATE TABLE IF NOT EXISTS feedback (
     card_uuid TEXT NOT NULL,
     outcome TEXT NOT NULL,
     outcome_timestamp TEXT NOT NULL,
     service TEXT NOT NULL,
     accepted_suggestions TEXT NOT NULL,
     reason_system TEXT,
     reason_code TEXT,
     has_comment INTEGER NOT NULL,
     received_at TEXT NOT NULL,
     PRIMARY KEY (card_uuid, outcome, outcome_timestamp))`,
  `CREATE TABLE IF NOT EXISTS jti (
     key TEXT PRIMARY KEY,
     expires_at BIGINT NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS jti_expiry ON jti (expires_at)`,
];

/** How many claims between two purges of expired `jti` keys. */
export const JTI_PURGE_EVERY = 256;

/** Per rule and version: cards fired, cards accepted / overridden (each card counted once), and override reasons. */
export const STATS_SQL = `
  SELECT c.rule_id AS rule_id, c.rule_version AS rule_version,
         COUNT(DISTINCT c.card_uuid) AS fired,
         COUNT(DISTINCT CASE WHEN f.outcome = 'accepted' THEN c.card_uuid END) AS accepted,
         COUNT(DISTINCT CASE WHEN f.outcome = 'overridden' THEN c.card_uuid END) AS overridden
  FROM cards c LEFT JOIN feedback f ON f.card_uuid = c.card_uuid
  GROUP BY c.rule_id, c.rule_version
  ORDER BY c.rule_id, c.rule_version`;

export const REASONS_SQL = `
  SELECT c.rule_id AS rule_id, c.rule_version AS rule_version, f.reason_code AS reason_code, COUNT(DISTINCT c.card_uuid) AS n
  FROM cards c JOIN feedback f ON f.card_uuid = c.card_uuid
  WHERE f.outcome = 'overridden'
  GROUP BY c.rule_id, c.rule_version, f.reason_code`;

export function assembleStats(
  rows: { rule_id: string; rule_version: string; fired: number | string; accepted: number | string; overridden: number | string }[],
  reasons: { rule_id: string; rule_version: string; reason_code: string | null; n: number | string }[],
): RuleStats[] {
  const out = rows.map((r) => ({
    ruleId: r.rule_id,
    ruleVersion: r.rule_version,
    fired: Number(r.fired),
    accepted: Number(r.accepted),
    overridden: Number(r.overridden),
    overrideReasons: {} as Record<string, number>,
  }));
  const byRule = new Map(out.map((x) => [`${x.ruleId} ${x.ruleVersion}`, x]));
  for (const r of reasons) {
    const s = byRule.get(`${r.rule_id} ${r.rule_version}`);
    if (s) s.overrideReasons[r.reason_code ?? '(no reason code)'] = Number(r.n);
  }
  return out;
}
