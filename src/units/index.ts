/**
 * Unit conversion for lab values through UCUM (@lhncbc/ucum-lhc), never a hand-written table.
 * The only explicit factors are the KB section 4F equivalences UCUM cannot compute (arbitrary
 * units such as [IU]); they live in hooks/units.json. A unit that cannot be understood makes the
 * value unknown (G5). Factors are computed once per (analyte, unit) and cached: the conversions
 * used here are all linear.
 */
import type { Content, AnalyteDef } from '../content';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ucum = require('@lhncbc/ucum-lhc') as { UcumLhcUtils: { getInstance(): UcumUtils } };
interface UcumUtils {
  convertUnitTo(from: string, value: number, to: string, opts?: { molecularWeight?: number }): { status: string; toVal: number | null };
}
const utils = ucum.UcumLhcUtils.getInstance();

export type Conversion = { ok: true; value: number; factor: number } | { ok: false; reason: string };

export class Units {
  private readonly cache = new Map<string, Map<string, number | null>>();
  private readonly aliases: Map<string, string>;
  /** analyte -> the last unit converted and its factor. */
  private readonly last = new Map<string, { unit: string; factor: number | undefined }>();

  constructor(private readonly content: Content) {
    this.aliases = new Map(Object.entries(content.site.unitAliases));
  }

  analyte(name: string): AnalyteDef {
    const a = this.content.units.analytes[name];
    if (!a) throw new Error(`unknown analyte ${name}`);
    return a;
  }

  /** Convert `value` in `unit` to the analyte's rule unit. */
  convert(analyte: string, value: number, unit: string | undefined): Conversion {
    const def = this.analyte(analyte);
    if (def.anyUnit) return { ok: true, value, factor: 1 };
    const factor = this.factorFor(analyte, unit);
    if (factor === undefined) return { ok: false, reason: this.whyNot(unit) };
    return { ok: true, value: value * factor, factor };
  }

  /**
   * The factor from `unit` to the analyte's rule unit (1 for analytes of any unit), or undefined
   * when the unit is missing or not understood (then whyNot says which). No allocation on the
   * hot path: every lab value goes through it.
   */
  factorFor(analyte: string, unit: string | undefined): number | undefined {
    const def = this.analyte(analyte);
    if (def.anyUnit) return 1;
    if (unit === undefined) return undefined;
    // One slot per analyte first: a record's values of one analyte nearly always share a unit.
    const last = this.last.get(analyte);
    if (last && last.unit === unit) return last.factor;
    const perAnalyte = this.cache.get(analyte);
    let hit = perAnalyte?.get(unit);
    if (hit === undefined) {
      const trimmed = unit.trim();
      if (trimmed === '') return undefined;
      hit = this.factor(analyte, def, trimmed);
      // Also cached under the raw spelling, so the next identical unit is one lookup.
      const m = this.cache.get(analyte)!;
      if (m.size < 500) m.set(unit, hit);
    }
    const factor = hit ?? undefined;
    if (last) {
      last.unit = unit;
      last.factor = factor;
    } else this.last.set(analyte, { unit, factor });
    return factor;
  }

  /** Why a unit gives no factor (for the card's "could not read" list). */
  whyNot(unit: string | undefined): string {
    return unit === undefined || unit.trim() === '' ? 'no unit' : `unit "${unit}" not understood`;
  }

  private factor(analyte: string, def: AnalyteDef, rawUnit: string): number | null {
    let perAnalyte = this.cache.get(analyte);
    if (!perAnalyte) this.cache.set(analyte, (perAnalyte = new Map()));
    const hit = perAnalyte.get(rawUnit);
    if (hit !== undefined) return hit;
    const unit = this.aliases.get(rawUnit) ?? rawUnit;
    let f: number | null = null;
    const eq = def.equivalents?.[unit];
    if (eq !== undefined) f = eq;
    else if (unit === def.unit) f = 1;
    else {
      const r = safeConvert(unit, def.unit, def.molecularWeight);
      if (r !== null) f = r;
      else if (def.equivalents) {
        // e.g. [IU]/L -> [IU]/dL through UCUM, then the KB equivalence to %.
        for (const [eqUnit, eqFactor] of Object.entries(def.equivalents)) {
          const via = safeConvert(unit, eqUnit, def.molecularWeight);
          if (via !== null) {
            f = via * eqFactor;
            break;
          }
        }
      }
    }
    if (perAnalyte.size < 500) perAnalyte.set(rawUnit, f);
    return f;
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
