/** The client-JWT check on every CDS endpoint (CDS Hooks 2.0 "Trusting CDS Clients"). */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { JwtVerifier } from '../auth/jwt';
import { HttpError, unauthorized } from '../errors';
import type { Logger } from '../logger';
import { routeTemplate } from './access';

/** The audience a token must name is the URL called: PUBLIC_BASE_URL plus the path. */
export function requireClientJwt(
  verifier: JwtVerifier,
  publicBaseUrl: string,
  logger: Logger,
  metrics?: { refused: (reason: string) => void; storeError: () => void },
): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const audience = `${publicBaseUrl}${req.baseUrl}${req.path === '/' ? '' : req.path}`;
    const r = await verifier.verify(req.headers.authorization, audience);
    if (r.ok) {
      res.locals.iss = r.iss;
      if (r.replayUnchecked) metrics?.storeError();
      if (r.replayUnchecked)
        logger.error(
          { route: routeTemplate(req), iss: r.iss, err: r.replayUnchecked },
          'client JWT accepted without the replay check (store unavailable)',
        );
      return next();
    }
    metrics?.refused(r.reason);
    if (r.unavailable) {
      metrics?.storeError();
      logger.error(
        { reqId: res.locals.requestId as string, route: routeTemplate(req), reason: r.reason },
        'client JWT refused: replay check unavailable',
      );
      return next(
        new HttpError(503, 'replay-check-unavailable', [
          {
            code: 'transient',
            diagnostics: 'The token could not be checked against replays (the store does not answer) and JWT_REPLAY_CHECK=required; retry.',
          },
        ]),
      );
    }
    logger.warn({ reqId: res.locals.requestId as string, route: routeTemplate(req), reason: r.reason }, 'client JWT rejected');
    next(unauthorized('jwt-rejected', r.reason));
  };
}
