/** Rule statistics for the governance committee (behind ADMIN_TOKEN): fired, accepted, overridden, reasons. */
import { Router, type Request, type Response } from 'express';
import type { Content } from '../../content';
import { badRequest, notFound, unauthorized } from '../../errors';
import type { StatsFilter } from '../../store/types';
import { adminAuthorized } from '../../governance';
import type { Statistics } from '../../store/limit';

/** The statistics filter from the query string (service, from, to as dates or instants), validated. */
export function statsFilter(req: Request): StatsFilter {
  const q = req.query as Record<string, unknown>;
  const out: StatsFilter = {};
  const date = (name: string) => {
    const v = q[name];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/.test(v) || Number.isNaN(Date.parse(v)))
      throw badRequest('bad-filter', [{ code: 'value', diagnostics: `${name} must be a date (YYYY-MM-DD)`, expression: name }]);
    return v.length === 10 ? `${v}T00:00:00.000Z` : v;
  };
  if (typeof q.service === 'string' && q.service !== '') {
    if (!/^[a-z0-9-]{1,64}$/.test(q.service))
      throw badRequest('bad-filter', [{ code: 'value', diagnostics: 'service is not a service id', expression: 'service' }]);
    out.service = q.service;
  }
  out.from = date('from');
  out.to = date('to');
  return out;
}

export function governanceRoutes(content: Content, store: Statistics, ready: Promise<string>, adminToken: string | undefined): Router {
  const router = Router();
  router.get('/governance/rules', async (req: Request, res: Response) => {
    if (!adminToken) throw notFound('governance-disabled', 'Governance is disabled (ADMIN_TOKEN is not set).');
    if (!adminAuthorized(req.headers.authorization, adminToken)) throw unauthorized('admin-token', 'bad or missing admin token');
    await ready;
    const stats = await store.ruleStats(statsFilter(req));
    // Every rule of the current content, with zeros where nothing fired yet; older versions kept.
    const rules = Object.values(content.rules).map(
      (c) =>
        stats.find((s) => s.ruleId === c.id && s.ruleVersion === c.version) ?? {
          ruleId: c.id,
          ruleVersion: c.version,
          fired: 0,
          silent: 0,
          accepted: 0,
          overridden: 0,
          noResponse: 0,
          revised: 0,
          overrideReasons: {},
        },
    );
    for (const s of stats) if (!rules.includes(s)) rules.push(s);
    res.json({ rules });
  });
  return router;
}
