/**
 * G4 "unreadable is not absent", as a property: corrupt the relevant fields of a day-5 non-responder
 * (dates, statuses, units, values, codes, duplicated ids, subjects) in any combination, send the
 * request through the whole service (prefetch checks included), and the critical card either stays
 * or the answer names what could not be read. It never silently disappears.
 */
import fc from 'fast-check';
import { callService } from '../../src/cds/service';
import type { AnyResource } from '../../src/fhir/read';
import { at } from '../fixtures/builder';
import { nonResponder } from '../fixtures/records';
import { deps } from '../helpers';

type Corruption = (r: Record<string, unknown>) => void;

const BAD_DATES = ['2026-13-45T10:00:00Z', 'yesterday', '2026-03-0', '03/05/2026', '', '2099-01-01T00:00:00Z'];
const BAD_STATUS = ['FINAL', 'Completed', 'done', '', 'unknown', 'in progress'];
const BAD_UNITS = ['thou', 'xyz/uL', 'cells', '10*9', 'g'];
const BAD_VALUES = ['twelve', '', null, 'NaN'];
const BAD_CODES: unknown[] = [{}, { coding: [{ system: 'http://loinc.org' }] }, '777-3', null, [], { coding: [] }];

/** The clinical date field of each type the rules read. */
function setDate(r: Record<string, unknown>, v: string): void {
  switch (r.resourceType) {
    case 'Procedure':
      r.performedPeriod = { start: v, end: v };
      break;
    case 'Observation':
      r.effectiveDateTime = v;
      break;
    case 'MedicationAdministration':
      r.effectiveDateTime = v;
      delete r.effectivePeriod;
      break;
    case 'MedicationRequest':
      r.authoredOn = v;
      break;
    case 'Condition':
      r.onsetDateTime = v;
      break;
    default:
      r.authoredOn = v;
  }
}

const corruption = fc.oneof(
  fc.constantFrom(...BAD_DATES).map<Corruption>((v) => (r) => setDate(r, v)),
  fc.constantFrom(...BAD_STATUS).map<Corruption>((v) => (r) => {
    if (r.resourceType === 'Condition')
      r.clinicalStatus = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: v }] };
    else r.status = v;
  }),
  fc.constantFrom(...BAD_UNITS).map<Corruption>((v) => (r) => {
    const q = r.valueQuantity as Record<string, unknown> | undefined;
    if (q) {
      q.unit = v;
      q.code = v;
    } else r.status = 'FINAL';
  }),
  fc.constantFrom(...BAD_VALUES).map<Corruption>((v) => (r) => {
    const q = r.valueQuantity as Record<string, unknown> | undefined;
    if (q) q.value = v;
    else r.status = 'Completed';
  }),
  fc.constantFrom(...BAD_CODES).map<Corruption>((v) => (r) => {
    if (r.resourceType === 'MedicationRequest' || r.resourceType === 'MedicationAdministration') r.medicationCodeableConcept = v;
    else r.code = v;
  }),
);

/** The resources a day-5 call reads: TPE sessions, labs, the diagnosis, drugs and their administrations. */
const RELEVANT = new Set(['Procedure', 'Observation', 'Condition', 'MedicationRequest', 'MedicationAdministration']);

function request(edits: [number, Corruption | 'duplicate' | 'subject'][]) {
  const s = nonResponder(5);
  const relevant = s.resources.filter((r) => RELEVANT.has(r.resourceType));
  const touched = new Set<string>();
  for (const [i, c] of edits) {
    const r = relevant[i % relevant.length]! as Record<string, unknown>;
    const ref = `${r.resourceType}/${r.id}`;
    touched.add(ref);
    if (c === 'duplicate') {
      // A second copy under the same id, with other content: which one is right cannot be known.
      const copy = structuredClone(r);
      copy.status = r.status === 'final' ? 'amended' : 'entered-in-error';
      s.add(copy as AnyResource);
    } else if (c === 'subject') {
      r.subject = { reference: 'Patient/someone-else' };
      if (r.patient) r.patient = { reference: 'Patient/someone-else' };
    } else c(r);
  }
  return { body: s.request('patient-view'), now: at(s.now), touched };
}

describe('G4: unreadable is not absent (property)', () => {
  test('the critical card of a day-5 non-responder stays, or the answer names what could not be read', async () => {
    const d = deps();
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.nat(200),
            fc.oneof({ weight: 6, arbitrary: corruption }, fc.constant('duplicate' as const), fc.constant('subject' as const)),
          ),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        async (edits) => {
          const { body, now, touched } = request(edits);
          const { response } = await callService('ttp-patient-view', body, { ...d, clock: () => now });
          const capla = response.cards.find((c) => c.source.topic?.code === 'TTP-CAPLA-DAY5');
          if (capla) return;
          const text = response.cards.map((c) => `${c.summary}\n${c.detail ?? ''}`).join('\n');
          const named = [...touched].some((ref) => text.includes(ref)) || /for another patient were ignored/.test(text);
          if (!named)
            throw new Error(
              `CAPLA-DAY5 gone and nothing named: ${[...touched].join(', ')}; cards: ${response.cards.map((c) => c.source.topic?.code).join(', ') || 'none'}`,
            );
        },
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 400) },
    );
  });
});
