/**
 * TTP-PLT-TXN: a platelet transfusion draft in active TTP. Warning; info when a life-threatening
 * bleed is documented (a VS-BLEED Condition with onset in the last 72 h, or the order's reason).
 * Never a hard stop.
 */
import { series } from '../facts';
import { type AnyResource, concepts, conceptText, obj } from '../fhir/read';
import { isoDate } from '../fhir/time';
import { draftDisplay, focus, matchDraft } from './drafts';
import { labEvidence, matchNote, recentBleed } from './evidence';
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-PLT-TXN';

/** A bleed named by the order's reasonCode or reasonReference, as text. */
function orderReasonBleed(ctx: RuleContext, r: AnyResource): string | undefined {
  const direct = ctx.terminology.match('VS-BLEED', r.reasonCode);
  if (direct) return conceptText(concepts(r.reasonCode)[0] ?? {}) || direct.what;
  for (const ref of Array.isArray(r.reasonReference) ? r.reasonReference : []) {
    const target = ctx.f.record.resolve(obj(ref)?.reference, r);
    if (target && ctx.terminology.match('VS-BLEED', target.code)) return conceptText(concepts(target.code)[0] ?? {}) || 'bleeding';
    const display = obj(ref)?.display;
    if (typeof display === 'string' && ctx.terminology.matchText('VS-BLEED', display)) return display;
  }
  return undefined;
}

function orders(ctx: RuleContext): Finding[] {
  const { f } = ctx;
  const out: Finding[] = [];
  const window = ctx.param('bleedRecentHours');
  for (const d of focus(ctx)) {
    const m = matchDraft(ctx, d, 'VS-PLTX');
    if (!m) continue;
    const current = recentBleed(ctx);
    const reasonBleed = orderReasonBleed(ctx, d.resource);
    const bleed = current ? `${current.display} (onset ${isoDate(current.time, f.tz)})` : reasonBleed;
    const display = draftDisplay(ctx, d);
    const notes: string[] = [];
    const mn = matchNote(m.by, m.what, 'The platelet order');
    if (mn) notes.push(mn);
    const undatedBleed = f.bleeds.find((b) => b.time === undefined);
    if (!bleed && undatedBleed)
      notes.push(`${undatedBleed.display} (${undatedBleed.ref}) has no onset date, so it cannot be placed within ${window} h.`);
    // TTP of any kind: the platelet caution holds for congenital TTP and a subtype conflict too.
    const ttp = f.activeIttp[0] ?? f.congenital[0] ?? f.conditions.find((c) => c.kind === 'ittp' || c.kind === 'congenital')!;
    out.push({
      ruleId: ID,
      indicator: bleed ? 'info' : 'warning',
      variant: bleed ? 'bleed' : 'default',
      params: { order: display, bleed: bleed ?? '' },
      evidence: [
        { label: 'Draft order', value: display, ref: d.ref },
        { label: 'Active TTP', value: ttp.display, time: ttp.time, ref: ttp.ref },
        ...labEvidence(series(f, 'platelets').final.slice(-1)[0], ctx.units, 'Platelets, latest'),
        ...(current ? [{ label: 'Bleeding', value: current.display, time: current.time, ref: current.ref }] : []),
        ...(!current && reasonBleed ? [{ label: 'Order reason', value: reasonBleed, ref: d.ref }] : []),
      ],
      notes,
      suggestions: d.resource.id
        ? [
            {
              key: 'remove-platelet-order',
              actions: [{ type: 'delete', description: `Remove the draft order ${display}`, resourceId: d.ref }],
            },
          ]
        : undefined,
    });
  }
  return out;
}

export const rule: RuleModule = { id: ID, orders };
