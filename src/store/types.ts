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
  /** Silent mode: computed and recorded, not returned to the EHR ("would have fired"). */
  silent?: boolean;
}

/** A card the service issued, as the feedback check needs it. */
export interface IssuedCard {
  cardUuid: string;
  service: string;
  ruleId: string;
  ruleVersion: string;
  /** Recorded in silent mode: never shown, so no feedback can be about it. */
  silent: boolean;
  /** Feedback items already stored for it. */
  feedbackItems: number;
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
  /** Cards returned to the EHR. */
  fired: number;
  /** Cards of a silent rule or service: would have fired, not returned. */
  silent: number;
  /** Cards whose last feedback accepted a suggestion (one card, one outcome: the last by its outcomeTimestamp). */
  accepted: number;
  /** Cards whose last feedback dismissed them. */
  overridden: number;
  /** Cards returned that got no feedback at all. */
  noResponse: number;
  /** Cards whose feedback changed its outcome (accepted, then dismissed, or the reverse): the history is kept. */
  revised: number;
  /** The reasons of the last dismissal of each overridden card, by code. */
  overrideReasons: Record<string, number>;
  /** When the first and the last of these cards were issued (ISO 8601). */
  firstIssued?: string;
  lastIssued?: string;
}

/** Which cards the statistics count: one service, and issue times in [from, to) (ISO 8601). */
export interface StatsFilter {
  service?: string;
  from?: string;
  to?: string;
}

export interface WeekStats {
  ruleId: string;
  ruleVersion: string;
  week: string;
  fired: number;
  silent: number;
  accepted: number;
  overridden: number;
  noResponse: number;
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
  /** The cards of these ids that were issued (the others are absent), with the feedback each already has. */
  issuedCards(cardUuids: string[]): Promise<IssuedCard[]>;
  ruleStats(filter?: StatsFilter): Promise<RuleStats[]>;
  /** Per rule, version and week (the Monday it starts, YYYY-MM-DD): fired, silent, accepted, overridden. */
  weeklyStats(filter?: StatsFilter): Promise<WeekStats[]>;
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
     patient_hash TEXT NOT NULL,
     silent INTEGER NOT NULL DEFAULT 0)`,
  `CREATE INDEX IF NOT EXISTS cards_rule ON cards (rule_id, rule_version)`,
  `CREATE INDEX IF NOT EXISTS cards_issued ON cards (issued_at)`,
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

/** The lookup of issued cards; `ids` is the placeholder list. */
export const issuedCardsSql = (ids: string) =>
  `SELECT c.card_uuid, c.service, c.rule_id, c.rule_version, c.silent,
          (SELECT count(*) FROM feedback f WHERE f.card_uuid = c.card_uuid) AS feedback_items
     FROM cards c WHERE c.card_uuid IN (${ids})`;

export function issuedCardRow(r: Record<string, unknown>): IssuedCard {
  return {
    cardUuid: String(r.card_uuid),
    service: String(r.service),
    ruleId: String(r.rule_id),
    ruleVersion: String(r.rule_version),
    silent: Number(r.silent) === 1,
    feedbackItems: Number(r.feedback_items),
  };
}

/** How many claims between two purges of expired `jti` keys. */
export const JTI_PURGE_EVERY = 256;

/** The SQL of the statistics, for `?` (SQLite) or `$n` (PostgreSQL) placeholders, filtered in the database. */
export function statsSql(filter: StatsFilter, dialect: 'sqlite' | 'postgres') {
  const params: string[] = [];
  const where: string[] = [];
  const p = (v: string) => {
    params.push(v);
    return dialect === 'sqlite' ? '?' : `$${params.length}`;
  };
  if (filter.service) where.push(`c.service = ${p(filter.service)}`);
  if (filter.from) where.push(`c.issued_at >= ${p(filter.from)}`);
  if (filter.to) where.push(`c.issued_at < ${p(filter.to)}`);
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const week =
    dialect === 'sqlite'
      ? `date(c.issued_at, '-6 days', 'weekday 1')`
      : `to_char(date_trunc('week', c.issued_at::timestamptz), 'YYYY-MM-DD')`;
  // One card, one outcome: its last feedback by outcomeTimestamp (as an instant: offsets compared as times).
  const at = dialect === 'sqlite' ? 'julianday(outcome_timestamp)' : 'outcome_timestamp::timestamptz';
  const last = `(SELECT card_uuid, outcome, reason_code, revised FROM (
      SELECT card_uuid, outcome, reason_code,
        ROW_NUMBER() OVER (PARTITION BY card_uuid ORDER BY ${at} DESC, received_at DESC, outcome DESC) AS rn,
        CASE WHEN MIN(outcome) OVER (PARTITION BY card_uuid) <> MAX(outcome) OVER (PARTITION BY card_uuid) THEN 1 ELSE 0 END AS revised
      FROM feedback) x WHERE rn = 1)`;
  const counts = `COUNT(DISTINCT CASE WHEN c.silent = 0 THEN c.card_uuid END) AS fired,
         COUNT(DISTINCT CASE WHEN c.silent = 1 THEN c.card_uuid END) AS silent,
         COUNT(DISTINCT CASE WHEN f.outcome = 'accepted' THEN c.card_uuid END) AS accepted,
         COUNT(DISTINCT CASE WHEN f.outcome = 'overridden' THEN c.card_uuid END) AS overridden,
         COUNT(DISTINCT CASE WHEN c.silent = 0 AND f.card_uuid IS NULL THEN c.card_uuid END) AS no_response`;
  return {
    params,
    stats: `SELECT c.rule_id AS rule_id, c.rule_version AS rule_version, ${counts},
         COUNT(DISTINCT CASE WHEN f.revised = 1 THEN c.card_uuid END) AS revised,
         MIN(c.issued_at) AS first_issued, MAX(c.issued_at) AS last_issued
      FROM cards c LEFT JOIN ${last} f ON f.card_uuid = c.card_uuid ${w}
      GROUP BY c.rule_id, c.rule_version ORDER BY c.rule_id, c.rule_version`,
    reasons: `SELECT c.rule_id AS rule_id, c.rule_version AS rule_version, f.reason_code AS reason_code, COUNT(DISTINCT c.card_uuid) AS n
      FROM cards c JOIN ${last} f ON f.card_uuid = c.card_uuid ${w ? `${w} AND` : 'WHERE'} f.outcome = 'overridden'
      GROUP BY c.rule_id, c.rule_version, f.reason_code`,
    weekly: `SELECT c.rule_id AS rule_id, c.rule_version AS rule_version, ${week} AS week, ${counts}
      FROM cards c LEFT JOIN ${last} f ON f.card_uuid = c.card_uuid ${w}
      GROUP BY c.rule_id, c.rule_version, ${week} ORDER BY 1, 2, 3`,
  };
}

type Count = number | string;

export function assembleWeeks(
  rows: {
    rule_id: string;
    rule_version: string;
    week: string;
    fired: Count;
    silent: Count;
    accepted: Count;
    overridden: Count;
    no_response: Count;
  }[],
): WeekStats[] {
  return rows.map((r) => ({
    ruleId: r.rule_id,
    ruleVersion: r.rule_version,
    week: String(r.week),
    fired: Number(r.fired),
    silent: Number(r.silent),
    accepted: Number(r.accepted),
    overridden: Number(r.overridden),
    noResponse: Number(r.no_response),
  }));
}

export function assembleStats(
  rows: {
    rule_id: string;
    rule_version: string;
    fired: Count;
    silent: Count;
    accepted: Count;
    overridden: Count;
    no_response: Count;
    revised: Count;
    first_issued: string | null;
    last_issued: string | null;
  }[],
  reasons: { rule_id: string; rule_version: string; reason_code: string | null; n: number | string }[],
): RuleStats[] {
  const out = rows.map((r) => ({
    ruleId: r.rule_id,
    ruleVersion: r.rule_version,
    fired: Number(r.fired),
    silent: Number(r.silent),
    accepted: Number(r.accepted),
    overridden: Number(r.overridden),
    noResponse: Number(r.no_response),
    revised: Number(r.revised),
    overrideReasons: {} as Record<string, number>,
    firstIssued: r.first_issued ?? undefined,
    lastIssued: r.last_issued ?? undefined,
  }));
  const byRule = new Map(out.map((x) => [`${x.ruleId} ${x.ruleVersion}`, x]));
  for (const r of reasons) {
    const s = byRule.get(`${r.rule_id} ${r.rule_version}`);
    if (s) s.overrideReasons[r.reason_code ?? '(no reason code)'] = Number(r.n);
  }
  return out;
}
