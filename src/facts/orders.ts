/** Service requests (TPE, ADAMTS13, smear orders) as facts, with any status: the rules decide which count. */
import { type AnyResource, concepts, conceptText, obj, periodEnd, periodStart, refOf, str } from '../fhir/read';
import { parseTime } from '../fhir/time';
import type { OrderFact } from './types';
import type { Tools } from './tools';

export function extractServiceRequests(resources: readonly AnyResource[], vsId: string, t: Tools): OrderFact[] {
  const out: OrderFact[] = [];
  for (const r of resources) {
    if (r.resourceType !== 'ServiceRequest') continue;
    const status = typeof r.status === 'string' ? r.status : 'unknown';
    if (status === 'entered-in-error') continue;
    const m = t.terminology.match(vsId, r.code);
    if (!m) continue;
    const meta = obj(r.meta);
    out.push({
      ref: refOf(r),
      resourceType: 'ServiceRequest',
      status,
      intent: str(r.intent),
      time: parseTime(r.authoredOn) ?? parseTime(r.occurrenceDateTime) ?? periodStart(r.occurrencePeriod),
      end: periodEnd(r.occurrencePeriod) ?? (status === 'revoked' || status === 'completed' ? parseTime(meta?.lastUpdated) : undefined),
      by: m.by,
      display: conceptText(concepts(r.code)[0] ?? {}) || 'ServiceRequest',
    });
  }
  return out;
}
