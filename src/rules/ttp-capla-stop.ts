/**
 * TTP-CAPLA-STOP: caplacizumab stopped or ending (its end in the last 72 h or the next 3 days) while
 * ADAMTS13 is < 20% or unknown (warning), or recovered but before last TPE + 30 days (info). On the
 * order hooks: a draft that stops caplacizumab or ends it within 3 days.
 */
import { activeOrDraft, ended } from '../facts/status';
import { drug, series } from '../facts';
import { atLeast, below } from '../facts/compare';
import { medOrderOf } from '../facts/drugs';
import type { Evidence, MedOrder } from '../facts/types';
import { DAY, HOUR, daysBetween, isoDate, localDate } from '../fhir/time';
import { fmt } from '../units';
import { draftDisplay, focus, matchDraft } from './drafts';
import { drugNotes, labEvidence } from './evidence';
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-CAPLA-STOP';

interface Ending {
  order: MedOrder;
  end: number;
  ending: string;
}

/** The caplacizumab order whose end triggers the rule, if any. */
function caplaEnding(ctx: RuleContext, orders: MedOrder[]): Ending | undefined {
  const { f } = ctx;
  const recent = ctx.param('caplaStopRecentHours') * HOUR;
  const upcoming = ctx.param('caplaStopUpcomingDays') * DAY;
  for (const o of orders) {
    if (ended(o) && o.end !== undefined && f.now - o.end <= recent && o.end <= f.now + upcoming)
      return { order: o, end: o.end, ending: o.end <= f.now ? 'was stopped' : 'is planned to end' };
    if (activeOrDraft(o) && o.end !== undefined && o.end >= f.now - recent && o.end <= f.now + upcoming)
      return { order: o, end: o.end, ending: o.end <= f.now ? 'ended' : 'is planned to end' };
  }
  return undefined;
}

function stopFinding(ctx: RuleContext, ending: Ending): Finding | undefined {
  const { f, units } = ctx;
  const monitorDays = ctx.param('adamts13MonitorDays');
  // D8c: the post-TPE ADAMTS13 decides (a value drawn during TPE partly measures donor plasma).
  const a13 = f.episode
    ? f.adamts13.post[f.adamts13.post.length - 1]
    : series(f, 'adamts13')
        .final.filter((v) => v.time <= f.future)
        .pop();
  const recentA13 = a13 && f.now - a13.time <= monitorDays * DAY ? a13 : undefined;
  const lastTpe = f.episode?.lastSession;
  const evidence: Evidence[] = [
    {
      label: 'Caplacizumab end',
      value: `${isoDate(ending.end, f.tz)} (${ending.order.status}; ${ending.order.endBy ?? 'last administration'})`,
      time: ending.order.time,
      ref: ending.order.ref,
    },
    ...(lastTpe !== undefined ? [{ label: 'Last TPE session', value: isoDate(lastTpe, f.tz), time: lastTpe }] : []),
    ...labEvidence(a13, units, 'ADAMTS13 activity, latest'),
  ];
  const base = { end: isoDate(ending.end, f.tz), ending: ending.ending, lastTpe: isoDate(lastTpe, f.tz) };
  const notes = drugNotes(ctx, 'capla', 'Caplacizumab');
  const inTpe = f.adamts13.inTpe.filter((v) => f.now - v.time <= monitorDays * DAY).pop();
  if (!recentA13 && inTpe)
    notes.push(
      `ADAMTS13 ${fmt(inTpe.value)}% (${isoDate(inTpe.time, f.tz)}) was drawn during TPE and may reflect donor plasma: it cannot decide the stop.`,
    );
  if (!recentA13) {
    return {
      ruleId: ID,
      indicator: 'warning',
      variant: 'unknown',
      params: { ...base, a13: a13 ? `${fmt(a13.value)}% on ${isoDate(a13.time, f.tz)}, older than ${monitorDays} days` : 'none on record' },
      evidence,
      notes,
      suggestions: [{ key: 'order-adamts13-activity', isRecommended: true }],
    };
  }
  // A bound that cannot tell (">5%") is read as not recovered (KB v3 change 25).
  if (!atLeast(recentA13, ctx.param('adamts13NegativeAbove'))) {
    const severe = below(recentA13, ctx.param('adamts13SevereBelow'));
    return {
      ruleId: ID,
      indicator: 'warning',
      variant: severe ? 'severe' : 'default',
      params: {
        ...base,
        x: `${recentA13.comparator ?? ''}${fmt(recentA13.value)}`,
        a13: `${fmt(recentA13.value)}% on ${isoDate(recentA13.time, f.tz)}${severe ? ` (< ${ctx.param('adamts13SevereBelow')}%: severe deficiency)` : ''}`,
      },
      evidence,
      notes,
    };
  }
  const daysAfterTpe = lastTpe !== undefined ? daysBetween(localDate(lastTpe, f.tz), localDate(ending.end, f.tz)) : undefined;
  if (daysAfterTpe !== undefined && daysAfterTpe < ctx.param('caplaPostTpeDays')) {
    return {
      ruleId: ID,
      indicator: 'info',
      variant: 'early',
      params: { ...base, x: fmt(recentA13.value), days: daysAfterTpe, a13: `${fmt(recentA13.value)}% on ${isoDate(recentA13.time, f.tz)}` },
      evidence,
      notes,
    };
  }
  return undefined;
}

function patientView(ctx: RuleContext): Finding | undefined {
  const ending = caplaEnding(ctx, drug(ctx.f, 'capla').orders);
  return ending ? stopFinding(ctx, ending) : undefined;
}

/** Caplacizumab drafts in focus, as orders; a draft that stops the drug without an end time ends now. */
export function caplaDraftOrders(ctx: RuleContext): MedOrder[] {
  return focus(ctx)
    .filter((d) => d.resource.resourceType === 'MedicationRequest')
    .map((d) => ({ d, m: matchDraft(ctx, d, 'VS-CAPLA') }))
    .filter((x) => x.m)
    .map(({ d, m }) => {
      const o = medOrderOf(d.resource, m!, draftDisplay(ctx, d));
      if (ended(o) && o.end === undefined) o.end = ctx.f.now;
      return o;
    });
}

function orders(ctx: RuleContext): Finding | undefined {
  const ending = caplaEnding(ctx, caplaDraftOrders(ctx));
  return ending ? stopFinding(ctx, ending) : undefined;
}

export const rule: RuleModule = { id: ID, patientView, orders };
