/**
 * TTP-CAPLA-DAY5: no response and no improvement by TPE day 4-5 (D4), or refractory (D3a), on
 * current data, and caplacizumab neither active nor given this episode. A current bleed makes it a
 * warning with the bleeding caution (never silence); without any ADAMTS13 on a non-specific TTP
 * code it is a warning, never critical. On the order hooks: a draft TPE order for PE day >= 4 in the
 * same situation. Optional up-front info card when the pre-treatment ADAMTS13 is < 10% (KB section 3).
 */
import { pending, responded } from '../facts/status';
import { activeOrGiven, allergiesTo, series } from '../facts';
import { below, belowTri } from '../facts/compare';
import { periodStart } from '../fhir/read';
import { daysBetween, isoDate, localDate, parseTime } from '../fhir/time';
import { fmt } from '../units';
import { draftDisplay, focus, liveDraft, matchDraft } from './drafts';
import {
  escalationCarries,
  currentEpisode,
  drugNotes,
  elsewhereEvidence,
  elsewhereLine,
  elsewhereOf,
  episodeEvidence,
  gapNotes,
  inTpeAdamts13Notes,
  labEvidence,
  pastBleedEvidence,
  recentBleed,
  sessionNotes,
  trendEvidence,
} from './evidence';
import type { Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-CAPLA-DAY5';

/** What the card says about ADAMTS13, by the facts (KB: pre-treatment < 10%, pending, or none on a non-specific code). */
function adamts13Line(ctx: RuleContext): { line: string; none: boolean } {
  const { f, s } = ctx;
  if (s.a13Pre && below(s.a13Pre, ctx.param('adamts13SevereBelow')))
    return { line: `ADAMTS13 ${s.a13Pre.comparator ?? ''}${fmt(s.a13Pre.value)}% before TPE confirms iTTP.`, none: false };
  // KB v3 change 27: above the negative threshold, but with a positive inhibitor: the escalation is not held back.
  if (s.a13Pre && s.a13PreAbove && s.inhibitor)
    return {
      line: `ADAMTS13 ${fmt(s.a13Pre.value)}% before TPE is above ${ctx.param('adamts13NegativeAbove')}%, but an ADAMTS13 inhibitor is positive (${s.inhibitor.raw}, ${isoDate(s.inhibitor.time, f.tz)}): activity is read with the inhibitor, and the escalation is not held back.`,
      none: false,
    };
  // KB v3 change 25: a lower bound under the threshold (">5%") does not say whether the deficiency is severe.
  if (s.a13Pre && belowTri(s.a13Pre, ctx.param('adamts13SevereBelow')) === 'unknown')
    return {
      line: `ADAMTS13 reported as ${s.a13Pre.comparator}${fmt(s.a13Pre.value)}% before TPE does not say whether the deficiency is severe.`,
      none: false,
    };
  const a13 = series(f, 'adamts13');
  const resulted = [...a13.final, ...a13.preliminary, ...a13.problems].some((v) => (v.time ?? f.now) >= f.windowStart);
  const ordered = a13.pending.length > 0 || f.a13Orders.some(pending);
  if (!resulted && ordered) return { line: 'Do not wait for the pending ADAMTS13 result.', none: false };
  const specific = f.activeIttp.some((c) => c.confirmsImmune || c.treatedAsIttp);
  if (!resulted && !ordered && !specific)
    return {
      line: 'No ADAMTS13 result: caplacizumab before the result fits a high clinical probability only (ISTH-Dx). Send ADAMTS13 now.',
      none: true,
    };
  return { line: '', none: false };
}

function finding(ctx: RuleContext, summary: 'default' | 'order', peDay?: number): Finding {
  const { f, s } = ctx;
  const ep = f.episode!;
  const bleed = recentBleed(ctx);
  const a13 = adamts13Line(ctx);
  const critical = s.refractoryNumeric === true && !bleed && !a13.none;
  const donorPlasma = inTpeAdamts13Notes(ctx);
  // KB v3 change 30: caplacizumab recorded as given elsewhere is not "not started": at most an info to reconcile.
  const elsewhere = elsewhereOf(ctx, 'capla');
  // KB v3 change 29: a documented caplacizumab allergy removes the draft (the engine) and changes the advice, not the indicator.
  const allergy = allergiesTo(f, 'capla')[0];
  const variant = elsewhere
    ? 'elsewhere'
    : allergy
      ? 'allergy'
      : summary === 'order'
        ? 'order'
        : s.refractoryNumeric === true
          ? 'refractory'
          : 'default';
  return {
    ruleId: ID,
    indicator: elsewhere ? 'info' : critical ? 'critical' : 'warning',
    variant,
    params: {
      N: peDay ?? ep.peDay,
      sessions: ep.sessionCount,
      state: s.refractoryNumeric === true ? 'meets the IWG refractory definition' : 'not improving',
      a13Line: a13.line,
      elsewhereLine: elsewhere ? elsewhereLine(ctx, elsewhere, 'caplacizumab') : '',
      date: elsewhere?.time !== undefined ? isoDate(elsewhere.time, f.tz) : 'undated',
      bleedLine: bleed
        ? `**Current bleed: ${bleed.display}.** Caplacizumab raises bleeding risk; weigh it against the thrombotic risk with hematology (the label interrupts it for clinically significant bleeding).`
        : '',
      pregnancyLine: f.pregnancy.length
        ? 'Pregnancy: limited data; the EU SmPC advises avoiding caplacizumab in pregnancy as a precaution. Decide with hematology and obstetrics.'
        : '',
    },
    evidence: [
      ...episodeEvidence(ctx),
      ...trendEvidence(ctx),
      {
        label: 'Improvement',
        value: s.improvingWhy || (s.improving === 'unknown' ? 'cannot be judged' : s.improving ? 'improving' : 'not improving'),
      },
      { label: 'Caplacizumab', value: 'no active order, not given this episode' },
      ...elsewhereEvidence(ctx, 'capla', 'Caplacizumab'),
      ...labEvidence(s.a13Pre, ctx.units, 'ADAMTS13 activity, before TPE'),
      ...(bleed ? [{ label: 'Bleeding (current)', value: bleed.display, time: bleed.time, ref: bleed.ref }] : []),
      ...pastBleedEvidence(ctx),
      ...f.pregnancy.map((p) => ({ label: 'Pregnancy', value: p.display, time: p.time, ref: p.ref })),
    ],
    notes: [
      ...sessionNotes(ctx),
      ...drugNotes(ctx, 'capla', 'Caplacizumab'),
      ...donorPlasma,
      ...gapNotes(ctx, ['medicationAdministrations', 'medicationStatements', 'labs']),
    ],
    suggestions: elsewhere ? undefined : [{ key: 'start-caplacizumab', isRecommended: true }],
    overrideFirst: bleed ? 'bleeding-risk' : undefined,
    caplacizumab: elsewhere ? undefined : { suggestions: ['start-caplacizumab'] },
    carries: escalationCarries(donorPlasma),
  };
}

function patientView(ctx: RuleContext): Finding | undefined {
  const { f, s } = ctx;
  const ep = currentEpisode(f);
  if (!ep || activeOrGiven(f, 'capla')) return;
  if (s.noImprovement === true || s.refractoryNumeric === true) return finding(ctx, 'default');
  const a13 = s.a13Pre;
  // The up-front card is a suggestion to start: none when caplacizumab was given elsewhere or is contraindicated.
  const startable = !elsewhereOf(ctx, 'capla') && allergiesTo(f, 'capla').length === 0;
  if (ctx.flag('caplaUpfrontInfoCard') && startable && a13 && below(a13, ctx.param('adamts13SevereBelow'))) {
    return {
      ruleId: ID,
      indicator: 'info',
      variant: 'upfront',
      params: { N: ep.peDay, x: `${a13.comparator ?? ''}${fmt(a13.value)}` },
      evidence: [
        ...episodeEvidence(ctx),
        ...labEvidence(a13, ctx.units, 'ADAMTS13 activity, before TPE'),
        { label: 'Caplacizumab', value: 'no active order, not given this episode' },
      ],
      notes: drugNotes(ctx, 'capla', 'Caplacizumab'),
      suggestions: [{ key: 'start-caplacizumab' }],
      caplacizumab: { suggestions: ['start-caplacizumab'] },
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
  if (responded(s.response) || s.notCurrent.length) return;
  if (s.improving !== false && s.refractoryNumeric !== true) return;
  if (activeOrGiven(f, 'capla')) return;
  if (ctx.drafts.some((d) => liveDraft(d) && matchDraft(ctx, d, 'VS-CAPLA'))) return;
  const out = finding(ctx, 'order', peDay);
  out.evidence.unshift({ label: 'Draft TPE order', value: draftDisplay(ctx, tpeDraft), ref: tpeDraft.ref });
  return out;
}

export const rule: RuleModule = { id: ID, patientView, orders };
