/**
 * Ordering rules (order-select / order-sign): TTP-PLT-TXN, TTP-CAPLA-ORDER, TTP-RTX-DOSE,
 * TTP-DARA-LASTLINE, and the order-time parts of TTP-CAPLA-DAY5, TTP-CAPLA-STOP and
 * TTP-CAPLA-DURATION. Pure functions of the facts and the draft orders. An order whose details
 * are incomplete (common at order-select) is judged only on what it states: a missing dose says
 * nothing about dose.
 */
import { DAY, HOUR, isoDate, localDate, daysBetween } from '../facts/clock';
import { activeOrGiven, activeOrders, drug, series } from '../facts';
import { isActiveOrder, medOrderOf, medicationConcepts } from '../facts/extract';
import { concepts, conceptText, obj, parseTime, periodStart, refOf, statusCode, type AnyResource } from '../fhir/read';
import type { Evidence, MedOrder } from '../facts/types';
import { fmt } from '../units';
import { caplaDay5Finding, caplaDurationFinding, caplaEnding, caplaStopFinding } from './patientView';
import { type DraftOrder, type Finding, type RuleContext, labEvidence, matchNote } from './types';

const LIVE_DRAFT = (d: DraftOrder) => !['cancelled', 'entered-in-error', 'revoked'].includes(String(d.resource.status));

/** The drafts the rules judge: selections at order-select, every draft at order-sign. */
function focus(ctx: RuleContext): DraftOrder[] {
  return ctx.drafts.filter((d) => LIVE_DRAFT(d) && (ctx.hook === 'order-sign' || d.selected));
}

function draftConcepts(ctx: RuleContext, d: DraftOrder): unknown[] {
  const r = d.resource;
  if (r.resourceType === 'MedicationRequest') return medicationConcepts(r, ctx.f.record);
  return concepts(r.code);
}

function matchDraft(ctx: RuleContext, d: DraftOrder, vs: string) {
  return ctx.terminology.match(vs, draftConcepts(ctx, d));
}

function draftDisplay(ctx: RuleContext, d: DraftOrder): string {
  const c = draftConcepts(ctx, d);
  return c.map((x) => conceptText(x as object)).find((x) => x) ?? d.ref;
}

// ---------------------------------------------------------------------------------------------

/** TTP-PLT-TXN: platelet transfusion in active TTP; info when a life-threatening bleed is documented. */
function plateletTransfusion(ctx: RuleContext): Finding[] {
  const { f } = ctx;
  const out: Finding[] = [];
  for (const d of focus(ctx)) {
    const m = matchDraft(ctx, d, 'VS-PLTX');
    if (!m) continue;
    const recentBleed = f.bleeds.find((b) => b.time !== undefined && f.now - b.time <= ctx.param('bleedRecentHours') * HOUR && b.time <= f.now + HOUR);
    const reasonBleed = orderReasonBleed(ctx, d.resource);
    const bleed = recentBleed ? `${recentBleed.display} (onset ${isoDate(recentBleed.time, f.tz)})` : reasonBleed;
    const display = draftDisplay(ctx, d);
    const notes: string[] = [];
    const mn = matchNote(m.by, m.what, 'The platelet order');
    if (mn) notes.push(mn);
    const undatedBleed = f.bleeds.find((b) => b.time === undefined);
    if (!bleed && undatedBleed) notes.push(`${undatedBleed.display} (${undatedBleed.ref}) has no onset date, so it cannot be placed within ${ctx.param('bleedRecentHours')} h.`);
    out.push({
      ruleId: 'TTP-PLT-TXN',
      indicator: bleed ? 'info' : 'warning',
      variant: bleed ? 'bleed' : 'default',
      params: { order: display, bleed: bleed ?? '' },
      evidence: [
        { label: 'Draft order', value: display, ref: d.ref },
        { label: 'Active iTTP', value: f.activeIttp[0]!.display, time: f.activeIttp[0]!.time, ref: f.activeIttp[0]!.ref },
        ...labEvidence(series(f, 'platelets').final.slice(-1)[0], ctx.units, 'Platelets, latest'),
        ...(recentBleed ? [{ label: 'Bleeding', value: recentBleed.display, time: recentBleed.time, ref: recentBleed.ref }] : []),
        ...(!recentBleed && reasonBleed ? [{ label: 'Order reason', value: reasonBleed, ref: d.ref }] : []),
      ],
      notes,
      suggestions: d.resource.id
        ? [{ key: 'remove-platelet-order', actions: [{ type: 'delete', description: `Remove the draft order ${display}`, resourceId: d.ref }] }]
        : undefined,
    });
  }
  return out;
}

function orderReasonBleed(ctx: RuleContext, r: AnyResource): string | undefined {
  const direct = ctx.terminology.match('VS-BLEED', r.reasonCode);
  if (direct) return conceptText(concepts(r.reasonCode)[0] ?? {}) || direct.what;
  for (const ref of Array.isArray(r.reasonReference) ? r.reasonReference : []) {
    const target = ctx.f.record.resolve(obj(ref)?.reference, r);
    if (target && ctx.terminology.match('VS-BLEED', target.code)) return conceptText(concepts(target.code)[0] ?? {}) || 'bleeding';
    const display = obj(ref)?.display;
    if (typeof display === 'string' && ctx.terminology.matchText('VS-BLEED', display)) return display;
  }
  return undefined;
}

/** TTP-CAPLA-ORDER. */
function caplacizumabOrder(ctx: RuleContext): Finding[] {
  const { f, s, units } = ctx;
  const out: Finding[] = [];
  const caplaDrafts = ctx.drafts.filter((d) => LIVE_DRAFT(d) && d.resource.resourceType === 'MedicationRequest' && matchDraft(ctx, d, 'VS-CAPLA'));
  for (const d of focus(ctx)) {
    if (d.resource.resourceType !== 'MedicationRequest') continue;
    const m = matchDraft(ctx, d, 'VS-CAPLA');
    if (!m) continue;
    const order = medOrderOf(d.resource, m, draftDisplay(ctx, d));
    if (order.status === 'stopped' || order.status === 'completed') continue; // a stop draft: TTP-CAPLA-STOP
    const problems: string[] = [];
    const evidence: Evidence[] = [{ label: 'Draft order', value: describeOrder(order), ref: d.ref }];
    const notes: string[] = [];
    const mn = matchNote(m.by, m.what, 'Caplacizumab');
    if (mn) notes.push(mn);

    // (a) antithrombotics active or drafted now, coagulopathy, severe hepatic impairment, active major bleed.
    const anti = activeOrders(f, 'antithromb');
    const antiDrafts = ctx.drafts.filter((x) => LIVE_DRAFT(x) && x.ref !== d.ref && matchDraft(ctx, x, 'VS-ANTITHROMB'));
    for (const a of anti) evidence.push({ label: 'Antithrombotic active', value: a.display, time: a.time, ref: a.ref });
    for (const a of antiDrafts) evidence.push({ label: 'Antithrombotic in this order session', value: draftDisplay(ctx, a), ref: a.ref });
    if (anti.length || antiDrafts.length) problems.push(`${anti[0]?.display ?? draftDisplay(ctx, antiDrafts[0]!)} active`);
    const recentlyStopped = drug(f, 'antithromb').orders.filter((o) => !isActiveOrder(o, f.now) && o.end !== undefined && f.now - o.end <= 3 * DAY);
    for (const o of recentlyStopped) notes.push(`${o.display} (${o.ref}) ended ${isoDate(o.end, f.tz)}; its effect may persist.`);
    const coag = findCondition(ctx, 'VS-COAGULOPATHY');
    const hep = findCondition(ctx, 'VS-SEVERE-HEPATIC');
    if (coag) (problems.push('coagulopathy'), evidence.push({ label: 'Coagulopathy', value: coag.display, ref: coag.ref }));
    if (hep) (problems.push('severe hepatic impairment'), evidence.push({ label: 'Hepatic impairment', value: hep.display, ref: hep.ref }));
    if (f.bleeds.length) (problems.push('active bleed'), evidence.push({ label: 'Active bleeding', value: f.bleeds[0]!.display, time: f.bleeds[0]!.time, ref: f.bleeds[0]!.ref }));

    // (b) surgery or invasive procedure planned within 7 days.
    const proc = plannedProcedure(ctx);
    if (proc) (problems.push('procedure within 7 d'), evidence.push({ label: 'Planned procedure', value: proc.display, time: proc.time, ref: proc.ref }));

    // (c) dose, route, frequency.
    const fix = doseRouteFrequency(ctx, order, caplaDrafts, d);
    problems.push(...fix.problems);

    // (d) ADAMTS13 > 20%.
    if (s.a13Negative && s.a13) {
      problems.push(`ADAMTS13 ${fmt(s.a13.value)}%`);
      evidence.push(...labEvidence(s.a13, units, 'ADAMTS13 activity, latest'));
    }
    // (f) caplacizumab allergy.
    const allergy = ctx.f.record.all('AllergyIntolerance').find((a) => !['entered-in-error', 'refuted'].includes(String(statusCode(a.verificationStatus))) && ctx.terminology.match('VS-CAPLA', a.code));
    if (allergy) (problems.push('caplacizumab allergy'), evidence.push({ label: 'Allergy', value: conceptText(concepts(allergy.code)[0] ?? {}), ref: refOf(allergy) }));
    // ADAMTS13 pending: empiric start only with high clinical probability (ISTH-Dx).
    const a13 = series(f, 'adamts13');
    const pending = a13.pending.length > 0 || (f.a13Orders.some((o) => o.status === 'active') && !a13.final.some((v) => v.time >= f.windowStart));
    if (pending) notes.push('ADAMTS13 is pending: an empiric start fits only a high clinical probability of TTP (ISTH diagnosis guideline).');
    if (!s.a13 && !pending) notes.push('No ADAMTS13 activity result this episode.');
    notes.push('Recurrences while on caplacizumab (label: stop after more than 2) are not computed from the record; check the history.');

    const warning = problems.length > 0;
    out.push({
      ruleId: 'TTP-CAPLA-ORDER',
      indicator: warning ? 'warning' : 'info',
      variant: warning ? 'warning' : 'default',
      params: { problems: fitProblems(problems) },
      evidence,
      notes,
      suggestions: fix.corrected
        ? [{ key: 'correct-caplacizumab', params: { dose: fix.dose, route: fix.route.toUpperCase() }, isRecommended: true, actions: [{ type: 'update', description: `Update ${d.ref} to caplacizumab ${fix.dose} mg ${fix.route.toUpperCase()}${fix.route === 'sc' ? ' once daily' : ''}`, resource: fix.corrected }] }]
        : undefined,
    });
  }
  return out;
}

function findCondition(ctx: RuleContext, vs: string) {
  for (const c of ctx.f.record.all('Condition')) {
    const clinical = statusCode(c.clinicalStatus);
    const verification = statusCode(c.verificationStatus);
    if (verification === 'refuted' || verification === 'entered-in-error') continue;
    if (clinical && !['active', 'recurrence', 'relapse'].includes(clinical)) continue;
    if (ctx.terminology.match(vs, c.code)) return { display: conceptText(concepts(c.code)[0] ?? {}) || vs, ref: refOf(c) };
  }
  return undefined;
}

function plannedProcedure(ctx: RuleContext): { display: string; time?: number; ref: string } | undefined {
  const { f } = ctx;
  const horizon = f.now + ctx.param('caplaProcedureWindowDays') * DAY;
  const candidates: AnyResource[] = [
    ...f.record.all('ServiceRequest').filter((r) => r.status === 'active' || r.status === 'draft' || r.status === 'on-hold'),
    ...ctx.drafts.filter((d) => LIVE_DRAFT(d) && d.resource.resourceType === 'ServiceRequest').map((d) => d.resource),
    ...f.record.all('Procedure').filter((p) => p.status === 'preparation'),
  ];
  for (const r of candidates) {
    if (ctx.terminology.match('VS-TPE', r.code) || ctx.terminology.match('VS-PLTX', r.code)) continue;
    const isProc = ctx.terminology.match('VS-INVASIVE-PROCEDURE', r.code) || ctx.terminology.matchCode('VS-INVASIVE-PROCEDURE', r.category);
    if (!isProc) continue;
    const time = parseTime(r.occurrenceDateTime) ?? periodStart(r.occurrencePeriod) ?? parseTime(r.performedDateTime) ?? periodStart(r.performedPeriod);
    if (time === undefined || (time >= f.now - DAY && time <= horizon)) return { display: conceptText(concepts(r.code)[0] ?? {}) || 'procedure', time, ref: refOf(r) };
  }
  return undefined;
}

/** (c) labelled dose 11 mg (EU 10 mg); first dose IV before TPE, then SC; once daily. */
function doseRouteFrequency(ctx: RuleContext, o: MedOrder, caplaDrafts: DraftOrder[], d: DraftOrder) {
  const problems: string[] = [];
  const labelled = (ctx.content.parameters.caplaDosesMg as number[]) ?? [10, 11];
  let dose = 11;
  if (o.dose?.mg !== undefined) {
    if (labelled.some((x) => Math.abs(o.dose!.mg! - x) < 0.01)) dose = o.dose.mg;
    else problems.push(`dose ${fmt(o.dose.mg)} mg`);
  } else if (o.dose?.mgPerM2 !== undefined) problems.push(`dose ${o.dose.raw}`);
  const priorExposure = activeOrGiven(ctx.f, 'capla');
  const ivDraftElsewhere = caplaDrafts.some((x) => x.ref !== d.ref && medOrderOf(x.resource, { by: 'code' }, '').route === 'iv');
  const firstDose = !priorExposure;
  let route: 'iv' | 'sc' = o.route === 'iv' ? 'iv' : 'sc';
  if (o.route !== undefined) {
    if (o.route === 'iv' && priorExposure) (problems.push('IV after the first dose'), (route = 'sc'));
    else if (o.route === 'sc' && firstDose && !ivDraftElsewhere) problems.push('first dose should be IV before TPE');
    else if (o.route !== 'iv' && o.route !== 'sc') (problems.push(`route ${o.routeText ?? o.route}`), (route = firstDose ? 'iv' : 'sc'));
  }
  const isSingle = o.count === 1;
  if (o.perDay !== undefined && Math.abs(o.perDay - 1) > 1e-9 && !isSingle) problems.push(o.perDay > 1 ? `${fmt(o.perDay)} doses/day` : 'less than once daily');
  if (problems.filter((p) => !p.startsWith('first dose')).length === 0) return { problems, corrected: undefined, dose, route };
  // The whole corrected resource (an update replaces the resource, CDS Hooks Action).
  const corrected = structuredClone(d.resource) as Record<string, unknown>;
  const dosage = (Array.isArray(corrected.dosageInstruction) ? corrected.dosageInstruction[0] : undefined) as Record<string, unknown> | undefined;
  const newDosage: Record<string, unknown> = {
    ...(dosage ?? {}),
    text: route === 'iv' ? `${dose} mg IV bolus at least 15 minutes before plasma exchange (first dose)` : `${dose} mg SC once daily`,
    timing: route === 'iv' ? { repeat: { count: 1 } } : { repeat: { frequency: 1, period: 1, periodUnit: 'd' } },
    route: route === 'iv' ? { coding: [{ system: 'http://snomed.info/sct', code: '47625008', display: 'Intravenous route' }], text: 'IV' } : { coding: [{ system: 'http://snomed.info/sct', code: '34206005', display: 'Subcutaneous route' }], text: 'SC' },
    doseAndRate: [{ doseQuantity: { value: dose, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } }],
  };
  corrected.dosageInstruction = [newDosage, ...(Array.isArray(corrected.dosageInstruction) ? corrected.dosageInstruction.slice(1) : [])];
  return { problems, corrected, dose, route };
}

function describeOrder(o: MedOrder): string {
  const parts = [o.display];
  if (o.dose) parts.push(o.dose.raw);
  if (o.routeText) parts.push(o.routeText);
  if (o.frequencyText) parts.push(o.frequencyText);
  else if (o.perDay !== undefined) parts.push(`${fmt(o.perDay)}/day`);
  return parts.join(', ');
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

// ---------------------------------------------------------------------------------------------

interface Bsa {
  m2: number;
  heightCm: number;
  weightKg: number;
  refs: string[];
}

function bsa(ctx: RuleContext): { bsa?: Bsa; missing: string; missingDetail: string } {
  const { f } = ctx;
  const since = f.now - ctx.param('bodyMeasureMaxAgeDays') * DAY;
  const pick = (a: string) =>
    [...series(f, a).final, ...series(f, a).preliminary].filter((v) => v.time >= since && v.time <= f.now + HOUR).sort((x, y) => x.time - y.time).pop();
  const h = pick('height');
  const w = pick('weight');
  const missing = [!h && 'no height', !w && 'no weight'].filter(Boolean).join(', ');
  if (!h || !w) {
    const problems = [...series(f, 'height').problems, ...series(f, 'weight').problems].map((p) => `${p.raw}: ${p.reason}`);
    return { missing, missingDetail: problems.length ? `${missing} (${problems.join('; ')})` : missing };
  }
  // Mosteller: sqrt(height cm x weight kg / 3600).
  return { bsa: { m2: Math.sqrt((h.value * w.value) / 3600), heightCm: h.value, weightKg: w.value, refs: [h.ref, w.ref] }, missing: '', missingDetail: '' };
}

/** TTP-RTX-DOSE: 375 mg/m2 (Mosteller) or 100 mg, each +/- tolerance; one card per draft, worst problem first. */
function rituximabDose(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  for (const d of focus(ctx)) {
    if (d.resource.resourceType !== 'MedicationRequest') continue;
    const m = matchDraft(ctx, d, 'VS-RTX');
    if (!m) continue;
    const o = medOrderOf(d.resource, m, draftDisplay(ctx, d));
    const tol = ctx.param('rtxDoseTolerance');
    const perM2 = ctx.param('rtxDoseMgPerM2');
    const flat = ctx.param('rtxFlatDoseMg');
    const within = (x: number, target: number) => Math.abs(x - target) <= tol * target + 1e-9;
    const b = bsa(ctx);
    const evidence: Evidence[] = [{ label: 'Draft order', value: describeOrder(o), ref: d.ref }];
    if (b.bsa) evidence.push({ label: 'BSA (Mosteller)', value: `${fmt(b.bsa.m2)} m2 (height ${fmt(b.bsa.heightCm)} cm, weight ${fmt(b.bsa.weightKg)} kg)`, ref: b.bsa.refs.join(', ') });
    const notes: string[] = [];
    const mn = matchNote(m.by, m.what, 'Rituximab');
    if (mn) notes.push(mn);
    const found: Finding[] = [];
    const calc = b.bsa ? Math.round((perM2 * b.bsa.m2) / 10) * 10 : undefined;
    const common = { tolerance: Math.round(tol * 100), maxAge: ctx.param('bodyMeasureMaxAgeDays') };
    if (o.dose?.mgPerM2 !== undefined) {
      if (!within(o.dose.mgPerM2, perM2))
        found.push(rtxFinding('warning', 'default', { X: `${fmt(o.dose.mgPerM2)} mg/m2 =`, calc: calc ?? `${perM2} mg/m2`, bsa: b.bsa ? fmt(b.bsa.m2) : 'unknown', height: b.bsa ? fmt(b.bsa.heightCm) : '?', weight: b.bsa ? fmt(b.bsa.weightKg) : '?', ...common }));
    } else if (o.dose?.mg !== undefined) {
      const mg = o.dose.mg;
      if (!within(mg, flat)) {
        if (!b.bsa) found.push(rtxFinding('info', 'no-bsa', { X: `${fmt(mg)} mg`, missing: b.missing, missingDetail: b.missingDetail, ...common }));
        else if (!within(mg, perM2 * b.bsa.m2))
          found.push(rtxFinding('warning', 'default', { X: fmt(mg), calc: calc!, bsa: fmt(b.bsa.m2), height: fmt(b.bsa.heightCm), weight: fmt(b.bsa.weightKg), ...common }));
      }
    }
    if (o.count !== undefined && o.count > ctx.param('rtxMaxWeeklyDoses')) found.push(rtxFinding('info', 'too-many-doses', { count: o.count }));
    if (o.intervalDays !== undefined && o.intervalDays < ctx.param('rtxMinIntervalDays') - 1e-9 && o.count !== 1) found.push(rtxFinding('info', 'short-interval', { interval: fmt(o.intervalDays) }));
    if (found.length === 0) continue;
    const rank = { critical: 3, warning: 2, info: 1 } as const;
    found.sort((a, b2) => rank[b2.indicator] - rank[a.indicator]);
    const main = found[0]!;
    main.evidence = evidence;
    main.notes = [...notes, ...found.slice(1).map((x) => `Also: ${summaryHint(x)}`)];
    if (main.variant === 'default' || main.variant === 'no-bsa') {
      const sugg = [];
      if (calc !== undefined) sugg.push({ key: 'set-dose-bsa', params: { calc, bsa: fmt(b.bsa!.m2) }, actions: [{ type: 'update' as const, description: `Set ${d.ref} dose to ${calc} mg`, resource: withDose(d.resource, calc) }] });
      sugg.push({ key: 'set-dose-flat', actions: [{ type: 'update' as const, description: `Set ${d.ref} dose to ${flat} mg`, resource: withDose(d.resource, flat) }] });
      main.suggestions = d.resource.id ? sugg : undefined;
    }
    out.push(main);
  }
  return out;
}

function rtxFinding(indicator: 'info' | 'warning', variant: string, params: Record<string, string | number>): Finding {
  return { ruleId: 'TTP-RTX-DOSE', indicator, variant, params, evidence: [], notes: [] };
}
function summaryHint(f: Finding): string {
  if (f.variant === 'too-many-doses') return `${f.params.count} weekly doses planned (usual course 4).`;
  if (f.variant === 'short-interval') return `doses ${f.params.interval} days apart (weekly expected).`;
  return 'dose outside the iTTP regimens.';
}

function withDose(resource: AnyResource, mg: number): Record<string, unknown> {
  const r = structuredClone(resource) as Record<string, unknown>;
  const list = Array.isArray(r.dosageInstruction) && r.dosageInstruction.length ? (r.dosageInstruction as Record<string, unknown>[]) : [{}];
  const first = { ...list[0]! };
  first.doseAndRate = [{ doseQuantity: { value: mg, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } }];
  r.dosageInstruction = [first, ...list.slice(1)];
  return r;
}

/** TTP-DARA-LASTLINE at ordering: daratumumab with no second-line agent ever ordered or given. */
function daratumumabOrder(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  const e = drug(ctx.f, 'second-line');
  if (e.orders.length > 0 || e.administrations.length > 0) return out;
  for (const d of focus(ctx)) {
    const m = matchDraft(ctx, d, 'VS-DARA');
    if (!m) continue;
    out.push({
      ruleId: 'TTP-DARA-LASTLINE',
      indicator: 'info',
      params: { reason: `Draft order **${draftDisplay(ctx, d)}**, and no second-line agent (cyclophosphamide, vincristine, cyclosporine, MMF, ATG, bortezomib) is ordered or given on record.` },
      evidence: [{ label: 'Draft order', value: draftDisplay(ctx, d), ref: d.ref }, { label: 'Second-line agents on record', value: 'none' }],
      notes: [matchNote(m.by, m.what, 'Daratumumab')].filter((x): x is string => !!x),
    });
    break;
  }
  return out;
}

/** Order-time TTP-CAPLA-DAY5: a draft TPE for PE day >= 4 without response, improvement or caplacizumab. */
function tpeWithoutCaplacizumab(ctx: RuleContext): Finding[] {
  const { f, s } = ctx;
  const ep = f.episode?.current ? f.episode : undefined;
  if (!ep) return [];
  const tpeDraft = focus(ctx).find((d) => d.resource.resourceType === 'ServiceRequest' && matchDraft(ctx, d, 'VS-TPE'));
  if (!tpeDraft) return [];
  const when = parseTime(tpeDraft.resource.occurrenceDateTime) ?? periodStart(tpeDraft.resource.occurrencePeriod) ?? f.now;
  const peDay = daysBetween(ep.day1, localDate(Math.max(when, f.now), f.tz)) + 1;
  if (peDay < ctx.param('noImprovementPeDay')) return [];
  if (s.response.status === 'met' || s.improving !== false) return [];
  if (activeOrGiven(f, 'capla') || f.bleeds.length > 0) return [];
  if (ctx.drafts.some((d) => LIVE_DRAFT(d) && matchDraft(ctx, d, 'VS-CAPLA'))) return [];
  const finding = caplaDay5Finding(ctx, 'order', peDay);
  finding.evidence.unshift({ label: 'Draft TPE order', value: draftDisplay(ctx, tpeDraft), ref: tpeDraft.ref });
  return [finding];
}

/** Caplacizumab drafts in focus, as orders; a draft that stops the drug without an end time ends now. */
function caplaDraftOrders(ctx: RuleContext): MedOrder[] {
  return focus(ctx)
    .filter((d) => d.resource.resourceType === 'MedicationRequest')
    .map((d) => ({ d, m: matchDraft(ctx, d, 'VS-CAPLA') }))
    .filter((x) => x.m)
    .map(({ d, m }) => {
      const o = medOrderOf(d.resource, m!, draftDisplay(ctx, d));
      if ((o.status === 'stopped' || o.status === 'completed') && o.end === undefined) o.end = ctx.f.now;
      return o;
    });
}

/** Order-time TTP-CAPLA-STOP: a draft that stops caplacizumab or ends it within 3 days. */
function caplacizumabStopDraft(ctx: RuleContext): Finding[] {
  const ending = caplaEnding(ctx, caplaDraftOrders(ctx));
  const f = ending ? caplaStopFinding(ctx, ending) : undefined;
  return f ? [f] : [];
}

/** Order-time TTP-CAPLA-DURATION: a draft planned beyond last TPE + 30 + 28 days. */
function caplacizumabDurationDraft(ctx: RuleContext): Finding[] {
  const f = caplaDurationFinding(ctx, caplaDraftOrders(ctx).filter((o) => o.status !== 'stopped' && o.status !== 'completed'));
  return f ? [f] : [];
}

export const ORDER_RULES: { id: string; run: (ctx: RuleContext) => Finding[]; escalation: boolean }[] = [
  { id: 'TTP-PLT-TXN', run: plateletTransfusion, escalation: false },
  { id: 'TTP-CAPLA-ORDER', run: caplacizumabOrder, escalation: false },
  { id: 'TTP-CAPLA-DAY5', run: tpeWithoutCaplacizumab, escalation: true },
  { id: 'TTP-RTX-DOSE', run: rituximabDose, escalation: false },
  { id: 'TTP-CAPLA-STOP', run: caplacizumabStopDraft, escalation: false },
  { id: 'TTP-CAPLA-DURATION', run: caplacizumabDurationDraft, escalation: false },
  { id: 'TTP-DARA-LASTLINE', run: daratumumabOrder, escalation: true },
];
