/**
 * TTP-ADAMTS13-MONITOR: caplacizumab active after TPE (the last session more than 72 h ago: in-TPE
 * values are confounded, D8b) and no post-TPE ADAMTS13 activity in the last `adamts13MonitorDays`.
 */
import { pending } from '../facts/status';
import { activeOrders, series } from '../facts';
import { DAY, HOUR, isoDate } from '../fhir/time';
import { fmt } from '../units';
import { drugNotes, labEvidence } from './evidence';
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-ADAMTS13-MONITOR';

function patientView(ctx: RuleContext): Finding | undefined {
  const { f, units } = ctx;
  const active = activeOrders(f, 'capla');
  if (active.length === 0) return;
  if (f.episode && f.now - f.episode.lastSession <= ctx.param('adamts13InTpeHours') * HOUR) return;
  const since = f.now - ctx.param('adamts13MonitorDays') * DAY;
  if (f.adamts13.post.some((v) => v.time >= since)) return;
  const a13 = series(f, 'adamts13');
  if (a13.pending.some((p) => (p.time ?? f.now) >= since)) return;
  if (f.a13Orders.some((o) => pending(o) && (o.time ?? f.now) >= since)) return;
  // Only a post-TPE value is "the last post-TPE result"; an earlier one is named for what it is.
  const post = f.adamts13.post[f.adamts13.post.length - 1];
  const earlier = post ? undefined : a13.final[a13.final.length - 1];
  const when = earlier && f.adamts13.inTpe.includes(earlier) ? 'during TPE' : f.episode ? 'before TPE' : 'with no TPE on record';
  const last = post ?? earlier;
  const text = (v: NonNullable<typeof last>) => `${fmt(v.value)}% on ${isoDate(v.time, f.tz)}`;
  return {
    ruleId: ID,
    indicator: 'info',
    params: {
      last: post ? text(post) : earlier ? `none on record (the latest value, ${text(earlier)}, was drawn ${when})` : 'none on record',
    },
    evidence: [
      { label: 'Caplacizumab', value: `active (${active[0]!.display})`, time: active[0]!.time, ref: active[0]!.ref },
      ...(f.episode ? [{ label: 'Last TPE session', value: isoDate(f.episode.lastSession, f.tz), time: f.episode.lastSession }] : []),
      ...labEvidence(last, units, post ? 'ADAMTS13 activity, last after TPE' : `ADAMTS13 activity, ${when}`),
    ],
    notes: drugNotes(ctx, 'capla', 'Caplacizumab'),
    suggestions: [{ key: 'order-adamts13-activity', isRecommended: true }],
  };
}

export const rule: RuleModule = { id: ID, patientView };
