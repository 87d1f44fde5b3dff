/** The one error handler: typed errors become OperationOutcome bodies; no stack trace reaches a client. */
import type { NextFunction, Request, Response } from 'express';
import { HttpError, badRequest, notFound, payloadTooLarge, toOperationOutcome } from '../errors';
import type { Logger } from '../logger';
import { routeTemplate } from './access';

/** What the log line of a refused or failed call names (set by the routes that know it). */
export interface CallLog {
  service?: string;
  hookInstance?: string;
}

export function noRoute(req: Request): never {
  throw notFound('no-route', `No route for ${req.method} ${req.path.length > 200 ? `${req.path.slice(0, 200)}...` : req.path}.`);
}

export function errorHandler(logger: Logger, bodyLimit: string) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = toHttpError(err, bodyLimit);
    const call = res.locals.call as CallLog | undefined;
    const log = {
      hookInstance: call?.hookInstance,
      service: call?.service,
      status: e.status,
      code: e.code,
      method: req.method,
      route: routeTemplate(req),
    };
    if (e.status >= 500)
      logger.error({ ...log, err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) }, 'request failed');
    // Diagnostics can echo request values (ids), so the log keeps only the code and the fields named.
    else
      logger.warn(
        {
          ...log,
          fields: e.issues
            .map((i) => i.expression)
            .filter(Boolean)
            .slice(0, 20),
        },
        'request rejected',
      );
    if (res.headersSent) return;
    res.set('Cache-Control', 'no-store');
    if (e.status === 401) res.set('WWW-Authenticate', 'Bearer');
    if (e.headers) res.set(e.headers);
    res.status(e.status).type('application/fhir+json').json(toOperationOutcome(e));
  };
}

function toHttpError(err: unknown, limit: string): HttpError {
  if (err instanceof HttpError) return err;
  const e = err as { type?: string; status?: number; message?: string };
  if (e?.type === 'entity.too.large') return payloadTooLarge(limit);
  if (e?.type === 'entity.parse.failed')
    return badRequest('malformed-json', [{ code: 'structure', diagnostics: 'The request body is not valid JSON.' }]);
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported')
    return new HttpError(415, 'unsupported-encoding', [{ code: 'not-supported', diagnostics: e.message ?? 'Unsupported body encoding.' }]);
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500)
    return new HttpError(e.status, 'client-error', [{ code: 'invalid', diagnostics: 'The request could not be read.' }]);
  return new HttpError(500, 'internal', [
    { code: 'exception', diagnostics: 'Internal error. The event was logged with the hookInstance.' },
  ]);
}
