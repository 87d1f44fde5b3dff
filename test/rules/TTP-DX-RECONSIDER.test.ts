/** TTP-DX-RECONSIDER: ADAMTS13 > 20% argues against TTP. When it fires, at which indicator, and when it stays silent. */
import { DRUGS, Scenario, day, recoveredAfterTpe } from '../fixtures/builder';
import { cardFor, run } from '../helpers';
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

  test('the wording follows caplacizumab: "stop caplacizumab" only when it is active', () => {
    expect(cardFor(run(nos(45)), 'TTP-DX-RECONSIDER').summary).toBe(
      'ADAMTS13 45% before TPE (>20%) argues against TTP. Reconsider the diagnosis and other TMAs.',
    );
    const onCapla = run(nos(45).med(DRUGS.caplacizumab, { doseMg: 11, route: 'sc', perDay: 1, start: day(1, '12:00') }));
    expect(cardFor(onCapla, 'TTP-DX-RECONSIDER').summary).toBe(
      'ADAMTS13 45% before TPE (>20%) argues against TTP. Reconsider diagnosis; ISTH advises stopping caplacizumab.',
    );
  });

  test('with no pre-treatment result, a value above 20% drawn during TPE is info and says it cannot exclude TTP; it never warns', () => {
    const s = new Scenario(3).patient().condition('78129009').tpeDaily(1, 3).lab('a13', 55, day(2, '14:00'));
    s.med(DRUGS.caplacizumab, { doseMg: 11, route: 'sc', perDay: 1, start: day(1, '12:00') });
    const card = cardFor(run(s), 'TTP-DX-RECONSIDER');
    expect(card.indicator).toBe('info');
    expect(card.summary).toBe('No pre-treatment ADAMTS13; 55% drawn during TPE cannot exclude TTP.');
  });

  test('in clinical remission a value above 20% is an ADAMTS13 remission: silent', () => {
    // Pre-treatment 30%; response by day 6, TPE to day 8; remission 30 days after the last TPE (day 38).
    const course = (evalDay: number) =>
      recoveredAfterTpe(evalDay)
        .without((r) => r.resourceType === 'Observation' && JSON.stringify(r.code).includes('53622-7'))
        .lab('a13', 30, day(0, '21:00'));
    expect(run(course(37)).byRule['TTP-DX-RECONSIDER']).toBe('info');
    expect(run(course(39)).ids).not.toContain('TTP-DX-RECONSIDER');
  });

  test('a recovery after a documented 5% this episode is not a reason to reconsider', () => {
    expect(run(nos(45).lab('a13', 5, day(-1))).ids).not.toContain('TTP-DX-RECONSIDER');
  });
});

describe('TTP-DX-RECONSIDER, knowledge base version 3', () => {
  test('26: a value drawn after plasma and before TPE is no pre-treatment value: the post-plasma info, never the warning', () => {
    const s = nosWithAdamts13(62)
      .without((r) => r.resourceType === 'Observation')
      .plasma(day(0, '14:00'), { units: 2 })
      .lab('a13', 62, day(0, '20:00'));
    const o = run(s);
    expect(o.byRule['TTP-DX-RECONSIDER']).toBe('info');
    const card = cardFor(o, 'TTP-DX-RECONSIDER');
    expect(card.summary).toBe('No pre-treatment ADAMTS13; 62% drawn after plasma and before TPE cannot exclude TTP.');
    expect(card.detail).toContain('drawn after plasma (Transfusion of fresh frozen plasma, 2 units');
    // Before the plasma, the same 62% is the pre-treatment value.
    const before = nosWithAdamts13(62).plasma(day(0, '22:00'));
    expect(cardFor(run(before), 'TTP-DX-RECONSIDER').summary).toBe(
      'ADAMTS13 62% before TPE (>20%) argues against TTP. Reconsider the diagnosis and other TMAs.',
    );
  });

  test('27: a positive inhibitor is named; beside an escalation card the info folds into it', () => {
    const s = nosWithAdamts13(35).inhibitor(day(0, '22:00'));
    const card = cardFor(run(s), 'TTP-DX-RECONSIDER');
    expect(card.detail).toContain('**An ADAMTS13 inhibitor is positive** (2.1 BU/mL, POS');
    expect(cardFor(run(nosWithAdamts13(35)), 'TTP-DX-RECONSIDER').detail).not.toContain('inhibitor is positive');
  });

  test('25: ">25%" before TPE is above 20% (fires); ">5%" or "<15%" is not (silent)', () => {
    const bound = (value: number, comparator: '<' | '>') =>
      nosWithAdamts13(0)
        .without((r) => r.resourceType === 'Observation')
        .lab('a13', value, day(0, '21:00'), { comparator });
    expect(run(bound(25, '>')).byRule['TTP-DX-RECONSIDER']).toBe('info');
    expect(run(bound(5, '>')).ids).not.toContain('TTP-DX-RECONSIDER');
    expect(run(bound(15, '<')).ids).not.toContain('TTP-DX-RECONSIDER');
  });
});

ruleContract('TTP-DX-RECONSIDER', { hook: 'patient-view', build: () => nosWithAdamts13(21), indicator: 'info' });
