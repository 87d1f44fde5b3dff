/**
 * The pages (src/http/pages): the rule catalogue and the card preview, open like discovery; the
 * governance dashboard and its CSV, behind ADMIN_TOKEN (a browser asks for it: HTTP Basic with the
 * token as the password, or a Bearer header); and the one stylesheet.
 */
import express, { Router, type Request, type Response } from 'express';
import type { ServiceDeps } from '../../cds/service';
import { notFound } from '../../errors';
import { adminAuthorized } from '../../governance';
import type { Store } from '../../store';
import { cataloguePage } from '../pages/catalogue';
import { dashboardPage, statsCsv } from '../pages/governance';
import { STYLESHEET, sendPage } from '../pages/html';
import { pastedPage, previewPage } from '../pages/preview';
import { statsFilter } from './governance';

export function pageRoutes(
  deps: ServiceDeps,
  store: Store,
  ready: Promise<string>,
  adminToken: string | undefined,
  bodyLimit: string,
): Router {
  const router = Router();
  router.get('/assets/ttp-cds.css', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=3600');
    res.type('text/css').send(STYLESHEET);
  });
  router.get('/catalogue', (_req, res) => sendPage(res, 'Rule catalogue', '/catalogue', cataloguePage(deps.content)));
  router.get('/catalogue/preview', async (req, res) => {
    const situation = typeof req.query.situation === 'string' ? req.query.situation : undefined;
    sendPage(res, 'Card preview', '/catalogue/preview', await previewPage(deps, situation));
  });
  router.post('/catalogue/preview', express.urlencoded({ extended: false, limit: bodyLimit }), async (req, res) => {
    const body = (req.body ?? {}) as { request?: unknown; hook?: unknown };
    const text = typeof body.request === 'string' ? body.request : '';
    sendPage(
      res,
      'Card preview',
      '/catalogue/preview',
      await pastedPage(deps, text, typeof body.hook === 'string' ? body.hook : 'patient-view'),
    );
  });

  /** The admin check for the dashboard: 404 when governance is off, 401 asking the browser for the token. */
  const admitted = (req: Request, res: Response): boolean => {
    if (!adminToken) throw notFound('governance-disabled', 'Governance is disabled (ADMIN_TOKEN is not set).');
    if (adminAuthorized(req.headers.authorization, adminToken)) return true;
    res.set('WWW-Authenticate', 'Basic realm="ttp-cds governance", charset="UTF-8"');
    sendPage(res, 'Governance', '/governance', '<p>The dashboard needs the governance token (ADMIN_TOKEN) as the password.</p>', 401);
    return false;
  };
  const query = (req: Request) => new URL(req.originalUrl, 'http://x').searchParams.toString();
  router.get('/governance', async (req, res) => {
    if (!admitted(req, res)) return;
    const filter = statsFilter(req);
    await ready;
    const [stats, weeks] = await Promise.all([store.ruleStats(filter), store.weeklyStats(filter)]);
    sendPage(res, 'Governance', '/governance', dashboardPage(deps.content, stats, weeks, filter, query(req)));
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
