/**
 * TTP-MON-DAILY: TPE in the last 48 h or an active TPE order, and platelets, Hb or LDH without a
 * usable result in the last `monitoringGapHours`.
 */
import { series } from '../facts';
import { isActiveOrder } from '../facts/drugs';
import type { Evidence } from '../facts/types';
import { HOUR } from '../fhir/time';
import { fmt } from '../units';
import { episodeEvidence, gapNotes } from './evidence';
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-MON-DAILY';
const MONITORED = ['platelets', 'hemoglobin', 'ldh'] as const;

export interface MonitoringGap {
  /** Short names of the analytes without a usable result. */
  missing: string[];
  evidence: Evidence[];
  notes: string[];
}

/** The daily-monitoring gap during TPE, if there is one. */
export function monitoringGap(ctx: RuleContext): MonitoringGap | undefined {
  const { f, units } = ctx;
  const ep = f.episode;
  const recentTpe = ep && f.now - ep.lastSession <= ctx.param('monitoringRecentTpeHours') * HOUR;
  if (!recentTpe && !f.tpeOrders.some((o) => isActiveOrder(o, f.now))) return undefined;
  const since = f.now - ctx.param('monitoringGapHours') * HOUR;
  const gap: MonitoringGap = { missing: [], evidence: [], notes: [] };
  for (const a of MONITORED) {
    const sr = series(f, a);
    const def = units.analyte(a);
    const values = [...sr.final, ...sr.preliminary].filter((v) => v.time <= f.future);
    if (values.some((v) => v.time >= since)) continue;
    gap.missing.push(def.short);
    const lastUsable = values.sort((x, y) => x.time - y.time).pop();
    gap.evidence.push({
      label: `${def.label}, last usable`,
      value: lastUsable
        ? `${fmt(lastUsable.value)} ${def.display} (${Math.round((f.now - lastUsable.time) / HOUR)} h ago)`
        : 'never measured',
      time: lastUsable?.time,
      ref: lastUsable?.ref,
    });
    for (const p of sr.problems.filter((x) => (x.time ?? f.now) >= since))
      gap.notes.push(`${def.label} ${p.ref} ("${p.raw}") cannot be used: ${p.reason}.`);
  }
  return gap.missing.length ? gap : undefined;
}

function patientView(ctx: RuleContext): Finding | undefined {
  const gap = monitoringGap(ctx);
  if (!gap) return;
  return {
    ruleId: ID,
    indicator: 'warning',
    params: { missing: gap.missing.join('/'), hours: ctx.param('monitoringGapHours') },
    evidence: [...(ctx.f.episode ? episodeEvidence(ctx) : []), ...gap.evidence],
    notes: [...gap.notes, ...gapNotes(ctx, ['labs'])],
    suggestions: [{ key: 'order-daily-labs', isRecommended: true }],
  };
}

export const rule: RuleModule = { id: ID, patientView };
