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
import { HttpError, notFound, payloadTooLarge, toOperationOutcome, badRequest } from './errors';
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
}

export interface App {
  app: express.Express;
  deps: ServiceDeps;
  logger: Logger;
}

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
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(helmet());
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
  app.use(express.json({ limit: config.bodyLimit, type: ['application/json', 'application/fhir+json', 'application/*+json'] }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', version: deps.version, services: deps.registry.services.size });
  });

  app.get('/cds-services', (_req, res) => {
    res.json(deps.registry.discovery(deps.version));
  });

  app.post('/cds-services/:id', async (req: Request, res: Response) => {
    const started = process.hrtime.bigint();
    const meta: CallMeta = { service: String(req.params.id), hook: '', rules: [], indicators: [], keys: {} };
    res.locals.meta = meta;
    const response = await callService(String(req.params.id), req.body, deps, meta);
    res.json(response);
    logger.info(
      { hookInstance: meta.hookInstance, service: meta.service, hook: meta.hook, status: 200, ms: Number(process.hrtime.bigint() - started) / 1e6, rules: meta.rules, indicators: meta.indicators, gate: meta.gate, prefetch: meta.keys },
      'cds call',
    );
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
    res.status(e.status).type('application/fhir+json').json(toOperationOutcome(e));
  });

  return { app, deps, logger };
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
