/** Feedback (CDS Hooks 2.0 "Feedback"): acknowledged only once committed. */
import { Router, type Request, type Response } from 'express';
import type { ServiceDeps } from '../../cds/service';
import { HttpError, notFound } from '../../errors';
import { parseFeedback } from '../../governance';
import type { Logger } from '../../logger';
import type { Store } from '../../store';
import { withDeadline } from '../../store/deadline';

export function feedbackRoutes(
  deps: ServiceDeps,
  store: Store,
  ready: Promise<string>,
  logger: Logger,
  onStoreError: () => void = () => undefined,
  deadlineMs = 200,
): Router {
  const router = Router();
  router.post('/cds-services/:id/feedback', async (req: Request, res: Response) => {
    const id = String(req.params.id);
    if (!deps.registry.get(id)) throw notFound('unknown-service', `No CDS service with id ${id}.`);
    const items = parseFeedback(id, req.body, deps.clock());
    try {
      // Acknowledged only once committed, and never waited on for longer than the deadline: a late
      // commit is harmless, the client retries and the write is idempotent.
      await withDeadline(ready, deadlineMs, 'store start');
      const r = await withDeadline(store.recordFeedback(items), deadlineMs, 'feedback');
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
