/** TTP-DARA-LASTLINE: Daratumumab is last-line in iTTP. When it fires, at which indicator, and when it stays silent. */
import { DRUGS, day } from '../fixtures/builder';
import { run } from '../helpers';
import { nonResponder, stableD3 } from '../fixtures/records';
import { ruleContract } from './contract';

describe('TTP-DARA-LASTLINE', () => {
  test('daratumumab card 7 days after a second-line agent, not at 6', () => {
    const s = (start: number) =>
      nonResponder(8).med(DRUGS.cyclophosphamide, {
        status: 'completed',
        doseMg: 1000,
        start: day(start, '12:00'),
        givenAt: [day(start, '12:00')],
      });
    expect(run(s(1)).byRule['TTP-DARA-LASTLINE']).toBe('info');
    expect(run(s(2)).ids).not.toContain('TTP-DARA-LASTLINE');
  });
});

describe('TTP-DARA-LASTLINE and orders of an earlier episode (G4)', () => {
  const refractoryWith2L = () =>
    nonResponder(8).med(DRUGS.cyclophosphamide, { status: 'completed', doseMg: 1000, start: day(1, '12:00'), givenAt: [day(1, '12:00')] });
  test('a daratumumab order left active since an earlier episode does not silence it', () => {
    expect(
      run(refractoryWith2L().med(DRUGS.daratumumab, { doseMg: 1800, route: 'sc', authoredOn: day(-200) })).byRule['TTP-DARA-LASTLINE'],
    ).toBe('info');
    expect(run(refractoryWith2L().med(DRUGS.daratumumab, { doseMg: 1800, route: 'sc', authoredOn: day(7) })).ids).not.toContain(
      'TTP-DARA-LASTLINE',
    );
  });
  test('a second-line order left active since an earlier episode is not "the first second-line agent" of this one', () => {
    const o = run(nonResponder(8).med(DRUGS.cyclophosphamide, { doseMg: 1000, authoredOn: day(-200) }));
    expect(o.ids).not.toContain('TTP-DARA-LASTLINE');
  });
});

describe('TTP-DARA-LASTLINE (order hooks)', () => {
  test('daratumumab with no second-line agent on record is info; after cyclophosphamide it is silent', () => {
    const s = stableD3();
    s.draft(s.medicationRequest(DRUGS.daratumumab, { status: 'draft', doseMg: 1800, route: 'sc' }));
    expect(run(s, 'order-select').byRule['TTP-DARA-LASTLINE']).toBe('info');
    s.med(DRUGS.cyclophosphamide, { doseMg: 1000, route: 'iv', status: 'completed', start: day(2, '12:00'), givenAt: [day(2, '12:00')] });
    expect(run(s, 'order-select').ids).not.toContain('TTP-DARA-LASTLINE');
  });
});

ruleContract('TTP-DARA-LASTLINE', {
  hook: 'patient-view',
  build: () =>
    nonResponder(8).med(DRUGS.cyclophosphamide, {
      status: 'completed',
      doseMg: 1000,
      start: day(1, '12:00'),
      givenAt: [day(1, '12:00')],
    }),
  indicator: 'info',
});
