/**
 * TTP-PE-STOP-EARLY: TPE stopped (order revoked, or completed and the next daily session overdue) or
 * paused (no session for > 36 h) before clinical response (D2).
 */
import { isActiveOrder } from '../facts/drugs';
import { DAY, HOUR, isoDate } from '../fhir/time';
import { fmt } from '../units';
import { episodeEvidence, gapNotes, r1, trendEvidence } from './evidence';
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-PE-STOP-EARLY';

function patientView(ctx: RuleContext): Finding | undefined {
  const { f, s } = ctx;
  const ep = f.episode;
  if (!ep) return;
  if (f.now - ep.lastSession > ctx.param('peStopLookbackDays') * DAY) return;
  const activeOrder = f.tpeOrders.find((o) => isActiveOrder(o, f.now));
  const gapH = (f.now - ep.lastSession) / HOUR;
  // `revoked` is a stop. `completed` is also how some EHRs close a per-session order after each
  // exchange, so it counts as a stop only once the next daily session is due.
  const ended = f.tpeOrders
    .filter(
      (o) =>
        (o.status === 'revoked' || (o.status === 'completed' && gapH >= ctx.param('peStopCompletedOrderHours'))) &&
        (o.end ?? o.time ?? 0) >= ep.firstSession,
    )
    .sort((a, b) => (b.end ?? b.time ?? 0) - (a.end ?? a.time ?? 0))[0];
  let how: string | undefined;
  if (ended && !activeOrder)
    how = `The TPE order ${ended.ref} is **${ended.status}**; last session ${isoDate(ep.lastSession, f.tz)} (TPE day ${ep.peDay} today)`;
  else if (gapH > ctx.param('peStopGapHours'))
    how = `No TPE session for **${Math.round(gapH)} h** (last ${isoDate(ep.lastSession, f.tz)})${activeOrder ? ', although a TPE order is active' : ''}`;
  if (!how) return;
  if (s.response.status === 'met') return;
  const orderRow =
    ended && !activeOrder ? [{ label: 'TPE order', value: ended.status, time: ended.end ?? ended.time, ref: ended.ref }] : [];
  const p = s.latestPlatelets;
  const l = s.latestLdh;
  return {
    ruleId: ID,
    indicator: 'warning',
    params: {
      p: p ? fmt(p.value) : 'unknown',
      l: l ? r1(s.ldhX(l)) : 'unknown',
      how,
      response: s.response.status === 'unknown' ? `not confirmed (missing: ${s.response.missing?.join(', ')})` : 'not met',
    },
    evidence: [...episodeEvidence(ctx), ...orderRow, ...trendEvidence(ctx)],
    notes: [...gapNotes(ctx, ['serviceRequests', 'procedures', 'labs'])],
    suggestions: [{ key: 'resume-tpe', isRecommended: true }],
  };
}

export const rule: RuleModule = { id: ID, patientView };
