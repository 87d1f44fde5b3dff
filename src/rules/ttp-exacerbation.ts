/**
 * TTP-EXACERBATION (D5): after a clinical response, platelets below 150 within 30 days of the last
 * TPE or the last caplacizumab dose, or while caplacizumab is still given, before a remission. An
 * urgent warning (restart TPE, caplacizumab; during TPE: caplacizumab); info when another cause of
 * thrombocytopenia is coded.
 */
import { responded } from '../facts/status';
import { activeOrders, allergiesTo, orderedOrGiven, recordedElsewhere } from '../facts';
import { below } from '../facts/compare';
import { episodeStart, inRemission, lastCaplaTime } from '../facts/state';
import { DAY, HOUR, isoDate } from '../fhir/time';
import { fmt } from '../units';
import { labEvidence } from './evidence';
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-EXACERBATION';

function patientView(ctx: RuleContext): Finding | undefined {
  const { f, s } = ctx;
  const ep = f.episode;
  if (!ep || !responded(s.response) || s.response.at === undefined) return;
  const latest = s.latestPlatelets;
  if (!latest || latest.time <= s.response.at || !below(latest, ctx.param('responsePlatelets'))) return;
  const window = ctx.param('exacerbationWindowDays') * DAY;
  const lastTpe = ep.lastSession;
  const lastCapla = lastCaplaTime(f, episodeStart(f, ctx.param));
  const onCapla = activeOrders(f, 'capla').length > 0;
  // Still on daily TPE: the last session within the gap that counts as a stop (PE-STOP-EARLY).
  const onTpe = f.now - lastTpe <= ctx.param('peStopGapHours') * HOUR;
  const nearTpe = latest.time - lastTpe <= window;
  const nearCapla = onCapla || (lastCapla !== undefined && latest.time - lastCapla <= window);
  if (!nearTpe && !nearCapla) return;
  if (inRemission(s, latest.time)) return;
  const byCapla = nearCapla && lastCapla !== undefined && lastCapla >= lastTpe;
  const stoppedAt = byCapla ? lastCapla! : lastTpe;
  const stopped = byCapla ? 'the last caplacizumab dose' : 'the last TPE';
  const other = f.otherCauses[0];
  const allergic = allergiesTo(f, 'capla').length > 0;
  return {
    ruleId: ID,
    indicator: other ? 'info' : 'warning',
    // KB v3 change 29: with a caplacizumab allergy the advice leaves it out (the engine removes its draft).
    variant: onCapla ? 'on-capla' : allergic ? (onTpe ? 'on-tpe-allergy' : 'allergy') : onTpe ? 'on-tpe' : 'default',
    params: {
      p: fmt(latest.value),
      pDate: isoDate(latest.time, f.tz),
      responseDate: isoDate(s.response.at, f.tz),
      days: Math.max(0, Math.floor((latest.time - stoppedAt) / DAY)),
      stopped: `${stopped} (${isoDate(stoppedAt, f.tz)})`,
      lastTpeDate: isoDate(lastTpe, f.tz),
      what: byCapla ? 'caplacizumab' : 'TPE',
      rtxLine:
        orderedOrGiven(f, 'rtx') || recordedElsewhere(f, 'rtx').length
          ? ''
          : 'No rituximab is recorded this episode: add it with the immunosuppression.',
      otherLine: other ? `**${other.display} is coded**: exclude it as the cause before treating this as an exacerbation.` : '',
    },
    evidence: [
      { label: 'Clinical response reached', value: isoDate(s.response.at, f.tz) },
      { label: 'Last TPE session', value: isoDate(lastTpe, f.tz), time: lastTpe, ref: ep.sessions[ep.sessions.length - 1]!.ref },
      ...(lastCapla !== undefined ? [{ label: 'Last caplacizumab', value: isoDate(lastCapla, f.tz) }] : []),
      ...labEvidence(latest, ctx.units, 'Platelets, latest'),
      ...labEvidence(s.latestLdh, ctx.units, 'LDH, latest'),
      ...(other ? [{ label: 'Other cause coded', value: other.display, time: other.time, ref: other.ref }] : []),
    ],
    notes: other
      ? []
      : ['No other cause of thrombocytopenia (HIT, DIC, sepsis...) is coded; exclude one before calling this an exacerbation.'],
    suggestions: [
      ...(onCapla ? [] : [{ key: 'start-caplacizumab', isRecommended: onTpe && !other }]),
      ...(onTpe ? [] : [{ key: 'restart-tpe', isRecommended: !other }]),
      { key: 'order-adamts13-ldh' },
    ],
    caplacizumab: onCapla ? undefined : { suggestions: ['start-caplacizumab'] },
  };
}

export const rule: RuleModule = { id: ID, patientView };
