/**
 * TTP-EXACERBATION (D5): after a clinical response, platelets below 150 within 30 days of the last
 * TPE or the last caplacizumab dose, before a remission, and no other cause coded.
 */
import { inRemission, lastCaplaTime } from '../facts/state';
import { DAY, isoDate } from '../fhir/time';
import { fmt } from '../units';
import { labEvidence } from './evidence';
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-EXACERBATION';

function patientView(ctx: RuleContext): Finding | undefined {
  const { f, s, content } = ctx;
  const ep = f.episode;
  if (!ep || s.response.status !== 'met' || s.response.at === undefined) return;
  const latest = s.latestPlatelets;
  if (!latest || latest.time <= s.response.at || latest.value >= ctx.param('responsePlatelets')) return;
  if (f.otherCauses.length > 0) return;
  const window = ctx.param('exacerbationWindowDays') * DAY;
  const lastTpe = ep.lastSession;
  const lastCapla = lastCaplaTime(f);
  const nearTpe = latest.time - lastTpe <= window;
  const nearCapla = lastCapla !== undefined && latest.time - lastCapla <= window;
  if (!nearTpe && !nearCapla) return;
  if (inRemission(f, s, content, latest.time)) return;
  const byCapla = nearCapla && lastCapla! >= lastTpe;
  const stoppedAt = byCapla ? lastCapla! : lastTpe;
  const stopped = byCapla ? 'the last caplacizumab dose' : 'the last TPE';
  return {
    ruleId: ID,
    indicator: 'warning',
    params: {
      p: fmt(latest.value),
      pDate: isoDate(latest.time, f.tz),
      responseDate: isoDate(s.response.at, f.tz),
      days: Math.max(0, Math.floor((latest.time - stoppedAt) / DAY)),
      stopped: `${stopped} (${isoDate(stoppedAt, f.tz)})`,
    },
    evidence: [
      { label: 'Clinical response reached', value: isoDate(s.response.at, f.tz) },
      { label: 'Last TPE session', value: isoDate(lastTpe, f.tz), time: lastTpe, ref: ep.sessions[ep.sessions.length - 1]!.ref },
      ...(lastCapla !== undefined ? [{ label: 'Last caplacizumab', value: isoDate(lastCapla, f.tz) }] : []),
      ...labEvidence(latest, ctx.units, 'Platelets, latest'),
      ...labEvidence(s.latestLdh, ctx.units, 'LDH, latest'),
    ],
    notes: ['No other cause of thrombocytopenia (HIT, DIC, sepsis...) is coded; exclude one before calling this an exacerbation.'],
    suggestions: [{ key: 'order-adamts13-ldh', isRecommended: true }],
  };
}

export const rule: RuleModule = { id: ID, patientView };
