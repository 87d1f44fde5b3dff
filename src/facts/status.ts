/**
 * One clinical vocabulary for statuses and states (decided here once, never compared in a rule):
 * which order counts as ordered, which is pending, ended or paused, and whether the patient has
 * responded. The policy, in the knowledge base's sense (G4):
 * - **ordered**: an order that is active or completed; a test so ordered is "sent";
 * - **on hold** is paused, not active: it does not count as ordered, and the card says so;
 * - **entered-in-error** never existed (the facts layer drops it), **cancelled**, **revoked** and
 *   **draft** were never ordered (a draft is what the order hooks check);
 * - **ended**: stopped or completed (a ServiceRequest's revoked is its stop).
 */
import type { Response } from './state';

/** The status of an order fact or a FHIR resource, as text. */
type HasStatus = { status?: unknown };
const of = (o: HasStatus) => (typeof o.status === 'string' ? o.status : '');

/** Counts as ordered (a test sent, a drug ordered): active or completed; on hold does not. */
export const ordered = (o: HasStatus): boolean => of(o) === 'active' || of(o) === 'completed';
/** Ordered and not yet resulted or ended: active. */
export const pending = (o: HasStatus): boolean => of(o) === 'active';
/** Paused: on hold. Not active, not ordered; the cards name it. */
export const onHold = (o: HasStatus): boolean => of(o) === 'on-hold';
/** Ended: stopped or completed (and a ServiceRequest revoked). */
export const ended = (o: HasStatus): boolean => of(o) === 'stopped' || of(o) === 'completed' || of(o) === 'revoked';
/** Stopped before its end: revoked (a ServiceRequest) or stopped (a medication order). */
export const stoppedEarly = (o: HasStatus): boolean => of(o) === 'revoked' || of(o) === 'stopped';
/** Cancelled (never ordered). */
export const cancelled = (o: HasStatus): boolean => of(o) === 'cancelled';
/** Completed. */
export const completed = (o: HasStatus): boolean => of(o) === 'completed';
/** Running or about to: active, or a draft being signed. */
export const activeOrDraft = (o: HasStatus): boolean => of(o) === 'active' || of(o) === 'draft';
/**
 * A planned procedure still in the plan: active, draft, or on hold (a surgery paused is still to come:
 * caplacizumab is still withheld before it), or a Procedure in preparation.
 */
export const stillPlanned = (o: HasStatus): boolean => ['active', 'draft', 'on-hold', 'preparation'].includes(of(o));
/** A draft order of the order hooks that is live: neither cancelled, revoked nor entered in error. */
export const liveDraftStatus = (o: HasStatus): boolean => !['cancelled', 'entered-in-error', 'revoked'].includes(of(o));

/** D2: the clinical response was met this episode. */
export const responded = (r: Response): boolean => r.status === 'met';
/** D2 could not be judged (what is missing is in `missing`). */
export const responseUnknown = (r: Response): boolean => r.status === 'unknown';

/** The clinical response (D2) in words, for an evidence row. */
export function responseWords(r: Response): string {
  if (r.status === 'met') return 'reached';
  if (r.status === 'not-met') return 'not reached';
  return `cannot be judged${r.missing?.length ? ` (no ${r.missing.join(' or ')})` : ''}`;
}

/** A note per order on hold: paused, it does not count as ordered. */
export function onHoldNotes(orders: readonly ({ ref: string } & HasStatus)[], concept: string): string[] {
  return orders.filter(onHold).map((o) => `${o.ref} (${concept}) is on hold: a paused order does not count as ordered.`);
}
