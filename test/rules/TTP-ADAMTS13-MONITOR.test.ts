/** TTP-ADAMTS13-MONITOR: On caplacizumab without recent ADAMTS13. When it fires, at which indicator, and when it stays silent. */
import { DRUGS, day } from '../fixtures/builder';
import { run } from '../helpers';
import { nonResponder } from '../fixtures/records';
import { ruleContract } from './contract';

describe('TTP-ADAMTS13-MONITOR', () => {
  test('MONITOR: caplacizumab active and last ADAMTS13 8 days ago fires; 6 days does not; stopped does not', () => {
    const withCapla = (a13Day: number, status: 'active' | 'stopped' = 'active') =>
      nonResponder(9, { skip: ['a13'] })
        .lab('a13', 4, day(a13Day, '18:00'))
        .med(DRUGS.caplacizumab, {
          status,
          doseMg: 11,
          route: 'sc',
          perDay: 1,
          start: day(2, '12:00'),
          end: status === 'stopped' ? day(5, '12:00') : undefined,
          givenAt: [day(2, '12:00')],
        });
    expect(run(withCapla(1)).byRule['TTP-ADAMTS13-MONITOR']).toBe('info');
    expect(run(withCapla(3)).ids).not.toContain('TTP-ADAMTS13-MONITOR');
    expect(run(withCapla(1, 'stopped')).ids).not.toContain('TTP-ADAMTS13-MONITOR');
  });
});

ruleContract('TTP-ADAMTS13-MONITOR', {
  hook: 'patient-view',
  build: () =>
    nonResponder(9, { skip: ['a13'] })
      .lab('a13', 4, day(1, '18:00'))
      .med(DRUGS.caplacizumab, { doseMg: 11, route: 'sc', perDay: 1, start: day(2, '12:00'), givenAt: [day(2, '12:00')] }),
  indicator: 'info',
});
