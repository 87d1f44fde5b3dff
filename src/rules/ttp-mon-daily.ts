/**
 * TTP-MON-DAILY: TPE in the last 48 h or an active TPE order, and platelets, Hb or LDH without a
 * usable result in the last `monitoringGapHours`. When the gap leaves the D3/D4 calls unknown, the
 * card says that escalation cannot be assessed without current platelets and LDH, and, after
 * enough sessions, what the last values showed when they showed no improvement (KB v3 change 37).
 * Platelets sent inside a CBC panel are results (change 31): never "never measured".
 */
import { responded } from '../facts/status';
import { series } from '../facts';
import { isActiveOrder } from '../facts/drugs';
import type { Evidence } from '../facts/types';
import { improvement } from '../facts/state';
import { HOUR, isoDate } from '../fhir/time';
import { fmt } from '../units';
import { episodeEvidence, gapNotes } from './evidence';
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-MON-DAILY';
const MONITORED = ['platelets', 'hemoglobin', 'ldh'] as const;

function patientView(ctx: RuleContext): Finding | undefined {
  const { f, s, units } = ctx;
  const ep = f.episode;
  const recentTpe = ep && f.now - ep.lastSession <= ctx.param('monitoringRecentTpeHours') * HOUR;
  const activeOrder = f.tpeOrders.find((o) => isActiveOrder(o, f.now));
  if (!recentTpe && !activeOrder) return;
  const hours = ctx.param('monitoringGapHours');
  const since = f.now - hours * HOUR;
  const missing: string[] = [];
  const evidence: Evidence[] = [];
  const notes: string[] = [];
  for (const a of MONITORED) {
    const sr = series(f, a);
    const def = units.analyte(a);
    const values = [...sr.final, ...sr.preliminary].filter((v) => v.time <= f.future);
    if (values.some((v) => v.time >= since)) continue;
    missing.push(def.short);
    const lastUsable = values.sort((x, y) => x.time - y.time).pop();
    evidence.push({
      label: `${def.label}, last usable`,
      value: lastUsable
        ? `${fmt(lastUsable.value)} ${def.display} (${Math.round((f.now - lastUsable.time) / HOUR)} h ago)`
        : 'never measured',
      time: lastUsable?.time,
      ref: lastUsable?.ref,
    });
    for (const p of sr.problems.filter((x) => (x.time ?? f.now) >= since))
      notes.push(`${def.label} ${p.ref} ("${p.raw}") cannot be used: ${p.reason}.`);
  }
  if (missing.length === 0) return;
  const tpe = recentTpe
    ? `last session ${Math.round((f.now - ep!.lastSession) / HOUR)} h ago, TPE day ${ep!.peDay}`
    : `active TPE order ${activeOrder!.ref}`;
  // D3/D4 are judged on current platelets and LDH only: without them escalation cannot be assessed.
  const atStake =
    ep?.current &&
    !responded(s.response) &&
    (ep.peDay >= ctx.param('noImprovementPeDay') || ep.sessionCount >= ctx.param('noImprovementPeDay'));
  const blind = atStake && s.notCurrent.length > 0;
  // KB v3 change 37: what the last (stale) values showed, when they showed no improvement.
  const last = s.latestPlatelets;
  const stale =
    blind && last && s.baselinePlatelets && s.latestLdh && s.baselineLdh
      ? improvement({ baseline: s.baselinePlatelets, latest: last }, { baseline: s.baselineLdh, latest: s.latestLdh }, ctx.param)
      : undefined;
  const sessionsThen = last ? (ep?.sessions.filter((x) => x.time <= last.time).length ?? 0) : 0;
  return {
    ruleId: ID,
    indicator: 'warning',
    params: {
      missing: missing.join('/'),
      hours,
      tpe,
      escalationLine: blind
        ? [
            `**Escalation (caplacizumab by day 4-5, refractory therapy) cannot be assessed without current platelets and LDH** (none in the last ${hours} h: ${s.notCurrent.join(', ')}).`,
            // KB v3 change 37: what the last values showed, when they showed no improvement.
            ...(stale?.improving === false && last
              ? [
                  `The last values (${isoDate(last.time, f.tz)}, after ${sessionsThen} sessions) showed no improvement (${stale.why}): escalation is likely due once current labs confirm.`,
                ]
              : []),
          ].join(' ')
        : '',
    },
    evidence: [...(ep ? episodeEvidence(ctx) : []), ...evidence],
    notes: [...notes, ...gapNotes(ctx, ['labs'])],
    suggestions: [{ key: 'order-daily-labs', isRecommended: true }],
  };
}

export const rule: RuleModule = { id: ID, patientView };
