/** Draft orders of order-select / order-sign as the ordering rules read them. */
import { liveDraftStatus } from '../facts/status';
import { medicationConcepts } from '../facts/drugs';
import type { MedOrder } from '../facts/types';
import { asText, concepts, conceptText } from '../fhir/read';
import { fmt } from '../units';
import type { DraftOrder, RuleContext } from './types';

/** A draft that still stands (not cancelled, entered in error or revoked). */
export const liveDraft = (d: DraftOrder) => liveDraftStatus({ status: asText(d.resource.status) });

/** The drafts the rules judge: selections at order-select, every draft at order-sign. */
export function focus(ctx: RuleContext): DraftOrder[] {
  return ctx.drafts.filter((d) => liveDraft(d) && (ctx.hook === 'order-sign' || d.selected));
}

function draftConcepts(ctx: RuleContext, d: DraftOrder): unknown[] {
  const r = d.resource;
  if (r.resourceType === 'MedicationRequest') return medicationConcepts(r, ctx.f.record);
  return concepts(r.code);
}

export function matchDraft(ctx: RuleContext, d: DraftOrder, vs: string) {
  return ctx.terminology.match(vs, draftConcepts(ctx, d));
}

export function draftDisplay(ctx: RuleContext, d: DraftOrder): string {
  return (
    draftConcepts(ctx, d)
      .map((x) => conceptText(x as object))
      .find((x) => x) ?? d.ref
  );
}

/** A medication order as one line: drug, dose, route, frequency. */
export function describeOrder(o: MedOrder): string {
  const parts = [o.display];
  if (o.dose) parts.push(o.dose.raw);
  if (o.routeText) parts.push(o.routeText);
  if (o.frequencyText) parts.push(o.frequencyText);
  else if (o.perDay !== undefined) parts.push(`${fmt(o.perDay)}/day`);
  return parts.join(', ');
}
