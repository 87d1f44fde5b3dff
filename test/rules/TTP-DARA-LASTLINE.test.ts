/** TTP-DARA-LASTLINE: Daratumumab is last-line in iTTP. When it fires, at which indicator, and when it stays silent. */
import { DRUGS, dailyHb, day, ittpDefaults } from '../fixtures/builder';
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

describe('TTP-DARA-LASTLINE: refractoriness and the second-line start', () => {
  const cyclo = (o: Parameters<ReturnType<typeof nonResponder>['med']>[1] = {}) => ({
    status: 'completed' as const,
    doseMg: 1000,
    start: day(1, '12:00'),
    givenAt: [day(1, '12:00')],
    ...o,
  });
  test('IWG refractory (D3a) 7 days after the first second-line agent: info, naming the agent, its date and the days since', () => {
    const o = run(nonResponder(8).med(DRUGS.cyclophosphamide, cyclo()));
    const f = o.findings.find((x) => x.ruleId === 'TTP-DARA-LASTLINE')!;
    expect(f.indicator).toBe('info');
    expect(f.params.reason).toBe(
      'Still refractory **7 days** after the first second-line agent (cyclophosphamide, 2026-03-02). If daratumumab is considered, it is last-line.',
    );
    expect(f.evidence).toContainEqual({
      label: 'First second-line agent',
      value: 'cyclophosphamide',
      time: Date.parse(day(1, '12:00')),
      ref: expect.stringMatching(/^MedicationAdministration\//),
    });
  });
  test('the first agent is the earliest, given or ordered; an on-hold order is no start', () => {
    const two = run(
      nonResponder(8)
        .med(DRUGS.cyclophosphamide, cyclo({ start: day(3, '12:00'), givenAt: [day(3, '12:00')] }))
        .med(DRUGS.cyclophosphamide, { doseMg: 1000, authoredOn: day(1, '09:00') }),
    );
    expect(two.findings.find((x) => x.ruleId === 'TTP-DARA-LASTLINE')!.params.reason).toContain('**7 days**');
    const onHold = run(nonResponder(8).med(DRUGS.cyclophosphamide, { status: 'on-hold', doseMg: 1000, authoredOn: day(1, '09:00') }));
    expect(onHold.ids).not.toContain('TTP-DARA-LASTLINE');
  });
  test('not refractory (a responder), or no current episode: silent', () => {
    const responded = dailyHb(
      ittpDefaults(9)
        .series('plt', [12, 40, 80, 120, 160, 190, 200, 210, 220])
        .series('ldh', [1400, 900, 600, 400, 300, 250, 240, 230, 220]),
      1,
      9,
    ).med(DRUGS.cyclophosphamide, cyclo());
    expect(run(responded).ids).not.toContain('TTP-DARA-LASTLINE');
  });
  test('daratumumab given or ordered this episode silences it', () => {
    expect(run(nonResponder(8).med(DRUGS.cyclophosphamide, cyclo()).give(DRUGS.daratumumab, day(7, '12:00'), 1800)).ids).not.toContain(
      'TTP-DARA-LASTLINE',
    );
  });
  test('order hook: the draft and "none" as evidence; any second-line order or administration on record silences it', () => {
    const s = stableD3();
    s.draft(s.medicationRequest(DRUGS.daratumumab, { id: 'dara', status: 'draft', doseMg: 1800, route: 'sc' }));
    const f = run(s, 'order-select').findings.find((x) => x.ruleId === 'TTP-DARA-LASTLINE')!;
    expect(f.evidence).toEqual([
      { label: 'Draft order', value: expect.stringContaining('daratumumab'), ref: 'MedicationRequest/dara' },
      { label: 'Second-line agents on record', value: 'none' },
    ]);
    expect(f.params.reason).toMatch(/^Draft order \*\*.*daratumumab.*\*\*, and no second-line agent/);
    expect(f.notes).toEqual([]);
    const ordered = stableD3().med(DRUGS.cyclophosphamide, { status: 'cancelled', doseMg: 1000 });
    ordered.draft(ordered.medicationRequest(DRUGS.daratumumab, { status: 'draft', doseMg: 1800, route: 'sc' }));
    expect(run(ordered, 'order-select').byRule['TTP-DARA-LASTLINE']).toBe('info');
    const given = stableD3().give(DRUGS.cyclophosphamide, day(2, '12:00'), 1000);
    given.draft(given.medicationRequest(DRUGS.daratumumab, { status: 'draft', doseMg: 1800, route: 'sc' }));
    expect(run(given, 'order-select').ids).not.toContain('TTP-DARA-LASTLINE');
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
