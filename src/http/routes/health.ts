/**
 * Liveness and readiness, for a load balancer or an orchestrator (no patient data):
 * - `/healthz`: the process answers (a restart would not help otherwise);
 * - `/readyz`: the content is loaded and checked (it is, or the process would not have started) and
 *   the store answers a query within a second; 503 when it does not, so that traffic goes elsewhere.
 */
import { Router } from 'express';
import type { Store } from '../../store';
import type { CardRecorder } from '../../store/recorder';

export function healthRoutes(info: () => Record<string, unknown>, store: Store, recorder: () => CardRecorder | undefined): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', ...info() });
  });
  router.get('/readyz', async (_req, res) => {
    const rec = recorder();
    const records = rec ? { pendingCardRecords: rec.pending, droppedCardRecords: rec.dropped } : {};
    try {
      await Promise.race([
        store.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 1000 ms')), 1000).unref()),
      ]);
      res.json({ status: 'ready', store: store.kind, ...records });
    } catch (e) {
      res
        .status(503)
        .json({ status: 'not ready', store: store.kind, reason: `the store does not answer (${(e as Error).message})`, ...records });
    }
  });
  return router;
}
