/** TTP-CAPLA-DURATION: Caplacizumab beyond the US-labelled maximum. When it fires, at which indicator, and when it stays silent. */
import { DRUGS, dailyHb, day, ittpDefaults, recoveredAfterTpe } from '../fixtures/builder';
import { run } from '../helpers';
import { caplaDraft, caplaEnding } from '../fixtures/records';
import { ruleContract } from './contract';

describe('TTP-CAPLA-DURATION', () => {
  const ending = (endDay: number, a13Day = 35, evalDay = 36) => {
    const s = recoveredAfterTpe(evalDay);
    s.med(DRUGS.caplacizumab, {
      doseMg: 11,
      route: 'sc',
      perDay: 1,
      start: day(1, '09:00'),
      end: day(endDay, '12:00'),
      givenAt: [day(evalDay - 1, '12:00')],
    });
    return s.lab('a13', 5, day(a13Day, '08:00'));
  };
  test('planned end at last TPE + 58 days is within the label; + 59 is not', () => {
    expect(run(ending(66, 35, 20)).ids).not.toContain('TTP-CAPLA-DURATION');
    expect(run(ending(67, 35, 20)).byRule['TTP-CAPLA-DURATION']).toBe('info');
  });
});

describe('TTP-CAPLA-DURATION (order hooks)', () => {
  test('a caplacizumab draft planned beyond last TPE + 58 days is CAPLA-DURATION info', () => {
    const s = dailyHb(
      ittpDefaults(20, { tpeThrough: 8, tpeOrderStatus: 'completed' })
        .series('plt', [20, 60, 120, 160, 170, 180, 190, 200])
        .series('ldh', [1400, 700, 400, 300, 280, 260, 250, 240]),
      1,
      8,
    );
    s.lab('a13', 5, day(17, '08:00'));
    s.med(DRUGS.caplacizumab, {
      doseMg: 11,
      route: 'sc',
      perDay: 1,
      start: day(1, '09:00'),
      end: day(21, '09:00'),
      givenAt: [day(18, '12:00'), day(19, '12:00')],
    });
    caplaDraft(s, { start: day(20, '12:00'), end: day(70, '12:00') });
    const o = run(s, 'order-select');
    expect(o.byRule['TTP-CAPLA-DURATION']).toBe('info');
    expect(o.byRule['TTP-CAPLA-ORDER']).toBe('info');
  });
});

describe('TTP-CAPLA-DURATION, knowledge base version 3', () => {
  test('32: a course planned as a count of daily doses ends at its last dose: 59 days after the last TPE fires, 58 does not', () => {
    const course = (count: number) =>
      recoveredAfterTpe(20).med(DRUGS.caplacizumab, {
        doseMg: 11,
        route: 'sc',
        perDay: 1,
        count,
        start: day(9, '12:00'),
        givenAt: [day(19, '12:00')],
      });
    // Day 9 plus (count - 1) days: count 59 ends on day 67, 59 days after the last TPE (day 8).
    const o = run(course(59));
    expect(o.byRule['TTP-CAPLA-DURATION']).toBe('info');
    expect(JSON.stringify(o.cards)).toContain('(last of 59 planned doses)');
    expect(run(course(58)).ids).not.toContain('TTP-CAPLA-DURATION');
  });
});

ruleContract('TTP-CAPLA-DURATION', { hook: 'patient-view', build: () => caplaEnding(67, 35, 20), indicator: 'info' });
