/**
 * TTP-CAPLA-ORDER: a caplacizumab draft. Info by default (bleeding caution); a warning when (a) an
 * antithrombotic is active or drafted, coagulopathy, severe hepatic impairment or an active bleed,
 * (b) a procedure within 7 days, (c) the dose, route or frequency is off label, (d) ADAMTS13 > 20%,
 * (f) a caplacizumab allergy. An order is judged only on what it states: a missing dose says nothing
 * about dose.
 */
import { ended, pending as isPending } from '../facts/status';
import { currentCondition, plannedRequests, proceduresInPreparation } from '../facts/plans';
import { activeOrders, allergiesTo, drug, exposureInWindow, series } from '../facts';
import { atLeast } from '../facts/compare';
import { isActiveOrder, medOrderOf } from '../facts/drugs';
import type { Evidence, MedOrder } from '../facts/types';
import { type AnyResource, concepts, conceptText, periodStart, refOf } from '../fhir/read';
import { DAY, isoDate, parseTime } from '../fhir/time';
import { fmt } from '../units';
import { describeOrder, draftDisplay, focus, liveDraft, matchDraft } from './drafts';
import { labEvidence, matchNote, pastBleedEvidence, recentBleed } from './evidence';
import type { DraftOrder, Finding, RuleContext, RuleModule } from './types';

const ID = 'TTP-CAPLA-ORDER';

function findCondition(ctx: RuleContext, vs: string) {
  return currentCondition(ctx.f.record, ctx.terminology, vs);
}

/** (b) Surgery, dental work or an invasive procedure planned within the window (or in the last day). */
function plannedProcedure(ctx: RuleContext): { display: string; time?: number; ref: string } | undefined {
  const { f } = ctx;
  const horizon = f.now + ctx.param('caplaProcedureWindowDays') * DAY;
  const candidates: AnyResource[] = [
    ...plannedRequests(f.record),
    ...ctx.drafts.filter((d) => liveDraft(d) && d.resource.resourceType === 'ServiceRequest').map((d) => d.resource),
    ...proceduresInPreparation(f.record),
  ];
  for (const r of candidates) {
    if (ctx.terminology.match('VS-TPE', r.code) || ctx.terminology.match('VS-PLTX', r.code)) continue;
    const isProc = ctx.terminology.match('VS-INVASIVE-PROCEDURE', r.code) || ctx.terminology.matchCode('VS-INVASIVE-PROCEDURE', r.category);
    if (!isProc) continue;
    const time =
      parseTime(r.occurrenceDateTime) ??
      periodStart(r.occurrencePeriod) ??
      parseTime(r.performedDateTime) ??
      periodStart(r.performedPeriod);
    if (time === undefined || (time >= f.now - DAY && time <= horizon))
      return { display: conceptText(concepts(r.code)[0] ?? {}) || 'procedure', time, ref: refOf(r) };
  }
  return undefined;
}

const IV = { coding: [{ system: 'http://snomed.info/sct', code: '47625008', display: 'Intravenous route' }], text: 'IV' };
const SC = { coding: [{ system: 'http://snomed.info/sct', code: '34206005', display: 'Subcutaneous route' }], text: 'SC' };
const mg = (dose: number) => [{ doseQuantity: { value: dose, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } }];

/**
 * (c) labelled dose 11 mg (EU 10 mg); the first dose (no administration this episode yet) IV
 * before TPE, then SC; once daily; a route whose code and text disagree is unclear. The fix
 * matches the finding: a first dose becomes IV before TPE then SC once daily (two dosage
 * instructions), a later dose SC once daily.
 */
function doseRouteFrequency(ctx: RuleContext, o: MedOrder, caplaDrafts: DraftOrder[], d: DraftOrder) {
  const problems: string[] = [];
  const labelled = ctx.list('caplaDosesMg');
  let dose = Math.max(...labelled);
  if (o.dose?.mg !== undefined) {
    if (labelled.some((x) => Math.abs(o.dose!.mg! - x) < 0.01)) dose = o.dose.mg;
    else problems.push(`dose ${fmt(o.dose.mg)} mg`);
  } else if (o.dose?.mgPerM2 !== undefined) problems.push(`dose ${o.dose.raw}`);
  const firstDose = exposureInWindow(ctx.f, 'capla').given.length === 0;
  const ivDraftElsewhere = caplaDrafts.some((x) => x.ref !== d.ref && medOrderOf(x.resource, { by: 'code' }, '').route === 'iv');
  const firstDay = firstDose && !ivDraftElsewhere;
  if (o.routeConflict) problems.push(`route unclear (${o.routeConflict})`);
  else if (o.route === 'iv' && !firstDose) problems.push('IV after the first dose');
  else if (o.route === 'sc' && firstDay) problems.push('first dose should be IV before TPE');
  else if (o.route !== undefined && o.route !== 'iv' && o.route !== 'sc') problems.push(`route ${o.routeText ?? o.route}`);
  const isSingle = o.count === 1 && o.route === 'iv';
  if (o.perDay !== undefined && Math.abs(o.perDay - 1) > 1e-9 && !isSingle)
    problems.push(o.perDay > 1 ? `${fmt(o.perDay)} doses/day` : 'less than once daily');
  if (problems.length === 0) return { problems, corrected: undefined, fix: '' };
  // The whole corrected resource (an update replaces the resource, CDS Hooks Action).
  const corrected = structuredClone(d.resource) as Record<string, unknown>;
  const sc = {
    text: `${dose} mg SC once daily after plasma exchange`,
    timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } },
    route: SC,
    doseAndRate: mg(dose),
  };
  const iv = {
    text: `${dose} mg IV bolus at least 15 minutes before plasma exchange (first dose)`,
    timing: { repeat: { count: 1 } },
    route: IV,
    doseAndRate: mg(dose),
  };
  corrected.dosageInstruction = firstDay
    ? [
        { ...iv, sequence: 1 },
        { ...sc, sequence: 2 },
      ]
    : [sc];
  const fix = firstDay ? `${dose} mg IV before TPE, then ${dose} mg SC once daily` : `${dose} mg SC once daily`;
  return { problems, corrected, fix };
}

/**
 * (e) Recurrences while on caplacizumab, counted from the record: each fall of the platelet count
 * from >= 150 to below it with a caplacizumab dose in the 36 h before (the drug is given daily).
 */
export function recurrencesOnCaplacizumab(ctx: RuleContext): { count: number; last?: { time: number; value: number; ref: string } } {
  const doses = drug(ctx.f, 'capla').administrations.map((a) => a.time);
  if (doses.length === 0) return { count: 0 };
  const threshold = ctx.param('responsePlatelets');
  let above = false;
  let count = 0;
  let last: { time: number; value: number; ref: string } | undefined;
  for (const v of series(ctx.f, 'platelets').final) {
    if (atLeast(v, threshold)) above = true;
    else if (above) {
      above = false;
      if (doses.some((t) => t <= v.time && v.time - t <= 36 * 3_600_000)) {
        count++;
        last = v;
      }
    }
  }
  return { count, last };
}

/** Keep the warning summary under 140 characters whatever the problems are. */
function fitProblems(problems: string[]): string {
  let out = problems.join('; ');
  let n = problems.length;
  while (out.length > 60 && n > 1) {
    n--;
    out = `${problems.slice(0, n).join('; ')} (+${problems.length - n} more)`;
  }
  return out.length > 60 ? `${out.slice(0, 57)}...` : out;
}

function orders(ctx: RuleContext): Finding[] {
  const { f, s, units } = ctx;
  const out: Finding[] = [];
  const caplaDrafts = ctx.drafts.filter(
    (d) => liveDraft(d) && d.resource.resourceType === 'MedicationRequest' && matchDraft(ctx, d, 'VS-CAPLA'),
  );
  for (const d of focus(ctx)) {
    if (d.resource.resourceType !== 'MedicationRequest') continue;
    const m = matchDraft(ctx, d, 'VS-CAPLA');
    if (!m) continue;
    const order = medOrderOf(d.resource, m, draftDisplay(ctx, d));
    if (ended(order)) continue; // a stop draft: TTP-CAPLA-STOP
    const problems: string[] = [];
    const evidence: Evidence[] = [{ label: 'Draft order', value: describeOrder(order), ref: d.ref }];
    const notes: string[] = [];
    const mn = matchNote(m.by, m.what, 'Caplacizumab');
    if (mn) notes.push(mn);

    // (f) caplacizumab allergy, named first: the label's only contraindication (KB v3 change 29: current, not
    // refuted; the engine removes the one-click fix and says why).
    const allergy = allergiesTo(f, 'capla')[0];
    if (allergy) {
      problems.push('caplacizumab allergy');
      evidence.push({ label: 'Allergy', value: allergy.display, time: allergy.time, ref: allergy.ref });
    }

    // (a) antithrombotics active or drafted now, coagulopathy, severe hepatic impairment, active major bleed.
    const anti = activeOrders(f, 'antithromb');
    const antiDrafts = ctx.drafts.filter((x) => liveDraft(x) && x.ref !== d.ref && matchDraft(ctx, x, 'VS-ANTITHROMB'));
    for (const a of anti) evidence.push({ label: 'Antithrombotic active', value: a.display, time: a.time, ref: a.ref });
    for (const a of antiDrafts) evidence.push({ label: 'Antithrombotic in this order session', value: draftDisplay(ctx, a), ref: a.ref });
    if (anti.length || antiDrafts.length) problems.push(`${anti[0]?.display ?? draftDisplay(ctx, antiDrafts[0]!)} active`);
    const effectDays = ctx.param('antithromboticEffectDays');
    const recentlyStopped = drug(f, 'antithromb').orders.filter(
      (o) => !isActiveOrder(o, f.now) && o.end !== undefined && f.now - o.end <= effectDays * DAY,
    );
    for (const o of recentlyStopped) notes.push(`${o.display} (${o.ref}) ended ${isoDate(o.end, f.tz)}; its effect may persist.`);
    const coag = findCondition(ctx, 'VS-COAGULOPATHY');
    const hep = findCondition(ctx, 'VS-SEVERE-HEPATIC');
    if (coag) {
      problems.push('coagulopathy');
      evidence.push({ label: 'Coagulopathy', value: coag.display, ref: coag.ref });
    }
    if (hep) {
      problems.push('severe hepatic impairment');
      evidence.push({ label: 'Hepatic impairment', value: hep.display, ref: hep.ref });
    }
    // A current major bleed (onset within 72 h); an older one is evidence only.
    const bleed = recentBleed(ctx);
    if (bleed) {
      problems.push('active bleed');
      evidence.push({ label: 'Active bleeding', value: bleed.display, time: bleed.time, ref: bleed.ref });
    }
    evidence.push(...pastBleedEvidence(ctx));

    // (b) surgery or invasive procedure planned within 7 days.
    const proc = plannedProcedure(ctx);
    if (proc) {
      problems.push(`procedure within ${ctx.param('caplaProcedureWindowDays')} d`);
      evidence.push({ label: 'Planned procedure', value: proc.display, time: proc.time, ref: proc.ref });
    }

    // (c) dose, route, frequency.
    const fix = doseRouteFrequency(ctx, order, caplaDrafts, d);
    problems.push(...fix.problems);

    // (d) the pre-treatment ADAMTS13 > 20% (D8a, before TPE and any plasma); a value drawn during TPE or after plasma never upgrades (D8b).
    if (s.a13PreAbove && s.a13Pre) {
      problems.push(`ADAMTS13 ${fmt(s.a13Pre.value)}% before TPE`);
      evidence.push(...labEvidence(s.a13Pre, units, 'ADAMTS13 activity, before TPE'));
    }
    // (g) pregnancy: the EU SmPC advises avoiding caplacizumab as a precaution.
    if (f.pregnancy.length) {
      problems.push('pregnancy');
      evidence.push({ label: 'Pregnancy', value: f.pregnancy[0]!.display, time: f.pregnancy[0]!.time, ref: f.pregnancy[0]!.ref });
      notes.push(
        'Pregnancy: limited data; the EU SmPC advises avoiding caplacizumab in pregnancy as a precaution. Decide with hematology and obstetrics.',
      );
    }
    // ADAMTS13 pending: empiric start only with high clinical probability (ISTH-Dx).
    const a13 = series(f, 'adamts13');
    const pending = a13.pending.length > 0 || (f.a13Orders.some(isPending) && !a13.final.some((v) => v.time >= f.windowStart));
    if (pending)
      notes.push('ADAMTS13 is pending: an empiric start fits only a high clinical probability of TTP (ISTH diagnosis guideline).');
    if (!s.a13 && !pending) notes.push('No ADAMTS13 activity result this episode.');
    // (e) more than 2 recurrences while on caplacizumab (USPI: stop it).
    const rec = recurrencesOnCaplacizumab(ctx);
    if (rec.count > ctx.param('caplaMaxRecurrencesOnDrug')) {
      problems.push(`${rec.count} recurrences on caplacizumab`);
      evidence.push({
        label: 'Recurrences on caplacizumab',
        value: `${rec.count} (platelets fell below ${ctx.param('responsePlatelets')} on the drug)`,
        time: rec.last!.time,
        ref: rec.last!.ref,
      });
      notes.push(`The US label stops caplacizumab after more than ${ctx.param('caplaMaxRecurrencesOnDrug')} recurrences while on it.`);
    } else if (rec.count > 0)
      notes.push(
        `${rec.count} recurrence(s) while on caplacizumab in this record (label: stop after more than ${ctx.param('caplaMaxRecurrencesOnDrug')}); earlier ones elsewhere are not known.`,
      );

    const warning = problems.length > 0;
    out.push({
      ruleId: ID,
      indicator: warning ? 'warning' : 'info',
      variant: warning ? 'warning' : 'default',
      params: { problems: fitProblems(problems) },
      evidence,
      notes,
      suggestions: fix.corrected
        ? [
            {
              key: 'correct-caplacizumab',
              params: { fix: fix.fix },
              isRecommended: true,
              actions: [{ type: 'update', description: `Update ${d.ref} to caplacizumab ${fix.fix}`, resource: fix.corrected }],
            },
          ]
        : undefined,
    });
  }
  return out;
}

export const rule: RuleModule = { id: ID, orders };
