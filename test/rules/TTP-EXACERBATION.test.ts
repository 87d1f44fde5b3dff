/** TTP-EXACERBATION: Possible iTTP exacerbation. When it fires, at which indicator, and when it stays silent. */
import { type Scenario, dailyHb, day, ittpDefaults } from '../fixtures/builder';
import { run } from '../helpers';
import { fallAfterResponse } from '../fixtures/records';
import { ruleContract } from './contract';

describe('TTP-EXACERBATION', () => {
  const after = (pltDay: number, extra: (s: Scenario) => void = () => undefined) => {
    const s = ittpDefaults(pltDay, { tpeThrough: 8, tpeOrderStatus: 'completed' });
    s.series('plt', [12, 40, 80, 120, 145, 170, 190, 200]).series('ldh', [1400, 900, 600, 400, 320, 280, 250, 240]);
    dailyHb(s, 1, 8);
    s.lab('plt', 90, day(pltDay, '07:00'));
    extra(s);
    return s;
  };
  test('within 30 days of the last TPE it fires; at 31 days (no caplacizumab) it does not', () => {
    expect(run(after(37)).byRule['TTP-EXACERBATION']).toBe('warning');
    expect(run(after(40)).ids).not.toContain('TTP-EXACERBATION');
  });

  test('another coded cause (HIT) silences it', () => {
    expect(run(after(20, (s) => s.condition('', { text: 'Heparin-induced thrombocytopenia' }))).ids).not.toContain('TTP-EXACERBATION');
  });

  test('ADAMTS13 remission (>= 20%) after response means relapse territory, not exacerbation', () => {
    expect(run(after(20, (s) => s.lab('a13', 55, day(12)))).ids).not.toContain('TTP-EXACERBATION');
  });
});

ruleContract('TTP-EXACERBATION', { hook: 'patient-view', build: () => fallAfterResponse(37), indicator: 'warning' });
