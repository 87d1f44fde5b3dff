/**
 * Allergies and intolerances to the drugs a card could draft (KB v3 change 29, VS-ALLERGY-MATCH:
 * the drug value sets of section 4B applied to `AllergyIntolerance.code` and its text). One whose
 * clinical status is inactive or resolved, or whose verification is refuted or entered-in-error,
 * does not count; one whose status cannot be read is taken as current and named (G4).
 */
import { type AnyResource, arr, codings, concepts, conceptText, obj, refOf, statusCode } from '../fhir/read';
import { parseTime } from '../fhir/time';
import { DRUG_CLASSES, drugValueSet } from './drugs';
import type { PatientRecord } from './record';
import type { Tools } from './tools';
import type { AllergyFact, DrugClass } from './types';
import { type Unreadable, dateProblem } from './unreadable';

const CLINICAL = new Set(['active', 'inactive', 'resolved']);
const VERIFICATION = new Set(['unconfirmed', 'presumed', 'confirmed', 'refuted', 'entered-in-error']);
/** The drugs cards draft or name (antithrombotics and plasma are never drafted). */
const DRAFTED: readonly DrugClass[] = DRUG_CLASSES.filter((d) => d !== 'antithromb' && d !== 'plasma');
const DRAFTED_VS = DRAFTED.map(drugValueSet);

function reactionOf(a: AnyResource): string | undefined {
  for (const r of arr<Record<string, unknown>>(a.reaction)) {
    const text = concepts(obj(r)?.manifestation).map(conceptText).find(Boolean);
    if (text) return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  }
  return undefined;
}

export function extractAllergies(record: PatientRecord, t: Tools, future: number, unreadable: Unreadable[]): AllergyFact[] {
  const out: AllergyFact[] = [];
  for (const a of record.all('AllergyIntolerance')) {
    const verification = statusCode(a.verificationStatus);
    if (verification === 'refuted' || verification === 'entered-in-error') continue;
    const clinical = statusCode(a.clinicalStatus);
    if (clinical === 'inactive' || clinical === 'resolved') continue;
    const matches = t.terminology.matchEach(DRAFTED_VS, a.code);
    const drugs = DRAFTED.filter((_, i) => matches[i]);
    if (drugs.length === 0) continue;
    const cc = concepts(a.code)[0];
    const display = (typeof cc?.text === 'string' && cc.text.trim()) || (cc && codings(cc).find((c) => c.display)?.display) || 'a drug';
    const problems: string[] = [];
    if (a.clinicalStatus !== undefined && (clinical === undefined || !CLINICAL.has(clinical)))
      problems.push(`clinicalStatus "${String(clinical ?? '').slice(0, 40)}" is not a FHIR code (taken as current)`);
    if (a.verificationStatus !== undefined && (verification === undefined || !VERIFICATION.has(verification)))
      problems.push(`verificationStatus "${String(verification ?? '').slice(0, 40)}" is not a FHIR code`);
    const onset = parseTime(a.onsetDateTime) ?? parseTime(obj(a.onsetPeriod)?.start);
    const recorded = parseTime(a.recordedDate);
    const last = parseTime(a.lastOccurrence);
    const dateWhy = dateProblem(a.onsetDateTime, onset, future) ?? dateProblem(a.recordedDate, recorded, future);
    if (dateWhy) problems.push(dateWhy);
    const time = [onset, recorded, last].find((x) => x !== undefined && x <= future);
    // An allergy matters whenever it was recorded: named without a time, so that no window hides it.
    if (problems.length) unreadable.push({ ref: refOf(a), key: 'allergies', concept: `${display} (allergy)`, why: problems.join('; ') });
    out.push({
      ref: refOf(a),
      drugs,
      display,
      type: a.type === 'intolerance' ? 'intolerance' : 'allergy',
      criticality: typeof a.criticality === 'string' ? a.criticality : undefined,
      reaction: reactionOf(a),
      time,
      by: matches.find(Boolean)!.by,
    });
  }
  return out;
}
