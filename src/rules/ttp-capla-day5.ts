/**
 * TTP-CAPLA-DAY5: no response and no improvement by TPE day 4-5 (D4), or refractory (D3a), and
 * caplacizumab neither active nor given this episode. On the order hooks: a draft TPE order for
 * PE day >= 4 in the same situation. Optional up-front info card when ADAMTS13 < 10% (KB section 3).
 */
import { activeOrGiven } from '../facts';
import { periodStart } from '../fhir/read';
import { daysBetween, localDate, parseTime } from '../fhir/time';
import { fmt } from '../units';
import { draftDisplay, focus, liveDraft, matchDraft } from './drafts';
import { currentEpisode, drugNotes, episodeEvidence, gapNotes, labEvidence, sessionNotes, trendEvidence } from './evidence';
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-CAPLA-DAY5';

function finding(ctx: RuleContext, summary: 'default' | 'order', peDay?: number): Finding {
  const { f, s } = ctx;
  const ep = f.episode!;
  const critical = s.refractoryNumeric === true;
  return {
    ruleId: ID,
    indicator: critical ? 'critical' : 'warning',
    variant: summary === 'order' ? 'order' : critical ? 'refractory' : 'default',
    params: { N: peDay ?? ep.peDay, sessions: ep.sessionCount },
    evidence: [
      ...episodeEvidence(ctx),
      ...trendEvidence(ctx),
      { label: 'Improvement (D4)', value: s.improvingWhy || String(s.improving) },
      { label: 'Caplacizumab', value: 'not ordered-and-active, not given this episode' },
    ],
    notes: [...sessionNotes(ctx), ...drugNotes(ctx, 'capla', 'Caplacizumab'), ...gapNotes(ctx, ['medicationAdministrations', 'labs'])],
    suggestions: [{ key: 'start-caplacizumab', isRecommended: true }],
  };
}

function patientView(ctx: RuleContext): Finding | undefined {
  const { f, s } = ctx;
  const ep = currentEpisode(f);
  if (!ep) return;
  if (activeOrGiven(f, 'capla')) return;
  if (f.bleeds.length > 0) return;
  if (s.noImprovement === true) return finding(ctx, 'default');
  const a13 = s.a13;
  if (ctx.flag('caplaUpfrontInfoCard') && a13 && (a13.value < ctx.param('adamts13SevereBelow') || a13.comparator?.startsWith('<'))) {
    return {
      ruleId: ID,
      indicator: 'info',
      variant: 'upfront',
      params: { N: ep.peDay, x: `${a13.comparator ?? ''}${fmt(a13.value)}` },
      evidence: [
        ...episodeEvidence(ctx),
        ...labEvidence(a13, ctx.units, 'ADAMTS13 activity'),
        { label: 'Caplacizumab', value: 'not ordered-and-active, not given this episode' },
      ],
      notes: drugNotes(ctx, 'capla', 'Caplacizumab'),
      suggestions: [{ key: 'start-caplacizumab' }],
    };
  }
  return undefined;
}

/** A draft TPE for PE day >= 4 without response, improvement or caplacizumab. */
function orders(ctx: RuleContext): Finding | undefined {
  const { f, s } = ctx;
  const ep = currentEpisode(f);
  if (!ep) return;
  const tpeDraft = focus(ctx).find((d) => d.resource.resourceType === 'ServiceRequest' && matchDraft(ctx, d, 'VS-TPE'));
  if (!tpeDraft) return;
  const when = parseTime(tpeDraft.resource.occurrenceDateTime) ?? periodStart(tpeDraft.resource.occurrencePeriod) ?? f.now;
  const peDay = daysBetween(ep.day1, localDate(Math.max(when, f.now), f.tz)) + 1;
  if (peDay < ctx.param('noImprovementPeDay')) return;
  if (s.response.status === 'met' || s.improving !== false) return;
  if (activeOrGiven(f, 'capla') || f.bleeds.length > 0) return;
  if (ctx.drafts.some((d) => liveDraft(d) && matchDraft(ctx, d, 'VS-CAPLA'))) return;
  const out = finding(ctx, 'order', peDay);
  out.evidence.unshift({ label: 'Draft TPE order', value: draftDisplay(ctx, tpeDraft), ref: tpeDraft.ref });
  return out;
}

export const rule: RuleModule = { id: ID, patientView, orders };
