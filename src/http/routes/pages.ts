/**
 * The pages (src/http/pages): the rule catalogue and the card preview of the example patients, open
 * like discovery; the preview of a pasted request, which evaluates anything, open only where the
 * CDS routes are (in JWT mode it needs ADMIN_TOKEN); the governance dashboard and its CSV, behind
 * ADMIN_TOKEN (a browser asks for it: HTTP Basic with the token as the password, or a Bearer
 * header); and the one stylesheet. The one form posts with a CSRF token (a SameSite=Strict cookie
 * and the same value in the form), and a POST from another site is refused.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import type { ServiceDeps } from '../../cds/service';
import { HttpError, notFound } from '../../errors';
import { adminAuthorized } from '../../governance';
import type { Statistics } from '../../store/limit';
import { cataloguePage } from '../pages/catalogue';
import { variantExamples } from '../../examples/variant-cards';
import { dashboardPage, isSortKey, rulePage, statsCsv } from '../pages/governance';
import { STYLESHEET, markdown, sendPage } from '../pages/html';
import { homePage } from '../pages/home';
import { openApiDocument } from '../openapi';
import { siteCustomisation } from '../../content/docs';
import { pastedPage, previewPage } from '../pages/preview';
import { statsFilter } from './governance';

export function pageRoutes(
  deps: ServiceDeps,
  store: Statistics,
  ready: Promise<string>,
  adminToken: string | undefined,
  bodyLimit: string,
  /** Client JWTs are required on the CDS routes: a pasted request then needs the admin token too. */
  pasteNeedsAdmin = false,
  opts: { metricsToken?: string; publicBaseUrl?: string } = {},
): Router {
  const router = Router();
  router.get('/assets/ttp-cds.css', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=3600');
    res.type('text/css').send(STYLESHEET);
  });
  // The HTTP API as OpenAPI 3.1 (src/http/openapi.ts), made once.
  let openapi: string | undefined;
  router.get('/openapi.json', (_req, res) => {
    openapi ??= JSON.stringify(openApiDocument(deps.content, deps.version, { publicBaseUrl: opts.publicBaseUrl, jwt: pasteNeedsAdmin }));
    res.type('application/json').send(openapi);
  });
  router.get('/', (_req, res) =>
    sendPage(res, 'ttp-cds', '/', homePage(deps.content, { governance: !!adminToken, metrics: !!opts.metricsToken })),
  );
  // What a site may customise, generated from the content this process runs (as docs/site-customisation.md is).
  router.get('/docs/site-customisation', (_req, res) =>
    sendPage(
      res,
      'Site customisation',
      '/docs/site-customisation',
      `<div class="doc">${markdown(siteCustomisation(deps.content).replace(/^# .*\n/, ''))}</div>`,
    ),
  );
  // The catalogue is a function of the content alone: made once, on the first request (85 ms here; the page is 0.2 MB).
  let catalogue: string | undefined;
  router.get('/catalogue', (_req, res) => {
    catalogue ??= cataloguePage(deps.content, variantExamples(deps));
    sendPage(res, 'Rule catalogue', '/catalogue', catalogue);
  });
  router.get('/catalogue/preview', async (req, res) => {
    const situation = typeof req.query.situation === 'string' ? req.query.situation : undefined;
    sendPage(res, 'Card preview', '/catalogue/preview', await previewPage(deps, situation, csrfFor(req, res), pasteNote()));
  });
  router.post('/catalogue/preview', express.urlencoded({ extended: false, limit: bodyLimit }), async (req, res) => {
    const body = (req.body ?? {}) as { request?: unknown; hook?: unknown; csrf?: unknown };
    sameSiteOnly(req, body.csrf);
    if (pasteNeedsAdmin) {
      if (!adminToken)
        throw new HttpError(403, 'preview-paste-disabled', [
          {
            code: 'security',
            diagnostics: 'Client JWTs are required (CDS_TRUSTED_CLIENTS): the pasted preview needs ADMIN_TOKEN, which is not set.',
          },
        ]);
      if (!admitted(req, res, '/catalogue/preview')) return;
    }
    const text = typeof body.request === 'string' ? body.request : '';
    sendPage(
      res,
      'Card preview',
      '/catalogue/preview',
      await pastedPage(deps, text, typeof body.hook === 'string' ? body.hook : 'patient-view', csrfFor(req, res), pasteNote()),
    );
  });

  /** What the form says about who may use it. */
  const pasteNote = () =>
    pasteNeedsAdmin
      ? adminToken
        ? 'Client JWTs are required on this deployment: evaluating a pasted request needs the governance token (ADMIN_TOKEN).'
        : 'Client JWTs are required on this deployment and ADMIN_TOKEN is not set: the pasted preview is off.'
      : undefined;

  /** The admin check for the dashboard: 404 when governance is off, 401 asking the browser for the token. */
  const admitted = (req: Request, res: Response, page = '/governance'): boolean => {
    if (!adminToken) throw notFound('governance-disabled', 'Governance is disabled (ADMIN_TOKEN is not set).');
    if (adminAuthorized(req.headers.authorization, adminToken)) return true;
    res.set('WWW-Authenticate', 'Basic realm="ttp-cds governance", charset="UTF-8"');
    sendPage(res, 'Governance', page, '<p>This page needs the governance token (ADMIN_TOKEN) as the password.</p>', 401);
    return false;
  };
  const query = (req: Request) => new URL(req.originalUrl, 'http://x').searchParams.toString();
  router.get('/governance', async (req, res) => {
    if (!admitted(req, res)) return;
    const filter = statsFilter(req);
    await ready;
    const [stats, weeks] = await Promise.all([store.ruleStats(filter), store.weeklyStats(filter)]);
    const sort = { by: isSortKey(req.query.sort) ? req.query.sort : 'rule', dir: req.query.dir === 'desc' ? 'desc' : 'asc' } as const;
    sendPage(res, 'Governance', '/governance', dashboardPage(deps.content, stats, weeks, filter, query(req), sort));
  });
  router.get('/governance/rule/:id', async (req, res) => {
    if (!admitted(req, res, '/governance')) return;
    const id = String(req.params.id);
    if (!/^TTP-[A-Z0-9-]{1,60}$/.test(id)) throw notFound('unknown-rule', 'No such rule.');
    await ready;
    const [stats, weeks] = await Promise.all([store.ruleStats({}), store.weeklyStats({})]);
    if (!deps.content.rules[id] && !stats.some((s) => s.ruleId === id))
      throw notFound('unknown-rule', `No rule ${id} in the content or the statistics.`);
    sendPage(res, id, '/governance', rulePage(deps.content, id, stats, weeks));
  });
  router.get('/governance/rules.csv', async (req, res) => {
    if (!admitted(req, res)) return;
    const filter = statsFilter(req);
    await ready;
    res.set('Cache-Control', 'no-store');
    res.set('Content-Disposition', 'attachment; filename="ttp-cds-rules.csv"');
    res.type('text/csv').send(statsCsv(await store.ruleStats(filter)));
  });
  return router;
}

const CSRF_COOKIE = 'ttp_csrf';

/** The CSRF token of this browser (its cookie, or a new one set now), to put in the form. */
function csrfFor(req: Request, res: Response): string {
  const have = cookie(req, CSRF_COOKIE);
  if (have && /^[0-9a-f]{32}$/.test(have)) return have;
  const token = randomBytes(16).toString('hex');
  res.append('Set-Cookie', `${CSRF_COOKIE}=${token}; Path=/catalogue; HttpOnly; SameSite=Strict${req.secure ? '; Secure' : ''}`);
  return token;
}

function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * A form POST from this site only: refused when the browser says it came from another site
 * (Sec-Fetch-Site, Origin), or when its CSRF token is not the one of its cookie.
 */
function sameSiteOnly(req: Request, token: unknown): void {
  const refuse = (why: string) => {
    throw new HttpError(403, 'cross-site-refused', [{ code: 'security', diagnostics: why }]);
  };
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none')
    refuse(`A form post from another site (Sec-Fetch-Site: ${site.slice(0, 20)}) is refused.`);
  const origin = req.headers.origin;
  if (typeof origin === 'string' && origin !== 'null') {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (host !== req.headers.host) refuse('A form post from another origin is refused.');
  }
  // "Origin: null" is what a browser sends from these very pages (their Referrer-Policy is no-referrer):
  // it says nothing, and the SameSite=Strict cookie with its token in the form decides.
  const expected = cookie(req, CSRF_COOKIE);
  const a = Buffer.from(typeof token === 'string' ? token : '');
  const b = Buffer.from(expected ?? '');
  if (!expected || a.length !== b.length || !timingSafeEqual(a, b))
    refuse('The form has no valid CSRF token (it expired, or it was not sent from this page): reload the preview and send it again.');
}
