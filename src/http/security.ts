/**
 * Headers for a JSON API (OWASP REST cheat sheet), and CORS for CDS clients that run in a browser.
 */
import cors from 'cors';
import helmet from 'helmet';
import type { RequestHandler } from 'express';
import type { Logger } from '../logger';
import { HttpError } from '../errors';

/**
 * nosniff, no framing, no referrer, HSTS behind TLS, and a CSP that forbids everything should a
 * response ever be rendered. The headers that only steer HTML documents (DNS prefetch, download
 * options, Flash policies, the legacy XSS filter, COOP, origin-agent-cluster) are left out.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginOpenerPolicy: false,
    originAgentCluster: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
    xFrameOptions: { action: 'deny' },
  });
}

/**
 * CDS clients in a browser (the public sandbox, SMART-embedded EHRs) call with an Authorization
 * header, so the preflight must allow it. No cookies are used, so no credentials mode.
 */
export function corsPolicy(origins: string[] | '*', logger?: Logger, onRefused?: () => void): RequestHandler {
  const allowed = origins === '*' ? undefined : new Set(origins);
  // A refused origin is logged once (at most 100 distinct ones), so that a misconfigured CORS_ORIGINS
  // shows in the log without a browser flooding it.
  const told = new Set<string>();
  const refuse = (origin: string) => {
    onRefused?.();
    if (!told.has(origin) && told.size < 100) {
      told.add(origin);
      logger?.warn({ origin: origin.slice(0, 200) }, 'CORS: origin not in CORS_ORIGINS; the browser will refuse the answer');
    }
  };
  const policy = cors({
    origin: (origin, done) => {
      if (!origin || !allowed || allowed.has(origin)) return done(null, allowed ? origin : '*');
      refuse(origin);
      done(null, false);
    },
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type'],
    maxAge: 600,
  });
  return (req, res, next) => {
    // A preflight from an origin not allowed is a CORS refusal (403 naming CORS_ORIGINS), not a token
    // problem: without this it fell through to the JWT check and got 401.
    const origin = req.headers.origin;
    if (req.method === 'OPTIONS' && origin && allowed && !allowed.has(origin) && req.headers['access-control-request-method']) {
      refuse(origin);
      next(
        new HttpError(403, 'cors-origin-refused', [
          {
            code: 'security',
            diagnostics: 'This origin is not allowed: the service answers browsers only from the origins in CORS_ORIGINS.',
          },
        ]),
      );
      return;
    }
    policy(req, res, next);
  };
}
