/**
 * Prometheus metrics (prom-client), one registry per app. No label ever holds patient data or a
 * free text: services, rule ids and versions, indicators, prefetch keys and a short list of reasons.
 *
 * Served at GET /metrics on the service's own port, behind `Authorization: Bearer $METRICS_TOKEN`
 * (404 without METRICS_TOKEN): one port to deploy and to put behind TLS, and Prometheus sends a
 * bearer token natively (`authorization` in a scrape config). The numbers say which rules fire and
 * how often: not patient data, but not for everyone either.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Refused JWTs by reason, in a bounded set (the free-text reason goes to the log). */
export function jwtReasonLabel(reason: string): string {
  const table: [RegExp, string][] = [
    [/no Authorization/, 'no-token'],
    [/not a Bearer JWT|malformed/, 'malformed'],
    [/algorithm/, 'algorithm'],
    [/issuer not trusted/, 'issuer'],
    [/claim aud/, 'audience'],
    [/expired|claim exp/, 'expired'],
    [/iat/, 'issued-at'],
    [/lifetime/, 'lifetime'],
    [/signature/, 'signature'],
    [/kid/, 'key'],
    [/jku/, 'jku'],
    [/replayed/, 'replay'],
    [/jti/, 'jti'],
    [/typ/, 'typ'],
    [/tenant/, 'tenant'],
  ];
  return table.find(([re]) => re.test(reason))?.[1] ?? 'other';
}

export class Metrics {
  readonly registry = new Registry();
  readonly calls: Counter<'service' | 'status'>;
  readonly callSeconds: Histogram<'service'>;
  readonly cards: Counter<'rule' | 'version' | 'indicator'>;
  readonly fetches: Counter<'key' | 'outcome'>;
  readonly storeErrors: Counter<'operation'>;
  readonly jwtRefused: Counter<'reason'>;
  readonly corsRefused: Counter;
  readonly pendingRecords: Gauge;
  readonly droppedRecords: Gauge;
  /** Where the card-record gauges read from (the recorder), set by the app. */
  records: () => { pending: number; dropped: number } = () => ({ pending: 0, dropped: 0 });

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.calls = new Counter({
      name: 'ttp_cds_calls_total',
      help: 'CDS service calls by service and HTTP status',
      labelNames: ['service', 'status'],
      registers,
    });
    this.callSeconds = new Histogram({
      name: 'ttp_cds_call_duration_seconds',
      help: 'Time to answer a CDS service call, by service',
      labelNames: ['service'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.cards = new Counter({
      name: 'ttp_cds_cards_total',
      help: 'Cards returned, by rule, rule version and indicator',
      labelNames: ['rule', 'version', 'indicator'],
      registers,
    });
    this.fetches = new Counter({
      name: 'ttp_cds_prefetch_fetches_total',
      help: 'Prefetch keys fetched from the EHR FHIR server (fallback), by key and outcome (fetched, failed, refused)',
      labelNames: ['key', 'outcome'],
      registers,
    });
    this.storeErrors = new Counter({
      name: 'ttp_cds_store_errors_total',
      help: 'Store operations that failed, by operation (cards, feedback, jti, stats, ping)',
      labelNames: ['operation'],
      registers,
    });
    this.jwtRefused = new Counter({
      name: 'ttp_cds_jwt_refused_total',
      help: 'Client JWTs refused, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.corsRefused = new Counter({
      name: 'ttp_cds_cors_refused_total',
      help: 'Browser requests from an origin not in CORS_ORIGINS',
      registers,
    });
    this.pendingRecords = new Gauge({
      name: 'ttp_cds_card_records_pending',
      help: 'Card records waiting for the store (retry queue)',
      registers,
    });
    this.droppedRecords = new Gauge({
      name: 'ttp_cds_card_records_dropped',
      help: 'Card records dropped since start because the retry queue was full',
      registers,
    });
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'ttp_cds_' });
  }
}
