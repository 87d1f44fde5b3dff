/**
 * Start-up warm-up: before the port opens, every service answers synthetic calls (a made-up
 * patient on TPE day 5 without response, built from the content's own codes and units, with every
 * kind of data the rules read). Nothing is stored or logged as a call. Then one call per service
 * goes through the HTTP app on a loopback port of its own (warmUpHttp), or, when client JWTs are
 * required, the verifier checks its keys instead (warmUpApp). The first clinician after
 * a deploy then does not pay for lazy initialisation (unit factors, compiled schemas and regular
 * expressions, first JIT tiers, the first body read): measured with curl on a 30-day record, the
 * first call after start took 6-12 ms instead of 22-28 ms. A content or engine fault shows at
 * start-up rather than on a patient's chart.
 */
import { type RequestListener, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '../app';
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

/** Plausible values in each analyte's rule unit (an analyte not listed gets 1). */
const VALUES: Record<string, number> = { platelets: 15, ldh: 1300, hemoglobin: 8.2, creatinine: 1.1, troponin: 12, adamts13: 4, height: 172, weight: 81 };

/**
 * Every kind of data the rules read, so that the first real call finds each extractor, value-set
 * matcher (code and text: a text-only lab and a text-only drug run every text pattern once) and
 * unit factor used before: daily platelets, LDH and Hb with a TPE session each day; one value of
 * every other analyte; rituximab (coded) and prednisone (text only) ordered and given; TPE and
 * ADAMTS13 orders. Still a non-responder without caplacizumab on day 5.
 */
function records(content: Content, now: number): AnyResource[] {
  const subject = { reference: `Patient/${PATIENT}` };
  const iso = (t: number) => new Date(t).toISOString();
  const day1 = now - 4 * DAY - 6 * 3_600_000;
  const out: AnyResource[] = [
    { resourceType: 'Patient', id: PATIENT, birthDate: '1980-01-01' },
    { resourceType: 'Condition', id: 'wu-c', subject, clinicalStatus: 'active', code: { coding: [coding(content, 'VS-ITTP')] }, onsetDateTime: iso(day1 - DAY) },
  ];
  const quantity = (analyte: string, value: number) => {
    const unit = content.units.analytes[analyte]!.unit;
    return { value, unit, system: 'http://unitsofmeasure.org', code: unit };
  };
  const observation = (id: string, code: object, at: number, value: object): AnyResource => ({ resourceType: 'Observation', id, subject, status: 'final', code, effectiveDateTime: iso(at), ...value });
  const daily = ['platelets', 'ldh', 'hemoglobin'];
  for (let d = 0; d < 5; d++) {
    const t = day1 + d * DAY;
    out.push({ resourceType: 'Procedure', id: `wu-p${d}`, subject, status: 'completed', code: { coding: [coding(content, 'VS-TPE')] }, performedDateTime: iso(t + 3_600_000) });
    for (const analyte of daily)
      out.push(observation(`wu-${analyte}-${d}`, { coding: [coding(content, content.units.analytes[analyte]!.valueSet)] }, t, { valueQuantity: quantity(analyte, VALUES[analyte]!) }));
  }
  const today = day1 + 4 * DAY;
  for (const [analyte, def] of Object.entries(content.units.analytes)) {
    if (daily.includes(analyte)) continue;
    const vs = content.terminology.valueSets[def.valueSet];
    // By code where the value set has one, else by the text its patterns read (ADAMTS13 inhibitor).
    const code = vs?.codes.length ? { coding: [coding(content, def.valueSet)] } : { text: analyte === 'adamts13Inhibitor' ? 'ADAMTS13 inhibitor' : analyte };
    const value = def.anyUnit ? { valueString: 'schistocytes present' } : { valueQuantity: quantity(analyte, VALUES[analyte] ?? 1) };
    out.push(observation(`wu-${analyte}`, code, today, value));
  }
  const rtx = { coding: [coding(content, 'VS-RTX')] };
  const prednisone = { text: 'prednisone 60 mg tablet' };
  const iv = { coding: [{ system: 'http://snomed.info/sct', code: '47625008', display: 'Intravenous route' }] };
  out.push(
    { resourceType: 'MedicationRequest', id: 'wu-rtx', subject, status: 'active', intent: 'order', medicationCodeableConcept: rtx, authoredOn: iso(day1 + DAY), dosageInstruction: [{ route: iv, timing: { repeat: { frequency: 1, period: 1, periodUnit: 'wk', count: 4 } }, doseAndRate: [{ doseQuantity: { value: 700, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } }] }] },
    { resourceType: 'MedicationAdministration', id: 'wu-rtx-1', subject, status: 'completed', medicationCodeableConcept: rtx, effectiveDateTime: iso(day1 + DAY), dosage: { dose: { value: 700, unit: 'mg' } } },
    { resourceType: 'MedicationRequest', id: 'wu-pred', subject, status: 'active', intent: 'order', medicationCodeableConcept: prednisone, authoredOn: iso(day1), dosageInstruction: [{ text: '60 mg by mouth once daily', route: { text: 'oral' }, doseAndRate: [{ doseQuantity: { value: 60, unit: 'mg' } }] }] },
    { resourceType: 'MedicationAdministration', id: 'wu-pred-1', subject, status: 'completed', medicationCodeableConcept: prednisone, effectiveDateTime: iso(day1 + 3_600_000) },
    { resourceType: 'ServiceRequest', id: 'wu-sr-tpe', subject, status: 'active', intent: 'order', code: { coding: [coding(content, 'VS-TPE')] }, authoredOn: iso(day1) },
    { resourceType: 'ServiceRequest', id: 'wu-sr-a13', subject, status: 'completed', intent: 'order', code: { coding: [coding(content, 'VS-A13ACT')] }, authoredOn: iso(day1) },
  );
  return out;
}

/** A draft ServiceRequest for the order hooks' synthetic calls. */
function draftServiceRequest(code: object): Record<string, unknown> {
  return { resourceType: 'ServiceRequest', id: 'wu-draft', status: 'draft', intent: 'order', subject: { reference: `Patient/${PATIENT}` }, code };
}

/** The context of a synthetic call: the order hooks get the drafts, and order-select selects the first. */
function syntheticContext(hook: string, drafts: Record<string, unknown>[]): Record<string, unknown> {
  const context: Record<string, unknown> = { patientId: PATIENT, userId: 'Practitioner/warm-up' };
  if (hook === 'patient-view') return context;
  context.draftOrders = { resourceType: 'Bundle', type: 'collection', entry: drafts.map((resource) => ({ resource })) };
  if (hook === 'order-select') context.selections = [`${drafts[0]!.resourceType}/${drafts[0]!.id}`];
  return context;
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
  const drafts =
    entry.def.hook === 'patient-view'
      ? []
      : [
          draftServiceRequest({ coding: [coding(deps.content, 'VS-PLTX')] }),
          // And a medication draft, so that the order rules' dose and route readers run too.
          {
            resourceType: 'MedicationRequest',
            id: 'wu-draft-rtx',
            status: 'draft',
            intent: 'order',
            subject: { reference: `Patient/${PATIENT}` },
            medicationCodeableConcept: { coding: [coding(deps.content, 'VS-RTX')] },
            dosageInstruction: [{ route: { text: 'IV' }, doseAndRate: [{ doseQuantity: { value: 375, unit: 'mg/m2' } }] }],
          },
        ];
  const context = syntheticContext(entry.def.hook, drafts);
  return { hook: entry.def.hook, hookInstance: `warm-up-${serviceId}`, context, prefetch };
}

/** Runs each service a few times on the synthetic call; returns the cards of the last round, by service. */
export async function warmUp(deps: ServiceDeps, rounds = 3): Promise<Record<string, number>> {
  const cards: Record<string, number> = {};
  deps.terminology.compilePatterns();
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

/**
 * The HTTP layer's share of the warm-up: one POST per service through the real app on a loopback
 * port of its own (not the service's port, which is not open yet), so that the first clinician
 * does not pay for the first body read, route, JSON answer and log line (about 10 ms measured).
 * The call is a patient without data (every prefetch key null): no card, so nothing is stored;
 * each shows in the log as a `cds call` with hookInstance `warm-up-http-<service>`. Not used when
 * client JWTs are required (warmUpApp). Returns the status by service.
 */
export async function warmUpHttp(handler: RequestListener, deps: ServiceDeps): Promise<Record<string, number>> {
  // exclusive: in a cluster worker, a port of its own rather than one shared through the primary.
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const statuses: Record<string, number> = {};
  try {
    for (const [id, entry] of deps.registry.services) {
      const context = syntheticContext(entry.def.hook, entry.def.hook === 'patient-view' ? [] : [draftServiceRequest({ text: 'warm-up' })]);
      const body = JSON.stringify({ hook: entry.def.hook, hookInstance: `warm-up-http-${id}`, context, prefetch: Object.fromEntries(entry.keys.map((k) => [k, null])) });
      statuses[id] = await post(port, `/cds-services/${encodeURIComponent(id)}`, body);
    }
  } finally {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
  return statuses;
}

function post(port: number, path: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('warm-up request timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * The whole start-up warm-up of a built app: the synthetic calls, then the HTTP calls, or, when
 * client JWTs are required (the HTTP calls would only be refused, and logged as such), the
 * verifier's keys and crypto instead.
 */
export async function warmUpApp(app: Pick<App, 'app' | 'deps' | 'verifier'>): Promise<{ cards: Record<string, number>; http: Record<string, number> | string; jwtChecks?: number }> {
  const cards = await warmUp(app.deps);
  if (app.verifier) return { cards, http: 'skipped: client JWTs are required', jwtChecks: await app.verifier.warmUp() };
  return { cards, http: await warmUpHttp(app.app, app.deps) };
}
