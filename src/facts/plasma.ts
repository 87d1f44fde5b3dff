/**
 * Plasma products given (KB v3 change 26, VS-PLASMA: FFP, solvent/detergent plasma, cryo-poor
 * plasma): a Procedure that is not a TPE session, a MedicationAdministration, or a completed
 * transfusion order. An ADAMTS13 drawn after one partly measures donor plasma: it is not the
 * pre-treatment value (D8a).
 */
import { type AnyResource, asText, concepts, conceptText, periodStart, refOf } from '../fhir/read';
import { parseTime } from '../fhir/time';
import type { MatchKind } from '../terminology';
import { sortByTime } from './labs';
import type { PatientRecord } from './record';
import type { Tools } from './tools';
import type { DrugExposure } from './types';

export interface PlasmaFact {
  time: number;
  ref: string;
  display: string;
  by: MatchKind;
}

const GIVEN = new Set(['completed', 'in-progress']);

function display(r: AnyResource, field: unknown): string {
  return conceptText(concepts(field)[0] ?? {}) || r.resourceType;
}

export function plasmaProducts(record: PatientRecord, plasmaDrugs: DrugExposure, t: Tools, future: number): PlasmaFact[] {
  const out: PlasmaFact[] = [];
  const add = (time: number | undefined, r: AnyResource, what: string, by: MatchKind) => {
    if (time !== undefined && time <= future) out.push({ time, ref: refOf(r), display: what, by });
  };
  for (const p of record.all('Procedure')) {
    if (!GIVEN.has(asText(p.status)) || t.terminology.match('VS-TPE', p.code)) continue;
    const m = t.terminology.match('VS-PLASMA', p.code);
    if (m) add(parseTime(p.performedDateTime) ?? periodStart(p.performedPeriod), p, display(p, p.code), m.by);
  }
  for (const r of record.all('ServiceRequest')) {
    if (r.status !== 'completed' || t.terminology.match('VS-TPE', r.code)) continue;
    const m = t.terminology.match('VS-PLASMA', r.code);
    if (m) add(parseTime(r.occurrenceDateTime) ?? periodStart(r.occurrencePeriod) ?? parseTime(r.authoredOn), r, display(r, r.code), m.by);
  }
  for (const a of plasmaDrugs.administrations) out.push({ time: a.time, ref: a.ref, display: a.display, by: a.by });
  for (const o of plasmaDrugs.orders)
    if (o.status === 'completed') {
      const time = o.time ?? o.end;
      if (time !== undefined && time <= future) out.push({ time, ref: o.ref, display: o.display, by: o.by });
    }
  return sortByTime(out);
}
