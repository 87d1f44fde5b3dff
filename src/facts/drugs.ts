/**
 * Medications as facts (KB section 4B, G4): orders with their dose, route, timing and end, and
 * administrations. A cancelled or draft order was never ordered; stopped/completed is not active
 * now; "given" means administered.
 */
import {
  type AnyResource,
  arr,
  asText,
  clip,
  concepts,
  table,
  conceptText,
  numOf,
  obj,
  parseRef,
  periodEnd,
  periodStart,
  refOf,
  str,
} from '../fhir/read';
import { DAY, parseTime } from '../fhir/time';
import type { Match, MatchKind } from '../terminology';
import { quantityUnit, sortByTime } from './labs';
import type { PatientRecord } from './record';
import type { Dose, DrugClass, DrugExposure, MedAdmin, MedOrder, OrderFact } from './types';
import type { Tools } from './tools';
import { type Unreadable, codeProblem, dateProblem, statusProblem } from './unreadable';

const DRUG_VS: Record<DrugClass, string> = {
  capla: 'VS-CAPLA',
  rtx: 'VS-RTX',
  steroid: 'VS-STEROID',
  mp: 'VS-MP',
  'second-line': 'VS-2L',
  dara: 'VS-DARA',
  antithromb: 'VS-ANTITHROMB',
  plasma: 'VS-PLASMA',
};
export const DRUG_CLASSES = Object.keys(DRUG_VS) as DrugClass[];
/** The value set of a drug class (KB 4B). */
export const drugValueSet = (d: DrugClass): string => DRUG_VS[d];
const DRUG_VS_LIST = DRUG_CLASSES.map((d) => DRUG_VS[d]);
const NEVER_ORDERED = new Set(['cancelled', 'draft', 'entered-in-error', 'unknown']);
const ORDER_INTENTS = new Set(['order', 'original-order', 'reflex-order', 'filler-order', 'instance-order']);
const isGiven = (status: unknown) => status === 'completed' || status === 'in-progress' || status === 'stopped';

/** The medication concept(s) of a request or administration: inline, contained, referenced, or the reference's display. */
export function medicationConcepts(r: AnyResource, record: PatientRecord): unknown[] {
  const out: unknown[] = [];
  if (r.medicationCodeableConcept) out.push(...concepts(r.medicationCodeableConcept));
  const ref = obj(r.medicationReference);
  if (ref) {
    const med =
      record.resolve(ref.reference, r) ??
      (Array.isArray(r.contained) ? (r.contained as AnyResource[]).find((c) => c?.resourceType === 'Medication') : undefined);
    if (med) {
      out.push(...concepts(med.code));
      for (const ing of arr<Record<string, unknown>>(med.ingredient)) {
        if (ing?.itemCodeableConcept) out.push(...concepts(ing.itemCodeableConcept));
        const ir = obj(ing?.itemReference);
        if (ir && typeof ir.display === 'string') out.push({ text: ir.display });
      }
    }
    if (typeof ref.display === 'string') out.push({ text: ref.display });
  }
  return out;
}

const MASS_TO_MG = table({ mg: 1, g: 1000, ug: 0.001, mcg: 0.001, kg: 1e6 });

export function parseDose(q: unknown): Dose | undefined {
  const quantity = obj(q);
  if (!quantity) return undefined;
  const value = numOf(quantity.value);
  if (value === undefined) return undefined;
  const unit = quantityUnit(quantity) ?? '';
  const raw = `${value} ${str(quantity.unit) ?? unit}`.trim();
  const factor = MASS_TO_MG[unit] ?? MASS_TO_MG[unit.toLowerCase().replace(/\s+/g, '')];
  if (factor !== undefined) return { mg: value * factor, raw };
  const perM2 = /^(mg|g)\/(m2|m\^2|m²|\[?m2\]?)$/.exec(unit.toLowerCase().replace(/\s+/g, ''));
  if (perM2) return { mgPerM2: value * (perM2[1] === 'g' ? 1000 : 1), raw };
  return { raw };
}

// SNOMED route codes: 47625008 intravenous, 34206005 subcutaneous, 26643006 oral.
const IV_TEXT = /intravenous|\biv\b|i\.v\./;
const SC_TEXT = /subcutaneous|\bsc\b|\bsq\b|s\.c\.|subcut/;
const ORAL_TEXT = /\boral|\bpo\b|by mouth/;

function routeOf(route: unknown): { route?: MedOrder['route']; text?: string; conflict?: string } {
  const ccs = concepts(route);
  if (ccs.length === 0) return {};
  const codes = ccs.flatMap((c) => arr<{ code?: unknown } | null>(c.coding).map((x) => x?.code));
  const text = clip(
    ccs
      .map((c) => (typeof c.text === 'string' ? c.text : ''))
      .join(' ')
      .toLowerCase(),
  );
  const all = clip(ccs.map(conceptText).join(' ').toLowerCase());
  const byCode = codes.includes('47625008') ? 'iv' : codes.includes('34206005') ? 'sc' : codes.includes('26643006') ? 'oral' : undefined;
  const byText = IV_TEXT.test(text) ? 'iv' : SC_TEXT.test(text) ? 'sc' : ORAL_TEXT.test(text) ? 'oral' : undefined;
  // The route's code and its text disagree (coded SC, text "IV push"): the order's route is unclear.
  const conflict = byCode && byText && byCode !== byText ? `coded ${byCode.toUpperCase()}, text "${text.trim().slice(0, 40)}"` : undefined;
  const r = byCode ?? byText ?? (IV_TEXT.test(all) ? 'iv' : SC_TEXT.test(all) ? 'sc' : ORAL_TEXT.test(all) ? 'oral' : 'other');
  return { route: r, text: all, conflict };
}

const PERIOD_DAYS = table({ s: 1 / 86400, min: 1 / 1440, h: 1 / 24, d: 1, wk: 7, mo: 30, a: 365 });
const TIMING_CODES = table({ QD: 1, BID: 2, TID: 3, QID: 4, Q12H: 2, Q8H: 3, Q6H: 4, Q4H: 6, QOD: 0.5, WK: 1 / 7 });

interface Timing {
  perDay?: number;
  count?: number;
  durationDays?: number;
  intervalDays?: number;
  text?: string;
  boundsStart?: number;
  boundsEnd?: number;
}

/** A FHIR Duration in days (d, wk, mo, a; h, min, s), or undefined. */
function durationDays(v: unknown): number | undefined {
  const d = obj(v);
  const value = numOf(d?.value);
  const unitDays = PERIOD_DAYS[asText(d?.code ?? d?.unit)];
  return value !== undefined && unitDays !== undefined && value >= 0 ? value * unitDays : undefined;
}

function timingOf(dosage: Record<string, unknown> | undefined): Timing {
  if (!dosage) return {};
  const timing = obj(dosage.timing);
  const repeat = obj(timing?.repeat);
  const out: Timing = { text: str(dosage.text) };
  if (repeat) {
    const freq = numOf(repeat.frequency) ?? 1;
    const period = numOf(repeat.period);
    const unitDays = PERIOD_DAYS[asText(repeat.periodUnit)];
    if (period !== undefined && unitDays !== undefined && period > 0) {
      out.perDay = freq / (period * unitDays);
      out.intervalDays = (period * unitDays) / freq;
    }
    out.count = numOf(repeat.count);
    out.durationDays = durationDays(repeat.boundsDuration);
    out.boundsStart = periodStart(repeat.boundsPeriod);
    out.boundsEnd = periodEnd(repeat.boundsPeriod);
  }
  const code = arr<{ code?: string }>(obj(timing?.code)?.coding)[0]?.code ?? str(obj(timing?.code)?.text);
  if (out.perDay === undefined && code && TIMING_CODES[code.toUpperCase()] !== undefined) {
    out.perDay = TIMING_CODES[code.toUpperCase()];
    out.intervalDays = 1 / out.perDay!;
  }
  if (out.perDay === undefined && out.text) {
    const tx = clip(out.text.toLowerCase());
    const q = /\bq\s*(\d+)\s*h/.exec(tx);
    if (q) out.perDay = 24 / Number(q[1]);
    else if (/\b(bid|twice daily|twice a day)\b/.test(tx)) out.perDay = 2;
    else if (/\b(once daily|daily|qd|every day|once a day)\b/.test(tx)) out.perDay = 1;
    else if (/\b(weekly|once a week|every week)\b/.test(tx)) out.perDay = 1 / 7;
    if (out.perDay) out.intervalDays = 1 / out.perDay;
  }
  return out;
}

/**
 * The therapy end of a MedicationRequest (G4, KB v3 change 32), in order: `boundsPeriod.end`; its
 * start (boundsPeriod.start, else authoredOn) plus `boundsDuration`; the last of `count` doses at
 * the timing's frequency; the start plus `dispenseRequest.expectedSupplyDuration` x (1 +
 * `numberOfRepeatsAllowed`), an estimate. `dispenseRequest.validityPeriod` is dispensing validity
 * and `meta.lastUpdated` server bookkeeping, never clinical times. extractDrugs adds the last
 * administration of a stopped or completed order as its end when it has none of these.
 */
function therapyEnd(r: AnyResource, timing: Timing, authored: number | undefined): { end?: number; by?: string } {
  if (timing.boundsEnd !== undefined) return { end: timing.boundsEnd, by: 'planned end date' };
  const start = timing.boundsStart ?? authored;
  if (start === undefined) return {};
  if (timing.durationDays !== undefined) return { end: start + timing.durationDays * DAY, by: 'start plus planned duration' };
  // A single dose (count 1: a loading dose) is a one-off, not a course with an end.
  if (timing.count !== undefined && timing.count >= 2 && timing.intervalDays !== undefined)
    return { end: start + (timing.count - 1) * timing.intervalDays * DAY, by: `last of ${timing.count} planned doses` };
  const dispense = obj(r.dispenseRequest);
  const supply = durationDays(dispense?.expectedSupplyDuration);
  if (supply !== undefined && supply > 0) {
    const repeats = numOf(dispense?.numberOfRepeatsAllowed) ?? 0;
    return { end: start + supply * (1 + Math.max(0, repeats)) * DAY, by: 'supply end, estimated' };
  }
  return {};
}

/** A MedicationRequest as an order (its therapy end by therapyEnd). */
export function medOrderOf(r: AnyResource, match: { by: MatchKind }, display: string): MedOrder {
  const dosage = arr<Record<string, unknown>>(r.dosageInstruction)[0];
  const doseAndRate = arr<Record<string, unknown>>(dosage?.doseAndRate)[0];
  const timing = timingOf(dosage);
  const route = routeOf(dosage?.route);
  const status = typeof r.status === 'string' ? r.status : 'unknown';
  const authored = parseTime(r.authoredOn);
  const { end, by: endBy } = therapyEnd(r, timing, authored);
  return {
    ref: refOf(r),
    resourceType: 'MedicationRequest',
    status,
    intent: str(r.intent),
    time: authored ?? timing.boundsStart,
    end,
    plannedEnd: end,
    endBy,
    by: match.by,
    display,
    dose: parseDose(doseAndRate?.doseQuantity) ?? (obj(doseAndRate?.doseRange) ? { raw: 'dose range' } : undefined),
    route: route.route,
    routeText: route.text,
    routeConflict: route.conflict,
    perDay: timing.perDay,
    frequencyText: timing.text,
    count: timing.count,
    durationDays: timing.durationDays,
    intervalDays: timing.intervalDays,
    reasonConcepts: [...concepts(r.reasonCode)],
    resource: r,
  };
}

/** A MedicationRequest reported from outside this site (US Core `reported[x]`): a record, not an order. */
export function isReported(r: AnyResource): boolean {
  return r.reportedBoolean === true || obj(r.reportedReference) !== undefined;
}

/** Who reported a drug taken elsewhere, in words (a reference's display, else its type). */
function sourceOf(v: unknown): string | undefined {
  const ref = obj(v);
  if (!ref) return undefined;
  if (typeof ref.display === 'string' && ref.display.trim()) return clip(ref.display.trim(), 80);
  const p = parseRef(ref.reference);
  return p?.type;
}

const STATEMENT_COUNTS = new Set(['active', 'completed', 'intended']);

interface DrugHit {
  /** Per DRUG_CLASSES index: the match, if the medication belongs to that class. */
  matches: (Match | undefined)[];
  display: string;
}

export function extractDrugs(record: PatientRecord, t: Tools, future: number, unreadable: Unreadable[]): Map<DrugClass, DrugExposure> {
  // Orders and administrations repeat one medication many times: each distinct concept is
  // classified once per call (a memo of this call only).
  const memo = new Map<string, DrugHit>();
  const classify = (r: AnyResource): DrugHit | undefined => {
    const meds = medicationConcepts(r, record);
    const codeWhy =
      r.medicationReference === undefined && r.medicationCodeableConcept !== undefined
        ? codeProblem(r.medicationCodeableConcept)
        : undefined;
    if (meds.length === 0 || codeWhy) {
      if (r.medicationCodeableConcept !== undefined || r.medicationReference !== undefined)
        unreadable.push({ ref: refOf(r), key: keyOf(r), concept: 'A medication', why: codeWhy ?? 'its medication cannot be read' });
      return undefined;
    }
    const key = conceptKey(meds);
    let hit = memo.get(key);
    if (!hit) {
      hit = {
        matches: t.terminology.matchEach(DRUG_VS_LIST, meds),
        display: meds.map((m) => conceptText(m as object)).find((x) => x) ?? 'medication',
      };
      memo.set(key, hit);
    }
    return hit.matches.some(Boolean) ? hit : undefined;
  };
  const byClass = new Map<DrugClass, DrugExposure>(
    DRUG_CLASSES.map((d) => [d, { drug: d, orders: [], ignoredOrders: [], administrations: [], elsewhere: [] }]),
  );
  /** Request id -> its last administration time (for a stopped order without a planned end). */
  const lastGiven = new Map<string, number>();
  for (const a of record.all('MedicationAdministration')) {
    const hit = classify(a);
    if (!hit) continue;
    const raw = a.effectiveDateTime ?? (a.effectivePeriod as { start?: unknown } | undefined)?.start;
    const time = parseTime(a.effectiveDateTime) ?? periodStart(a.effectivePeriod);
    const why =
      statusProblem('MedicationAdministration', a.status) ?? (raw === undefined ? 'no effective time' : dateProblem(raw, time, future));
    if (why) {
      unreadable.push({
        ref: refOf(a),
        key: 'medicationAdministrations',
        concept: `${hit.display} (given)`,
        why,
        time: time !== undefined && time <= future ? time : undefined,
      });
      continue;
    }
    if (!isGiven(a.status) || time === undefined) continue;
    const req = parseRef(obj(a.request)?.reference);
    if (req?.type === 'MedicationRequest') lastGiven.set(req.id, Math.max(lastGiven.get(req.id) ?? time, time));
    DRUG_CLASSES.forEach((d, k) => {
      const m = hit.matches[k];
      if (m) byClass.get(d)!.administrations.push(administration(a, time, m.by, hit.display));
    });
  }
  for (const r of record.all('MedicationRequest')) {
    const hit = classify(r);
    if (!hit) continue;
    const statusWhy = statusProblem('MedicationRequest', r.status);
    const authoredWhy = dateProblem(r.authoredOn, parseTime(r.authoredOn), future);
    if (statusWhy || authoredWhy)
      unreadable.push({ ref: refOf(r), key: 'medicationRequests', concept: `${hit.display} (order)`, why: (statusWhy ?? authoredWhy)! });
    if (statusWhy) continue;
    const reported = isReported(r);
    DRUG_CLASSES.forEach((d, k) => {
      const m = hit.matches[k];
      if (!m) return;
      const order = medOrderOf(r, m, hit.display);
      if (reported) {
        // KB v3 change 30: an outside medication is recorded elsewhere, never this site's order.
        if (NEVER_ORDERED.has(order.status)) return;
        byClass.get(d)!.elsewhere.push({
          ref: order.ref,
          time: order.time,
          end: order.end,
          ongoing: order.status === 'active',
          source: sourceOf(r.reportedReference) ?? 'reported by the patient or another provider',
          status: order.status,
          by: m.by,
          display: hit.display,
        });
        return;
      }
      if (order.end === undefined && (order.status === 'stopped' || order.status === 'completed') && typeof r.id === 'string') {
        order.end = lastGiven.get(r.id);
        if (order.end !== undefined) order.endBy = 'last administration';
      }
      const exp = byClass.get(d)!;
      const intentOk = order.intent === undefined || ORDER_INTENTS.has(order.intent);
      if (NEVER_ORDERED.has(order.status) || !intentOk) exp.ignoredOrders.push(order);
      else exp.orders.push(order);
    });
  }
  for (const st of record.all('MedicationStatement')) {
    const status = st.status;
    if (status === 'entered-in-error' || status === 'not-taken') continue;
    const hit = classify(st);
    if (!hit) continue;
    const raw = st.effectiveDateTime ?? (st.effectivePeriod as { start?: unknown } | undefined)?.start;
    const start = parseTime(st.effectiveDateTime) ?? periodStart(st.effectivePeriod);
    const asserted = parseTime(st.dateAsserted);
    const why =
      statusProblem('MedicationStatement', status) ?? dateProblem(raw, start, future) ?? dateProblem(st.dateAsserted, asserted, future);
    if (why) {
      unreadable.push({ ref: refOf(st), key: 'medicationStatements', concept: `${hit.display} (recorded elsewhere)`, why });
      continue;
    }
    if (!STATEMENT_COUNTS.has(status as string)) continue;
    DRUG_CLASSES.forEach((d, k) => {
      const m = hit.matches[k];
      if (!m) return;
      byClass.get(d)!.elsewhere.push({
        ref: refOf(st),
        time: start ?? asserted,
        end: periodEnd(st.effectivePeriod),
        ongoing: status !== 'completed',
        source: sourceOf(st.informationSource) ?? 'source not stated',
        status: status as string,
        by: m.by,
        display: hit.display,
      });
    });
  }
  for (const e of byClass.values()) sortByTime(e.administrations);
  return byClass;
}

function keyOf(r: AnyResource): string {
  return r.resourceType === 'MedicationAdministration'
    ? 'medicationAdministrations'
    : r.resourceType === 'MedicationStatement'
      ? 'medicationStatements'
      : 'medicationRequests';
}

/** A string that identifies a list of concepts by their texts and codings (the memo's key). */
function conceptKey(list: unknown[]): string {
  let k = '';
  for (const v of list) {
    const cc = v as { text?: unknown; coding?: unknown };
    if (typeof cc.text === 'string') k += `t:${cc.text}\u0001`;
    for (const c of arr<{ system?: unknown; code?: unknown; display?: unknown } | null>(cc.coding))
      if (c) k += `c:${asText(c.system)}|${asText(c.code)}|${asText(c.display)}\u0001`;
    k += '\u0002';
  }
  return k;
}

function administration(a: AnyResource, time: number, by: MatchKind, display: string): MedAdmin {
  return { ref: refOf(a), time, by, display, dose: parseDose(obj(a.dosage)?.dose) };
}

/** An order is in effect at `now`: active and not past its end. */
export function isActiveOrder(o: OrderFact, now: number): boolean {
  return o.status === 'active' && (o.end === undefined || o.end > now);
}
