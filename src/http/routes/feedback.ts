/** Feedback (CDS Hooks 2.0 "Feedback"): about cards this service issued, acknowledged only once committed. */
import { Router, type Request, type Response } from 'express';
import type { ServiceDeps } from '../../cds/service';
import { HttpError, badRequest, notFound } from '../../errors';
import { feedbackProblems, parseFeedback } from '../../governance';
import type { Logger } from '../../logger';
import type { Store } from '../../store';
import { withDeadline } from '../../store/deadline';
import type { IssuedCard } from '../../store/types';
import type { RatePerClient } from '../rate';

export interface FeedbackOptions {
  /** Told of each store failure (for the metrics). */
  onStoreError?: () => void;
  /** How long the store may take (the lookup of the cards, then the write) before the answer is 503. */
  deadlineMs?: number;
  /** Cards issued whose records still wait to be written (they are valid targets of feedback). */
  queued?: (cardUuids: ReadonlySet<string>) => IssuedCard[];
  /** Feedback items per client per minute. */
  rate?: RatePerClient;
}

export function feedbackRoutes(
  deps: ServiceDeps,
  store: Store,
  ready: Promise<string>,
  logger: Logger,
  opts: FeedbackOptions = {},
): Router {
  const { onStoreError = () => undefined, deadlineMs = 200, queued = () => [], rate } = opts;
  const router = Router();
  router.post('/cds-services/:id/feedback', async (req: Request, res: Response) => {
    const id = String(req.params.id);
    if (!deps.registry.get(id)) throw notFound('unknown-service', `No CDS service with id ${id}.`);
    const items = parseFeedback(id, req.body, deps.clock());
    // A client is its JWT issuer when tokens are required, else its address (behind one proxy, one client).
    const client = typeof res.locals.iss === 'string' ? `iss:${res.locals.iss}` : `ip:${req.ip ?? req.socket.remoteAddress ?? '?'}`;
    const wait = rate?.take(client, items.length) ?? 0;
    if (wait > 0)
      throw new HttpError(429, 'feedback-rate', [
        {
          code: 'transient',
          diagnostics: `More than ${rate!.perMinute} feedback items a minute from this client; retry in ${wait} s.`,
        },
      ]).with({ 'Retry-After': String(wait) });
    let issued: Map<string, IssuedCard>;
    try {
      await withDeadline(ready, deadlineMs, 'store start');
      const ids = [...new Set(items.map((f) => f.cardUuid))];
      const found = await withDeadline(store.issuedCards(ids), deadlineMs, 'feedback lookup');
      issued = new Map(found.map((c) => [c.cardUuid, c]));
      for (const c of queued(new Set(ids))) if (!issued.has(c.cardUuid)) issued.set(c.cardUuid, c);
    } catch (e) {
      throw unavailable(e);
    }
    const problems = feedbackProblems(items, issued, deps.content);
    if (problems.length) throw badRequest('feedback-not-accepted', problems);
    try {
      // Acknowledged only once committed, and never waited on for longer than the deadline: a late
      // commit is harmless, the client retries and the write is idempotent.
      const r = await withDeadline(store.recordFeedback(items), deadlineMs, 'feedback');
      logger.info({ service: id, items: items.length, stored: r.stored, duplicates: r.duplicates }, 'feedback');
    } catch (e) {
      throw unavailable(e);
    }
    // Acknowledged only once committed (CDS Hooks: 200, no body needed).
    res.status(200).end();

    function unavailable(e: unknown): HttpError {
      onStoreError();
      logger.error({ service: id, err: (e as Error).message }, 'feedback not stored');
      return new HttpError(503, 'store-unavailable', [{ code: 'transient', diagnostics: 'Feedback could not be stored; retry later.' }]);
    }
  });
  return router;
}
