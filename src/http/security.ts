/**
 * Headers for a JSON API (OWASP REST cheat sheet), and CORS for CDS clients that run in a browser.
 */
import cors from 'cors';
import helmet from 'helmet';
import type { RequestHandler } from 'express';

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
export function corsPolicy(origins: string[] | '*'): RequestHandler {
  return cors({
    origin: origins === '*' ? '*' : origins,
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type'],
    maxAge: 600,
  });
}
