/**
 * KB v3 changes 24 and 25: thresholds compared at the laboratory's precision, and comparators read
 * as the bounds they are. Both sides of every boundary, in the rule unit and in every alias of it.
 */
import fc from 'fast-check';
import { loadContent } from '../../src/content';
import { unitsSchema } from '../../src/content/schema';
import { above, aboveTri, atLeast, atLeastTri, atMostTri, below, belowTri, ge, gt, le, lt, roundTo } from '../../src/facts/compare';
import { extractLabs } from '../../src/facts/labs';
import { clinicalResponse, improvement, refractoryNumeric } from '../../src/facts/state';
import type { Episode, LabValue } from '../../src/facts/types';
import type { AnyResource } from '../../src/fhir/read';
import { Terminology } from '../../src/terminology';
import { Units } from '../../src/units';

const content = loadContent();
const units = new Units(content);
const tools = { units, terminology: new Terminology(content) };
const FAR = Date.parse('2100-01-01T00:00:00Z');
const p = (n: string) => content.parameters[n] as number;
const HOUR = 3_600_000;
const T0 = Date.parse('2026-03-02T06:00:00Z');

/** One result as an EHR sends it, read by the facts layer. */
function read(analyte: 'platelets' | 'ldh' | 'adamts13' | 'hemoglobin', value: number, unit: string, extra: Record<string, unknown> = {}) {
  const code = { platelets: '777-3', ldh: '2532-0', adamts13: '53622-7', hemoglobin: '718-7' }[analyte];
  const o: AnyResource = {
    resourceType: 'Observation',
    id: 'o',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code }] },
    effectiveDateTime: '2026-03-02T06:00:00Z',
    valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
    ...extra,
  };
  return extractLabs([o], tools, FAR).get(analyte)!.final[0]!;
}

/** The platelet units that mean 10*9/L (x1) and 10^3 per microlitre (x1), and per microlitre (x0.001). */
const PLATELET_SAME_SCALE = ['10*9/L', '10*3/uL', ...Object.keys(content.units.analytes.platelets!.aliases!)];
const PLATELET_PER_UL = ['/uL', '/mm3'];

describe('comparison at the comparison tolerance', () => {
  test('a difference of floating-point residue is equality; any difference a laboratory reports is not', () => {
    expect(50.3 - 30.3).not.toBe(20);
    expect(ge(50.3 - 30.3, 20)).toBe(true);
    expect(ge(19.9, 20)).toBe(false);
    expect(lt(149.99999999999997, 150)).toBe(false);
    expect(lt(149.9, 150)).toBe(true);
    expect(gt(1.5000000000000002, 1.5)).toBe(false);
    expect(gt(1.51, 1.5)).toBe(true);
    expect(le(1.5000000000000002, 1.5)).toBe(true);
    expect(le(1.51, 1.5)).toBe(false);
  });

  test('values are rounded to the precision a laboratory reports: platelets 0.1, LDH 1, ADAMTS13 1, Hb 0.1, creatinine 0.01', () => {
    expect(roundTo(149.99999999999997, 0.1)).toBe(150);
    expect(roundTo(149.96, 0.1)).toBe(150);
    expect(roundTo(149.94, 0.1)).toBe(149.9);
    expect(roundTo(0.30000000000000004, 0.1)).toBe(0.3);
    expect(roundTo(374.6, 1)).toBe(375);
    expect(roundTo(1.004, 0.01)).toBe(1);
    expect(roundTo(1.006, 0.01)).toBe(1.01);
    expect(roundTo(12345, 10)).toBe(12350);
    expect(roundTo(12.34, undefined)).toBe(12.34);
    expect({ platelets: 0.1, hemoglobin: 0.1, ldh: 1, adamts13: 1, creatinine: 0.01 }).toEqual(
      Object.fromEntries(
        ['platelets', 'hemoglobin', 'ldh', 'adamts13', 'creatinine'].map((a) => [a, content.units.analytes[a]!.precision]),
      ),
    );
  });

  test('a precision that is not a power of ten stops the start-up', () => {
    const bad = { ...content.units.analytes.platelets!, precision: 0.5 };
    expect(() => unitsSchema.parse({ analytes: { platelets: bad } })).toThrow(/power of ten/);
    expect(() => unitsSchema.parse({ analytes: { platelets: { ...bad, precision: 0.01 } } })).not.toThrow();
  });
});

describe('the same value in any unit of one scale compares the same (change 24)', () => {
  test('UCUM 10*3/uL -> 10*9/L is 0.9999999999999999; the factor used is exactly 1, and /uL exactly 0.001', () => {
    expect(units.factorFor('platelets', '10*3/uL')).toBe(1);
    expect(units.factorFor('platelets', 'K/uL')).toBe(1);
    expect(units.factorFor('platelets', '/uL')).toBe(0.001);
    expect(units.factorFor('adamts13', '[IU]/dL')).toBe(1);
    expect(units.factorFor('adamts13', '[IU]/mL')).toBe(100);
    expect(units.factorFor('ldh', 'ukat/L')).toBe(60);
  });

  test.each(['10*9/L', '10*3/uL', 'K/uL', '/uL'])('platelets exactly 150 in %s are 150; 149.9 are below', (unit) => {
    const f = PLATELET_PER_UL.includes(unit) ? 1000 : 1;
    expect(read('platelets', 150 * f, unit).value).toBe(150);
    expect(atLeast(read('platelets', 150 * f, unit), p('responsePlatelets'))).toBe(true);
    expect(atLeast(read('platelets', 149.9 * f, unit), p('responsePlatelets'))).toBe(false);
    expect(below(read('platelets', 50 * f, unit), p('refractoryPlatelets'))).toBe(false);
    expect(below(read('platelets', 49.9 * f, unit), p('refractoryPlatelets'))).toBe(true);
  });

  test('property: a platelet count sent in any alias of the rule unit (or per microlitre) reads as the same value in 10*9/L', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20000 }), fc.constantFrom(...PLATELET_SAME_SCALE, ...PLATELET_PER_UL), (tenths, unit) => {
        const value = tenths / 10;
        const sent = PLATELET_PER_UL.includes(unit) ? tenths * 100 : value;
        const here = read('platelets', sent, unit);
        const ruleUnit = read('platelets', value, '10*9/L');
        expect(here.value).toBe(ruleUnit.value);
        for (const t of [p('responsePlatelets'), p('refractoryPlatelets')]) {
          expect(below(here, t)).toBe(below(ruleUnit, t));
          expect(atLeast(here, t)).toBe(atLeast(ruleUnit, t));
        }
      }),
      { numRuns: 400 },
    );
  });

  test('ADAMTS13 in % and [IU]/dL compare alike; IU/mL x100 at 1%', () => {
    expect(read('adamts13', 10, '[IU]/dL').value).toBe(10);
    expect(read('adamts13', 0.1, '[IU]/mL').value).toBe(10);
    expect(below(read('adamts13', 10, '[IU]/dL'), p('adamts13SevereBelow'))).toBe(false);
    expect(below(read('adamts13', 0.09, '[IU]/mL'), p('adamts13SevereBelow'))).toBe(true);
    expect(above(read('adamts13', 0.2, '[IU]/mL'), p('adamts13NegativeAbove'))).toBe(false);
    expect(above(read('adamts13', 0.21, '[IU]/mL'), p('adamts13NegativeAbove'))).toBe(true);
  });

  test('LDH at 1 U/L and its own ULN: 375 of 250 is exactly 1.5x, in U/L and in ukat/L', () => {
    const range = (high: number, unit: string) => ({
      referenceRange: [{ high: { value: high, unit, system: 'http://unitsofmeasure.org', code: unit } }],
    });
    const u = read('ldh', 375, 'U/L', range(250, 'U/L'));
    const k = read('ldh', 6.25, 'ukat/L', range(4.1667, 'ukat/L'));
    expect([u.value, u.uln]).toEqual([375, 250]);
    expect([k.value, k.uln]).toEqual([375, 250]);
    for (const v of [u, k]) {
      expect(ge(v.value / v.uln!, p('responseLdhUlnMultiple'))).toBe(true);
      expect(gt(v.value / v.uln!, p('refractoryLdhUlnMultiple'))).toBe(false);
    }
  });
});

describe('D2-D4 at their boundaries, in 10*3/uL, 10*9/L and /uL (change 24)', () => {
  const series = (analyte: 'platelets' | 'ldh', values: number[], unit: string, every = 24) =>
    values.map(
      (x, i) =>
        ({
          ...read(analyte, x, unit, analyte === 'ldh' ? { referenceRange: [{ high: { value: 250, code: 'U/L' } }] } : {}),
          time: T0 + i * every * HOUR,
        }) as LabValue,
    );
  const ldhX = (v: LabValue) => v.value / (v.uln ?? 250);

  test.each(['10*9/L', '10*3/uL', '/uL'])('platelets of exactly 150 on two assessments 24 h apart are a response (%s)', (unit) => {
    const f = unit === '/uL' ? 1000 : 1;
    const ldh = series('ldh', [300, 300], 'U/L');
    expect(clinicalResponse(series('platelets', [150 * f, 150 * f], unit), ldh, ldhX, p).status).toBe('met');
    expect(clinicalResponse(series('platelets', [150 * f, 149.9 * f], unit), ldh, ldhX, p).status).toBe('not-met');
  });

  test.each(['10*9/L', '10*3/uL', '/uL'])(
    '30 -> 50 (a rise of exactly 20, exactly 1.5x... and more) with LDH falling is improving (%s)',
    (unit) => {
      const f = unit === '/uL' ? 1000 : 1;
      const plt = (a: number, b: number) => {
        const [baseline, latest] = series('platelets', [a * f, b * f], unit);
        return { baseline, latest };
      };
      const [lb, ll] = series('ldh', [1400, 800], 'U/L');
      const ldh = { baseline: lb, latest: ll };
      expect(improvement(plt(30, 50), ldh, p).improving).toBe(true);
      expect(improvement(plt(30, 49.9), ldh, p).improving).toBe(false);
      // Exactly 1.5x with a rise above 20: 40 -> 60; 40 -> 59.9 is not 1.5x.
      expect(improvement(plt(40, 60), ldh, p).improving).toBe(true);
      expect(improvement(plt(40, 59.9), ldh, p).improving).toBe(false);
      // A rise of exactly 20 from a decimal baseline: 30.3 -> 50.3 (floating point: 19.999999999999996).
      expect(improvement(plt(30.3, 50.3), ldh, p).improving).toBe(true);
    },
  );

  test.each(['10*9/L', '10*3/uL', '/uL'])('platelets of exactly 50 are not < 50: not IWG-refractory (%s)', (unit) => {
    const f = unit === '/uL' ? 1000 : 1;
    const ep = { current: true, sessionCount: 5, firstSession: T0 } as Episode;
    const ldh = series('ldh', [1400, 1300], 'U/L');
    const state = { response: { status: 'not-met' as const }, notCurrent: [] };
    expect(refractoryNumeric(ep, true, series('platelets', [49.9 * f, 50 * f], unit), ldh, ldhX, state, p)).toBe(false);
    expect(refractoryNumeric(ep, true, series('platelets', [49.9 * f, 49.9 * f], unit), ldh, ldhX, state, p)).toBe(true);
  });
});

describe('a comparator is read for what it says (change 25)', () => {
  const v = (value: number, comparator?: LabValue['comparator']) => ({ value, comparator });
  test('"<x" and "<=x" are below any threshold at or above x, unknown under it', () => {
    expect(belowTri(v(5, '<'), 10)).toBe(true);
    expect(belowTri(v(10, '<'), 10)).toBe(true);
    expect(belowTri(v(10, '<='), 10)).toBe(true);
    expect(belowTri(v(12, '<'), 10)).toBe('unknown');
    expect(atLeastTri(v(12, '<'), 10)).toBe('unknown');
    expect(atLeastTri(v(5, '<'), 10)).toBe(false);
    expect(aboveTri(v(20, '<'), 20)).toBe(false);
    expect(aboveTri(v(25, '<'), 20)).toBe('unknown');
  });

  test('">x" and ">=x" satisfy "at least x" and "above" a lower threshold; "below t" is unknown when x < t', () => {
    expect(belowTri(v(5, '>'), 10)).toBe('unknown');
    expect(below(v(5, '>'), 10)).toBe(false);
    expect(belowTri(v(10, '>='), 10)).toBe(false);
    expect(belowTri(v(15, '>'), 10)).toBe(false);
    expect(atLeastTri(v(150, '>='), 150)).toBe(true);
    expect(atLeastTri(v(100, '>'), 150)).toBe('unknown');
    expect(aboveTri(v(20, '>'), 20)).toBe(true);
    expect(aboveTri(v(20, '>='), 20)).toBe('unknown');
    expect(aboveTri(v(21, '>='), 20)).toBe(true);
    expect(aboveTri(v(5, '>'), 20)).toBe('unknown');
    expect(atMostTri(v(25, '>'), 20)).toBe(false);
    expect(atMostTri(v(5, '>'), 20)).toBe('unknown');
    expect(atMostTri(v(20, '<='), 20)).toBe(true);
  });

  test('a plain value is decided on both sides of every threshold', () => {
    expect([belowTri(v(9), 10), belowTri(v(10), 10)]).toEqual([true, false]);
    expect([aboveTri(v(20), 20), aboveTri(v(21), 20)]).toEqual([false, true]);
    expect([atMostTri(v(20), 20), atMostTri(v(21), 20)]).toEqual([true, false]);
    expect([atLeastTri(v(149.9), 150), atLeastTri(v(150), 150)]).toEqual([false, true]);
  });

  test('">5%" read from a valueString or a valueQuantity comparator is no severe deficiency', () => {
    const q = read('adamts13', 5, '%', {
      valueQuantity: { value: 5, comparator: '>', unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
    });
    expect(q.comparator).toBe('>');
    expect(below(q, p('adamts13SevereBelow'))).toBe(false);
    expect(belowTri(q, p('adamts13SevereBelow'))).toBe('unknown');
    const s = read('adamts13', 0, '%', { valueQuantity: undefined, valueString: '>5 %' });
    expect(belowTri(s, p('adamts13SevereBelow'))).toBe('unknown');
  });
});
