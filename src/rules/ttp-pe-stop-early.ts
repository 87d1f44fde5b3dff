/**
 * TTP-PE-STOP-EARLY: TPE stopped (an order revoked, or completed 36 h after the last session) or
 * paused (no session for > 36 h) before clinical response (D2).
 */
import { completed, responded, responseUnknown, stoppedEarly } from '../facts/status';
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
  // `revoked` is a stop at once. `completed` is also how some EHRs close a per-session order after
  // each exchange, whose times drift: it counts as a stop from `peStopGapHours` after the last
  // session. Orders of this episode only (authored or ended from its window on).
  const gapHours = ctx.param('peStopGapHours');
  const ended = f.tpeOrders
    .filter((o) => (stoppedEarly(o) || (completed(o) && gapH >= gapHours)) && (o.end ?? o.time ?? 0) >= f.windowStart)
    .sort((a, b) => (b.end ?? b.time ?? 0) - (a.end ?? a.time ?? 0))[0];
  let how: string | undefined;
  if (ended && !activeOrder)
    how = `The TPE order ${ended.ref} is **${ended.status}**; last session ${isoDate(ep.lastSession, f.tz)} (TPE day ${ep.peDay} today)`;
  else if (gapH > gapHours)
    how = `No TPE session for **${Math.round(gapH)} h** (last ${isoDate(ep.lastSession, f.tz)})${activeOrder ? ', although a TPE order is active' : ''}`;
  if (!how) return;
  if (responded(s.response)) return;
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
      response: responseUnknown(s.response) ? `not confirmed (missing: ${s.response.missing?.join(', ')})` : 'not met',
    },
    evidence: [...episodeEvidence(ctx), ...orderRow, ...trendEvidence(ctx)],
    notes: [...gapNotes(ctx, ['serviceRequests', 'procedures', 'labs'])],
    suggestions: [{ key: 'resume-tpe', isRecommended: true }],
  };
}

export const rule: RuleModule = { id: ID, patientView };
