/**
 * The clinical states of the knowledge base (D2-D8), one named function each, over the facts.
 * Three-valued: a state the data cannot decide is 'unknown' and names what is missing; it is
 * never taken as normal.
 */
import { type Content, num } from '../content';
import { DAY, HOUR } from '../fhir/time';
import { type Facts, exposureInWindow, finalInWindow, latestFinal, onTreatment, series } from './index';
import type { Episode, LabValue } from './types';

export type Tri = true | false | 'unknown';
type Param = (name: string) => number;

export interface Response {
  status: 'met' | 'not-met' | 'unknown';
  /** When the second qualifying assessment was drawn. */
  at?: number;
  /** What is missing when unknown. */
  missing?: string[];
}

export interface Improvement {
  improving: Tri;
  why: string;
}

export interface ClinicalState {
  platelets: LabValue[];
  ldh: LabValue[];
  baselinePlatelets?: LabValue;
  baselineLdh?: LabValue;
  latestPlatelets?: LabValue;
  latestLdh?: LabValue;
  /** LDH as a multiple of that result's own ULN (else the site ULN). */
  ldhX: (v: LabValue) => number;
  /** D2. */
  response: Response;
  /** D4 improving. */
  improving: Tri;
  improvingWhy: string;
  /** D3a: IWG numeric refractory. */
  refractoryNumeric: Tri;
  /** D3b: no response after the refractory number of sessions. */
  refractoryBroad: Tri;
  /** D4: PE day >= 4 (or >= 4 sessions), no response, not improving. */
  noImprovement: Tri;
  /** Latest final ADAMTS13 activity in the window. */
  a13?: LabValue;
  /** D8: iTTP confirmed by ADAMTS13 < 10% in the window or an immune/acquired TTP code. */
  confirmed: { yes: boolean; how: string };
  /** G3b: latest ADAMTS13 > 20%. */
  a13Negative: boolean;
  steroidGiven: boolean;
  rtxGiven: boolean;
}

/** A result below a threshold: by its value, or reported as "<x" with x at or under it. */
export function below(v: LabValue, threshold: number, comparators: readonly string[] = ['<', '<=']): boolean {
  return v.value < threshold || (v.comparator !== undefined && comparators.includes(v.comparator) && v.value <= threshold);
}

/** D4 baseline: the last value at or before session 1; otherwise the first value in the episode. */
export function baseline(values: LabValue[], ep: Episode | undefined): LabValue | undefined {
  if (!ep) return values[0];
  const before = values.filter((v) => v.time <= ep.firstSession);
  return before[before.length - 1] ?? values[0];
}

/**
 * D2 clinical response: platelets >= 150 and LDH < 1.5x ULN on two consecutive assessments at
 * least 24 h apart. An assessment is a platelet count with the LDH drawn nearest to it (within the
 * pairing window). A platelet count < 150 or an LDH >= 1.5x ULN breaks the run; a count without
 * an LDH neither counts nor breaks.
 */
export function clinicalResponse(platelets: LabValue[], ldh: LabValue[], ldhX: (v: LabValue) => number, p: Param): Response {
  if (platelets.length === 0) return { status: 'unknown', missing: ['platelets'] };
  const window = p('labPairWindowHours') * HOUR;
  let runStart: number | undefined;
  let unpairedHigh = false;
  let j = 0;
  for (const plt of platelets) {
    // Nearest LDH within the window (both series are sorted; j walks forward).
    while (j + 1 < ldh.length && Math.abs(ldh[j + 1]!.time - plt.time) <= Math.abs(ldh[j]!.time - plt.time)) j++;
    const l = ldh[j];
    const paired = l && Math.abs(l.time - plt.time) <= window ? l : undefined;
    const pltHigh = plt.value >= p('responsePlatelets') && !(plt.comparator && plt.comparator.startsWith('<'));
    if (!pltHigh) {
      runStart = undefined;
      continue;
    }
    if (!paired) {
      unpairedHigh = true;
      continue;
    }
    if (ldhX(paired) >= p('responseLdhUlnMultiple')) {
      runStart = undefined;
      continue;
    }
    const at = Math.max(plt.time, paired.time);
    if (runStart === undefined) runStart = at;
    else if (at - runStart >= p('responseMinSpacingHours') * HOUR) return { status: 'met', at };
  }
  if (ldh.length === 0 && platelets.some((v) => v.value >= p('responsePlatelets'))) return { status: 'unknown', missing: ['LDH'] };
  if (unpairedHigh) return { status: 'unknown', missing: [`LDH paired with platelets >= ${p('responsePlatelets')}`] };
  return { status: 'not-met' };
}

/** D4 improving: latest platelets >= factor x baseline and latest LDH below baseline LDH. */
export function improvement(
  plt: { baseline?: LabValue; latest?: LabValue },
  ldh: { baseline?: LabValue; latest?: LabValue },
  p: Param,
): Improvement {
  const missing: string[] = [];
  if (!plt.latest || !plt.baseline) missing.push('platelets');
  if (!ldh.latest || !ldh.baseline) missing.push('LDH');
  const pltOk = plt.latest && plt.baseline ? plt.latest.value >= p('improvementPlateletFactor') * plt.baseline.value : undefined;
  const ldhOk = ldh.latest && ldh.baseline ? ldh.latest.value < ldh.baseline.value : undefined;
  const factor = p('improvementPlateletFactor');
  if (pltOk === false || ldhOk === false)
    return { improving: false, why: pltOk === false ? `platelets below ${factor}x baseline` : 'LDH not below baseline' };
  if (pltOk === true && ldhOk === true) return { improving: true, why: `platelets >= ${factor}x baseline and LDH below baseline` };
  return { improving: 'unknown', why: `cannot judge improvement: no ${missing.join(' or ')}` };
}

/** D3a IWG17 numeric: >= 5 sessions and steroids, last 2 platelets < 50 and last 2 LDH > 1.5x ULN. */
export function refractoryNumeric(
  ep: Episode | undefined,
  steroidGiven: boolean,
  platelets: LabValue[],
  ldh: LabValue[],
  ldhX: (v: LabValue) => number,
  p: Param,
): Tri {
  if (!ep || ep.sessionCount < p('refractorySessions') || !steroidGiven) return false;
  const lastP = platelets.slice(-2);
  const lastL = ldh.slice(-2);
  if (lastP.length < 2 || lastL.length < 2) return 'unknown';
  return lastP.every((v) => below(v, p('refractoryPlatelets'), ['<'])) && lastL.every((v) => ldhX(v) > p('refractoryLdhUlnMultiple'));
}

/** D3b broad: no D2 response after >= 5 sessions. */
export function refractoryBroad(ep: Episode | undefined, response: Response, p: Param): Tri {
  if (!ep || ep.sessionCount < p('refractorySessions')) return false;
  return response.status === 'met' ? false : response.status === 'unknown' ? 'unknown' : true;
}

/** D4 "no improvement at PE day 4-5": PE day (or sessions) >= 4, no response, not improving. */
export function noImprovement(
  ep: Episode | undefined,
  response: Response,
  improving: Tri,
  latestPlatelets: LabValue | undefined,
  p: Param,
): Tri {
  if (!ep || (ep.peDay < p('noImprovementPeDay') && ep.sessionCount < p('noImprovementPeDay'))) return false;
  if (response.status === 'met' || improving === true) return false;
  if (improving === false && response.status === 'not-met') return true;
  // Response unknown (no paired LDH): a count still under the response threshold is no improvement.
  if (improving === false && response.status === 'unknown')
    return latestPlatelets !== undefined && latestPlatelets.value < p('responsePlatelets') ? true : 'unknown';
  return 'unknown';
}

/** D8: iTTP confirmed by severe deficiency (ADAMTS13 < 10%) in the window, or by an immune/acquired TTP code. */
export function ittpConfirmed(f: Facts, p: Param): { yes: boolean; how: string } {
  const severe = finalInWindow(f, 'adamts13').find((v) => below(v, p('adamts13SevereBelow'), ['<', '<=']));
  if (severe) return { yes: true, how: `ADAMTS13 ${severe.comparator ?? ''}${Math.round(severe.value * 10) / 10}%` };
  const code = f.activeIttp.find((c) => c.confirmsImmune);
  if (code) return { yes: true, how: `coded ${code.display}${code.by === 'text' ? ' (matched by text)' : ''}` };
  return { yes: false, how: '' };
}

/** G3b: ADAMTS13 activity above the negative threshold (a "<x" result never is). */
export function adamts13Negative(a13: LabValue | undefined, p: Param): boolean {
  return !!a13 && a13.value > p('adamts13NegativeAbove') && !(a13.comparator && a13.comparator.startsWith('<'));
}

export function clinicalState(f: Facts, content: Content): ClinicalState {
  const p: Param = (n) => num(content, n);
  const platelets = finalInWindow(f, 'platelets');
  const ldh = finalInWindow(f, 'ldh');
  const siteUln = p('siteLdhUln');
  const ldhX = (v: LabValue) => v.value / (v.uln && v.uln > 0 ? v.uln : siteUln);
  const ep = f.episode?.current ? f.episode : undefined;
  const baselinePlatelets = baseline(platelets, ep);
  const baselineLdh = baseline(ldh, ep);
  const latestPlatelets = platelets[platelets.length - 1];
  const latestLdh = ldh[ldh.length - 1];
  const response = clinicalResponse(platelets, ldh, ldhX, p);
  const imp = improvement({ baseline: baselinePlatelets, latest: latestPlatelets }, { baseline: baselineLdh, latest: latestLdh }, p);
  const steroidGiven = onTreatment(f, 'steroid');
  const a13 = latestFinal(f, 'adamts13');
  return {
    platelets,
    ldh,
    baselinePlatelets,
    baselineLdh,
    latestPlatelets,
    latestLdh,
    ldhX,
    response,
    improving: imp.improving,
    improvingWhy: imp.why,
    refractoryNumeric: refractoryNumeric(ep, steroidGiven, platelets, ldh, ldhX, p),
    refractoryBroad: refractoryBroad(ep, response, p),
    noImprovement: noImprovement(ep, response, imp.improving, latestPlatelets, p),
    a13,
    confirmed: ittpConfirmed(f, p),
    a13Negative: adamts13Negative(a13, p),
    steroidGiven,
    rtxGiven: onTreatment(f, 'rtx'),
  };
}

/** D6: remission after response: >= 30 d with no TPE and no anti-VWF therapy, or ADAMTS13 >= 20% after response. */
export function inRemission(f: Facts, s: ClinicalState, content: Content, at: number): boolean {
  if (s.response.status !== 'met' || s.response.at === undefined) return false;
  const lastTherapy = Math.max(f.episode?.lastSession ?? 0, lastCaplaTime(f) ?? 0);
  if (lastTherapy > 0 && at - lastTherapy >= num(content, 'exacerbationWindowDays') * DAY) return true;
  return series(f, 'adamts13').final.some(
    (v) => v.time >= s.response.at! && v.time <= at && v.value >= num(content, 'adamts13NegativeAbove'),
  );
}

/** The last caplacizumab dose (administration) or, without administrations, the end of the last order. */
export function lastCaplaTime(f: Facts): number | undefined {
  const x = exposureInWindow(f, 'capla');
  const lastGiven = x.given[x.given.length - 1]?.time;
  if (lastGiven !== undefined) return lastGiven;
  const ends = x.orders
    .map((o) => (o.status === 'active' ? Math.min(o.end ?? f.now, f.now) : o.end))
    .filter((t): t is number => t !== undefined);
  return ends.length ? Math.max(...ends) : undefined;
}
