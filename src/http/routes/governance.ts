/** Rule statistics for the governance committee (behind ADMIN_TOKEN): fired, accepted, overridden, reasons. */
import { Router, type Request, type Response } from 'express';
import type { Content } from '../../content';
import { notFound, unauthorized } from '../../errors';
import { adminAuthorized } from '../../governance';
import type { Store } from '../../store';

export function governanceRoutes(content: Content, store: Store, ready: Promise<string>, adminToken: string | undefined): Router {
  const router = Router();
  router.get('/governance/rules', async (req: Request, res: Response) => {
    if (!adminToken) throw notFound('governance-disabled', 'Governance is disabled (ADMIN_TOKEN is not set).');
    if (!adminAuthorized(req.headers.authorization, adminToken)) throw unauthorized('admin-token', 'bad or missing admin token');
    await ready;
    const stats = await store.ruleStats();
    // Every rule of the current content, with zeros where nothing fired yet; older versions kept.
    const rules = Object.values(content.rules).map(
      (c) =>
        stats.find((s) => s.ruleId === c.id && s.ruleVersion === c.version) ?? {
          ruleId: c.id,
          ruleVersion: c.version,
          fired: 0,
          accepted: 0,
          overridden: 0,
          overrideReasons: {},
        },
    );
    for (const s of stats) if (!rules.includes(s)) rules.push(s);
    res.json({ rules });
  });
  return router;
}
