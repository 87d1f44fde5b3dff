/**
 * Lab results as facts (KB section 4A, G4, G5): each value in its analyte's rule unit, with its
 * time, status and source. A result that cannot be used (no time, no value, a unit not understood)
 * is a named problem, never a silent gap.
 */
import { type AnyResource, arr, asText, concepts, conceptText, numOf, obj, periodStart, refOf, str } from '../fhir/read';
import { parseTime } from '../fhir/time';
import type { Match } from '../terminology';
import { fmt, implausible, type Units } from '../units';
import { roundTo } from './compare';
import type { LabSeries, LabValue } from './types';
import type { Tools } from './tools';
import { type Unreadable, codeProblem, dateProblem, statusProblem } from './unreadable';

const isFinal = (status: string) => status === 'final' || status === 'amended' || status === 'corrected';
const skipObservation = (status: string) => status === 'entered-in-error' || status === 'cancelled';

/** The analytes in the order their value sets are tried (codes first across all, then text). */
const ANALYTES = [
  'platelets',
  'hemoglobin',
  'ldh',
  'adamts13Inhibitor',
  'adamts13',
  'creatinine',
  'troponin',
  'smear',
  'height',
  'weight',
  'hbsag',
  'hbcab',
];

function observationTime(o: AnyResource): number | undefined {
  return parseTime(o.effectiveDateTime) ?? periodStart(o.effectivePeriod) ?? parseTime(o.effectiveInstant);
}

/** A quantity's unit: the UCUM code when given, else the printed unit. */
export function quantityUnit(q: Record<string, unknown>): string | undefined {
  const system = str(q.system);
  const code = str(q.code);
  if (code && (!system || system === 'http://unitsofmeasure.org')) return code;
  return str(q.unit) ?? code;
}

/**
 * Parse a valueString such as "<5 %", "15000 /uL" or "12 thou". Trimmed first, then one pass with
 * no lazy group before a trailing \s* (that pair backtracks quadratically on "1 x" plus spaces).
 */
export function parseValueString(raw: string): { value: number; comparator?: LabValue['comparator']; unit?: string } | undefined {
  const s = raw.length > 64 ? '' : raw.trim();
  const m = /^(<=|>=|<|>)?\s*(-?\d+(?:[.,]\d+)?)(?:\s*(\S.*))?$/.exec(s);
  if (!m) return undefined;
  return { comparator: (m[1] as LabValue['comparator']) || undefined, value: Number(m[2]!.replace(',', '.')), unit: m[3] || undefined };
}

function quantityRaw(q: Record<string, unknown>, comparator: string | undefined, unit: string | undefined): string {
  return `${comparator ?? ''}${asText(q.value) || '?'} ${str(q.unit) ?? unit ?? ''}`.trim();
}

export function emptySeries(): LabSeries {
  return { final: [], preliminary: [], problems: [], pending: [] };
}

/** The upper limit of normal of a result, in the rule unit, from its first usable referenceRange.high. */
function upperLimit(o: Record<string, unknown>, analyte: string, unit: string | undefined, units: Units): number | undefined {
  for (const rr of arr<Record<string, unknown>>(o.referenceRange)) {
    const high = obj(rr?.high);
    const hv = high ? numOf(high.value) : undefined;
    // An upper limit of 0 or below is corrupt: the rule's own ULN applies instead.
    if (!high || hv === undefined || !(hv > 0)) continue;
    const hf = units.factorFor(analyte, quantityUnit(high) ?? unit);
    if (hf !== undefined) return roundTo(hv * hf, units.analyte(analyte).precision);
  }
  return undefined;
}

/** Where a result sits: its own Observation, a component of a panel, or a contained panel member (KB v3 change 31). */
interface Place {
  ref: string;
  status: string;
  /** The status as sent, for the G4 check (a component has its parent's). */
  rawStatus: unknown;
  time: number | undefined;
  /** The effective[x] as sent, to say why a time cannot be read. */
  rawTime: unknown;
  /** Read from a panel (a component or a contained member), not an Observation of its own. */
  component: boolean;
}

function placeOf(o: AnyResource, ref = refOf(o), parent?: Place): Place {
  const own = observationTime(o);
  const rawTime = o.effectiveDateTime ?? o.effectiveInstant ?? (o.effectivePeriod as { start?: unknown } | undefined)?.start;
  const inherit = parent !== undefined && rawTime === undefined;
  const rawStatus = o.status ?? parent?.rawStatus;
  return {
    ref,
    status: typeof rawStatus === 'string' ? rawStatus : 'unknown',
    rawStatus,
    time: inherit ? parent.time : own,
    rawTime: inherit ? parent.rawTime : rawTime,
    component: parent !== undefined,
  };
}

/** A panel's contained Observations by id. */
function containedObservations(o: AnyResource): Map<string, AnyResource> {
  const out = new Map<string, AnyResource>();
  for (const x of arr<AnyResource>(o.contained))
    if (obj(x) && x.resourceType === 'Observation' && typeof x.id === 'string' && !out.has(x.id)) out.set(x.id, x);
  return out;
}

/**
 * The lab series by analyte. A result that exists but cannot be used (status, time, value or unit
 * that cannot be read, or dated in the future) is a problem of its series: "measured", never a value.
 * Results inside panels are results (KB v3 change 31): an Observation's `component` coded in a
 * value set of section 4A is read with its parent's subject, time and status, and a `hasMember`
 * reference to a contained Observation is followed (a member sent in the request is read as itself;
 * nothing is fetched).
 */
export function extractLabs(
  observations: readonly AnyResource[],
  t: Tools,
  future: number,
  uncoded: Unreadable[] = [],
): Map<string, LabSeries> {
  const sets = ANALYTES.map((a) => t.units.analyte(a).valueSet);
  const series = new Map<string, LabSeries>();
  const later: { src: Record<string, unknown>; place: Place; analyte: string; by: Match['by'] }[] = [];
  const seriesOf = (analyte: string) => {
    let s = series.get(analyte);
    if (!s) series.set(analyte, (s = emptySeries()));
    return s;
  };
  for (const o of observations) {
    const status = typeof o.status === 'string' ? o.status : 'unknown';
    if (skipObservation(status)) continue;
    const place = placeOf(o);
    const cls = t.terminology.firstMatch(sets, o.code);
    // Components and contained members: read after every standalone result (a duplicate yields to it).
    let parts = 0;
    for (const c of arr<Record<string, unknown>>(o.component)) {
      const m = obj(c) ? t.terminology.firstMatch(sets, c.code) : undefined;
      if (!m) continue;
      parts++;
      later.push({ src: c, place: { ...place, component: true }, analyte: ANALYTES[m.index]!, by: m.match.by });
    }
    // Contained Observations by id, indexed once per panel (a lookup per member, never a scan).
    const members = o.hasMember === undefined ? undefined : containedObservations(o);
    for (const h of arr<Record<string, unknown>>(o.hasMember)) {
      const reference = obj(h)?.reference;
      if (typeof reference !== 'string' || !reference.startsWith('#')) continue;
      const member = members?.get(reference.slice(1));
      if (!member || skipObservation(asText(member.status) || status)) continue;
      const m = t.terminology.firstMatch(sets, member.code);
      if (!m) continue;
      parts++;
      later.push({ src: member, place: placeOf(member, place.ref, place), analyte: ANALYTES[m.index]!, by: m.match.by });
    }
    if (!cls) {
      // A result whose code cannot be read may be any of the analytes: named, not dropped (G4).
      const why = parts === 0 ? codeProblem(o.code) : undefined;
      if (why) uncoded.push({ ref: place.ref, key: 'labs', concept: 'A lab result', why, time: place.time });
      continue;
    }
    readResult(o, place, ANALYTES[cls.index]!, cls.match.by, seriesOf(ANALYTES[cls.index]!), t, future);
  }
  // The times of the standalone results of each analyte: a component at one of them repeats it.
  const standalone = new Map<string, Set<number>>();
  if (later.length) for (const [analyte, s] of series) standalone.set(analyte, new Set([...s.final, ...s.preliminary].map((v) => v.time)));
  for (const x of later) {
    const t0 = x.place.time;
    if (t0 !== undefined && standalone.get(x.analyte)?.has(t0)) continue;
    readResult(x.src, x.place, x.analyte, x.by, seriesOf(x.analyte), t, future);
  }
  for (const s of series.values()) {
    sortByTime(s.final);
    sortByTime(s.preliminary);
  }
  return series;
}

/** One result (an Observation, a component or a member) into its analyte's series. */
function readResult(
  o: Record<string, unknown>,
  place: Place,
  analyte: string,
  by: Match['by'],
  s: LabSeries,
  t: Tools,
  future: number,
): void {
  const def = t.units.analyte(analyte);
  const { ref, status, time } = place;
  if (status === 'registered') {
    s.pending.push({ ref, time });
    return;
  }
  const statusWhy = statusProblem('Observation', place.rawStatus);
  let value: number | undefined;
  let comparator: LabValue['comparator'];
  let unit: string | undefined;
  let raw = '';
  const q = obj(o.valueQuantity);
  if (q) {
    value = numOf(q.value);
    comparator = (str(q.comparator) as LabValue['comparator']) ?? undefined;
    unit = quantityUnit(q);
    raw = quantityRaw(q, comparator, unit);
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
  const component = place.component || undefined;
  if (time === undefined) {
    s.problems.push({
      analyte,
      ref,
      reason: place.rawTime === undefined ? 'no effective time' : dateProblem(place.rawTime, undefined, future)!,
      raw,
    });
    return;
  }
  if (time > future) {
    s.problems.push({ analyte, time, ref, reason: dateProblem('', time, future)!, raw });
    return;
  }
  if (statusWhy) {
    s.problems.push({ analyte, time, ref, reason: statusWhy, raw: raw || 'result' });
    return;
  }
  if (def.anyUnit) {
    // Qualitative or kit-specific results (inhibitor, IgG, smear): existence and interpretation matter.
    const interpretation = o.interpretation
      ? concepts(o.interpretation)
          .map((c) => conceptText(c) || asText(arr<{ code?: unknown }>(c.coding)[0]?.code))
          .join(', ') || undefined
      : undefined;
    const v: LabValue = {
      analyte,
      value: value ?? NaN,
      comparator,
      time,
      final: isFinal(status),
      ref,
      by,
      raw: raw || 'result',
      interpretation,
      component,
    };
    (v.final ? s.final : s.preliminary).push(v);
    return;
  }
  if (value === undefined) {
    s.problems.push({ analyte, time, ref, reason: 'no numeric value', raw: raw || 'no value' });
    return;
  }
  const factor = t.units.factorFor(analyte, unit);
  if (factor === undefined) {
    s.problems.push({ analyte, time, ref, reason: t.units.whyNot(unit), raw });
    return;
  }
  // The reference range is read only where a rule uses it (LDH x ULN).
  const uln = def.usesUln ? upperLimit(o, analyte, unit, t.units) : undefined;
  // KB v3 change 24: the value on the laboratory's grid in the rule unit, before any comparison.
  const ruleValue = roundTo(value * factor, def.precision);
  // A corrupt number (an LDH of 0, a negative count) is unreadable, never a result that reassures.
  const impossible = implausible(ruleValue, def);
  if (impossible) {
    s.problems.push({ analyte, time, ref, reason: impossible, raw });
    return;
  }
  // The value as reported: for a quantity, its number and printed unit; else the text sent.
  const reported = q ? raw : typeof o.valueString === 'string' ? o.valueString : String(ruleValue);
  const v: LabValue = { analyte, value: ruleValue, comparator, time, final: isFinal(status), uln, ref, by, raw: reported, component };
  (v.final ? s.final : s.preliminary).push(v);
}

/** A result decidedly below a threshold (KB v3 change 25: a comparator is read for what it says). */
export { below } from './compare';

/** Sorts by time, in place (stable). */
export function sortByTime<T extends { time: number }>(list: T[]): T[] {
  return list.sort((a, b) => a.time - b.time);
}

export function labDisplay(v: LabValue, units: Units): string {
  const d = units.analyte(v.analyte);
  if (Number.isNaN(v.value)) return v.raw;
  const shown = `${v.comparator ?? ''}${fmt(v.value)} ${d.display}`.trim();
  // Show what the EHR reported only when the conversion changed the number.
  const reported = /^\s*(?:<=|>=|<|>)?\s*(-?\d+(?:\.\d+)?)/.exec(v.raw);
  return reported && Math.abs(Number(reported[1]) - v.value) > 1e-9 ? `${shown} (reported ${v.raw})` : shown;
}
