/** TTP-ADAMTS13-MISSING: No ADAMTS13 activity result or order. When it fires, at which indicator, and when it stays silent. */
import { dailyHb, day, ittpDefaults } from '../fixtures/builder';
import { run } from '../helpers';
import { ruleContract } from './contract';

describe('TTP-ADAMTS13-MISSING', () => {
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
  test('MISSING: a preliminary or registered result counts as measured; a cancelled order does not', () => {
    expect(run(noA13().lab('a13', 4, day(1), { status: 'preliminary' })).ids).not.toContain('TTP-ADAMTS13-MISSING');
    expect(run(noA13().lab('a13', 0, day(1), { status: 'registered' })).ids).not.toContain('TTP-ADAMTS13-MISSING');
    expect(run(noA13().serviceRequest('ADAMTS13 activity', 'revoked')).ids).toContain('TTP-ADAMTS13-MISSING');
  });

  test('MISSING: a local ADAMTS13 code from site configuration counts', () => {
    const s = noA13().lab('a13', 4, day(1), { code: { coding: [{ system: 'urn:oid:1.2.3', code: 'A13X' }] } });
    expect(run(s).ids).toContain('TTP-ADAMTS13-MISSING');
    expect(
      run(s, 'patient-view', { site: { localCodes: { 'VS-A13ACT': [{ system: 'urn:oid:1.2.3', code: 'A13X' }] } } }).ids,
    ).not.toContain('TTP-ADAMTS13-MISSING');
  });
});

ruleContract('TTP-ADAMTS13-MISSING', {
  hook: 'patient-view',
  build: () =>
    dailyHb(
      ittpDefaults(2, { skip: ['a13', 'inhibitor'] })
        .series('plt', [12, 15])
        .series('ldh', [1400, 1300]),
      1,
      2,
    ),
  indicator: 'warning',
});
