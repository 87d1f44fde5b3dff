/**
 * Lab results as facts (KB section 4A, G4, G5): each value in its analyte's rule unit, with its
 * time, status and source. A result that cannot be used (no time, no value, a unit not understood)
 * is a named problem, never a silent gap.
 */
import { type AnyResource, arr, concepts, conceptText, numOf, obj, periodStart, refOf, str } from '../fhir/read';
import { parseTime } from '../fhir/time';
import { fmt, type Units } from '../units';
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
  return `${comparator ?? ''}${q.value ?? '?'} ${str(q.unit) ?? unit ?? ''}`.trim();
}

export function emptySeries(): LabSeries {
  return { final: [], preliminary: [], problems: [], pending: [] };
}

/** The upper limit of normal of a result, in the rule unit, from its first usable referenceRange.high. */
function upperLimit(o: AnyResource, analyte: string, unit: string | undefined, units: Units): number | undefined {
  for (const rr of arr<Record<string, unknown>>(o.referenceRange)) {
    const high = obj(rr?.high);
    const hv = high ? numOf(high.value) : undefined;
    if (!high || hv === undefined) continue;
    const hf = units.factorFor(analyte, quantityUnit(high) ?? unit);
    if (hf !== undefined) return hv * hf;
  }
  return undefined;
}

/**
 * The lab series by analyte. A result that exists but cannot be used (status, time, value or unit
 * that cannot be read, or dated in the future) is a problem of its series: "measured", never a value.
 */
export function extractLabs(
  observations: readonly AnyResource[],
  t: Tools,
  future: number,
  uncoded: Unreadable[] = [],
): Map<string, LabSeries> {
  const sets = ANALYTES.map((a) => t.units.analyte(a).valueSet);
  const series = new Map<string, LabSeries>();
  for (const o of observations) {
    const status = typeof o.status === 'string' ? o.status : 'unknown';
    if (skipObservation(status)) continue;
    const cls = t.terminology.firstMatch(sets, o.code);
    if (!cls) {
      // A result whose code cannot be read may be any of the analytes: named, not dropped (G4).
      const why = codeProblem(o.code);
      if (why) uncoded.push({ ref: refOf(o), key: 'labs', concept: 'A lab result', why, time: observationTime(o) });
      continue;
    }
    const analyte = ANALYTES[cls.index]!;
    const def = t.units.analyte(analyte);
    const by = cls.match.by;
    let s = series.get(analyte);
    if (!s) series.set(analyte, (s = emptySeries()));
    const time = observationTime(o);
    const ref = refOf(o);
    if (status === 'registered') {
      s.pending.push({ ref, time });
      continue;
    }
    const statusWhy = statusProblem('Observation', o.status);
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
    if (time === undefined) {
      const raw0 = o.effectiveDateTime ?? o.effectiveInstant ?? (o.effectivePeriod as { start?: unknown } | undefined)?.start;
      s.problems.push({ analyte, ref, reason: raw0 === undefined ? 'no effective time' : dateProblem(raw0, undefined, future)!, raw });
      continue;
    }
    if (time > future) {
      s.problems.push({ analyte, time, ref, reason: dateProblem('', time, future)!, raw });
      continue;
    }
    if (statusWhy) {
      s.problems.push({ analyte, time, ref, reason: statusWhy, raw: raw || 'result' });
      continue;
    }
    if (def.anyUnit) {
      // Qualitative or kit-specific results (inhibitor, IgG, smear): existence and interpretation matter.
      const interpretation = o.interpretation
        ? concepts(o.interpretation)
            .map((c) => conceptText(c) || arr<{ code?: string }>(c.coding)[0]?.code || '')
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
      };
      (v.final ? s.final : s.preliminary).push(v);
      continue;
    }
    if (value === undefined) {
      s.problems.push({ analyte, time, ref, reason: 'no numeric value', raw: raw || 'no value' });
      continue;
    }
    const factor = t.units.factorFor(analyte, unit);
    if (factor === undefined) {
      s.problems.push({ analyte, time, ref, reason: t.units.whyNot(unit), raw });
      continue;
    }
    // The reference range is read only where a rule uses it (LDH x ULN).
    const uln = def.usesUln ? upperLimit(o, analyte, unit, t.units) : undefined;
    // The value as reported: for a quantity, its number and printed unit; else the text sent.
    const reported = q ? raw : typeof o.valueString === 'string' ? o.valueString : String(value * factor);
    const v: LabValue = { analyte, value: value * factor, comparator, time, final: isFinal(status), uln, ref, by, raw: reported };
    (v.final ? s.final : s.preliminary).push(v);
  }
  for (const s of series.values()) {
    sortByTime(s.final);
    sortByTime(s.preliminary);
  }
  return series;
}

/** A result below a threshold: by its value, or reported as "<x" with x at or under it. */
export function below(v: LabValue, threshold: number, comparators: readonly string[] = ['<', '<=']): boolean {
  return v.value < threshold || (v.comparator !== undefined && comparators.includes(v.comparator) && v.value <= threshold);
}

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
