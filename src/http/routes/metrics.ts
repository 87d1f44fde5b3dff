/** GET /metrics (Prometheus text format), behind METRICS_TOKEN; 404 without it (see ../metrics.ts for why). */
import { Router, type Request, type Response } from 'express';
import { notFound, unauthorized } from '../../errors';
import { adminAuthorized } from '../../governance';
import type { Metrics } from '../metrics';

export function metricsRoutes(metrics: Metrics, token: string | undefined): Router {
  const router = Router();
  router.get('/metrics', async (req: Request, res: Response) => {
    if (!token) throw notFound('metrics-disabled', 'Metrics are off (METRICS_TOKEN is not set).');
    if (!adminAuthorized(req.headers.authorization, token)) throw unauthorized('metrics-token', 'bad or missing metrics token');
    res.set('Content-Type', metrics.registry.contentType);
    res.set('Cache-Control', 'no-store');
    res.send(await metrics.registry.metrics());
  });
  return router;
}
