/**
 * Conditions as facts (G2 active iTTP, G3 exclusions, VS-BLEED, other causes of thrombocytopenia).
 * Codes decide first (exclusions before iTTP); text only when no code of any concept matched.
 */
import { type AnyResource, concepts, conceptText, periodStart, refOf, statusCode } from '../fhir/read';
import { parseTime } from '../fhir/time';
import type { MatchKind } from '../terminology';
import type { PatientRecord } from './record';
import type { ConditionFact } from './types';
import type { Tools } from './tools';

const ACTIVE_CLINICAL = new Set(['active', 'recurrence', 'relapse']);
const CONDITION_KINDS: [ConditionFact['kind'], string][] = [
  ['congenital', 'VS-TTP-CONGENITAL'],
  ['drug', 'VS-TTP-DRUG'],
  ['hsct-tma', 'VS-HSCT-TMA'],
  ['ittp', 'VS-ITTP'],
  ['tma-unspecified', 'VS-TMA-UNSPECIFIED'],
  ['bleed', 'VS-BLEED'],
  ['other-cause', 'VS-OTHER-THROMBOCYTOPENIA'],
];
const CONDITION_SETS = CONDITION_KINDS.map(([, vs]) => vs);
const IGNORED_VERIFICATION = new Set(['refuted', 'entered-in-error']);

/** The kinds one Condition's code belongs to, and how each was recognised. */
function kindsOf(c: AnyResource, t: Tools): Map<ConditionFact['kind'], MatchKind> {
  const kinds = new Map<ConditionFact['kind'], MatchKind>();
  t.terminology.matchEach(CONDITION_SETS, c.code, false).forEach((m, i) => {
    if (m) kinds.set(CONDITION_KINDS[i]![0], m.by);
  });
  if (kinds.size > 0) return kinds;
  const text = concepts(c.code).map(conceptText).join(' | ');
  for (const [kind, vs] of CONDITION_KINDS) {
    if (kind === 'ittp' && (kinds.has('congenital') || kinds.has('drug'))) continue;
    if (t.terminology.matchText(vs, text)) kinds.set(kind, 'text');
  }
  return kinds;
}

export function extractConditions(record: PatientRecord, t: Tools): ConditionFact[] {
  const out: ConditionFact[] = [];
  for (const c of record.all('Condition')) {
    const verification = statusCode(c.verificationStatus);
    if (verification && IGNORED_VERIFICATION.has(verification)) continue;
    const clinicalStatus = statusCode(c.clinicalStatus);
    // R4 requires clinicalStatus; a diagnosis sent without one is taken as current.
    const active = clinicalStatus === undefined || ACTIVE_CLINICAL.has(clinicalStatus);
    const time = parseTime(c.onsetDateTime) ?? periodStart(c.onsetPeriod) ?? parseTime(c.recordedDate);
    const display = conceptText(concepts(c.code)[0] ?? {}) || 'Condition';
    const ref = refOf(c);
    for (const [kind, by] of kindsOf(c, t)) {
      const confirmsImmune = kind === 'ittp' ? !!t.terminology.match('VS-ITTP-CONFIRMED-CODE', c.code) : undefined;
      out.push({ ref, active, clinicalStatus, time, display, kind, by, confirmsImmune });
    }
  }
  return out;
}
