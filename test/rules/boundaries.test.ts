/**
 * The boundaries and statuses that earlier mutation rounds showed untested (issue: rules that test
 * their own boundaries): each threshold on both sides at the value its parameter gives (read from
 * hooks/parameters.json, never a literal), and each status the fixtures did not use. A probe per
 * surviving mutation.
 */
import { loadContent } from '../../src/content';
import { buildFacts } from '../../src/facts';
import { Terminology } from '../../src/terminology';
import { Units } from '../../src/units';
import { DRUGS, Scenario, at, dailyHb, day, ittpDefaults, recoveredAfterTpe } from '../fixtures/builder';
import { caplaDraft, caplaEnding, nonResponder, nosWithAdamts13 } from '../fixtures/records';
import { cardFor, fired, run } from '../helpers';

const content = loadContent();
const P = (name: string) => content.parameters[name] as number;
const HOUR = 3_600_000;
const tools = { units: new Units(content), terminology: new Terminology(content) };

describe('thresholds on both sides, at the value of their parameter', () => {
  test('adamts13SevereBelow: ADAMTS13 one step below confirms iTTP (RTX-MISSING fires on a TTP NOS); at the threshold it does not', () => {
    const v = P('adamts13SevereBelow');
    const noRtx = (a13: number) => nosWithAdamts13(a13).at(3).tpeDaily(3, 3);
    expect(fired(run(noRtx(v - 1)), 'TTP-RTX-MISSING')).toBeDefined();
    expect(fired(run(noRtx(v)), 'TTP-RTX-MISSING')).toBeUndefined();
  });

  test('responsePlatelets: platelets one below it are no remission for A13-RELAPSE; at it they are', () => {
    const plt = P('responsePlatelets');
    const course = (p: number) =>
      recoveredAfterTpe(62).lab('a13', 45, day(20, '07:00')).lab('a13', 15, day(60, '07:00')).lab('plt', p, day(60, '07:00'));
    expect(fired(run(course(plt)), 'TTP-A13-RELAPSE')).toBe('info');
    expect(fired(run(course(plt - 1)), 'TTP-A13-RELAPSE')).toBeUndefined();
  });

  test('responsePlatelets: a fall to one below it after a response is an exacerbation; to it, not', () => {
    const plt = P('responsePlatelets');
    const after = (p: number) => {
      const s = ittpDefaults(20, { tpeThrough: 8, tpeOrderStatus: 'completed' });
      s.series('plt', [12, 40, 80, 120, 145, 170, 190, 200]).series('ldh', [1400, 900, 600, 400, 320, 280, 250, 240]);
      return dailyHb(s, 1, 8).lab('plt', p, day(20, '07:00'));
    };
    expect(fired(run(after(plt - 1)), 'TTP-EXACERBATION')).toBe('warning');
    expect(fired(run(after(plt)), 'TTP-EXACERBATION')).toBeUndefined();
  });

  test('adamts13NegativeAbove: at a caplacizumab stop, ADAMTS13 at the threshold is not low; one below is', () => {
    const v = P('adamts13NegativeAbove');
    const ending = (a13: number) => {
      const s = caplaEnding(38, 35);
      const obs = s.resources.filter((r) => r.id?.startsWith('obs-a13')).at(-1) as unknown as { valueQuantity: { value: number } };
      obs.valueQuantity.value = a13;
      return s;
    };
    const low = run(ending(v - 1));
    expect(fired(low, 'TTP-CAPLA-STOP')).toBe('warning');
    const at20 = run(ending(v));
    expect(at20.findings.find((f) => f.ruleId === 'TTP-CAPLA-STOP')?.variant).not.toBe('default');
    expect(
      at20.findings.find((f) => f.ruleId === 'TTP-CAPLA-STOP' && f.indicator === 'warning' && f.variant === 'default'),
    ).toBeUndefined();
  });

  test('adamts13InTpeHours: a result drawn that long after the last session is in-TPE; a minute later it is post-TPE', () => {
    const h = P('adamts13InTpeHours');
    const facts = (offsetMs: number) => {
      const s = ittpDefaults(9, { tpeThrough: 3, tpeOrderStatus: 'completed', skip: ['a13'] });
      const lastSession = Date.parse(day(3, '10:00'));
      s.lab('a13', 40, new Date(lastSession + offsetMs).toISOString());
      return buildFacts(s.record(), at(s.now), { content, tools }).adamts13;
    };
    expect(facts(h * HOUR).inTpe.map((v) => v.value)).toEqual([40]);
    expect(facts(h * HOUR + 60_000).inTpe).toEqual([]);
    expect(facts(h * HOUR + 60_000).post.map((v) => v.value)).toEqual([40]);
  });
});

describe('statuses the fixtures did not use: on hold is paused, entered in error never existed', () => {
  test('an on-hold caplacizumab order does not silence CAPLA-DAY5; an active one does', () => {
    const withOrder = (status: 'on-hold' | 'active') =>
      nonResponder(5).med(DRUGS.caplacizumab, { status, doseMg: 11, route: 'sc', perDay: 1, start: day(4, '09:00') });
    const held = run(withOrder('on-hold'));
    expect(fired(held, 'TTP-CAPLA-DAY5')).toBe('critical');
    expect(cardFor(held, 'TTP-CAPLA-DAY5').detail).toMatch(
      /MedicationRequest\/[\w-]+ \(Caplacizumab order\) is on hold: a paused order does not count as ordered\./,
    );
    expect(fired(run(withOrder('active')), 'TTP-CAPLA-DAY5')).toBeUndefined();
  });

  test('an on-hold TPE order does not satisfy FIRSTLINE-MISSING: TPE is still missing; an active one does', () => {
    const acute = () => {
      const s = new Scenario(1).patient();
      const onset = new Date(Date.parse(s.now) - 20 * HOUR).toISOString();
      return s.condition('439007008', { onset }).lab('plt', 15, onset).lab('ldh', 1400, onset);
    };
    const held = run(acute().tpeOrder('on-hold'));
    expect(held.findings.find((f) => f.ruleId === 'TTP-FIRSTLINE-MISSING')?.variant).toBe('default');
    expect(cardFor(held, 'TTP-FIRSTLINE-MISSING').detail).toContain('(TPE order) is on hold: a paused order does not count as ordered.');
    expect(run(acute().tpeOrder('active')).findings.find((f) => f.ruleId === 'TTP-FIRSTLINE-MISSING')?.variant).toBe('steroid');
  });

  test('an on-hold ADAMTS13 order is no ADAMTS13 sent: ADAMTS13-MISSING fires and names it; an active order silences it', () => {
    const s = (status: string) =>
      dailyHb(
        ittpDefaults(2, { skip: ['a13', 'inhibitor'] })
          .series('plt', [12, 15])
          .series('ldh', [1400, 1300]),
        1,
        2,
      ).serviceRequest('ADAMTS13 activity', status, { code: { system: 'http://loinc.org', code: '53622-7' }, authored: day(1, '08:00') });
    const held = run(s('on-hold'));
    expect(fired(held, 'TTP-ADAMTS13-MISSING')).toBe('warning');
    expect(cardFor(held, 'TTP-ADAMTS13-MISSING').detail).toMatch(
      /ServiceRequest\/sr-\d+ \(ADAMTS13 order, status on-hold\) does not count/,
    );
    expect(fired(run(s('active')), 'TTP-ADAMTS13-MISSING')).toBeUndefined();
    // Entered in error: it never existed, so the test is not sent either.
    expect(fired(run(s('entered-in-error')), 'TTP-ADAMTS13-MISSING')).toBe('warning');
  });

  test('a caplacizumab draft IV after the first dose is flagged; the same draft SC is not (for the route)', () => {
    const later = (route: 'iv' | 'sc') => {
      const s = nonResponder(5).give(DRUGS.caplacizumab, day(4, '09:00'), 11);
      caplaDraft(s, { doseMg: 11, route, perDay: 1 });
      return run(s, 'order-select');
    };
    const iv = later('iv');
    expect(fired(iv, 'TTP-CAPLA-ORDER')).toBe('warning');
    expect(cardFor(iv, 'TTP-CAPLA-ORDER').detail).toMatch(/IV/);
    const sc = later('sc');
    expect(sc.findings.find((f) => f.ruleId === 'TTP-CAPLA-ORDER')?.variant ?? 'none').not.toBe('warning');
  });
});

describe('card order is a property: by urgency, then by the priority the content gives', () => {
  const RANK: Record<string, number> = { critical: 3, warning: 2, info: 1 };
  const { EXAMPLES } = jest.requireActual('../../src/examples/variants') as typeof import('../../src/examples/variants');
  test.each(EXAMPLES.map((s) => [s.id, s] as const))('%s', (_id, s) => {
    const o = run(s.build(), s.hook, s.site ? { site: s.site } : {});
    const keys = o.findings.map((f) => [RANK[f.indicator]!, content.rules[f.ruleId]!.priority] as const);
    for (let i = 1; i < keys.length; i++) {
      const [ra, pa] = keys[i - 1]!;
      const [rb, pb] = keys[i]!;
      expect(ra > rb || (ra === rb && pa < pb)).toBe(true);
    }
  });

  test('the tie-break is exercised: examples with two cards of one indicator, in the order of their priorities', () => {
    const ties = EXAMPLES.map((s) => run(s.build(), s.hook, s.site ? { site: s.site } : {}).findings).filter((fs) =>
      fs.some((f, i) => i > 0 && fs[i - 1]!.indicator === f.indicator),
    );
    expect(ties.length).toBeGreaterThanOrEqual(4);
    // e.g. acute iTTP 20 h after diagnosis: TPE and steroids first, then ADAMTS13, then the labs (three warnings).
    const firstline = EXAMPLES.find((s) => s.id === 'firstline-tpe-only')!;
    expect(run(firstline.build(), firstline.hook).findings.map((f) => f.ruleId)).toEqual([
      'TTP-FIRSTLINE-MISSING',
      'TTP-ADAMTS13-MISSING',
      'TTP-MON-DAILY',
    ]);
  });
});
