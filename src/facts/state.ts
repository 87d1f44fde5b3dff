/**
 * Derived clinical states (KB D2-D8) over the facts. Three-valued: a state that the data cannot
 * decide is 'unknown' and names what is missing; it is never taken as normal.
 */
import type { Content } from '../content';
import { num } from '../content';
import { DAY, HOUR } from './clock';
import { type Facts, type Response, type Tri, activeOrders, exposureInWindow, finalInWindow, latestFinal, onTreatment, series } from './index';
import type { LabValue } from './types';

export interface ClinicalState {
  platelets: LabValue[];
  ldh: LabValue[];
  baselinePlatelets?: LabValue;
  baselineLdh?: LabValue;
  latestPlatelets?: LabValue;
  latestLdh?: LabValue;
  /** LDH as a multiple of that result's own ULN (else the site ULN). */
  ldhX: (v: LabValue) => number;
  response: Response;
  /** D4 improving (platelets >= 2x baseline and LDH below baseline). */
  improving: Tri;
  improvingWhy: string;
  /** D3a: IWG numeric refractory. */
  refractoryNumeric: Tri;
  /** D3b: no response after >= 5 sessions. */
  refractoryBroad: Tri;
  /** D4: PE day >= 4 (or >= 4 sessions), no response, not improving. */
  noImprovement: Tri;
  /** Latest final ADAMTS13 activity in the window. */
  a13?: LabValue;
  /** iTTP confirmed: ADAMTS13 < 10% in the window or an immune/acquired TTP code. */
  confirmed: { yes: boolean; how: string };
  /** G3b: latest ADAMTS13 > 20%. */
  a13Negative: boolean;
  steroidGiven: boolean;
  rtxGiven: boolean;
  caplaActive: boolean;
}

export function clinicalState(f: Facts, content: Content): ClinicalState {
  const p = (n: string) => num(content, n);
  const platelets = finalInWindow(f, 'platelets');
  const ldh = finalInWindow(f, 'ldh');
  const siteUln = p('siteLdhUln');
  const ldhX = (v: LabValue) => v.value / (v.uln && v.uln > 0 ? v.uln : siteUln);
  const ep = f.episode?.current ? f.episode : undefined;

  // Baseline = last value at or before session 1; otherwise the first value in the episode (D4).
  const baseline = (vals: LabValue[]) => {
    if (!ep) return vals[0];
    const before = vals.filter((v) => v.time <= ep.firstSession);
    return before[before.length - 1] ?? vals[0];
  };
  const baselinePlatelets = baseline(platelets);
  const baselineLdh = baseline(ldh);
  const latestPlatelets = platelets[platelets.length - 1];
  const latestLdh = ldh[ldh.length - 1];

  const response = computeResponse(platelets, ldh, ldhX, p);

  // D4 improving, three-valued.
  let improving: Tri = 'unknown';
  let improvingWhy = '';
  const missing: string[] = [];
  if (!latestPlatelets || !baselinePlatelets) missing.push('platelets');
  if (!latestLdh || !baselineLdh) missing.push('LDH');
  const pltOk = latestPlatelets && baselinePlatelets ? latestPlatelets.value >= p('improvementPlateletFactor') * baselinePlatelets.value : undefined;
  const ldhOk = latestLdh && baselineLdh ? latestLdh.value < baselineLdh.value : undefined;
  if (pltOk === false || ldhOk === false) {
    improving = false;
    improvingWhy = pltOk === false ? 'platelets below 2x baseline' : 'LDH not below baseline';
  } else if (pltOk === true && ldhOk === true) {
    improving = true;
    improvingWhy = 'platelets >= 2x baseline and LDH below baseline';
  } else improvingWhy = `cannot judge improvement: no ${missing.join(' or ')}`;

  const steroidGiven = onTreatment(f, 'steroid');
  const sessions = ep?.sessionCount ?? 0;

  // D3a (IWG17 numeric).
  let refractoryNumeric: Tri = false;
  if (ep && sessions >= p('refractorySessions') && steroidGiven) {
    const lastP = platelets.slice(-2);
    const lastL = ldh.slice(-2);
    if (lastP.length < 2 || lastL.length < 2) refractoryNumeric = 'unknown';
    else
      refractoryNumeric =
        lastP.every((v) => v.value < p('refractoryPlatelets') || (v.comparator === '<' && v.value <= p('refractoryPlatelets'))) &&
        lastL.every((v) => ldhX(v) > p('refractoryLdhUlnMultiple'));
  }
  // D3b (broad): no D2 response after 5 sessions.
  let refractoryBroad: Tri = false;
  if (ep && sessions >= p('refractorySessions')) refractoryBroad = response.status === 'met' ? false : response.status === 'unknown' ? 'unknown' : true;

  // D4.
  let noImprovement: Tri = false;
  if (ep && (ep.peDay >= p('noImprovementPeDay') || sessions >= p('noImprovementPeDay'))) {
    if (response.status === 'met') noImprovement = false;
    else if (improving === true) noImprovement = false;
    else if (improving === false && response.status === 'not-met') noImprovement = true;
    else if (improving === false && response.status === 'unknown') noImprovement = platelets.length > 0 && latestPlatelets!.value < p('responsePlatelets') ? true : 'unknown';
    else noImprovement = 'unknown';
  }

  const a13 = latestFinal(f, 'adamts13');
  const severe = finalInWindow(f, 'adamts13').find((v) => v.value < p('adamts13SevereBelow') || (v.comparator?.startsWith('<') && v.value <= p('adamts13SevereBelow')));
  const codeConfirm = f.activeIttp.find((c) => c.confirmsImmune);
  const confirmed = severe
    ? { yes: true, how: `ADAMTS13 ${severe.comparator ?? ''}${Math.round(severe.value * 10) / 10}%` }
    : codeConfirm
      ? { yes: true, how: `coded ${codeConfirm.display}${codeConfirm.by === 'text' ? ' (matched by text)' : ''}` }
      : { yes: false, how: '' };
  const a13Negative = !!a13 && a13.value > p('adamts13NegativeAbove') && !(a13.comparator && a13.comparator.startsWith('<'));

  return {
    platelets,
    ldh,
    baselinePlatelets,
    baselineLdh,
    latestPlatelets,
    latestLdh,
    ldhX,
    response,
    improving,
    improvingWhy,
    refractoryNumeric,
    refractoryBroad,
    noImprovement,
    a13,
    confirmed,
    a13Negative,
    steroidGiven,
    rtxGiven: onTreatment(f, 'rtx'),
    caplaActive: activeOrders(f, 'capla').length > 0,
  };
}

/**
 * D2 clinical response: platelets >= 150 and LDH < 1.5x ULN on two consecutive assessments at
 * least 24 h apart. An assessment is a platelet count with the LDH drawn nearest to it (within the
 * pairing window). A platelet count < 150 or an LDH >= 1.5x ULN breaks the run; a count without
 * an LDH neither counts nor breaks.
 */
function computeResponse(platelets: LabValue[], ldh: LabValue[], ldhX: (v: LabValue) => number, p: (n: string) => number): Response {
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
    if (runStart === undefined) runStart = Math.max(plt.time, paired.time);
    else if (Math.max(plt.time, paired.time) - runStart >= p('responseMinSpacingHours') * HOUR) return { status: 'met', at: Math.max(plt.time, paired.time) };
  }
  if (ldh.length === 0 && platelets.some((v) => v.value >= p('responsePlatelets'))) return { status: 'unknown', missing: ['LDH'] };
  if (unpairedHigh) return { status: 'unknown', missing: ['LDH paired with platelets >= 150'] };
  return { status: 'not-met' };
}

/** D6: remission after response: >= 30 d with no TPE and no anti-VWF therapy, or ADAMTS13 >= 20% after response. */
export function inRemission(f: Facts, s: ClinicalState, content: Content, at: number): boolean {
  if (s.response.status !== 'met' || s.response.at === undefined) return false;
  const lastTpe = f.episode?.lastSession;
  const lastCapla = lastCaplaTime(f);
  const lastTherapy = Math.max(lastTpe ?? 0, lastCapla ?? 0);
  if (lastTherapy > 0 && at - lastTherapy >= num(content, 'exacerbationWindowDays') * DAY) return true;
  const a13After = series(f, 'adamts13').final.find((v) => v.time >= s.response.at! && v.time <= at && v.value >= num(content, 'adamts13NegativeAbove'));
  return !!a13After;
}

/** The last caplacizumab dose (administration) or, without administrations, the end of the last order. */
export function lastCaplaTime(f: Facts): number | undefined {
  const x = exposureInWindow(f, 'capla');
  const lastGiven = x.given[x.given.length - 1]?.time;
  if (lastGiven !== undefined) return lastGiven;
  const ends = x.orders.map((o) => (o.status === 'active' ? Math.min(o.end ?? f.now, f.now) : o.end)).filter((t): t is number => t !== undefined);
  return ends.length ? Math.max(...ends) : undefined;
}
