/**
 * The service assembled: content and rules checked at start-up, the store, the client-JWT
 * verifier, and the Express 5 app with its middleware and routes (src/http). Nothing below the
 * routes sees req/res.
 */
import express from 'express';
import type { Content } from './content';
import { buildDeps } from './cds/deps';
import type { Config } from './config';
import type { JwtVerifier } from './auth/jwt';
import { createStore, type Store } from './store';
import { withDeadline } from './store/deadline';
import { limitedStatistics } from './store/limit';
import { RatePerClient } from './http/rate';
import { badRequest } from './errors';
import { tooDeepAt, tooDeepMessage } from './json-depth';
import { CardRecorder } from './store/recorder';
import { createLogger, type Logger } from './logger';
import type { PrefetchFetcher, ServiceDeps } from './cds/service';
import { FhirFetcher } from './fhir/fetcher';
import { requireClientJwt } from './http/auth';
import { errorHandler, noRoute } from './http/errors';
import { cdsRoutes } from './http/routes/cds';
import { feedbackRoutes } from './http/routes/feedback';
import { governanceRoutes } from './http/routes/governance';
import { healthRoutes } from './http/routes/health';
import { corsPolicy, securityHeaders } from './http/security';
import { accessLog } from './http/access';
import { Metrics, jwtReasonLabel } from './http/metrics';
import { metricsRoutes } from './http/routes/metrics';
import { pageRoutes } from './http/routes/pages';

export interface AppOptions {
  config: Config;
  content?: Content;
  clock?: () => number;
  newId?: () => string;
  logger?: Logger;
  fetcher?: PrefetchFetcher;
  store?: Store;
  verifier?: JwtVerifier | null;
  metrics?: Metrics;
}

export interface App {
  app: express.Express;
  deps: ServiceDeps;
  logger: Logger;
  store: Store;
  /** Resolves when the store is ready (tables created, salt loaded). */
  ready: Promise<void>;
  /** The client JWT verifier, when trusted clients are configured. */
  verifier?: JwtVerifier;
  /** Card records, written at once or retried. */
  recorder: CardRecorder;
  metrics: Metrics;
  close(): Promise<void>;
}

export { buildDeps } from './cds/deps';

const JSON_MEDIA_TYPE = /^application\/(?:[a-z0-9!#$&^_.-]+\+)?json\s*(?:;|$)/i;

/** Build the service (content checked at start-up; throws on bad content or configuration). */
/**
 * The JWT verifier, loaded only when trusted clients are configured (jose stays out of open mode).
 * Replays are caught through the store, so that every worker and replica shares them.
 */
function createVerifier(config: Config, store: Store): JwtVerifier {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { JwtVerifier: Verifier, loadTrustedClients } = require('./auth/jwt') as typeof import('./auth/jwt');
  return new Verifier(loadTrustedClients(config.trustedClientsFile!), {
    clockSkewSeconds: config.jwtClockSkewSeconds,
    maxAgeSeconds: config.jwtMaxAgeSeconds,
    // The claim has the request path's deadline: a hung database never stalls a call (STORE_DEADLINE_MS).
    claimJti: (key, expiresAt) => withDeadline(store.claimJti(key, expiresAt), config.storeDeadlineMs, 'jti claim'),
    replayCheck: config.jwtReplayCheck,
  });
}

export function createApp(opts: AppOptions): App {
  const { config } = opts;
  const logger = opts.logger ?? createLogger(config.logLevel);
  const metrics = opts.metrics ?? new Metrics();
  const fetcher =
    opts.fetcher ??
    new FhirFetcher({
      allowlist: config.fhirAllowlist,
      timeoutMs: config.fhirTimeoutMs,
      maxPages: config.fhirMaxPages,
      maxCallBytes: config.fhirMaxBytesPerCall,
      logger,
      onFetch: (key, outcome) => metrics.fetches.inc({ key, outcome }),
    });
  const deps = buildDeps({ ...opts, fetcher });
  deps.onInvalidResponse = (problems) =>
    logger.error({ problems: problems.slice(0, 2000) }, 'a response broke the CDS Hooks card rules; it was sent anyway');
  const store =
    opts.store ?? createStore({ databaseUrl: config.databaseUrl, databaseSchema: config.databaseSchema, dataDir: config.dataDir });
  /** The store's salt for patient hashes, once its tables exist. */
  const salt = store.init().then(() => store.salt());
  salt.catch((e) => logger.error({ err: (e as Error).message, store: store.kind }, 'store not ready'));
  const storeError = (operation: string) => () => metrics.storeErrors.inc({ operation });
  const verifier = opts.verifier !== undefined ? opts.verifier : config.trustedClientsFile ? createVerifier(config, store) : null;
  if (!verifier)
    logger.warn(
      'AUTHENTICATION IS OFF: CDS_TRUSTED_CLIENTS is not set, so any caller can use this service. Set it (and PUBLIC_BASE_URL) before any real deployment.',
    );

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  // No ETag: CDS answers are POST responses, never revalidated.
  app.set('etag', false);
  app.use(accessLog(logger));
  app.use(securityHeaders());
  app.use(corsPolicy(config.corsOrigins, logger, () => metrics.corsRefused.inc()));
  const recorder = new CardRecorder(store, logger, { firstTryMs: config.storeDeadlineMs }, storeError('cards'));
  metrics.records = () => ({ pending: recorder.pending, dropped: recorder.dropped });
  app.use(
    healthRoutes(
      () => ({
        version: deps.version,
        services: deps.registry.services.size,
        auth: verifier ? 'jwt' : 'open',
        ...(verifier ? {} : { warning: 'authentication is off: CDS_TRUSTED_CLIENTS is not set' }),
        store: store.kind,
      }),
      store,
      () => recorder,
    ),
  );
  // Every CDS endpoint (discovery, calls, feedback) requires the client's JWT when configured.
  // After CORS, so that browser preflights (which carry no Authorization) are answered; before
  // the body parser, so that an unauthenticated body is never parsed.
  if (verifier)
    app.use(
      '/cds-services',
      requireClientJwt(verifier, config.publicBaseUrl!, logger, {
        refused: (reason) => metrics.jwtRefused.inc({ reason: jwtReasonLabel(reason) }),
        storeError: storeError('jti'),
      }),
    );
  // JSON bodies: application/json, application/fhir+json and any application/*+json, with parameters.
  // Nesting is checked on the raw body in one pass before JSON.parse runs (4.8 MB of brackets took it seconds).
  app.use(
    express.json({
      limit: config.bodyLimit,
      type: (req) => JSON_MEDIA_TYPE.test(req.headers['content-type'] ?? ''),
      verify: (_req, _res, buf) => {
        const at = tooDeepAt(buf);
        if (at !== undefined) throw badRequest('too-deep', [{ code: 'structure', diagnostics: tooDeepMessage(at) }]);
      },
    }),
  );
  app.use(metricsRoutes(metrics, config.metricsToken));
  app.use(cdsRoutes(deps, recorder, salt, logger, metrics));
  app.use(
    feedbackRoutes(deps, store, salt, logger, {
      onStoreError: storeError('feedback'),
      deadlineMs: config.storeDeadlineMs,
      queued: (ids) => recorder.queued(ids),
      rate: new RatePerClient(config.feedbackRatePerMinute, () => deps.clock()),
    }),
  );
  // Statistics one or two at a time, a few waiting, then 503 (each is a scan of the card table).
  const statistics = limitedStatistics(store);
  app.use(governanceRoutes(deps.content, statistics, salt, config.adminToken));
  app.use(
    pageRoutes(deps, statistics, salt, config.adminToken, config.bodyLimit, !!verifier, {
      metricsToken: config.metricsToken,
      publicBaseUrl: config.publicBaseUrl,
    }),
  );
  app.use(noRoute);
  app.use(errorHandler(logger, config.bodyLimit));

  const ready = salt.then(() => undefined);
  ready.catch(() => undefined); // the failure is logged above, and every route that needs the store answers it
  return {
    app,
    deps,
    logger,
    store,
    ready,
    verifier: verifier ?? undefined,
    recorder,
    metrics,
    close: async () => {
      await recorder.close();
      await store.close();
    },
  };
}
