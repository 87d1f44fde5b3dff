/**
 * The access log and the request id, for every route. `X-Request-Id` is taken from the caller when
 * it is a safe token (so that an EHR's or a proxy's id follows the call), else generated; it is
 * echoed on the response and named in every log line of the request. A line per request: method,
 * route template (never the path itself nor a query string), status, duration, the caller's JWT issuer when there is one, and
 * the hookInstance of CDS calls. Never a body, a header value other than those, or a patient id.
 */
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from '../logger';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The routes of the service, by their path templates. */
const STATIC = new Set([
  '/',
  '/assets/ttp-cds.css',
  '/catalogue',
  '/catalogue/preview',
  '/cds-services',
  '/governance',
  '/governance/rules',
  '/governance/rules.csv',
  '/healthz',
  '/metrics',
  '/readyz',
]);

/**
 * The route a request called, as its template (`/cds-services/:id/feedback`): what a path holds
 * beyond the routes (a patient id a client put in it, a token) is never logged. A path that is no
 * route is logged as such.
 */
export function routeTemplate(req: Request): string {
  const path = `${req.baseUrl}${req.path === '/' && req.baseUrl ? '' : req.path}`;
  if (STATIC.has(path)) return path;
  if (/^\/cds-services\/[^/]+\/feedback$/.test(path)) return '/cds-services/:id/feedback';
  if (/^\/cds-services\/[^/]+$/.test(path)) return '/cds-services/:id';
  return '(no route)';
}

export function accessLog(logger: Logger): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = req.get('x-request-id');
    const id = given && SAFE_ID.test(given) ? given : randomUUID();
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const call = res.locals.call as { service?: string; hookInstance?: string } | undefined;
      logger.info(
        {
          reqId: id,
          method: req.method,
          route: routeTemplate(req),
          status: res.statusCode,
          ms: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
          iss: res.locals.iss as string | undefined,
          hookInstance: call?.hookInstance,
        },
        'request',
      );
    });
    next();
  };
}
