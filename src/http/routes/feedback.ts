/** Feedback (CDS Hooks 2.0 "Feedback"): acknowledged only once committed. */
import { Router, type Request, type Response } from 'express';
import type { ServiceDeps } from '../../cds/service';
import { HttpError, notFound } from '../../errors';
import { parseFeedback } from '../../governance';
import type { Logger } from '../../logger';
import type { Store } from '../../store';

export function feedbackRoutes(
  deps: ServiceDeps,
  store: Store,
  ready: Promise<string>,
  logger: Logger,
  onStoreError: () => void = () => undefined,
): Router {
  const router = Router();
  router.post('/cds-services/:id/feedback', async (req: Request, res: Response) => {
    const id = String(req.params.id);
    if (!deps.registry.get(id)) throw notFound('unknown-service', `No CDS service with id ${id}.`);
    const items = parseFeedback(id, req.body, deps.clock());
    try {
      await ready;
      const r = await store.recordFeedback(items);
      logger.info({ service: id, items: items.length, stored: r.stored, duplicates: r.duplicates }, 'feedback');
    } catch (e) {
      onStoreError();
      logger.error({ service: id, err: (e as Error).message }, 'feedback not stored');
      throw new HttpError(503, 'store-unavailable', [{ code: 'transient', diagnostics: 'Feedback could not be stored; retry later.' }]);
    }
    // Acknowledged only once committed (CDS Hooks: 200, no body needed).
    res.status(200).end();
  });
  return router;
}
