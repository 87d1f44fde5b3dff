/**
 * TTP-FIRSTLINE-MISSING: acute iTTP (diagnosed in the last 7 days, at least 12 h ago) with no TPE
 * session yet and no active TPE order, and/or no corticosteroid ordered or given. TPE plus
 * corticosteroids is ISTH20's strong recommendation. Once TPE has begun, TTP-STEROID-MISSING
 * takes over from PE day 2: the two never fire together.
 */
import { orderedOrGiven } from '../facts';
import { isActiveOrder } from '../facts/drugs';
import { below, inRemission } from '../facts/state';
import type { Evidence } from '../facts/types';
import { DAY, HOUR } from '../fhir/time';
import { drugNotes, gapNotes, labEvidence, staleOrderNotes } from './evidence';
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-FIRSTLINE-MISSING';

/** When the acute iTTP was diagnosed: the earliest Condition onset (else recordedDate) or pre-treatment ADAMTS13 < 10% in the window. */
function diagnosedAt(ctx: RuleContext): { time: number; what: string; ref?: string } | undefined {
  const { f, s } = ctx;
  const since = f.now - ctx.param('firstLineWindowDays') * DAY;
  const times = [
    ...f.activeIttp.filter((c) => c.time !== undefined).map((c) => ({ time: c.time!, what: c.display, ref: c.ref })),
    ...(s.a13Pre && below(s.a13Pre, ctx.param('adamts13SevereBelow'))
      ? [{ time: s.a13Pre.time, what: 'ADAMTS13 < 10%', ref: s.a13Pre.ref }]
      : []),
  ].filter((x) => x.time >= since && x.time <= f.future);
  return times.sort((a, b) => a.time - b.time)[0];
}

function patientView(ctx: RuleContext): Finding | undefined {
  const { f, s } = ctx;
  if (f.episode?.current) return; // TPE has begun: TTP-STEROID-MISSING from day 2
  if (inRemission(s, f.now)) return;
  const dx = diagnosedAt(ctx);
  if (!dx) return;
  const hours = Math.floor((f.now - dx.time) / HOUR);
  if (hours < ctx.param('firstLineGraceHours')) return;
  const tpeOrdered = f.tpeOrders.some((o) => isActiveOrder(o, f.now));
  const steroid = orderedOrGiven(f, 'steroid');
  const missing = [!tpeOrdered && 'TPE', !steroid && 'corticosteroids'].filter((x): x is string => !!x);
  if (missing.length === 0) return;
  const evidence: Evidence[] = [
    { label: 'Diagnosis', value: dx.what, time: dx.time, ref: dx.ref },
    { label: 'TPE', value: tpeOrdered ? 'ordered, no session yet' : 'no session, no active order' },
    { label: 'Corticosteroids', value: steroid ? 'ordered or given' : 'none ordered or given' },
    ...labEvidence(s.latestPlatelets, ctx.units, 'Platelets, latest'),
  ];
  return {
    ruleId: ID,
    indicator: 'warning',
    params: { missing: missing.join(' and '), h: hours },
    evidence,
    notes: [
      ...drugNotes(ctx, 'steroid', 'A corticosteroid'),
      ...(steroid ? [] : staleOrderNotes(ctx, 'steroid', 'A corticosteroid')),
      ...gapNotes(ctx, ['procedures', 'serviceRequests', 'medicationRequests']),
    ],
    suggestions: [
      { key: !tpeOrdered && !steroid ? 'start-tpe-and-steroids' : !tpeOrdered ? 'start-tpe' : 'start-mp-pulse', isRecommended: true },
    ],
  };
}

export const rule: RuleModule = { id: ID, patientView };
