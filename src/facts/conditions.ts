/**
 * Conditions as facts (G2 active iTTP, G3 exclusions, VS-BLEED, pregnancy, other causes of
 * thrombocytopenia). Codes decide first (exclusions before iTTP); text only when no code of any
 * concept matched, and a negated text ("hereditary TTP ruled out") does not count (G6).
 */
import { type AnyResource, concepts, conceptText, periodStart, refOf, statusCode } from '../fhir/read';
import { parseTime } from '../fhir/time';
import type { Match } from '../terminology';
import type { PatientRecord } from './record';
import type { ConditionFact } from './types';
import type { Tools } from './tools';
import { type Unreadable, codeProblem, conditionStatusProblem, dateProblem } from './unreadable';

const ACTIVE_CLINICAL = new Set(['active', 'recurrence', 'relapse']);
const CONDITION_KINDS: [ConditionFact['kind'], string][] = [
  ['congenital', 'VS-TTP-CONGENITAL'],
  ['drug', 'VS-TTP-DRUG'],
  ['hsct-tma', 'VS-HSCT-TMA'],
  ['ittp', 'VS-ITTP'],
  ['tma-unspecified', 'VS-TMA-UNSPECIFIED'],
  ['bleed', 'VS-BLEED'],
  ['other-cause', 'VS-OTHER-THROMBOCYTOPENIA'],
  ['pregnancy', 'VS-PREGNANCY'],
];
const CONDITION_SETS = CONDITION_KINDS.map(([, vs]) => vs);
/** The kinds whose Conditions a rule reads: one of them that cannot be read is named. */
const TTP_KINDS = new Set<ConditionFact['kind']>(['congenital', 'drug', 'hsct-tma', 'ittp', 'tma-unspecified', 'bleed']);

/** The kinds one Condition's code belongs to, and how each was recognised. */
function kindsOf(c: AnyResource, t: Tools): Map<ConditionFact['kind'], Match> {
  const kinds = new Map<ConditionFact['kind'], Match>();
  t.terminology.matchEach(CONDITION_SETS, c.code, false).forEach((m, i) => {
    if (m) kinds.set(CONDITION_KINDS[i]![0], m);
  });
  if (kinds.size > 0) return kinds;
  const text = concepts(c.code).map(conceptText).join(' | ');
  for (const [kind, vs] of CONDITION_KINDS) {
    if (kind === 'ittp' && (kinds.has('congenital') || kinds.has('drug'))) continue;
    const m = t.terminology.matchText(vs, text);
    if (m) kinds.set(kind, m);
  }
  return kinds;
}

export function extractConditions(record: PatientRecord, t: Tools, future: number, unreadable: Unreadable[]): ConditionFact[] {
  const out: ConditionFact[] = [];
  for (const c of record.all('Condition')) {
    const ref = refOf(c);
    const verification = statusCode(c.verificationStatus);
    if (verification === 'refuted' || verification === 'entered-in-error') continue;
    const problems: string[] = [];
    const codeWhy = codeProblem(c.code);
    const kinds = codeWhy ? new Map<ConditionFact['kind'], Match>() : kindsOf(c, t);
    const relevant = codeWhy !== undefined || [...kinds.keys()].some((k) => TTP_KINDS.has(k));
    if (codeWhy) problems.push(codeWhy);
    const clinicalStatus = statusCode(c.clinicalStatus);
    const clinicalWhy = conditionStatusProblem('clinicalStatus', clinicalStatus, c.clinicalStatus !== undefined);
    const verificationWhy = conditionStatusProblem('verificationStatus', verification, c.verificationStatus !== undefined);
    if (clinicalWhy) problems.push(`${clinicalWhy} (taken as current)`);
    if (verificationWhy) problems.push(verificationWhy);
    // R4 requires clinicalStatus: a diagnosis without one, or with one that cannot be read, is taken as current.
    const active = clinicalStatus === undefined || clinicalWhy !== undefined || ACTIVE_CLINICAL.has(clinicalStatus);
    const rawOnset = c.onsetDateTime ?? (c.onsetPeriod as { start?: unknown } | undefined)?.start;
    const onset = parseTime(c.onsetDateTime) ?? periodStart(c.onsetPeriod);
    const recorded = parseTime(c.recordedDate);
    const onsetWhy = dateProblem(rawOnset, onset, future) ?? dateProblem(c.recordedDate, recorded, future);
    if (onsetWhy) problems.push(onsetWhy);
    const time = onset !== undefined && onset <= future ? onset : recorded !== undefined && recorded <= future ? recorded : undefined;
    const display = conceptText(concepts(c.code)[0] ?? {}) || 'Condition';
    if (relevant && problems.length)
      unreadable.push({
        ref,
        key: 'conditions',
        concept: kinds.size ? `${display} (Condition)` : 'A Condition',
        why: problems.join('; '),
        time,
      });
    for (const [kind, m] of kinds) {
      const confirmsImmune = kind === 'ittp' ? !!t.terminology.match('VS-ITTP-CONFIRMED-CODE', c.code) : undefined;
      out.push({ ref, active, clinicalStatus, time, display, kind, by: m.by, what: m.what, confirmsImmune });
    }
  }
  return out;
}
