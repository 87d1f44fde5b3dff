/**
 * Unit conversion for lab values through UCUM (@lhncbc/ucum-lhc), never a hand-written table.
 * The only explicit factors are the KB section 4F equivalences UCUM cannot compute (arbitrary
 * units such as [IU]); they live in hooks/units.json. A unit that cannot be understood makes the
 * value unknown (G5). The conversions used here are all linear, so a unit has one factor.
 */
import type { Content, AnalyteDef } from '../content';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ucum = require('@lhncbc/ucum-lhc') as { UcumLhcUtils: { getInstance(): UcumUtils } };
interface UcumUtils {
  convertUnitTo(from: string, value: number, to: string, opts?: { molecularWeight?: number }): { status: string; toVal: number | null };
}
const utils = ucum.UcumLhcUtils.getInstance();

/**
 * Factors kept per analyte: units of at most 64 characters, at most 256 per analyte, so at most
 * 256 x (128 bytes of UTF-16 + about 80 of map entry) = 53 KB per analyte, under 1 MB for the 14
 * analytes, whatever is sent. Measured (callgrind, bench/README.md): a 30-day request costs
 * 13.9 M instructions with it and 14.3 M without (each lab value would parse its unit in UCUM).
 */
const CACHE_UNIT_MAX = 64;
const CACHE_ENTRIES_MAX = 256;

export class Units {
  private readonly aliases: Map<string, string>;
  /**
   * analyte -> unit as sent -> factor (null: not understood). A UCUM conversion parses both unit
   * strings; a record repeats a few units many times.
   */
  private readonly factors = new Map<string, Map<string, number | null>>();

  constructor(private readonly content: Content) {
    this.aliases = new Map();
    for (const [name, def] of Object.entries(content.units.analytes))
      for (const [alias, target] of Object.entries(def.aliases ?? {})) this.aliases.set(`${name} ${alias}`, target);
    // A site alias applies to every analyte; null removes a default alias.
    for (const [alias, target] of Object.entries(content.site.unitAliases))
      for (const name of Object.keys(content.units.analytes))
        if (target === null) this.aliases.delete(`${name} ${alias}`);
        else this.aliases.set(`${name} ${alias}`, target);
    this.checkAliases();
  }

  /** Start-up check: every alias resolves to a UCUM unit that converts to its analyte's unit (KB 4F). */
  private checkAliases(): void {
    const errors: string[] = [];
    const site = this.content.site.unitAliases;
    for (const [key, target] of this.aliases) {
      const [name, ...rest] = key.split(' ');
      const alias = rest.join(' ');
      const def = this.analyte(name!);
      if (def.anyUnit) continue;
      if (site[alias] !== undefined) {
        // A site alias needs one analyte it converts for: it is global.
        const fits = Object.values(this.content.units.analytes).some((d) => !d.anyUnit && this.factorThrough(d, target) !== null);
        if (!fits) errors.push(`unit alias "${alias}" -> "${target}" (site): "${target}" is not a UCUM unit of any analyte's dimension`);
      } else if (this.factorThrough(def, target) === null)
        errors.push(`unit alias "${alias}" -> "${target}" (hooks/units.json, ${name}): "${target}" does not convert to ${def.unit}`);
    }
    if (errors.length) throw new Error(`configuration: ${[...new Set(errors)].join('; ')}`);
  }

  analyte(name: string): AnalyteDef {
    const a = this.content.units.analytes[name];
    if (!a) throw new Error(`unknown analyte ${name}`);
    return a;
  }

  /**
   * The factor from `unit` to the analyte's rule unit (1 for analytes of any unit), or undefined
   * when the unit is missing or not understood (then whyNot says which).
   */
  factorFor(analyte: string, unit: string | undefined): number | undefined {
    const def = this.analyte(analyte);
    if (def.anyUnit) return 1;
    if (unit === undefined) return undefined;
    const trimmed = unit.trim();
    if (trimmed === '') return undefined;
    let perAnalyte = this.factors.get(analyte);
    if (!perAnalyte) this.factors.set(analyte, (perAnalyte = new Map()));
    let f = perAnalyte.get(unit);
    if (f === undefined) {
      f = this.factor(analyte, def, trimmed);
      if (unit.length <= CACHE_UNIT_MAX) {
        if (perAnalyte.size >= CACHE_ENTRIES_MAX) perAnalyte.clear();
        perAnalyte.set(unit, f);
      }
    }
    return f ?? undefined;
  }

  /** Why a unit gives no factor (for the card's "could not read" list). */
  whyNot(unit: string | undefined): string {
    return unit === undefined || unit.trim() === '' ? 'no unit' : `unit "${unit}" not understood`;
  }

  private factor(analyte: string, def: AnalyteDef, rawUnit: string): number | null {
    // The micro sign (U+00B5) and Greek mu (U+03BC) are UCUM's "u": "µkat/L" is "ukat/L".
    const micro = rawUnit.replace(/[\u00b5\u03bc]/g, 'u');
    return this.factorThrough(def, this.aliases.get(`${analyte} ${rawUnit}`) ?? this.aliases.get(`${analyte} ${micro}`) ?? micro);
  }

  /**
   * The factor from a unit (after aliases) to the analyte's rule unit, or null. UCUM computes
   * 10*3/uL -> 10*9/L as 0.9999999999999999: a factor is snapped to 12 significant digits, so that a
   * conversion between units of one scale multiplies by exactly 1 and a power of ten is exact (KB v3
   * change 24); no conversion the rules use needs more digits than that.
   */
  private factorThrough(def: AnalyteDef, unit: string): number | null {
    const f = this.rawFactor(def, unit);
    return f === null ? null : Number(f.toPrecision(12));
  }

  private rawFactor(def: AnalyteDef, unit: string): number | null {
    // Own keys only: a unit named "constructor" is not a property of every object.
    const eq = def.equivalents && Object.hasOwn(def.equivalents, unit) ? def.equivalents[unit] : undefined;
    if (eq !== undefined) return eq;
    if (unit === def.unit) return 1;
    const direct = safeConvert(unit, def.unit, def.molecularWeight);
    if (direct !== null) return direct;
    // e.g. [IU]/L -> [IU]/dL through UCUM, then the KB equivalence to %.
    for (const [eqUnit, eqFactor] of Object.entries(def.equivalents ?? {})) {
      const via = safeConvert(unit, eqUnit, def.molecularWeight);
      if (via !== null) return via * eqFactor;
    }
    return null;
  }
}

/** Longer units are not units (UCUM's longest are a few dozen characters); they are never parsed. */
const UNIT_MAX = 64;

function safeConvert(from: string, to: string, molecularWeight?: number): number | null {
  // UCUM refuses blanks anyway, and writes the refused unit to stdout (past the logger): a unit with
  // a blank or a control character, or a very long one, is not a unit and is not handed to it.
  // eslint-disable-next-line no-control-regex -- control characters are what is refused here
  if (from.length > UNIT_MAX || /[\s\u0000-\u001f]/.test(from)) return null;
  try {
    const r = utils.convertUnitTo(from, 1, to, molecularWeight ? { molecularWeight } : undefined);
    return r.status === 'succeeded' && typeof r.toVal === 'number' && Number.isFinite(r.toVal) && r.toVal > 0 ? r.toVal : null;
  } catch {
    return null;
  }
}

/** Round for display: up to 3 decimals, trailing zeros removed. */
/**
 * Why a value (in the rule unit) cannot be a result of this analyte, or undefined when it can:
 * an LDH of 0, a negative count, a platelet count of 50,000 x10^9/L.
 */
export function implausible(value: number, def: AnalyteDef): string | undefined {
  const p = def.plausible;
  if (!p || Number.isNaN(value)) return undefined;
  const unit = def.display ? ` ${def.display}` : '';
  if (p.above !== undefined && !(value > p.above)) return `impossible value (${def.label} is always above ${fmt(p.above)}${unit})`;
  if (p.atLeast !== undefined && !(value >= p.atLeast)) return `impossible value (${def.label} is never below ${fmt(p.atLeast)}${unit})`;
  if (!(value <= p.atMost)) return `impossible value (${def.label} is never above ${fmt(p.atMost)}${unit})`;
  return undefined;
}

export function fmt(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}
