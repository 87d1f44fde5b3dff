/**
 * TTP-MP-PULSE: not improving (D4) or refractory (D3a) on corticosteroids, but no methylprednisolone
 * pulse (>= 1 g/day on 3 days) recorded or ordered this episode. Info (ISTH20 gives no dose).
 */
import { ordered as isOrdered } from '../facts/status';
import { exposureInWindow } from '../facts';
import type { MedOrder } from '../facts/types';
import { isoDate } from '../fhir/time';
import { currentEpisode, drugNotes, episodeEvidence, gapNotes, trendEvidence } from './evidence';
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-MP-PULSE';

/** Days with >= 1 g methylprednisolone given, and whether a pulse course is ordered. */
function pulse(ctx: RuleContext): { days: string[]; ordered?: MedOrder } {
  const { f } = ctx;
  const x = exposureInWindow(f, 'mp');
  const perDay = new Map<string, number>();
  for (const a of x.given) {
    if (a.dose?.mg === undefined) continue;
    const d = isoDate(a.time, f.tz);
    perDay.set(d, (perDay.get(d) ?? 0) + a.dose.mg);
  }
  const min = ctx.param('mpPulseMinDailyMg');
  const days = [...perDay].filter(([, mg]) => mg >= min).map(([d]) => d);
  const ordered = x.orders.find(
    (o) =>
      isOrdered(o) &&
      o.dose?.mg !== undefined &&
      o.dose.mg * (o.perDay ?? 1) >= min &&
      (o.count ?? (o.durationDays !== undefined ? o.durationDays * (o.perDay ?? 1) : Infinity)) >= ctx.param('mpPulseMinDays'),
  );
  return { days, ordered };
}

function patientView(ctx: RuleContext): Finding | undefined {
  const { f, s } = ctx;
  const ep = currentEpisode(f);
  if (!ep) return;
  if (!(s.noImprovement === true || s.refractoryNumeric === true)) return;
  if (!s.steroidGiven) return;
  const { days, ordered } = pulse(ctx);
  if (days.length >= ctx.param('mpPulseMinDays') || ordered) return;
  return {
    ruleId: ID,
    indicator: 'info',
    params: {
      N: ep.peDay,
      state: s.refractoryNumeric === true ? 'refractory (IWG numeric definition)' : 'not improving',
      pulseDays: days.length ? days.join(', ') : 'none',
    },
    evidence: [
      ...episodeEvidence(ctx),
      ...trendEvidence(ctx),
      {
        label: `Methylprednisolone >= ${ctx.param('mpPulseMinDailyMg') / 1000} g days`,
        value: days.length ? days.join(', ') : 'none recorded',
      },
    ],
    notes: [...drugNotes(ctx, 'steroid', 'A corticosteroid'), ...gapNotes(ctx, ['medicationAdministrations'])],
    suggestions: [{ key: 'start-mp-pulse' }],
  };
}

export const rule: RuleModule = { id: ID, patientView };
