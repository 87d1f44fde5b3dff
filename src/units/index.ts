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
    if (unit === undefined || unit.trim() === '') return { ok: false, reason: 'no unit' };
    const factor = this.factor(analyte, def, unit.trim());
    if (factor === null) return { ok: false, reason: `unit "${unit}" not understood` };
    return { ok: true, value: value * factor, factor };
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
