/** Liveness: the process answers, with what it runs (no patient data). */
import { Router } from 'express';

export function healthRoutes(info: () => Record<string, unknown>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', ...info() });
  });
  return router;
}
