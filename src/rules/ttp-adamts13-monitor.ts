/** TTP-ADAMTS13-MONITOR: caplacizumab active and no ADAMTS13 activity in the last `adamts13MonitorDays`. */
import { activeOrders, series } from '../facts';
import { DAY, isoDate } from '../fhir/time';
import { fmt } from '../units';
import { drugNotes, labEvidence } from './evidence';
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-ADAMTS13-MONITOR';

function patientView(ctx: RuleContext): Finding | undefined {
  const { f, units } = ctx;
  const active = activeOrders(f, 'capla');
  if (active.length === 0) return;
  const since = f.now - ctx.param('adamts13MonitorDays') * DAY;
  const a13 = series(f, 'adamts13');
  if ([...a13.final, ...a13.preliminary].some((v) => v.time >= since)) return;
  if (a13.pending.some((p) => (p.time ?? f.now) >= since)) return;
  if (f.a13Orders.some((o) => o.status === 'active' && (o.time ?? f.now) >= since)) return;
  const last = a13.final[a13.final.length - 1] ?? a13.preliminary[a13.preliminary.length - 1];
  return {
    ruleId: ID,
    indicator: 'info',
    params: { last: last ? `${fmt(last.value)}% on ${isoDate(last.time, f.tz)}` : 'none on record' },
    evidence: [
      { label: 'Caplacizumab', value: `active (${active[0]!.display})`, time: active[0]!.time, ref: active[0]!.ref },
      ...labEvidence(last, units, 'ADAMTS13 activity, last'),
    ],
    notes: drugNotes(ctx, 'capla', 'Caplacizumab'),
    suggestions: [{ key: 'order-adamts13-activity', isRecommended: true }],
  };
}

export const rule: RuleModule = { id: ID, patientView };
