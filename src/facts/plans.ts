/**
 * What the record plans, for the rules that look ahead (TTP-CAPLA-ORDER): requests and procedures
 * still in the plan, and current conditions of a value set. Read from the record here, so that no
 * rule scans resources itself (src/facts/status.ts says which statuses count).
 */
import { type AnyResource, conceptText, concepts, refOf, statusCode } from '../fhir/read';
import type { PatientRecord } from './record';
import type { Terminology } from '../terminology';

/** ServiceRequests still planned: active, draft, or on hold (a paused surgery is still to come). */
export function plannedRequests(record: PatientRecord): AnyResource[] {
  return record.all('ServiceRequest').filter((r) => r.status === 'active' || r.status === 'draft' || r.status === 'on-hold');
}

/** Procedures in preparation. */
export function proceduresInPreparation(record: PatientRecord): AnyResource[] {
  return record.all('Procedure').filter((p) => p.status === 'preparation');
}

/** The first current (not refuted, not resolved) Condition of a value set, if any. */
export function currentCondition(
  record: PatientRecord,
  terminology: Terminology,
  vs: string,
): { display: string; ref: string } | undefined {
  for (const c of record.all('Condition')) {
    const clinical = statusCode(c.clinicalStatus);
    const verification = statusCode(c.verificationStatus);
    if (verification === 'refuted' || verification === 'entered-in-error') continue;
    if (clinical && !['active', 'recurrence', 'relapse'].includes(clinical)) continue;
    if (terminology.match(vs, c.code)) return { display: conceptText(concepts(c.code)[0] ?? {}) || vs, ref: refOf(c) };
  }
  return undefined;
}
