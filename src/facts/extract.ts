/**
 * Facts from FHIR R4 resources: pure functions, no I/O. Each fact keeps its value, unit, time and
 * source resource; what cannot be read is reported, never silently "normal" (G4, G5).
 */
import { type Terminology, type MatchKind, type Match, conceptKey } from '../terminology';
import type { Units } from '../units';
import { fmt } from '../units';
import type { AnalyteDef } from '../content';
import {
  type AnyResource,
  arr,
  concepts,
  conceptText,
  numOf,
  obj,
  parseTime,
  periodEnd,
  periodStart,
  refOf,
  statusCode,
  str,
} from '../fhir/read';
import type { PatientRecord } from './record';
import { DAY } from './clock';
import type {
  ConditionFact,
  Dose,
  DrugClass,
  DrugExposure,
  LabSeries,
  LabValue,
  MedAdmin,
  MedOrder,
  OrderFact,
  TpeSession,
} from './types';

export interface Tools {
  terminology: Terminology;
  units: Units;
}

// ---------------------------------------------------------------------------------------------
// Conditions (G2, G3, VS-BLEED)

const ACTIVE_CLINICAL = new Set(['active', 'recurrence', 'relapse']);
const CONDITION_KINDS: [ConditionFact['kind'], string][] = [
  ['congenital', 'VS-TTP-CONGENITAL'],
  ['drug', 'VS-TTP-DRUG'],
  ['hsct-tma', 'VS-HSCT-TMA'],
  ['ittp', 'VS-ITTP'],
  ['tma-unspecified', 'VS-TMA-UNSPECIFIED'],
  ['bleed', 'VS-BLEED'],
  ['other-cause', 'VS-OTHER-THROMBOCYTOPENIA'],
];
const CONDITION_SETS = CONDITION_KINDS.map(([, vs]) => vs);
const IGNORED_VERIFICATION = new Set(['refuted', 'entered-in-error']);

export function extractConditions(record: PatientRecord, t: Tools): ConditionFact[] {
  const out: ConditionFact[] = [];
  for (const c of record.all('Condition')) {
    const verification = statusCode(c.verificationStatus);
    if (verification && IGNORED_VERIFICATION.has(verification)) continue;
    const clinicalStatus = statusCode(c.clinicalStatus);
    // R4 requires clinicalStatus; a diagnosis sent without one is taken as current.
    const active = clinicalStatus === undefined || ACTIVE_CLINICAL.has(clinicalStatus);
    const time = parseTime(c.onsetDateTime) ?? periodStart(c.onsetPeriod) ?? parseTime(c.recordedDate);
    const display = conceptText(concepts(c.code)[0] ?? {}) || 'Condition';
    const ref = refOf(c);
    const term = t.terminology;
    // Codes decide first (exclusions before iTTP); text only when no code of the concept matched.
    const byCode = CONDITION_KINDS;
    const kinds = new Map<ConditionFact['kind'], MatchKind>();
    const codeMatches = term.matchEach(CONDITION_SETS, c.code, false);
    codeMatches.forEach((m, i) => {
      if (m) kinds.set(byCode[i]![0], m.by);
    });
    if (kinds.size === 0) {
      const text = concepts(c.code).map(conceptText).join(' | ');
      for (const [kind, vs] of byCode) {
        if (kind === 'ittp' && (kinds.has('congenital') || kinds.has('drug'))) continue;
        const m = term.matchText(vs, text);
        if (m) kinds.set(kind, 'text');
      }
    }
    for (const [kind, by] of kinds) {
      // A literal, not a spread of shared fields: V8 clones spreads here on a slow path (~1.7 us).
      out.push({ ref, active, clinicalStatus, time, display, kind, by, confirmsImmune: kind === 'ittp' ? !!term.match('VS-ITTP-CONFIRMED-CODE', c.code) : undefined });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Labs

// Status tests by comparison (no hashing): they run for every resource.
const isFinal = (status: string) => status === 'final' || status === 'amended' || status === 'corrected';
const skipObservation = (status: string) => status === 'entered-in-error' || status === 'cancelled';
const QUANT_ANALYTES_ORDER = ['platelets', 'hemoglobin', 'ldh', 'adamts13Inhibitor', 'adamts13', 'creatinine', 'troponin', 'smear', 'height', 'weight'];

function observationTime(o: AnyResource): number | undefined {
  return parseTime(o.effectiveDateTime) ?? periodStart(o.effectivePeriod) ?? parseTime(o.effectiveInstant);
}

/** A quantity's unit: the UCUM code when given, else the printed unit. */
function quantityUnit(q: Record<string, unknown>): string | undefined {
  const system = str(q.system);
  const code = str(q.code);
  if (code && (!system || system === 'http://unitsofmeasure.org')) return code;
  return str(q.unit) ?? code;
}

/** Parse a valueString such as "<5 %", "15000 /uL" or "12 thou". */
function parseValueString(s: string): { value: number; comparator?: LabValue['comparator']; unit?: string } | undefined {
  const m = /^\s*(<=|>=|<|>)?\s*(-?\d+(?:[.,]\d+)?)\s*(.*?)\s*$/.exec(s);
  if (!m) return undefined;
  return { comparator: (m[1] as LabValue['comparator']) || undefined, value: Number(m[2]!.replace(',', '.')), unit: m[3] || undefined };
}

function quantityRaw(q: Record<string, unknown>, comparator: string | undefined, unit: string | undefined): string {
  return `${comparator ?? ''}${q.value ?? '?'} ${str(q.unit) ?? unit ?? ''}`.trim();
}

/** A numeric lab value; its source reference and reported text are built only if evidence shows them. */
class NumericLab implements LabValue {
  constructor(
    readonly analyte: string,
    readonly value: number,
    readonly comparator: LabValue['comparator'],
    readonly time: number,
    readonly final: boolean,
    readonly uln: number | undefined,
    readonly by: MatchKind,
    private readonly obs: AnyResource,
    private readonly quantity: Record<string, unknown> | undefined,
    private readonly unit: string | undefined,
  ) {}
  get ref(): string {
    return refOf(this.obs);
  }
  get raw(): string {
    if (this.quantity) return quantityRaw(this.quantity, this.comparator, this.unit);
    if (typeof this.obs.valueString === 'string') return this.obs.valueString;
    return String(this.value);
  }
  get interpretation(): string | undefined {
    return undefined;
  }
}

export function emptySeries(): LabSeries {
  return { final: [], preliminary: [], problems: [], pending: [] };
}

/** The analytes' value sets (for firstMatch) and definitions, by QUANT_ANALYTES_ORDER index. */
const analyteCache = new WeakMap<Tools['units'], { sets: string[]; defs: AnalyteDef[] }>();
function analytes(t: Tools): { sets: string[]; defs: AnalyteDef[] } {
  let a = analyteCache.get(t.units);
  if (!a) {
    const defs = QUANT_ANALYTES_ORDER.map((x) => t.units.analyte(x));
    analyteCache.set(t.units, (a = { sets: defs.map((d) => d.valueSet), defs }));
  }
  return a;
}

/** What the EHR reported, as text: built only for problems and qualitative results. */
function reportedText(q: Record<string, unknown> | undefined, comparator: string | undefined, unit: string | undefined, raw: string): string {
  return q ? quantityRaw(q, comparator, unit) : raw;
}

export function extractLabs(observations: readonly AnyResource[], t: Tools): Map<string, LabSeries> {
  // Series by analyte index while reading (no map lookup per observation); a Map at the end.
  const byIndex: (LabSeries | undefined)[] = new Array(QUANT_ANALYTES_ORDER.length);
  const terminology = t.terminology;
  // Codes decide first across all analytes; text only when no analyte matched by code.
  const { sets, defs } = analytes(t);
  for (const o of observations) {
    const status = typeof o.status === 'string' ? o.status : 'unknown';
    if (skipObservation(status)) continue;
    const cls = terminology.firstMatch(sets, o.code);
    if (!cls) continue;
    const analyte = QUANT_ANALYTES_ORDER[cls.index]!;
    const by = cls.match.by;
    let s = byIndex[cls.index];
    if (!s) byIndex[cls.index] = s = emptySeries();
    const time = observationTime(o);
    if (status === 'registered') {
      s.pending.push({ ref: refOf(o), time });
      continue;
    }
    const def = defs[cls.index]!;
    let value: number | undefined;
    let comparator: LabValue['comparator'];
    let unit: string | undefined;
    let raw = '';
    const q = obj(o.valueQuantity);
    if (q) {
      value = numOf(q.value);
      comparator = (str(q.comparator) as LabValue['comparator']) ?? undefined;
      unit = quantityUnit(q);
    } else if (typeof o.valueString === 'string') {
      raw = o.valueString;
      const p = parseValueString(o.valueString);
      if (p) ({ value, comparator, unit } = p);
    } else if (typeof o.valueInteger === 'number') {
      value = o.valueInteger;
      raw = String(value);
    } else if (obj(o.valueCodeableConcept)) {
      raw = conceptText(o.valueCodeableConcept as object) || 'coded result';
    }
    if (time === undefined) {
      s.problems.push({ analyte, ref: refOf(o), reason: 'no effective time', raw: reportedText(q, comparator, unit, raw) });
      continue;
    }
    if (def.anyUnit) {
      // Qualitative or kit-specific results (inhibitor, IgG, smear): existence and interpretation matter.
      const interpretation = o.interpretation ? concepts(o.interpretation).map((c) => conceptText(c) || arr<{ code?: string }>(c.coding)[0]?.code || '').join(', ') || undefined : undefined;
      const v: LabValue = { analyte, value: value ?? NaN, comparator, time, final: isFinal(status), ref: refOf(o), by, raw: reportedText(q, comparator, unit, raw) || 'result', interpretation };
      (v.final ? s.final : s.preliminary).push(v);
      continue;
    }
    if (value === undefined) {
      s.problems.push({ analyte, time, ref: refOf(o), reason: 'no numeric value', raw: reportedText(q, comparator, unit, raw) || 'no value' });
      continue;
    }
    const factor = t.units.factorFor(analyte, unit);
    if (factor === undefined) {
      s.problems.push({ analyte, time, ref: refOf(o), reason: t.units.whyNot(unit), raw: reportedText(q, comparator, unit, raw) });
      continue;
    }
    let uln: number | undefined;
    // The reference range is read only where a rule uses it (LDH x ULN).
    const ranges = def.usesUln ? o.referenceRange : undefined;
    if (ranges !== undefined) {
      for (const rr of arr<Record<string, unknown>>(ranges)) {
        const high = obj(rr?.high);
        const hv = high ? numOf(high.value) : undefined;
        if (high && hv !== undefined) {
          const hf = t.units.factorFor(analyte, quantityUnit(high) ?? unit);
          if (hf !== undefined) {
            uln = hv * hf;
            break;
          }
        }
      }
    }
    const v = new NumericLab(analyte, value * factor, comparator, time, isFinal(status), uln, by, o, q, unit);
    (v.final ? s.final : s.preliminary).push(v);
  }
  const series = new Map<string, LabSeries>();
  for (let i = 0; i < byIndex.length; i++) {
    const s = byIndex[i];
    if (!s) continue;
    sortByTime(s.final);
    sortByTime(s.preliminary);
    series.set(QUANT_ANALYTES_ORDER[i]!, s);
  }
  return series;
}

/** Sorts by time; lab and administration lists usually arrive in order, which costs one pass. */
export function sortByTime<T extends { time: number }>(list: T[]): T[] {
  for (let i = 1; i < list.length; i++) if (list[i - 1]!.time > list[i]!.time) return list.sort((a, b) => a.time - b.time);
  return list;
}

export function labDisplay(v: LabValue, units: Units): string {
  const d = units.analyte(v.analyte);
  if (Number.isNaN(v.value)) return v.raw;
  const shown = `${v.comparator ?? ''}${fmt(v.value)} ${d.display}`.trim();
  // Show what the EHR reported only when the conversion changed the number.
  const reported = /^\s*(?:<=|>=|<|>)?\s*(-?\d+(?:\.\d+)?)/.exec(v.raw);
  return reported && Math.abs(Number(reported[1]) - v.value) > 1e-9 ? `${shown} (reported ${v.raw})` : shown;
}

// ---------------------------------------------------------------------------------------------
// Plasma exchange sessions (D1) and service requests

const isSessionStatus = (status: unknown) => status === 'completed' || status === 'in-progress';

export function extractSessions(record: PatientRecord, t: Tools, now: number): TpeSession[] {
  const out: TpeSession[] = [];
  // The record is de-duplicated by id; sessions without an id are told apart by time.
  let idless: Set<number> | undefined;
  for (const p of record.all('Procedure')) {
    if (!isSessionStatus(p.status)) continue;
    const m = t.terminology.match('VS-TPE', p.code);
    if (!m) continue;
    const time = parseTime(p.performedDateTime) ?? periodStart(p.performedPeriod);
    // A session in the future is a data error; it is not counted.
    if (time === undefined || time > now + DAY / 24) continue;
    if (typeof p.id !== 'string') {
      idless ??= new Set();
      if (idless.has(time)) continue;
      idless.add(time);
    }
    out.push({ time, ref: refOf(p), by: m.by });
  }
  return sortByTime(out);
}

/** Service requests in a value set, with any status (the rules decide which statuses count). */
export function extractServiceRequests(resources: readonly AnyResource[], vsId: string, t: Tools): OrderFact[] {
  const out: OrderFact[] = [];
  for (const r of resources) {
    if (r.resourceType !== 'ServiceRequest') continue;
    const status = typeof r.status === 'string' ? r.status : 'unknown';
    if (status === 'entered-in-error') continue;
    const m = t.terminology.match(vsId, r.code);
    if (!m) continue;
    const meta = obj(r.meta);
    out.push({
      ref: refOf(r),
      resourceType: 'ServiceRequest',
      status,
      intent: str(r.intent),
      time: parseTime(r.authoredOn) ?? parseTime(r.occurrenceDateTime) ?? periodStart(r.occurrencePeriod),
      end: periodEnd(r.occurrencePeriod) ?? (status === 'revoked' || status === 'completed' ? parseTime(meta?.lastUpdated) : undefined),
      by: m.by,
      display: conceptText(concepts(r.code)[0] ?? {}) || 'ServiceRequest',
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Medications (G4: cancelled/draft never ordered; stopped/completed not active; given = administered)

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
    const med = record.resolve(ref.reference, r) ?? (Array.isArray(r.contained) ? (r.contained as AnyResource[]).find((c) => c?.resourceType === 'Medication') : undefined);
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
  const factor = MASS_TO_MG[unit] ?? MASS_TO_MG[unit.toLowerCase().replace(/\s+/g, '')];
  if (factor !== undefined) return new ParsedDose(value, quantity, unit, value * factor, undefined);
  const perM2 = /^(mg|g)\/(m2|m\^2|m²|\[?m2\]?)$/.exec(unit.toLowerCase().replace(/\s+/g, ''));
  if (perM2) return new ParsedDose(value, quantity, unit, undefined, value * (perM2[1] === 'g' ? 1000 : 1));
  return new ParsedDose(value, quantity, unit, undefined, undefined);
}

/** A dose; its printed text is built only when a card shows it. */
class ParsedDose implements Dose {
  constructor(
    private readonly value: number,
    private readonly quantity: Record<string, unknown>,
    private readonly unit: string,
    readonly mg: number | undefined,
    readonly mgPerM2: number | undefined,
  ) {}
  get raw(): string {
    return `${this.value} ${str(this.quantity.unit) ?? this.unit}`.trim();
  }
}

// SNOMED route codes: 47625008 intravenous, 34206005 subcutaneous, 26643006 oral.
const IV_TEXT = /intravenous|\biv\b|i\.v\./;
const SC_TEXT = /subcutaneous|\bsc\b|\bsq\b|s\.c\.|subcut/;
const ORAL_TEXT = /\boral|\bpo\b|by mouth/;

function routeOf(route: unknown): { route?: MedOrder['route']; text?: string } {
  const ccs = concepts(route);
  if (ccs.length === 0) return {};
  // Codes first, then the text (loops, not flatMap/map/join: this runs for every order).
  let iv = false;
  let sc = false;
  let oral = false;
  for (const c of ccs) {
    for (const x of arr<{ code?: unknown } | null>(c.coding)) {
      const code = x?.code;
      if (code === '47625008') iv = true;
      else if (code === '34206005') sc = true;
      else if (code === '26643006') oral = true;
    }
  }
  const text = (ccs.length === 1 ? conceptText(ccs[0]!) : ccs.map(conceptText).join(' ')).toLowerCase();
  if (iv || IV_TEXT.test(text)) return { route: 'iv', text };
  if (sc || SC_TEXT.test(text)) return { route: 'sc', text };
  if (oral || ORAL_TEXT.test(text)) return { route: 'oral', text };
  return { route: 'other', text };
}

const PERIOD_DAYS: Record<string, number> = { s: 1 / 86400, min: 1 / 1440, h: 1 / 24, d: 1, wk: 7, mo: 30, a: 365 };
const TIMING_CODES: Record<string, number> = { QD: 1, BID: 2, TID: 3, QID: 4, Q12H: 2, Q8H: 3, Q6H: 4, Q4H: 6, QOD: 0.5, WK: 1 / 7 };

function timingOf(dosage: Record<string, unknown> | undefined): { perDay?: number; count?: number; durationDays?: number; intervalDays?: number; text?: string; boundsStart?: number; boundsEnd?: number } {
  if (!dosage) return {};
  const timing = obj(dosage.timing);
  const repeat = obj(timing?.repeat);
  const out: ReturnType<typeof timingOf> = { text: str(dosage.text) };
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
  if (end === undefined && timing.durationDays !== undefined && (start ?? authored) !== undefined) end = (start ?? authored)! + timing.durationDays * DAY;
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
  matches: readonly (Match | undefined)[];
  display: string;
}

export function extractDrugs(record: PatientRecord, t: Tools, extraRequests: AnyResource[] = []): Map<DrugClass, DrugExposure> {
  // Orders and administrations repeat the same medication: classified once per distinct concept.
  const memo = new Map<string, DrugHit>();
  const classify = (r: AnyResource): DrugHit | undefined => {
    const mcc = r.medicationCodeableConcept;
    // Fast path: one inline concept (a plain object), classified with the terminology's memo.
    if (r.medicationReference === undefined && mcc && typeof mcc === 'object' && !Array.isArray(mcc)) {
      const c = t.terminology.classify(DRUG_VS_LIST, mcc);
      return { matches: c.matches, display: c.text || 'medication' };
    }
    const meds = medicationConcepts(r, record);
    if (meds.length === 0) return undefined;
    const key = conceptKey(meds);
    let hit = memo.get(key);
    if (!hit) {
      hit = { matches: t.terminology.matchEach(DRUG_VS_LIST, meds), display: meds.map((m) => conceptText(m as object)).find((x) => x) ?? 'medication' };
      memo.set(key, hit);
    }
    return hit;
  };
  const out = new Map<DrugClass, DrugExposure>();
  const byIndex: DrugExposure[] = DRUG_CLASSES.map((d) => ({ drug: d, orders: [], ignoredOrders: [], administrations: [] }));
  DRUG_CLASSES.forEach((d, k) => out.set(d, byIndex[k]!));
  const requests = extraRequests.length ? [...record.all('MedicationRequest'), ...extraRequests] : record.all('MedicationRequest');
  for (const r of requests) {
    const hit = classify(r);
    if (!hit) continue;
    for (let k = 0; k < DRUG_CLASSES.length; k++) {
      const m = hit.matches[k];
      if (!m) continue;
      const order = medOrderOf(r, m, hit.display);
      const exp = byIndex[k]!;
      const intentOk = order.intent === undefined || ORDER_INTENTS.has(order.intent);
      if (NEVER_ORDERED.has(order.status) || !intentOk) exp.ignoredOrders.push(order);
      else exp.orders.push(order);
    }
  }
  for (const a of record.all('MedicationAdministration')) {
    if (!isGiven(a.status)) continue;
    const time = parseTime(a.effectiveDateTime) ?? periodStart(a.effectivePeriod);
    if (time === undefined) continue;
    const hit = classify(a);
    if (!hit) continue;
    for (let k = 0; k < DRUG_CLASSES.length; k++) {
      const m = hit.matches[k];
      if (m) byIndex[k]!.administrations.push(new Administration(a, time, m.by, hit.display));
    }
  }
  for (const e of byIndex) sortByTime(e.administrations);
  return out;
}

/** A medication administration; its dose and reference are read only when a rule or evidence asks. */
class Administration implements MedAdmin {
  private parsedDose: Dose | undefined | null = null;
  constructor(
    private readonly resource: AnyResource,
    readonly time: number,
    readonly by: MatchKind,
    readonly display: string,
  ) {}
  get dose(): Dose | undefined {
    if (this.parsedDose === null) this.parsedDose = parseDose(obj(this.resource.dosage)?.dose);
    return this.parsedDose;
  }
  get ref(): string {
    return refOf(this.resource);
  }
}

/** An order is in effect at `now`: active and not past its end. */
export function isActiveOrder(o: OrderFact, now: number): boolean {
  return o.status === 'active' && (o.end === undefined || o.end > now);
}

export function age(patient: AnyResource | undefined, now: number): number | undefined {
  const bd = parseTime(patient?.birthDate);
  if (bd === undefined) return undefined;
  const b = new Date(bd);
  const n = new Date(now);
  let years = n.getUTCFullYear() - b.getUTCFullYear();
  if (n.getUTCMonth() < b.getUTCMonth() || (n.getUTCMonth() === b.getUTCMonth() && n.getUTCDate() < b.getUTCDate())) years--;
  return years;
}
