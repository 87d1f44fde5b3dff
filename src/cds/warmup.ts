/**
 * Start-up warm-up: before the port opens, every service answers one synthetic call (a made-up
 * patient on TPE day 5 without response, built from the content's own codes and units). Nothing is
 * stored or logged as a call. The first clinician after a deploy then does not pay for lazy
 * initialisation (unit factors, compiled schemas and regular expressions, first JIT tiers), and a
 * content or engine fault shows at start-up rather than on a patient's chart.
 */
import type { Content } from '../content';
import type { AnyResource } from '../fhir/read';
import { DAY } from '../facts/clock';
import { type CallMeta, type ServiceDeps, callService } from './service';

const PATIENT = 'warm-up';

function coding(content: Content, vsId: string): { system: string; code: string } {
  const c = content.terminology.valueSets[vsId]?.codes[0];
  if (!c) throw new Error(`warm-up: value set ${vsId} has no verified code`);
  return { system: content.terminology.systems[c.system] ?? c.system, code: c.code };
}

function records(content: Content, now: number): AnyResource[] {
  const subject = { reference: `Patient/${PATIENT}` };
  const iso = (t: number) => new Date(t).toISOString();
  const day1 = now - 4 * DAY - 6 * 3_600_000;
  const out: AnyResource[] = [
    { resourceType: 'Patient', id: PATIENT, birthDate: '1980-01-01' },
    { resourceType: 'Condition', id: 'wu-c', subject, clinicalStatus: 'active', code: { coding: [coding(content, 'VS-ITTP')] }, onsetDateTime: iso(day1 - DAY) },
  ];
  const labs: [string, string, number][] = [
    ['platelets', 'VS-PLT', 15],
    ['ldh', 'VS-LDH', 1300],
    ['hemoglobin', 'VS-HB', 8.2],
  ];
  for (let d = 0; d < 5; d++) {
    const t = day1 + d * DAY;
    out.push({ resourceType: 'Procedure', id: `wu-p${d}`, subject, status: 'completed', code: { coding: [coding(content, 'VS-TPE')] }, performedDateTime: iso(t + 3_600_000) });
    for (const [analyte, vs, value] of labs) {
      const unit = content.units.analytes[analyte]!.unit;
      out.push({
        resourceType: 'Observation',
        id: `wu-${analyte}-${d}`,
        subject,
        status: 'final',
        code: { coding: [coding(content, vs)] },
        effectiveDateTime: iso(t),
        valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
      });
    }
  }
  return out;
}

function request(serviceId: string, deps: ServiceDeps, now: number): Record<string, unknown> {
  const entry = deps.registry.get(serviceId)!;
  const all = records(deps.content, now);
  const prefetch: Record<string, unknown> = {};
  for (const key of entry.keys) {
    const types = deps.content.data[key]!.resourceTypes;
    const matching = all.filter((r) => types.includes(r.resourceType));
    prefetch[key] =
      key === 'patient' ? (matching[0] ?? null) : matching.length ? { resourceType: 'Bundle', type: 'searchset', entry: matching.map((resource) => ({ resource })) } : null;
  }
  const context: Record<string, unknown> = { patientId: PATIENT, userId: 'Practitioner/warm-up' };
  if (entry.def.hook !== 'patient-view') {
    const draft = { resourceType: 'ServiceRequest', id: 'wu-draft', status: 'draft', intent: 'order', subject: { reference: `Patient/${PATIENT}` }, code: { coding: [coding(deps.content, 'VS-PLTX')] } };
    context.draftOrders = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: draft }] };
    if (entry.def.hook === 'order-select') context.selections = ['ServiceRequest/wu-draft'];
  }
  return { hook: entry.def.hook, hookInstance: `warm-up-${serviceId}`, context, prefetch };
}

/** Runs each service a few times on the synthetic call; returns the cards of the last round, by service. */
export async function warmUp(deps: ServiceDeps, rounds = 3): Promise<Record<string, number>> {
  const cards: Record<string, number> = {};
  for (let i = 0; i < rounds; i++) {
    for (const id of deps.registry.services.keys()) {
      const meta: CallMeta = { service: id, hook: '', rules: [], indicators: [], keys: {} };
      // The body is rebuilt each time: the service reads it as a freshly parsed request.
      const r = await callService(id, JSON.parse(JSON.stringify(request(id, deps, deps.clock()))), deps, meta);
      cards[id] = r.cards.length;
    }
  }
  return cards;
}
