/**
 * TTP-FIRSTLINE-MISSING: acute iTTP (diagnosed in the last 7 days, at least 12 h ago) with no TPE
 * session yet and no active TPE order, and/or no corticosteroid ordered or given. TPE plus
 * corticosteroids is ISTH20's strong recommendation. Once TPE has begun, TTP-STEROID-MISSING
 * takes over from PE day 2: the two never fire together. The card says what the record says (KB v3
 * change 37): a TPE order not yet started is named as such, and a corticosteroid recorded as given
 * elsewhere is not missing (change 30: with TPE on its way, an info to reconcile).
 */
import { onHoldNotes } from '../facts/status';
import { orderedOrGiven } from '../facts';
import { isActiveOrder } from '../facts/drugs';
import { below } from '../facts/compare';
import { inRemission } from '../facts/state';
import type { Evidence } from '../facts/types';
import { DAY, HOUR, isoDate } from '../fhir/time';
import { drugNotes, elsewhereEvidence, elsewhereLine, elsewhereOf, gapNotes, labEvidence, staleOrderNotes } from './evidence';
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
  const tpeOrder = f.tpeOrders.find((o) => isActiveOrder(o, f.now));
  const steroid = orderedOrGiven(f, 'steroid');
  // KB v3 change 30: a corticosteroid recorded as given elsewhere is not missing.
  const elsewhere = steroid ? undefined : elsewhereOf(ctx, 'steroid');
  const tpeMissing = !tpeOrder;
  const steroidMissing = !steroid && !elsewhere;
  if (!tpeMissing && !steroidMissing && !elsewhere) return;
  const missing = [tpeMissing && 'TPE', steroidMissing && 'corticosteroids'].filter((x): x is string => !!x);
  // KB v3 change 37: the card says what the record says (TPE ordered, not started), never "Start TPE" beside an order.
  const tpeStatus = tpeOrder ? `TPE ordered (${tpeOrder.ref}), not yet started` : 'no TPE session and no active TPE order';
  const steroidStatus = steroid
    ? 'a corticosteroid is ordered or given'
    : elsewhere
      ? 'a corticosteroid is recorded as given elsewhere, none ordered here'
      : 'no corticosteroid ordered or given';
  const evidence: Evidence[] = [
    { label: 'Diagnosis', value: dx.what, time: dx.time, ref: dx.ref },
    { label: 'TPE', value: tpeOrder ? 'ordered, no session yet' : 'no session, no active order', ref: tpeOrder?.ref },
    { label: 'Corticosteroids', value: steroid ? 'ordered or given' : 'none ordered or given here' },
    ...elsewhereEvidence(ctx, 'steroid', 'Corticosteroid'),
    ...labEvidence(s.latestPlatelets, ctx.units, 'Platelets, latest'),
  ];
  return {
    ruleId: ID,
    indicator: missing.length ? 'warning' : 'info',
    variant: missing.length === 0 ? 'elsewhere' : tpeMissing && steroidMissing ? 'default' : tpeMissing ? 'tpe' : 'steroid',
    params: {
      missing: missing.join(' and '),
      h: hours,
      tpeStatus,
      steroidStatus,
      date: elsewhere?.time !== undefined ? isoDate(elsewhere.time, f.tz) : 'undated',
      elsewhereLine: elsewhere ? elsewhereLine(ctx, elsewhere, elsewhere.display) : '',
    },
    evidence,
    notes: [
      ...drugNotes(ctx, 'steroid', 'A corticosteroid'),
      ...(steroid ? [] : staleOrderNotes(ctx, 'steroid', 'A corticosteroid')),
      ...(tpeMissing ? onHoldNotes(f.tpeOrders, 'TPE order') : []),
      ...gapNotes(ctx, ['procedures', 'serviceRequests', 'medicationRequests', 'medicationStatements']),
    ],
    suggestions: missing.length
      ? [
          {
            key: tpeMissing && steroidMissing ? 'start-tpe-and-steroids' : tpeMissing ? 'start-tpe' : 'start-mp-pulse',
            isRecommended: true,
          },
        ]
      : undefined,
  };
}

export const rule: RuleModule = { id: ID, patientView };
