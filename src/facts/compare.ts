/**
 * Threshold comparisons (KB v3 changes 24 and 25). Values are compared at the laboratory's
 * precision (they are rounded when read, src/facts/labs.ts); what is derived from them (a rise, a
 * multiple of a baseline or of the ULN) is compared with a tolerance far below any precision a
 * laboratory reports, so that 50.3 - 30.3 (19.999999999999996 in floating point) is a rise of 20.
 * Every threshold keeps its stated side: >= 150 is a response, < 50 refractory.
 *
 * A result reported with a comparator is a bound, not a value: `<x` and `<=x` are upper bounds
 * (below any threshold >= x), `>x` and `>=x` lower bounds (at least x; for "below t" they are
 * unknown when x < t: ">5%" is not severe deficiency). Questions a bound cannot decide are 'unknown'.
 */
import type { LabValue } from './types';

export type Tri = true | false | 'unknown';

const EPS = 1e-9;
const tol = (b: number) => EPS * Math.max(1, Math.abs(b));

/** a >= b, at the comparison tolerance. */
export const ge = (a: number, b: number): boolean => a >= b - tol(b);
/** a > b, at the comparison tolerance. */
export const gt = (a: number, b: number): boolean => a > b + tol(b);
/** a < b, at the comparison tolerance. */
export const lt = (a: number, b: number): boolean => !ge(a, b);
/** a <= b, at the comparison tolerance. */
export const le = (a: number, b: number): boolean => !gt(a, b);

type Bounded = Pick<LabValue, 'value' | 'comparator'>;

/** The value is below t. "<x" and "<=x" are below any t >= x; ">x" and ">=x" are not below any t <= x. */
export function belowTri(v: Bounded, t: number): Tri {
  switch (v.comparator) {
    case '<':
    case '<=':
      return le(v.value, t) ? true : 'unknown';
    case '>':
    case '>=':
      return ge(v.value, t) ? false : 'unknown';
    default:
      return lt(v.value, t);
  }
}

/** The value is at least t (the complement of belowTri). */
export function atLeastTri(v: Bounded, t: number): Tri {
  const b = belowTri(v, t);
  return b === 'unknown' ? b : !b;
}

/** The value is above t: ">x" for x >= t and ">=x" for x > t are; "<x" and "<=x" for x <= t are not. */
export function aboveTri(v: Bounded, t: number): Tri {
  switch (v.comparator) {
    case '<':
    case '<=':
      return le(v.value, t) ? false : 'unknown';
    case '>':
      return ge(v.value, t) ? true : 'unknown';
    case '>=':
      return gt(v.value, t) ? true : 'unknown';
    default:
      return gt(v.value, t);
  }
}

/** The value is at most t (the complement of aboveTri). */
export function atMostTri(v: Bounded, t: number): Tri {
  const a = aboveTri(v, t);
  return a === 'unknown' ? a : !a;
}

/** Decided true: a bound that cannot tell is not taken as below. */
export const below = (v: Bounded, t: number): boolean => belowTri(v, t) === true;
export const atLeast = (v: Bounded, t: number): boolean => atLeastTri(v, t) === true;
export const above = (v: Bounded, t: number): boolean => aboveTri(v, t) === true;
export const atMost = (v: Bounded, t: number): boolean => atMostTri(v, t) === true;

/**
 * A value on the laboratory's grid: rounded to `precision` (a power of ten: 0.1, 1, 0.01), so that a
 * unit conversion's floating-point residue (149.99999999999997) is the value the laboratory reported.
 * An integer count of steps divided by a power of ten is the double nearest the decimal.
 */
export function roundTo(value: number, precision: number | undefined): number {
  if (precision === undefined || !Number.isFinite(value)) return value;
  if (precision >= 1) return Math.round(value / precision) * precision;
  const scale = Math.round(1 / precision);
  return Math.round(value * scale) / scale;
}
