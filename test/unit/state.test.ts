/**
 * The clinical states D2-D8 one function at a time, on both sides of every threshold, with the
 * parameters in force (hooks/parameters.json). The whole-answer behaviour is in test/rules and
 * test/clinical; here each definition of the knowledge base is checked on its own.
 */
import { loadContent, num } from '../../src/content';
import {
  adamts13Negative,
  baseline,
  clinicalResponse,
  improvement,
  inRemission,
  noImprovement,
  notCurrent,
  refractoryBroad,
  refractoryNumeric,
  type ClinicalState,
  type Response,
} from '../../src/facts/state';
import type { Episode, LabValue } from '../../src/facts/types';

const content = loadContent();
const p = (n: string) => num(content, n);
const H = 3600_000;
const T0 = Date.parse('2026-03-01T06:00:00Z');
const at = (hours: number) => T0 + hours * H;

const lab = (analyte: string, value: number, hours: number, extra: Partial<LabValue> = {}): LabValue => ({
  analyte,
  value,
  time: at(hours),
  final: true,
  ref: `Observation/${analyte}-${hours}`,
  by: 'code',
  raw: String(value),
  ...extra,
});
const plt = (v: number, h: number, extra: Partial<LabValue> = {}) => lab('platelets', v, h, extra);
const ldh = (v: number, h: number, extra: Partial<LabValue> = {}) => lab('ldh', v, h, extra);
/** LDH as a multiple of its own ULN, else 250. */
const ldhX = (v: LabValue) => v.value / (v.uln ?? 250);

const episode = (sessions: number, extra: Partial<Episode> = {}): Episode => ({
  sessions: Array.from({ length: sessions }, (_, i) => ({ time: at(4 + 24 * i), ref: `Procedure/tpe-${i}` })) as Episode['sessions'],
  firstSession: at(4),
  lastSession: at(4 + 24 * (sessions - 1)),
  day1: '2026-03-01',
  peDay: sessions,
  sessionCount: sessions,
  current: true,
  ...extra,
});

describe('parameters these tests assume (a change of one is a clinical change: review the tests with it)', () => {
  test.each([
    ['responsePlatelets', 150],
    ['responseLdhUlnMultiple', 1.5],
    ['responseMinSpacingHours', 24],
    ['labPairWindowHours', 12],
    ['improvementPlateletFactor', 1.5],
    ['improvementMinRise', 20],
    ['monitoringGapHours', 30],
    ['refractorySessions', 5],
    ['refractoryPlatelets', 50],
    ['refractoryLdhUlnMultiple', 1.5],
    ['noImprovementPeDay', 4],
    ['adamts13NegativeAbove', 20],
  ])('%s = %d', (name, value) => expect(p(name)).toBe(value));
});

describe('D2 clinical response', () => {
  test('two assessments >= 150 with LDH < 1.5x ULN, 24 h apart: met, at the second', () => {
    expect(clinicalResponse([plt(150, 0), plt(160, 24)], [ldh(374, 0), ldh(300, 24)], ldhX, p)).toEqual({ status: 'met', at: at(24) });
  });
  test('23 h apart is not yet a response; a third at 24 h from the first is', () => {
    expect(clinicalResponse([plt(150, 0), plt(160, 23)], [ldh(300, 0), ldh(300, 23)], ldhX, p).status).toBe('not-met');
    expect(clinicalResponse([plt(150, 0), plt(160, 23), plt(170, 24)], [ldh(300, 0), ldh(300, 23), ldh(300, 24)], ldhX, p)).toEqual({
      status: 'met',
      at: at(24),
    });
  });
  test('149 breaks the run; 150 counts', () => {
    expect(clinicalResponse([plt(149, 0), plt(160, 24)], [ldh(300, 0), ldh(300, 24)], ldhX, p).status).toBe('not-met');
    expect(clinicalResponse([plt(160, 0), plt(149, 24), plt(170, 48)], [ldh(300, 0), ldh(300, 24), ldh(300, 48)], ldhX, p).status).toBe(
      'not-met',
    );
  });
  test('"<150" is never >= 150, whatever its number', () => {
    expect(clinicalResponse([plt(150, 0, { comparator: '<' }), plt(160, 24)], [ldh(300, 0), ldh(300, 24)], ldhX, p).status).toBe('not-met');
    expect(clinicalResponse([plt(150, 0, { comparator: '<=' }), plt(160, 24)], [ldh(300, 0), ldh(300, 24)], ldhX, p).status).toBe(
      'not-met',
    );
    expect(clinicalResponse([plt(150, 0, { comparator: '>' }), plt(160, 24)], [ldh(300, 0), ldh(300, 24)], ldhX, p).status).toBe('met');
  });
  test("LDH 1.5x ULN breaks the run, just under counts; the ULN is the result's own", () => {
    expect(clinicalResponse([plt(160, 0), plt(160, 24)], [ldh(375, 0), ldh(300, 24)], ldhX, p).status).toBe('not-met');
    expect(clinicalResponse([plt(160, 0), plt(160, 24)], [ldh(374.9, 0), ldh(300, 24)], ldhX, p).status).toBe('met');
    // 450 with its own ULN of 300 is 1.5x: not a response; with ULN 301 it is under.
    expect(clinicalResponse([plt(160, 0), plt(160, 24)], [ldh(450, 0, { uln: 300 }), ldh(300, 24)], ldhX, p).status).toBe('not-met');
    expect(clinicalResponse([plt(160, 0), plt(160, 24)], [ldh(450, 0, { uln: 301 }), ldh(300, 24)], ldhX, p).status).toBe('met');
  });
  test('an LDH 12 h from the count pairs with it; 13 h does not (and the response is then unknown, not denied)', () => {
    expect(clinicalResponse([plt(160, 0), plt(160, 24)], [ldh(300, 12), ldh(300, 36)], ldhX, p)).toEqual({ status: 'met', at: at(36) });
    const r = clinicalResponse([plt(160, 0), plt(160, 24)], [ldh(300, 13), ldh(300, 37)], ldhX, p);
    expect(r.status).toBe('unknown');
    expect(r.missing).toEqual(['LDH paired with platelets >= 150']);
  });
  test('the nearest LDH is the one paired: a high one nearer than a normal one breaks the run', () => {
    expect(clinicalResponse([plt(160, 0), plt(160, 24)], [ldh(300, -10), ldh(900, 1), ldh(300, 24)], ldhX, p).status).toBe('not-met');
    expect(clinicalResponse([plt(160, 0), plt(160, 25)], [ldh(900, -10), ldh(300, 1), ldh(300, 25)], ldhX, p).status).toBe('met');
  });
  test('no platelets: unknown, platelets missing; platelets >= 150 without any LDH: unknown, LDH missing; low platelets and no LDH: not met', () => {
    expect(clinicalResponse([], [ldh(300, 0)], ldhX, p)).toEqual({ status: 'unknown', missing: ['platelets'] });
    expect(clinicalResponse([plt(160, 0), plt(160, 24)], [], ldhX, p)).toEqual({ status: 'unknown', missing: ['LDH'] });
    expect(clinicalResponse([plt(20, 0), plt(30, 24)], [], ldhX, p)).toEqual({ status: 'not-met' });
  });
  test('an unpaired count neither counts nor breaks the run', () => {
    // The count at 30 h has no LDH within 12 h: it neither starts nor breaks the run of 0 and 48 h.
    expect(clinicalResponse([plt(160, 0), plt(160, 30), plt(160, 48)], [ldh(300, 0), ldh(300, 48)], ldhX, p)).toEqual({
      status: 'met',
      at: at(48),
    });
  });
});

describe('D4 baseline and improvement', () => {
  test('the baseline is the last value at or before session 1, else the first of the episode', () => {
    const ep = episode(3);
    expect(baseline([plt(10, -20), plt(12, 4), plt(30, 28)], ep)!.value).toBe(12);
    expect(baseline([plt(10, -20), plt(12, 5), plt(30, 28)], ep)!.value).toBe(10);
    expect(baseline([plt(12, 5), plt(30, 28)], ep)!.value).toBe(12);
    expect(baseline([plt(12, 5), plt(30, 28)], undefined)!.value).toBe(12);
    expect(baseline([], ep)).toBeUndefined();
  });
  const imp = (b: number, l: number, lb = 1000, ll = 800) =>
    improvement({ baseline: plt(b, 0), latest: plt(l, 72) }, { baseline: ldh(lb, 0), latest: ldh(ll, 72) }, p).improving;
  test('1.5x baseline AND 20 above it: both sides of each', () => {
    expect(imp(40, 60)).toBe(true); // 1.5x and +20
    expect(imp(40, 59)).toBe(false); // +19 and < 1.5x
    expect(imp(50, 74)).toBe(false); // +24 but 1.48x
    expect(imp(50, 75)).toBe(true);
    expect(imp(5, 11)).toBe(false); // 2.2x but +6: the refractory patient of section 7 change 3
    expect(imp(5, 25)).toBe(true);
    expect(imp(5, 24)).toBe(false);
    expect(imp(0, 20)).toBe(true); // a baseline of 0 still needs the rise
    expect(imp(0, 19)).toBe(false);
  });
  test('LDH must be below its baseline: equal is not', () => {
    expect(imp(40, 60, 1000, 999)).toBe(true);
    expect(imp(40, 60, 1000, 1000)).toBe(false);
  });
  test('missing series: unknown, naming what is missing; a decided "no" wins over a missing side', () => {
    const r = improvement({ baseline: plt(10, 0), latest: plt(40, 72) }, {}, p);
    expect(r).toEqual({ improving: 'unknown', why: 'cannot judge improvement: no LDH' });
    expect(improvement({}, {}, p).why).toBe('cannot judge improvement: no platelets or LDH');
    expect(improvement({ baseline: plt(10, 0), latest: plt(12, 72) }, {}, p).improving).toBe(false);
    expect(improvement({}, { baseline: ldh(500, 0), latest: ldh(600, 72) }, p).improving).toBe(false);
  });
});

describe('D3/D4 recency', () => {
  const now = at(100);
  test('a result 30 h old is current; 30 h and a minute is not; absent is not', () => {
    expect(notCurrent(plt(20, 70), ldh(900, 70), now, p)).toEqual([]);
    expect(notCurrent(plt(20, 69.99), ldh(900, 70), now, p)).toEqual(['platelets']);
    expect(notCurrent(plt(20, 70), ldh(900, 69.99), now, p)).toEqual(['LDH']);
    expect(notCurrent(undefined, undefined, now, p)).toEqual(['platelets', 'LDH']);
  });
});

describe('D3a refractory (IWG numeric) and D3b broad', () => {
  const notMet: Response = { status: 'not-met' };
  const fresh = { response: notMet, notCurrent: [] as string[] };
  const low = [plt(20, 72), plt(30, 96)];
  const high = [ldh(800, 72), ldh(700, 96)];
  test('5 sessions, steroids, last 2 platelets < 50, last 2 LDH > 1.5x ULN: refractory', () => {
    expect(refractoryNumeric(episode(5), true, low, high, ldhX, fresh, p)).toBe(true);
  });
  test('4 sessions or no steroids: not (yet) refractory', () => {
    expect(refractoryNumeric(episode(4), true, low, high, ldhX, fresh, p)).toBe(false);
    expect(refractoryNumeric(episode(5), false, low, high, ldhX, fresh, p)).toBe(false);
  });
  test('platelets 50 is not < 50; 49 is', () => {
    expect(refractoryNumeric(episode(5), true, [plt(20, 72), plt(50, 96)], high, ldhX, fresh, p)).toBe(false);
    expect(refractoryNumeric(episode(5), true, [plt(20, 72), plt(49, 96)], high, ldhX, fresh, p)).toBe(true);
    // Only the last two count: an earlier 80 does not matter.
    expect(refractoryNumeric(episode(5), true, [plt(80, 48), ...low], high, ldhX, fresh, p)).toBe(true);
  });
  test('LDH exactly 1.5x ULN is not above it', () => {
    expect(refractoryNumeric(episode(5), true, low, [ldh(800, 72), ldh(375, 96)], ldhX, fresh, p)).toBe(false);
    expect(refractoryNumeric(episode(5), true, low, [ldh(800, 72), ldh(376, 96)], ldhX, fresh, p)).toBe(true);
  });
  test('after a response never; stale data or fewer than two results: unknown; no current episode: false', () => {
    expect(refractoryNumeric(episode(5), true, low, high, ldhX, { response: { status: 'met', at: 0 }, notCurrent: [] }, p)).toBe(false);
    expect(refractoryNumeric(episode(5), true, low, high, ldhX, { response: notMet, notCurrent: ['LDH'] }, p)).toBe('unknown');
    expect(refractoryNumeric(episode(5), true, [plt(20, 96)], high, ldhX, fresh, p)).toBe('unknown');
    expect(refractoryNumeric(episode(5), true, low, [ldh(800, 96)], ldhX, fresh, p)).toBe('unknown');
    expect(refractoryNumeric(episode(5, { current: false }), true, low, high, ldhX, fresh, p)).toBe(false);
    expect(refractoryNumeric(undefined, true, low, high, ldhX, fresh, p)).toBe(false);
  });
  test('broad: no response after 5 sessions; 4 sessions not; an unknown response stays unknown', () => {
    expect(refractoryBroad(episode(5), notMet, p)).toBe(true);
    expect(refractoryBroad(episode(4), notMet, p)).toBe(false);
    expect(refractoryBroad(episode(5), { status: 'met', at: 0 }, p)).toBe(false);
    expect(refractoryBroad(episode(5), { status: 'unknown' }, p)).toBe('unknown');
    expect(refractoryBroad(episode(6, { current: false }), notMet, p)).toBe(false);
  });
});

describe('D4 no improvement at PE day 4-5', () => {
  const fresh = { latestPlatelets: plt(30, 72), notCurrent: [] as string[] };
  const notMet: Response = { status: 'not-met' };
  test('PE day 4 without response or improvement: true; PE day 3 with 3 sessions: not yet', () => {
    expect(noImprovement(episode(4), notMet, false, fresh, p)).toBe(true);
    expect(noImprovement(episode(3), notMet, false, fresh, p)).toBe(false);
  });
  test('day 4 by the calendar with 3 sessions, or 4 sessions on PE day 3, both count', () => {
    expect(noImprovement(episode(3, { peDay: 4 }), notMet, false, fresh, p)).toBe(true);
    expect(noImprovement(episode(4, { peDay: 3 }), notMet, false, fresh, p)).toBe(true);
  });
  test('improving or responded: false; stale labs: unknown, never false', () => {
    expect(noImprovement(episode(5), notMet, true, fresh, p)).toBe(false);
    expect(noImprovement(episode(5), { status: 'met', at: 0 }, false, fresh, p)).toBe(false);
    expect(noImprovement(episode(5), notMet, false, { latestPlatelets: plt(30, 72), notCurrent: ['LDH'] }, p)).toBe('unknown');
    expect(noImprovement(episode(5), notMet, 'unknown', fresh, p)).toBe('unknown');
  });
  test('response unknown (no paired LDH): a count under 150 is no improvement, 150 is unknown', () => {
    const unknown: Response = { status: 'unknown' };
    expect(noImprovement(episode(5), unknown, false, { latestPlatelets: plt(149, 72), notCurrent: [] }, p)).toBe(true);
    expect(noImprovement(episode(5), unknown, false, { latestPlatelets: plt(150, 72), notCurrent: [] }, p)).toBe('unknown');
    expect(noImprovement(episode(5), unknown, false, { notCurrent: [] }, p)).toBe('unknown');
  });
  test('no current episode: false', () => {
    expect(noImprovement(undefined, notMet, false, fresh, p)).toBe(false);
    expect(noImprovement(episode(6, { current: false }), notMet, false, fresh, p)).toBe(false);
  });
});

describe('G3b: a negative ADAMTS13', () => {
  test('above 20% is negative; 20% and "<25%" are not; none is not', () => {
    expect(adamts13Negative(lab('adamts13', 21, 0), p)).toBe(true);
    expect(adamts13Negative(lab('adamts13', 20, 0), p)).toBe(false);
    expect(adamts13Negative(lab('adamts13', 25, 0, { comparator: '<' }), p)).toBe(false);
    expect(adamts13Negative(lab('adamts13', 25, 0, { comparator: '>' }), p)).toBe(true);
    expect(adamts13Negative(undefined, p)).toBe(false);
  });
});

describe('D6 in remission at a time', () => {
  test('from the moment remission began, not before', () => {
    const s = { remission: { at: at(100), how: 'x' } } as ClinicalState;
    expect(inRemission(s, at(100))).toBe(true);
    expect(inRemission(s, at(99))).toBe(false);
    expect(inRemission({} as ClinicalState, at(100))).toBe(false);
  });
});
