/**
 * The HTTP edge: Express 5 routes that parse, delegate and respond. Nothing below the routes sees
 * req/res. One error handler turns typed errors into OperationOutcome bodies; no stack trace ever
 * reaches a client.
 */
import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import cors from 'cors';
import { type Content, loadContent } from './content';
import type { Config } from './config';
import { HttpError, notFound, payloadTooLarge, toOperationOutcome, badRequest, unauthorized } from './errors';
import type { JwtVerifier } from './auth/jwt';
import { adminAuthorized, cardRecords, parseFeedback, patientHash } from './governance';
import { createStore, type Store } from './store';
import { createLogger, type Logger } from './logger';
import { Registry } from './cds/registry';
import { type CallMeta, type PrefetchFetcher, type ServiceDeps, callService } from './cds/service';
import { checkRuleCoverage } from './rules/engine';
import { Terminology } from './terminology';
import { Units } from './units';
import { localDate } from './facts/clock';
import { FhirFetcher } from './fhir/fetcher';
import pkg from '../package.json';

export interface AppOptions {
  config: Config;
  content?: Content;
  clock?: () => number;
  newId?: () => string;
  logger?: Logger;
  fetcher?: PrefetchFetcher;
  store?: Store;
  verifier?: JwtVerifier | null;
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
  close(): Promise<void>;
}

const JSON_MEDIA_TYPE = /^application\/(?:[a-z0-9!#$&^_.-]+\+)?json\s*(?:;|$)/i;

/** Build the service (content checked at start-up; throws on bad content or configuration). */
export function buildDeps(opts: AppOptions): ServiceDeps {
  const content = opts.content ?? loadContent({ site: opts.config.site });
  try {
    localDate(Date.now(), content.site.timezone);
  } catch {
    throw new Error(`configuration: unknown timezone ${content.site.timezone}`);
  }
  checkRuleCoverage(content);
  return {
    content,
    terminology: new Terminology(content),
    units: new Units(content),
    registry: new Registry(content),
    clock: opts.clock ?? Date.now,
    newId: opts.newId ?? randomUUID,
    fetcher: opts.fetcher,
    checkResponses: opts.config.checkResponses,
    version: pkg.version,
  };
}

export function createApp(opts: AppOptions): App {
  const { config } = opts;
  const logger = opts.logger ?? createLogger(config.logLevel);
  const fetcher =
    opts.fetcher ?? new FhirFetcher({ allowlist: config.fhirAllowlist, timeoutMs: config.fhirTimeoutMs, maxPages: config.fhirMaxPages, logger });
  const deps = buildDeps({ ...opts, fetcher });
  deps.onInvalidResponse = (problems) => logger.error({ problems: problems.slice(0, 2000) }, 'a response broke the CDS Hooks card rules; it was sent anyway');
  const store = opts.store ?? createStore({ databaseUrl: config.databaseUrl, databaseSchema: config.databaseSchema, dataDir: config.dataDir });
  let salt = '';
  const ready = store.init().then(async () => {
    salt = await store.salt();
  });
  ready.catch((e) => logger.error({ err: (e as Error).message, store: store.kind }, 'store not ready'));
  const verifier =
    opts.verifier !== undefined
      ? opts.verifier
      : config.trustedClientsFile
        ? createVerifier(config)
        : null;
  if (!verifier)
    logger.warn('AUTHENTICATION IS OFF: CDS_TRUSTED_CLIENTS is not set, so any caller can use this service. Set it (and PUBLIC_BASE_URL) before any real deployment.');
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  // No ETag: CDS answers are POST responses, never revalidated (it hashed every response).
  app.set('etag', false);
  // Headers for a JSON API (OWASP REST cheat sheet): nosniff, no framing, no referrer, HSTS
  // behind TLS, and a CSP that forbids everything should a response ever be rendered. The
  // headers that only steer HTML documents (DNS prefetch, download options, Flash policies,
  // the legacy XSS filter, COOP, origin-agent-cluster) are left out.
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      crossOriginOpenerPolicy: false,
      originAgentCluster: false,
      xDnsPrefetchControl: false,
      xDownloadOptions: false,
      xPermittedCrossDomainPolicies: false,
      xXssProtection: false,
      xFrameOptions: { action: 'deny' },
    }),
  );
  // CDS clients in a browser (the public sandbox, SMART-embedded EHRs) call with an Authorization
  // header, so the preflight must allow it. No cookies are used, so no credentials mode.
  app.use(
    cors({
      origin: config.corsOrigins === '*' ? '*' : config.corsOrigins,
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ['Authorization', 'Content-Type'],
      maxAge: 600,
    }),
  );
  app.get('/healthz', (_req, res) => {
    res.json({
      status: 'ok',
      version: deps.version,
      services: deps.registry.services.size,
      auth: verifier ? 'jwt' : 'open',
      ...(verifier ? {} : { warning: 'authentication is off: CDS_TRUSTED_CLIENTS is not set' }),
      store: store.kind,
    });
  });

  // Every CDS endpoint (discovery, calls, feedback) requires the client's JWT when configured.
  // After CORS, so that browser preflights (which carry no Authorization) are answered; before
  // the body parser, so that an unauthenticated body is never parsed.
  if (verifier) {
    const base = config.publicBaseUrl!;
    app.use('/cds-services', async (req: Request, _res: Response, next: NextFunction) => {
      const audience = `${base}${req.baseUrl}${req.path === '/' ? '' : req.path}`;
      const r = await verifier.verify(req.headers.authorization, audience);
      if (r.ok) return next();
      logger.warn({ path: req.path, reason: r.reason }, 'client JWT rejected');
      next(unauthorized('jwt-rejected', r.reason));
    });
  }

  // JSON bodies: application/json, application/fhir+json and any application/*+json, with parameters.
  // One precompiled test per request instead of matching three media-type patterns.
  app.use(express.json({ limit: config.bodyLimit, type: (req) => JSON_MEDIA_TYPE.test(req.headers['content-type'] ?? '') }));

  app.get('/cds-services', (_req, res) => {
    res.json(deps.registry.discovery(deps.version));
  });

  app.post('/cds-services/:id', async (req: Request, res: Response) => {
    const started = process.hrtime.bigint();
    // Guidance about one patient: never stored by a cache on the way.
    res.set('Cache-Control', 'no-store');
    const meta: CallMeta = { service: String(req.params.id), hook: '', rules: [], indicators: [], keys: {} };
    res.locals.meta = meta;
    const response = await callService(String(req.params.id), req.body, deps, meta);
    if (response.cards.length) {
      // Recorded before answering, so feedback always finds its card. A store failure never
      // withholds clinical guidance: it is logged and the cards go out.
      try {
        await ready;
        const patientId = String((req.body as { context: { patientId: string } }).context.patientId);
        await store.recordCards(cardRecords(response.cards, { hookInstance: meta.hookInstance ?? 'unknown', service: meta.service, patientHash: patientHash(salt, patientId), now: deps.clock() }, deps.content));
      } catch (e) {
        logger.error({ hookInstance: meta.hookInstance, err: (e as Error).message }, 'cards not recorded');
      }
    }
    res.json(response);
    logger.info(
      { hookInstance: meta.hookInstance, service: meta.service, hook: meta.hook, status: 200, ms: Number(process.hrtime.bigint() - started) / 1e6, rules: meta.rules, indicators: meta.indicators, gate: meta.gate, prefetch: meta.keys },
      'cds call',
    );
  });

  app.post('/cds-services/:id/feedback', async (req: Request, res: Response) => {
    const id = String(req.params.id);
    if (!deps.registry.get(id)) throw notFound('unknown-service', `No CDS service with id ${id}.`);
    const items = parseFeedback(id, req.body, deps.clock());
    try {
      await ready;
      const r = await store.recordFeedback(items);
      logger.info({ service: id, items: items.length, stored: r.stored, duplicates: r.duplicates }, 'feedback');
    } catch (e) {
      logger.error({ service: id, err: (e as Error).message }, 'feedback not stored');
      throw new HttpError(503, 'store-unavailable', [{ code: 'transient', diagnostics: 'Feedback could not be stored; retry later.' }]);
    }
    // Acknowledged only once committed (CDS Hooks: 200, no body needed).
    res.status(200).end();
  });

  app.get('/governance/rules', async (req: Request, res: Response) => {
    if (!config.adminToken) throw notFound('governance-disabled', 'Governance is disabled (ADMIN_TOKEN is not set).');
    if (!adminAuthorized(req.headers.authorization, config.adminToken)) throw unauthorized('admin-token', 'bad or missing admin token');
    await ready;
    const stats = await store.ruleStats();
    // Every rule of the current content, with zeros where nothing fired yet; older versions kept.
    const rules = Object.entries(deps.content.cards.rules).map(([ruleId, c]) => stats.find((s) => s.ruleId === ruleId && s.ruleVersion === c.version) ?? { ruleId, ruleVersion: c.version, fired: 0, accepted: 0, overridden: 0, overrideReasons: {} });
    for (const s of stats) if (!rules.includes(s)) rules.push(s);
    res.json({ rules });
  });

  app.use((req: Request) => {
    throw notFound('no-route', `No route for ${req.method} ${req.path}.`);
  });

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = toHttpError(err, config.bodyLimit);
    const meta = res.locals.meta as CallMeta | undefined;
    const log = { hookInstance: meta?.hookInstance, service: meta?.service, status: e.status, code: e.code, method: req.method, path: req.path };
    if (e.status >= 500) logger.error({ ...log, err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) }, 'request failed');
    // Diagnostics can echo request values (ids), so the log keeps only the code and the fields named.
    else logger.warn({ ...log, fields: e.issues.map((i) => i.expression).filter(Boolean).slice(0, 20) }, 'request rejected');
    if (res.headersSent) return;
    res.set('Cache-Control', 'no-store');
    if (e.status === 401) res.set('WWW-Authenticate', 'Bearer');
    res.status(e.status).type('application/fhir+json').json(toOperationOutcome(e));
  });

  return { app, deps, logger, store, ready, verifier: verifier ?? undefined, close: () => store.close() };
}

/** The JWT verifier, loaded only when trusted clients are configured (jose stays out of open mode). */
function createVerifier(config: Config): JwtVerifier {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { JwtVerifier: Verifier, loadTrustedClients } = require('./auth/jwt') as typeof import('./auth/jwt');
  return new Verifier(loadTrustedClients(config.trustedClientsFile!), { clockSkewSeconds: config.jwtClockSkewSeconds, maxAgeSeconds: config.jwtMaxAgeSeconds });
}

function toHttpError(err: unknown, limit: string): HttpError {
  if (err instanceof HttpError) return err;
  const e = err as { type?: string; status?: number; message?: string };
  if (e?.type === 'entity.too.large') return payloadTooLarge(limit);
  if (e?.type === 'entity.parse.failed') return badRequest('malformed-json', [{ code: 'structure', diagnostics: 'The request body is not valid JSON.' }]);
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported')
    return new HttpError(415, 'unsupported-encoding', [{ code: 'not-supported', diagnostics: e.message ?? 'Unsupported body encoding.' }]);
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500)
    return new HttpError(e.status, 'client-error', [{ code: 'invalid', diagnostics: 'The request could not be read.' }]);
  return new HttpError(500, 'internal', [{ code: 'exception', diagnostics: 'Internal error. The event was logged with the hookInstance.' }]);
}
