/** Service requests (TPE, ADAMTS13, smear orders) as facts, with any status: the rules decide which count. */
import { type AnyResource, concepts, conceptText, periodEnd, periodStart, refOf, str } from '../fhir/read';
import { parseTime } from '../fhir/time';
import type { OrderFact } from './types';
import type { Tools } from './tools';
import { type Unreadable, statusProblem } from './unreadable';

/**
 * The service requests of a value set. The end of an order is its `occurrencePeriod.end`, never
 * `meta.lastUpdated` (server bookkeeping, G4). One whose status cannot be read is an unknown.
 */
export function extractServiceRequests(
  resources: readonly AnyResource[],
  vsId: string,
  concept: string,
  t: Tools,
  unreadable: Unreadable[],
): OrderFact[] {
  const out: OrderFact[] = [];
  for (const r of resources) {
    if (r.resourceType !== 'ServiceRequest' || r.status === 'entered-in-error') continue;
    const m = t.terminology.match(vsId, r.code);
    if (!m) continue;
    const why = statusProblem('ServiceRequest', r.status);
    if (why) {
      unreadable.push({ ref: refOf(r), key: 'serviceRequests', concept, why });
      continue;
    }
    out.push({
      ref: refOf(r),
      resourceType: 'ServiceRequest',
      status: r.status as string,
      intent: str(r.intent),
      time: parseTime(r.authoredOn) ?? parseTime(r.occurrenceDateTime) ?? periodStart(r.occurrencePeriod),
      end: periodEnd(r.occurrencePeriod),
      by: m.by,
      display: conceptText(concepts(r.code)[0] ?? {}) || 'ServiceRequest',
    });
  }
  return out;
}
