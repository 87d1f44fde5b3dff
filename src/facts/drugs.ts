/**
 * Medications as facts (KB section 4B, G4): orders with their dose, route, timing and end, and
 * administrations. A cancelled or draft order was never ordered; stopped/completed is not active
 * now; "given" means administered.
 */
import { type AnyResource, arr, concepts, conceptText, numOf, obj, periodEnd, periodStart, refOf, str } from '../fhir/read';
import { DAY, parseTime } from '../fhir/time';
import type { Match, MatchKind } from '../terminology';
import { quantityUnit, sortByTime } from './labs';
import type { PatientRecord } from './record';
import type { Dose, DrugClass, DrugExposure, MedAdmin, MedOrder, OrderFact } from './types';
import type { Tools } from './tools';

const DRUG_VS: Record<DrugClass, string> = {
  capla: 'VS-CAPLA',
  rtx: 'VS-RTX',
  steroid: 'VS-STEROID',
  mp: 'VS-MP',
  'second-line': 'VS-2L',
  dara: 'VS-DARA',
  antithromb: 'VS-ANTITHROMB',
};
export const DRUG_CLASSES = Object.keys(DRUG_VS) as DrugClass[];
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

const MASS_TO_MG: Record<string, number> = { mg: 1, g: 1000, ug: 0.001, mcg: 0.001, kg: 1e6 };

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

function routeOf(route: unknown): { route?: MedOrder['route']; text?: string } {
  const ccs = concepts(route);
  if (ccs.length === 0) return {};
  const codes = ccs.flatMap((c) => arr<{ code?: unknown } | null>(c.coding).map((x) => x?.code));
  const text = ccs.map(conceptText).join(' ').toLowerCase();
  if (codes.includes('47625008') || IV_TEXT.test(text)) return { route: 'iv', text };
  if (codes.includes('34206005') || SC_TEXT.test(text)) return { route: 'sc', text };
  if (codes.includes('26643006') || ORAL_TEXT.test(text)) return { route: 'oral', text };
  return { route: 'other', text };
}

const PERIOD_DAYS: Record<string, number> = { s: 1 / 86400, min: 1 / 1440, h: 1 / 24, d: 1, wk: 7, mo: 30, a: 365 };
const TIMING_CODES: Record<string, number> = { QD: 1, BID: 2, TID: 3, QID: 4, Q12H: 2, Q8H: 3, Q6H: 4, Q4H: 6, QOD: 0.5, WK: 1 / 7 };

interface Timing {
  perDay?: number;
  count?: number;
  durationDays?: number;
  intervalDays?: number;
  text?: string;
  boundsStart?: number;
  boundsEnd?: number;
}

function timingOf(dosage: Record<string, unknown> | undefined): Timing {
  if (!dosage) return {};
  const timing = obj(dosage.timing);
  const repeat = obj(timing?.repeat);
  const out: Timing = { text: str(dosage.text) };
  if (repeat) {
    const freq = numOf(repeat.frequency) ?? 1;
    const period = numOf(repeat.period);
    const unitDays = PERIOD_DAYS[String(repeat.periodUnit)];
    if (period !== undefined && unitDays !== undefined && period > 0) {
      out.perDay = freq / (period * unitDays);
      out.intervalDays = (period * unitDays) / freq;
    }
    out.count = numOf(repeat.count);
    const bd = obj(repeat.boundsDuration);
    const bdv = numOf(bd?.value);
    const bdu = PERIOD_DAYS[String(bd?.code ?? bd?.unit)];
    if (bdv !== undefined && bdu !== undefined) out.durationDays = bdv * bdu;
    out.boundsStart = periodStart(repeat.boundsPeriod);
    out.boundsEnd = periodEnd(repeat.boundsPeriod);
  }
  const code = arr<{ code?: string }>(obj(timing?.code)?.coding)[0]?.code ?? str(obj(timing?.code)?.text);
  if (out.perDay === undefined && code && TIMING_CODES[code.toUpperCase()] !== undefined) {
    out.perDay = TIMING_CODES[code.toUpperCase()];
    out.intervalDays = 1 / out.perDay!;
  }
  if (out.perDay === undefined && out.text) {
    const tx = out.text.toLowerCase();
    const q = /\bq\s*(\d+)\s*h/.exec(tx);
    if (q) out.perDay = 24 / Number(q[1]);
    else if (/\b(bid|twice daily|twice a day)\b/.test(tx)) out.perDay = 2;
    else if (/\b(once daily|daily|qd|every day|once a day)\b/.test(tx)) out.perDay = 1;
    else if (/\b(weekly|once a week|every week)\b/.test(tx)) out.perDay = 1 / 7;
    if (out.perDay) out.intervalDays = 1 / out.perDay;
  }
  return out;
}

export function medOrderOf(r: AnyResource, match: { by: MatchKind }, display: string): MedOrder {
  const dosage = arr<Record<string, unknown>>(r.dosageInstruction)[0];
  const doseAndRate = arr<Record<string, unknown>>(dosage?.doseAndRate)[0];
  const timing = timingOf(dosage);
  const route = routeOf(dosage?.route);
  const validity = obj(obj(r.dispenseRequest)?.validityPeriod);
  const status = typeof r.status === 'string' ? r.status : 'unknown';
  const start = timing.boundsStart ?? periodStart(validity);
  const authored = parseTime(r.authoredOn);
  let end = timing.boundsEnd ?? periodEnd(validity);
  if (end === undefined && timing.durationDays !== undefined && (start ?? authored) !== undefined)
    end = (start ?? authored)! + timing.durationDays * DAY;
  if (end === undefined && (status === 'stopped' || status === 'completed')) end = parseTime(obj(r.meta)?.lastUpdated);
  return {
    ref: refOf(r),
    resourceType: 'MedicationRequest',
    status,
    intent: str(r.intent),
    time: authored ?? start,
    end,
    by: match.by,
    display,
    dose: parseDose(doseAndRate?.doseQuantity) ?? (obj(doseAndRate?.doseRange) ? { raw: 'dose range' } : undefined),
    route: route.route,
    routeText: route.text,
    perDay: timing.perDay,
    frequencyText: timing.text,
    count: timing.count,
    durationDays: timing.durationDays,
    intervalDays: timing.intervalDays,
    reasonConcepts: [...concepts(r.reasonCode)],
    resource: r,
  };
}

interface DrugHit {
  /** Per DRUG_CLASSES index: the match, if the medication belongs to that class. */
  matches: (Match | undefined)[];
  display: string;
}

export function extractDrugs(record: PatientRecord, t: Tools): Map<DrugClass, DrugExposure> {
  // Orders and administrations repeat one medication many times: each distinct concept is
  // classified once per call (a memo of this call only).
  const memo = new Map<string, DrugHit | undefined>();
  const classify = (r: AnyResource): DrugHit | undefined => {
    const meds = medicationConcepts(r, record);
    if (meds.length === 0) return undefined;
    const key = conceptKey(meds);
    if (memo.has(key)) return memo.get(key);
    const hit = {
      matches: t.terminology.matchEach(DRUG_VS_LIST, meds),
      display: meds.map((m) => conceptText(m as object)).find((x) => x) ?? 'medication',
    };
    memo.set(key, hit);
    return hit;
  };
  const byClass = new Map<DrugClass, DrugExposure>(
    DRUG_CLASSES.map((d) => [d, { drug: d, orders: [], ignoredOrders: [], administrations: [] }]),
  );
  for (const r of record.all('MedicationRequest')) {
    const hit = classify(r);
    if (!hit) continue;
    DRUG_CLASSES.forEach((d, k) => {
      const m = hit.matches[k];
      if (!m) return;
      const order = medOrderOf(r, m, hit.display);
      const exp = byClass.get(d)!;
      const intentOk = order.intent === undefined || ORDER_INTENTS.has(order.intent);
      if (NEVER_ORDERED.has(order.status) || !intentOk) exp.ignoredOrders.push(order);
      else exp.orders.push(order);
    });
  }
  for (const a of record.all('MedicationAdministration')) {
    if (!isGiven(a.status)) continue;
    const time = parseTime(a.effectiveDateTime) ?? periodStart(a.effectivePeriod);
    if (time === undefined) continue;
    const hit = classify(a);
    if (!hit) continue;
    DRUG_CLASSES.forEach((d, k) => {
      const m = hit.matches[k];
      if (m) byClass.get(d)!.administrations.push(administration(a, time, m.by, hit.display));
    });
  }
  for (const e of byClass.values()) sortByTime(e.administrations);
  return byClass;
}

/** A string that identifies a list of concepts by their texts and codings (the memo's key). */
function conceptKey(list: unknown[]): string {
  let k = '';
  for (const v of list) {
    const cc = v as { text?: unknown; coding?: unknown };
    if (typeof cc.text === 'string') k += `t:${cc.text}\u0001`;
    for (const c of arr<{ system?: unknown; code?: unknown; display?: unknown } | null>(cc.coding))
      if (c) k += `c:${String(c.system)}|${String(c.code)}|${String(c.display)}\u0001`;
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
