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

/** Factors kept per analyte: a unit string of at most 64 characters, at most 256 of them (under 40 KB in all). */
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
    this.aliases = new Map(Object.entries(content.site.unitAliases));
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
      f = this.factor(def, trimmed);
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

  private factor(def: AnalyteDef, rawUnit: string): number | null {
    const unit = this.aliases.get(rawUnit) ?? rawUnit;
    const eq = def.equivalents?.[unit];
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

function safeConvert(from: string, to: string, molecularWeight?: number): number | null {
  try {
    const r = utils.convertUnitTo(from, 1, to, molecularWeight ? { molecularWeight } : undefined);
    return r.status === 'succeeded' && typeof r.toVal === 'number' && Number.isFinite(r.toVal) && r.toVal > 0 ? r.toVal : null;
  } catch {
    return null;
  }
}

/** Round for display: up to 3 decimals, trailing zeros removed. */
export function fmt(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}
