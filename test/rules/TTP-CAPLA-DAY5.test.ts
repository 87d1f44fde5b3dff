/** TTP-CAPLA-DAY5: Caplacizumab not started by TPE day 4-5 without improvement. When it fires, at which indicator, and when it stays silent. */
import { DRUGS, type Scenario, dailyHb, day, ittpDefaults } from '../fixtures/builder';
import { cardFor, run } from '../helpers';
import { nonResponder, caplaDraft, expectValidSuggestions, SNOMED } from '../fixtures/records';
import { ruleContract } from './contract';

describe('TTP-CAPLA-DAY5', () => {
  test('starts on PE day 4 (warning, 4 sessions); silent on day 3', () => {
    expect(run(nonResponder(4)).byRule['TTP-CAPLA-DAY5']).toBe('warning');
    expect(run(nonResponder(3)).ids).not.toContain('TTP-CAPLA-DAY5');
  });

  test('4 sessions by PE day 3 (twice-daily TPE) count as day 4-5', () => {
    const s = nonResponder(3).tpe(day(2, '21:00'));
    expect(run(s).byRule['TTP-CAPLA-DAY5']).toBe('warning');
  });

  test('an active caplacizumab order not yet given silences it', () => {
    expect(run(nonResponder().med(DRUGS.caplacizumab, { doseMg: 11, route: 'sc', perDay: 1, start: day(5, '12:00') })).ids).not.toContain(
      'TTP-CAPLA-DAY5',
    );
  });

  test('caplacizumab given this episode (order since stopped) silences it', () => {
    const s = nonResponder().med(DRUGS.caplacizumab, {
      status: 'stopped',
      doseMg: 11,
      route: 'sc',
      perDay: 1,
      start: day(2, '12:00'),
      end: day(3, '12:00'),
      givenAt: [day(2, '12:00')],
    });
    expect(run(s).ids).not.toContain('TTP-CAPLA-DAY5');
  });

  test('caplacizumab given only in an earlier episode does not silence it', () => {
    const s = nonResponder().med(DRUGS.caplacizumab, {
      status: 'completed',
      doseMg: 11,
      route: 'sc',
      perDay: 1,
      start: day(-200, '12:00'),
      end: day(-150, '12:00'),
      givenAt: [day(-200, '12:00')],
    });
    expect(run(s).ids).toContain('TTP-CAPLA-DAY5');
  });

  test('a caplacizumab order with a stop date in the past is not active', () => {
    const s = nonResponder().med(DRUGS.caplacizumab, {
      status: 'active',
      doseMg: 11,
      route: 'sc',
      perDay: 1,
      start: day(-60, '12:00'),
      end: day(-40, '12:00'),
    });
    expect(run(s).ids).toContain('TTP-CAPLA-DAY5');
  });

  test('an active life-threatening bleed silences it', () => {
    expect(run(nonResponder().condition('274100004', { onset: day(4) })).ids).not.toContain('TTP-CAPLA-DAY5');
  });

  test('ADAMTS13 > 20% (G3b) silences it; 20% exactly does not', () => {
    expect(run(nonResponder(5, { skip: ['a13', 'inhibitor'] }).lab('a13', 21, day(0, '21:00'))).ids).not.toContain('TTP-CAPLA-DAY5');
    expect(run(nonResponder(5, { skip: ['a13', 'inhibitor'] }).lab('a13', 20, day(0, '21:00'))).ids).toContain('TTP-CAPLA-DAY5');
  });

  test('a preliminary ADAMTS13 of 60% is not used for G3b', () => {
    expect(run(nonResponder(5, { skip: ['a13', 'inhibitor'] }).lab('a13', 60, day(0, '21:00'), { status: 'preliminary' })).ids).toContain(
      'TTP-CAPLA-DAY5',
    );
  });

  test('an episode that ended more than 30 days ago is not a current TPE day', () => {
    const s = nonResponder().at(40);
    expect(run(s).ids).not.toContain('TTP-CAPLA-DAY5');
  });

  test('the up-front info card (site option, off by default) fires from day 1 when ADAMTS13 < 10%', () => {
    const early = nonResponder(2);
    expect(run(early).ids).not.toContain('TTP-CAPLA-DAY5');
    const o = run(early, 'patient-view', { site: { parameters: { caplaUpfrontInfoCard: true } } });
    expect(o.byRule['TTP-CAPLA-DAY5']).toBe('info');
    expect(cardFor(o, 'TTP-CAPLA-DAY5').summary).toBe(
      'iTTP with ADAMTS13 4%: ISTH suggests caplacizumab up front (conditional). Consider starting it now.',
    );
    const onCapla = nonResponder(2).med(DRUGS.caplacizumab, { doseMg: 11, route: 'sc', perDay: 1, start: day(1, '12:00') });
    expect(run(onCapla, 'patient-view', { site: { parameters: { caplaUpfrontInfoCard: true } } }).ids).not.toContain('TTP-CAPLA-DAY5');
  });

  test('a caplacizumab order recognised by text says so', () => {
    const s = nonResponder().med({ text: 'Cablivi 11 mg' }, { status: 'cancelled' });
    expect(cardFor(run(s), 'TTP-CAPLA-DAY5').detail).toContain('status cancelled) does not count as ordered');
  });
});

describe('TTP-CAPLA-DAY5 (order hooks)', () => {
  const nonResponder = () => dailyHb(ittpDefaults(4).series('plt', [12, 14, 15, 16]).series('ldh', [1400, 1380, 1350, 1320]), 1, 4);
  const tpeDraft = (s: Scenario, when?: string) =>
    s.draft({
      resourceType: 'ServiceRequest',
      id: 'tpe-draft',
      status: 'draft',
      intent: 'order',
      code: { coding: [{ system: SNOMED, code: '127788007' }], text: 'Therapeutic plasma exchange' },
      subject: { reference: 'Patient/pat-1' },
      ...(when ? { occurrenceDateTime: when } : {}),
    });

  test('a draft TPE on PE day 4 without response or caplacizumab fires CAPLA-DAY5', () => {
    const s = nonResponder();
    tpeDraft(s);
    const o = run(s, 'order-select');
    expect(o.byRule['TTP-CAPLA-DAY5']).toBe('warning');
    expect(cardFor(o, 'TTP-CAPLA-DAY5').summary).toBe(
      'Draft TPE for TPE day 4 without response or caplacizumab. Consider adding caplacizumab now.',
    );
    expectValidSuggestions(o);
  });
  test('... but not when caplacizumab is drafted in the same session', () => {
    const s = nonResponder();
    tpeDraft(s);
    caplaDraft(s, { route: 'iv', count: 1, perDay: undefined });
    expect(run(s, 'order-sign').ids).not.toContain('TTP-CAPLA-DAY5');
  });

  test('... and not on PE day 3', () => {
    const s = dailyHb(ittpDefaults(3).series('plt', [12, 14, 15]).series('ldh', [1400, 1380, 1350]), 1, 3);
    tpeDraft(s, day(3, '12:00'));
    expect(run(s, 'order-select').ids).toEqual([]);
  });
});

ruleContract('TTP-CAPLA-DAY5', { hook: 'patient-view', build: () => nonResponder(5), indicator: 'critical' });
