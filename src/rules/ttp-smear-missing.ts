/** TTP-SMEAR-MISSING: alongside a daily-monitoring gap (TTP-MON-DAILY), no smear or schistocyte result this episode. */
import { series } from '../facts';
import { isoDate } from '../fhir/time';
import { monitoringGap } from './ttp-mon-daily';
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-SMEAR-MISSING';

function patientView(ctx: RuleContext): Finding | undefined {
  const { f } = ctx;
  if (!monitoringGap(ctx)) return;
  const smear = series(f, 'smear');
  const seen =
    [...smear.final, ...smear.preliminary].some((v) => v.time >= f.windowStart) ||
    smear.pending.length > 0 ||
    f.smearOrders.some((o) => o.status === 'active' || o.status === 'completed');
  if (seen) return;
  return {
    ruleId: ID,
    indicator: 'info',
    params: { since: isoDate(f.windowStart, f.tz) },
    evidence: [{ label: 'Schistocytes / smear', value: `no result since ${isoDate(f.windowStart, f.tz)}` }],
    notes: [],
    suggestions: [{ key: 'order-smear' }],
  };
}

export const rule: RuleModule = { id: ID, patientView };
