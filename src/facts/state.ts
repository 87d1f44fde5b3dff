/**
 * The clinical states of the knowledge base (D2-D8), one named function each, over the facts.
 * Three-valued: a state the data cannot decide is 'unknown' and names what is missing; it is
 * never taken as normal.
 */
import { type Content, num } from '../content';
import { DAY, HOUR } from '../fhir/time';
import { above, atLeast, below, ge, gt, lt } from './compare';
import { type Facts, exposureInWindow, finalInWindow, onTreatment, recordedElsewhere } from './index';
import type { DrugClass, Episode, LabValue } from './types';

export { below } from './compare';

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
  /** Final platelet counts and LDH of the latest episode (from its look-back), by time. */
  platelets: LabValue[];
  ldh: LabValue[];
  baselinePlatelets?: LabValue;
  baselineLdh?: LabValue;
  latestPlatelets?: LabValue;
  latestLdh?: LabValue;
  /** LDH as a multiple of that result's own ULN (else the site ULN). */
  ldhX: (v: LabValue) => number;
  /** D2, in the latest episode. */
  response: Response;
  /** D3/D4 recency: what is not current (platelets, LDH) during the current episode; empty when both are. */
  notCurrent: string[];
  /** D4 improving. */
  improving: Tri;
  improvingWhy: string;
  /** D3a: IWG numeric refractory, on current data, before any response. */
  refractoryNumeric: Tri;
  /** D3b: no response after the refractory number of sessions. */
  refractoryBroad: Tri;
  /** D4: PE day >= 4 (or >= 4 sessions), no response, not improving, on current data. */
  noImprovement: Tri;
  /** D8a: the pre-treatment ADAMTS13 activity. */
  a13Pre?: LabValue;
  /** The latest final ADAMTS13 activity of this episode's window, whenever drawn. */
  a13?: LabValue;
  /** D8: iTTP confirmed by ADAMTS13 < 10% in the window or an immune/acquired TTP code. */
  confirmed: { yes: boolean; how: string };
  /** The pre-treatment ADAMTS13 (D8a) is above the negative threshold (an in-TPE or post-plasma value never is). */
  a13PreAbove: boolean;
  /** KB v3 change 27: a positive inhibitor or anti-ADAMTS13 IgG of the episode. */
  inhibitor?: LabValue;
  /** G3b: the pre-treatment ADAMTS13 is above the negative threshold and no inhibitor is positive (change 27). */
  a13Negative: boolean;
  steroidGiven: boolean;
  rtxGiven: boolean;
  /** D6: when the latest episode reached clinical remission, and how. */
  remission?: { at: number; how: string };
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
    const pltHigh = atLeast(plt, p('responsePlatelets'));
    if (!pltHigh) {
      runStart = undefined;
      continue;
    }
    if (!paired) {
      unpairedHigh = true;
      continue;
    }
    if (ge(ldhX(paired), p('responseLdhUlnMultiple'))) {
      runStart = undefined;
      continue;
    }
    const at = Math.max(plt.time, paired.time);
    if (runStart === undefined) runStart = at;
    else if (at - runStart >= p('responseMinSpacingHours') * HOUR) return { status: 'met', at };
  }
  if (ldh.length === 0 && platelets.some((v) => atLeast(v, p('responsePlatelets')))) return { status: 'unknown', missing: ['LDH'] };
  if (unpairedHigh) return { status: 'unknown', missing: [`LDH paired with platelets >= ${p('responsePlatelets')}`] };
  return { status: 'not-met' };
}

/**
 * D4 improving: latest platelets >= 1.5x baseline and at least 20 above it, and latest LDH below
 * the baseline LDH. A baseline of 0 or "<5" is read as its number: the rise must still be reached.
 */
export function improvement(
  plt: { baseline?: LabValue; latest?: LabValue },
  ldh: { baseline?: LabValue; latest?: LabValue },
  p: Param,
): Improvement {
  const factor = p('improvementPlateletFactor');
  const rise = p('improvementMinRise');
  const missing: string[] = [];
  if (!plt.latest || !plt.baseline) missing.push('platelets');
  if (!ldh.latest || !ldh.baseline) missing.push('LDH');
  const pltOk =
    plt.latest && plt.baseline
      ? ge(plt.latest.value, factor * plt.baseline.value) && ge(plt.latest.value - plt.baseline.value, rise)
      : undefined;
  const ldhOk = ldh.latest && ldh.baseline ? lt(ldh.latest.value, ldh.baseline.value) : undefined;
  if (pltOk === false) return { improving: false, why: `platelets not >= ${factor}x baseline and >= ${rise} above it` };
  if (ldhOk === false) return { improving: false, why: 'LDH not below baseline' };
  if (pltOk === true && ldhOk === true)
    return { improving: true, why: `platelets >= ${factor}x baseline and >= ${rise} above it, LDH below baseline` };
  return { improving: 'unknown', why: `cannot judge improvement: no ${missing.join(' or ')}` };
}

/** D3/D4 recency: which of the latest platelets and LDH is older than the monitoring window (or absent). */
export function notCurrent(latestPlatelets: LabValue | undefined, latestLdh: LabValue | undefined, now: number, p: Param): string[] {
  const since = now - p('monitoringGapHours') * HOUR;
  const out: string[] = [];
  if (!latestPlatelets || latestPlatelets.time < since) out.push('platelets');
  if (!latestLdh || latestLdh.time < since) out.push('LDH');
  return out;
}

/**
 * D3a IWG17 numeric: >= 5 sessions and steroids, last 2 platelets < 50 and last 2 LDH > 1.5x ULN.
 * Judged only on current data and only before a response (a patient who responded is not refractory).
 */
export function refractoryNumeric(
  ep: Episode | undefined,
  steroidGiven: boolean,
  platelets: LabValue[],
  ldh: LabValue[],
  ldhX: (v: LabValue) => number,
  state: { response: Response; notCurrent: string[] },
  p: Param,
): Tri {
  if (!ep || !ep.current || ep.sessionCount < p('refractorySessions') || !steroidGiven || state.response.status === 'met') return false;
  if (state.notCurrent.length) return 'unknown';
  const lastP = platelets.slice(-2);
  const lastL = ldh.slice(-2);
  if (lastP.length < 2 || lastL.length < 2) return 'unknown';
  return lastP.every((v) => below(v, p('refractoryPlatelets'))) && lastL.every((v) => gt(ldhX(v), p('refractoryLdhUlnMultiple')));
}

/** D3b broad: no D2 response after >= 5 sessions. */
export function refractoryBroad(ep: Episode | undefined, response: Response, p: Param): Tri {
  if (!ep || !ep.current || ep.sessionCount < p('refractorySessions')) return false;
  return response.status === 'met' ? false : response.status === 'unknown' ? 'unknown' : true;
}

/** D4 "no improvement at PE day 4-5": PE day (or sessions) >= 4, no response, not improving, on current data. */
export function noImprovement(
  ep: Episode | undefined,
  response: Response,
  improving: Tri,
  state: { latestPlatelets?: LabValue; notCurrent: string[] },
  p: Param,
): Tri {
  if (!ep || !ep.current || (ep.peDay < p('noImprovementPeDay') && ep.sessionCount < p('noImprovementPeDay'))) return false;
  if (response.status === 'met') return false;
  if (state.notCurrent.length) return 'unknown';
  if (improving === true) return false;
  if (improving === false && response.status === 'not-met') return true;
  // Response unknown (no paired LDH): a count still under the response threshold is no improvement.
  if (improving === false && response.status === 'unknown')
    return state.latestPlatelets !== undefined && below(state.latestPlatelets, p('responsePlatelets')) ? true : 'unknown';
  return 'unknown';
}

/** D8: iTTP confirmed by severe deficiency (ADAMTS13 < 10%) in the window, or by an immune/acquired TTP code. */
export function ittpConfirmed(f: Facts, p: Param): { yes: boolean; how: string } {
  const severe = finalInWindow(f, 'adamts13').find((v) => below(v, p('adamts13SevereBelow')));
  if (severe) return { yes: true, how: `ADAMTS13 ${severe.comparator ?? ''}${Math.round(severe.value * 10) / 10}%` };
  const code = f.activeIttp.find((c) => c.confirmsImmune || c.treatedAsIttp);
  if (code) return { yes: true, how: `coded ${code.display}${code.by === 'text' ? ' (matched by text)' : ''}` };
  return { yes: false, how: '' };
}

/** ADAMTS13 activity above the negative threshold (a "<x" result never is; ">x" only when x is at or above it). */
export function adamts13Negative(a13: LabValue | undefined, p: Param): boolean {
  return !!a13 && above(a13, p('adamts13NegativeAbove'));
}

/** The first day of the latest episode's window (its look-back), else this episode's window. */
export function episodeStart(f: Facts, p: Param): number {
  return f.episode ? Math.min(f.windowStart, f.episode.firstSession - p('adamts13LookbackBeforeDay1Days') * DAY) : f.windowStart;
}

/**
 * D6 clinical remission of the latest episode: a response, then >= 30 days with no TPE and no
 * anti-VWF therapy, or an ADAMTS13 remission (a post-TPE result >= 20%), whichever comes first.
 */
export function clinicalRemission(f: Facts, response: Response, p: Param): { at: number; how: string } | undefined {
  if (response.status !== 'met' || response.at === undefined || !f.episode) return undefined;
  const lastTherapy = Math.max(f.episode.lastSession, lastCaplaTime(f, episodeStart(f, p)) ?? 0);
  const byTime = lastTherapy + p('exacerbationWindowDays') * DAY;
  const a13 = f.adamts13.post.find((v) => v.time >= response.at! && atLeast(v, p('adamts13NegativeAbove')));
  const candidates = [
    ...(byTime <= f.now ? [{ at: byTime, how: `${p('exacerbationWindowDays')} days without TPE or caplacizumab` }] : []),
    ...(a13 ? [{ at: a13.time, how: `ADAMTS13 remission (${Math.round(a13.value)}%)` }] : []),
  ];
  return candidates.sort((a, b) => a.at - b.at)[0];
}

export function clinicalState(f: Facts, content: Content): ClinicalState {
  const p: Param = (n) => num(content, n);
  const from = episodeStart(f, p);
  const platelets = finalInWindow(f, 'platelets', from);
  const ldh = finalInWindow(f, 'ldh', from);
  const siteUln = p('siteLdhUln');
  const ldhX = (v: LabValue) => v.value / (v.uln && v.uln > 0 ? v.uln : siteUln);
  const ep = f.episode?.current ? f.episode : undefined;
  const baselinePlatelets = baseline(platelets, ep);
  const baselineLdh = baseline(ldh, ep);
  const latestPlatelets = platelets[platelets.length - 1];
  const latestLdh = ldh[ldh.length - 1];
  const response = clinicalResponse(platelets, ldh, ldhX, p);
  const stale = ep ? notCurrent(latestPlatelets, latestLdh, f.now, p) : [];
  const imp: Improvement = stale.length
    ? { improving: 'unknown', why: `cannot judge improvement: no ${stale.join(' or ')} in the last ${p('monitoringGapHours')} h` }
    : improvement({ baseline: baselinePlatelets, latest: latestPlatelets }, { baseline: baselineLdh, latest: latestLdh }, p);
  const steroidGiven = givenOrTakenElsewhere(f, 'steroid');
  const a13PreAbove = adamts13Negative(f.adamts13.pre, p);
  const a13 = finalInWindow(f, 'adamts13').pop();
  return {
    platelets,
    ldh,
    baselinePlatelets,
    baselineLdh,
    latestPlatelets,
    latestLdh,
    ldhX,
    response,
    notCurrent: stale,
    improving: imp.improving,
    improvingWhy: imp.why,
    refractoryNumeric: refractoryNumeric(ep, steroidGiven, platelets, ldh, ldhX, { response, notCurrent: stale }, p),
    refractoryBroad: refractoryBroad(ep, response, p),
    noImprovement: noImprovement(ep, response, imp.improving, { latestPlatelets, notCurrent: stale }, p),
    a13Pre: f.adamts13.pre,
    a13,
    confirmed: ittpConfirmed(f, p),
    a13PreAbove,
    inhibitor: f.inhibitor,
    a13Negative: a13PreAbove && !f.inhibitor,
    steroidGiven,
    rtxGiven: givenOrTakenElsewhere(f, 'rtx'),
    remission: clinicalRemission(f, response, p),
  };
}

/**
 * Given this episode (G4), here or recorded as taken elsewhere (KB v3 change 30; a drug only
 * intended is not given): "despite steroids and rituximab" (D3a, TTP-REFRACTORY-2L).
 */
export function givenOrTakenElsewhere(f: Facts, d: DrugClass): boolean {
  return onTreatment(f, d) || recordedElsewhere(f, d).some((x) => x.status !== 'intended');
}

/** D6 at a time: the latest episode's remission had begun by then. */
export function inRemission(s: ClinicalState, at: number): boolean {
  return s.remission !== undefined && s.remission.at <= at;
}

/** The last caplacizumab dose (administration) or, without administrations, the end of the last order. */
export function lastCaplaTime(f: Facts, from = f.windowStart): number | undefined {
  const x = exposureInWindow(f, 'capla', from);
  const lastGiven = x.given[x.given.length - 1]?.time;
  if (lastGiven !== undefined) return lastGiven;
  const ends = x.orders
    .map((o) => (o.status === 'active' ? Math.min(o.end ?? f.now, f.now) : o.end))
    .filter((t): t is number => t !== undefined);
  return ends.length ? Math.max(...ends) : undefined;
}
