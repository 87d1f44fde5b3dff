/**
 * TTP-SMEAR-MISSING: in the first 48 h of the episode or of the diagnosis, no blood smear
 * (schistocytes) result, and no ADAMTS13 < 10% resulted yet: the smear supports MAHA at diagnosis;
 * it is not a daily-monitoring item. Info (folded into a higher card, G7).
 */
import { ordered } from '../facts/status';
import { series } from '../facts';
import { below } from '../facts/compare';
import { HOUR, isoDate } from '../fhir/time';
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-SMEAR-MISSING';

function patientView(ctx: RuleContext): Finding | undefined {
  const { f } = ctx;
  const window = ctx.param('smearWindowHours') * HOUR;
  const starts = [
    ...(f.episode?.current ? [f.episode.firstSession] : []),
    ...f.activeIttp.map((c) => c.time).filter((t): t is number => t !== undefined),
  ];
  const start = starts.filter((t) => f.now - t >= 0 && f.now - t <= window).sort((a, b) => a - b)[0];
  if (start === undefined) return;
  if (series(f, 'adamts13').final.some((v) => below(v, ctx.param('adamts13SevereBelow')) && v.time <= f.future)) return;
  const smear = series(f, 'smear');
  const since = f.windowStart;
  const seen =
    [...smear.final, ...smear.preliminary, ...smear.problems].some((v) => (v.time ?? f.now) >= since) ||
    smear.pending.length > 0 ||
    f.smearOrders.some(ordered);
  if (seen) return;
  return {
    ruleId: ID,
    indicator: 'info',
    params: { since: isoDate(since, f.tz) },
    evidence: [{ label: 'Schistocytes / smear', value: `no result since ${isoDate(since, f.tz)}` }],
    notes: [],
    suggestions: [{ key: 'order-smear' }],
  };
}

export const rule: RuleModule = { id: ID, patientView };
