/** Discovery and the service calls (CDS Hooks 2.0 "Discovery" and "Calling a CDS Service"). */
import { Router, type Request, type Response } from 'express';
import type { ServiceDeps } from '../../cds/service';
import { callService, hookInstanceOf } from '../../cds/service';
import { cardRecords, patientHash } from '../../governance';
import type { Logger } from '../../logger';
import type { CardRecorder } from '../../store/recorder';
import type { CallLog } from '../errors';
import type { Metrics } from '../metrics';

/** Card records that wait for a store that has not answered since start (about 300 bytes each): at most this many. */
const MAX_WAITING_FOR_SALT = 10_000;

export function cdsRoutes(deps: ServiceDeps, recorder: CardRecorder, ready: Promise<string>, logger: Logger, metrics: Metrics): Router {
  const router = Router();
  // The salt of patient hashes comes from the store once it answers; until then, records wait for it
  // (bounded), the answers never do.
  let salt: string | undefined;
  ready.then((s) => (salt = s)).catch(() => undefined);
  let waiting = 0;
  router.get('/cds-services', (_req, res) => {
    res.json(deps.registry.discovery(deps.version));
  });
  router.post('/cds-services/:id', async (req: Request, res: Response) => {
    const started = process.hrtime.bigint();
    // Labels hold known service ids only (a URL can hold anything).
    const service = deps.registry.get(String(req.params.id)) ? String(req.params.id) : 'unknown';
    res.once('finish', () => {
      metrics.calls.inc({ service, status: String(res.statusCode) });
      metrics.callSeconds.observe({ service }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    // Guidance about one patient: never stored by a cache on the way.
    res.set('Cache-Control', 'no-store');
    res.locals.call = { service, hookInstance: hookInstanceOf(req.body) } satisfies CallLog;
    const { response, meta } = await callService(String(req.params.id), req.body, deps);
    for (const c of response.cards)
      metrics.cards.inc({
        rule: c.source.topic.code,
        version: deps.content.rules[c.source.topic.code]?.version ?? 'unknown',
        indicator: c.indicator,
      });
    const silent = meta.silentCards ?? [];
    if (response.cards.length || silent.length) {
      // Recorded before answering, so feedback finds its card. A store that fails or is slow never
      // withholds clinical guidance: the records wait in the recorder's queue and are retried.
      const now = deps.clock();
      const rows = (s: string) => {
        const base = {
          hookInstance: meta.hookInstance ?? 'unknown',
          service: meta.service,
          patientHash: patientHash(s, meta.patientId!),
          now,
        };
        return [
          ...cardRecords(response.cards, base, deps.content),
          ...cardRecords(silent, base, deps.content).map((r) => ({ ...r, silent: true })),
        ];
      };
      const n = response.cards.length + silent.length;
      if (salt !== undefined) await recorder.record(rows(salt));
      else if (waiting + n <= MAX_WAITING_FOR_SALT) {
        waiting += n;
        void ready
          .then((s) => recorder.record(rows(s)))
          .catch((e) => logger.error({ hookInstance: meta.hookInstance, err: (e as Error).message }, 'cards not recorded'))
          .finally(() => (waiting -= n));
      } else {
        recorder.dropped += n;
        logger.error({ hookInstance: meta.hookInstance, cards: n }, 'cards not recorded: the store has not answered since start');
      }
    }
    res.json(response);
    logger.info(
      {
        reqId: res.locals.requestId as string,
        hookInstance: meta.hookInstance,
        service: meta.service,
        hook: meta.hook,
        status: 200,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
        rules: meta.rules,
        indicators: meta.indicators,
        silentRules: silent.length ? silent.map((c) => c.source.topic.code) : undefined,
        gate: meta.gate,
        prefetch: meta.keys,
      },
      'cds call',
    );
  });
  return router;
}
