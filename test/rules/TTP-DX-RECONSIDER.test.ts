/** TTP-DX-RECONSIDER: ADAMTS13 > 20% argues against TTP. When it fires, at which indicator, and when it stays silent. */
import { DRUGS, Scenario, day } from '../fixtures/builder';
import { run } from '../helpers';
import { nosWithAdamts13 } from '../fixtures/records';
import { ruleContract } from './contract';

describe('TTP-DX-RECONSIDER', () => {
  const nos = (a13: number) => new Scenario(2).patient().condition('78129009').lab('a13', a13, day(0, '21:00')).tpeDaily(1, 2);
  test('21% fires, 20% does not', () => {
    expect(run(nos(21)).byRule['TTP-DX-RECONSIDER']).toBe('info');
    expect(run(nos(20)).ids).not.toContain('TTP-DX-RECONSIDER');
  });

  test('warning when caplacizumab is active', () => {
    expect(
      run(nos(45).med(DRUGS.caplacizumab, { doseMg: 11, route: 'sc', perDay: 1, start: day(1, '12:00') })).byRule['TTP-DX-RECONSIDER'],
    ).toBe('warning');
  });

  test('a recovery after a documented 5% this episode is not a reason to reconsider', () => {
    expect(run(nos(45).lab('a13', 5, day(-1))).ids).not.toContain('TTP-DX-RECONSIDER');
  });
});

ruleContract('TTP-DX-RECONSIDER', { hook: 'patient-view', build: () => nosWithAdamts13(21), indicator: 'info' });
