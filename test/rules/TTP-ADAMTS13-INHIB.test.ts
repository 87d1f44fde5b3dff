/** TTP-ADAMTS13-INHIB: Severe ADAMTS13 deficiency without inhibitor testing. When it fires, at which indicator, and when it stays silent. */
import { dailyHb, day, ittpDefaults } from '../fixtures/builder';
import { run } from '../helpers';
import { nonResponder } from '../fixtures/records';
import { ruleContract } from './contract';

describe('TTP-ADAMTS13-INHIB', () => {
  const noA13 = (d = 2) =>
    dailyHb(
      ittpDefaults(d, { skip: ['a13', 'inhibitor'] })
        .series('plt', [12, 15].slice(0, d))
        .series('ldh', [1400, 1300].slice(0, d)),
      1,
      d,
    );
  test('MISSING: a result 8 days before day 1 is too old; 7 days is enough', () => {
    expect(run(noA13().lab('a13', 4, day(-7, '06:00'))).ids).toContain('TTP-ADAMTS13-MISSING');
    expect(run(noA13().lab('a13', 4, day(-6, '10:00'))).ids).not.toContain('TTP-ADAMTS13-MISSING');
  });
  test('INHIB: fires below 10%, not at 10%; an IgG result or inhibitor order silences it', () => {
    expect(run(noA13().lab('a13', 9, day(0, '21:00'))).byRule['TTP-ADAMTS13-INHIB']).toBe('info');
    expect(run(noA13().lab('a13', 10, day(0, '21:00'))).ids).not.toContain('TTP-ADAMTS13-INHIB');
    expect(run(noA13().lab('a13', 9, day(0, '21:00')).inhibitor(day(1), 'Anti-ADAMTS13 IgG')).ids).not.toContain('TTP-ADAMTS13-INHIB');
    expect(run(noA13().lab('a13', 9, day(0, '21:00')).serviceRequest('ADAMTS13 inhibitor screen', 'active')).ids).not.toContain(
      'TTP-ADAMTS13-INHIB',
    );
  });

  test('INHIB: "<5%" counts as below 10%', () => {
    expect(run(noA13().lab('a13', 5, day(0, '21:00'), { comparator: '<' })).ids).toContain('TTP-ADAMTS13-INHIB');
  });
});

ruleContract('TTP-ADAMTS13-INHIB', { hook: 'patient-view', build: () => nonResponder(5, { skip: ['inhibitor'] }), indicator: 'info' });
