/**
 * TTP-RTX-MISSING: iTTP confirmed (ADAMTS13 < 10% or an immune/acquired code) and no rituximab
 * (originator or biosimilar) ordered or given this episode. Info on PE day 1-2, warning from day 3;
 * escalated wording with the [SA] evidence for a relapse or a refractory course; info when
 * rituximab was given in the last 6 months (B cells may still be depleted). Before the first dose,
 * HBV screening (boxed warning).
 */
import { allergiesTo, drug, orderedOrGiven } from '../facts';
import type { Evidence } from '../facts/types';
import { DAY, isoDate } from '../fhir/time';
import {
  currentEpisode,
  drugNotes,
  elsewhereEvidence,
  elsewhereLine,
  elsewhereOf,
  episodeEvidence,
  gapNotes,
  labEvidence,
  rituximabPregnancyNotes,
  staleOrderNotes,
} from './evidence';
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-RTX-MISSING';

function patientView(ctx: RuleContext): Finding | undefined {
  const { f, s, units } = ctx;
  const ep = currentEpisode(f);
  if (!ep || !s.confirmed.yes) return;
  if (orderedOrGiven(f, 'rtx')) return;
  const relapse = f.relapseCoded || ep.previousEpisodeEnd !== undefined;
  const refractory = s.refractoryNumeric === true || s.refractoryBroad === true;
  // KB v3 change 30: rituximab recorded as given elsewhere is not missing: an info to reconcile.
  const elsewhere = elsewhereOf(ctx, 'rtx');
  const allergy = allergiesTo(f, 'rtx')[0];
  const recent = [...drug(f, 'rtx').administrations]
    .reverse()
    .find((a) => f.now - a.time < ctx.param('rtxRecentDays') * DAY && a.time <= f.future);
  const evidence: Evidence[] = [
    ...episodeEvidence(ctx),
    { label: 'iTTP confirmed by', value: s.confirmed.how },
    ...labEvidence(s.a13, units, 'ADAMTS13 activity, latest'),
    { label: 'Rituximab', value: 'not ordered or given this episode' },
    ...elsewhereEvidence(ctx, 'rtx', 'Rituximab'),
  ];
  if (recent)
    evidence.push({ label: 'Rituximab given before this episode', value: isoDate(recent.time, f.tz), time: recent.time, ref: recent.ref });
  if (relapse)
    evidence.push({
      label: 'Episode',
      value: f.relapseCoded ? 'relapse (coded)' : `new TPE episode after an earlier one ended ${isoDate(ep.previousEpisodeEnd, f.tz)}`,
    });
  if (refractory)
    evidence.push({
      label: 'Refractory',
      value: s.refractoryNumeric === true ? 'IWG numeric definition met' : `no response after ${ctx.param('refractorySessions')} sessions`,
    });
  return {
    ruleId: ID,
    indicator: !elsewhere && !recent && ep.peDay >= ctx.param('rtxWarningPeDay') ? 'warning' : 'info',
    variant: elsewhere ? 'elsewhere' : recent ? 'recent' : allergy ? 'allergy' : relapse || refractory ? 'escalated' : 'default',
    params: {
      N: ep.peDay,
      confirmation: s.confirmed.how,
      context: relapse ? (refractory ? 'Relapsed, refractory' : 'Relapsed') : 'Refractory',
      date: elsewhere
        ? elsewhere.time !== undefined
          ? isoDate(elsewhere.time, f.tz)
          : 'undated'
        : recent
          ? isoDate(recent.time, f.tz)
          : '',
      elsewhereLine: elsewhere ? elsewhereLine(ctx, elsewhere, 'rituximab') : '',
    },
    evidence,
    notes: [
      ...rituximabPregnancyNotes(ctx),
      ...drugNotes(ctx, 'rtx', 'Rituximab'),
      ...staleOrderNotes(ctx, 'rtx', 'Rituximab'),
      ...gapNotes(ctx, ['medicationAdministrations', 'medicationStatements']),
    ],
    suggestions: elsewhere ? undefined : [{ key: 'start-rituximab', isRecommended: true }],
  };
}

export const rule: RuleModule = { id: ID, patientView };
