/** TTP-A13-RELAPSE: ADAMTS13 relapse in clinical remission. When it fires, at which indicator, and when it stays silent. */
import { DRUGS, day, recoveredAfterTpe } from '../fixtures/builder';
import { cardFor, run } from '../helpers';
import { ruleContract } from './contract';

/** The episode's 4% (before TPE), an ADAMTS13 remission of 45% on day 20, then `low`% on day 60 with platelets `plt`. */
const course = (low: number, plt = 230) =>
  recoveredAfterTpe(62).lab('a13', 45, day(20, '07:00')).lab('a13', low, day(60, '07:00')).lab('plt', plt, day(60, '07:00'));

describe('TTP-A13-RELAPSE', () => {
  test('19% after an ADAMTS13 remission, platelets normal: info, pre-emptive rituximab suggested; 20% is not a relapse', () => {
    const o = run(course(19));
    expect(o.byRule['TTP-A13-RELAPSE']).toBe('info');
    expect(cardFor(o, 'TTP-A13-RELAPSE').summary).toBe(
      'ADAMTS13 relapse (19%) in clinical remission. Consider pre-emptive rituximab (ISTH, conditional).',
    );
    expect(run(course(20)).ids).not.toContain('TTP-A13-RELAPSE');
  });

  test('without an ADAMTS13 remission first there is no ADAMTS13 relapse', () => {
    const s = recoveredAfterTpe(62).lab('a13', 12, day(60, '07:00')).lab('plt', 230, day(60, '07:00'));
    expect(run(s).ids).not.toContain('TTP-A13-RELAPSE');
  });

  test('platelets below 150 are a clinical matter (TTP-RELAPSE), not this card', () => {
    expect(run(course(5, 120)).ids).not.toContain('TTP-A13-RELAPSE');
  });

  test('without a platelet count near the low result it still fires and asks for platelets; "<25%" is not known to be below 20%', () => {
    const noPlt = recoveredAfterTpe(62).lab('a13', 45, day(20, '07:00')).lab('a13', 15, day(60, '07:00'));
    const card = cardFor(run(noPlt), 'TTP-A13-RELAPSE');
    expect(card.detail).toContain('No platelet count within 7 days of this result: check platelets now');
    const vague = recoveredAfterTpe(62)
      .lab('a13', 45, day(20, '07:00'))
      .lab('a13', 25, day(60, '07:00'), { comparator: '<' })
      .lab('plt', 230, day(60, '07:00'));
    expect(run(vague).ids).not.toContain('TTP-A13-RELAPSE');
  });

  test('rituximab ordered or given after the low result silences it', () => {
    expect(run(course(15).give(DRUGS.rituximab, day(61, '12:00'), 700)).ids).not.toContain('TTP-A13-RELAPSE');
    expect(run(course(15).med(DRUGS.rituximab, { doseMg: 700, authoredOn: day(61, '09:00') })).ids).not.toContain('TTP-A13-RELAPSE');
  });
});

describe('TTP-A13-RELAPSE, knowledge base version 3', () => {
  test('33: in pregnancy the card adds the rituximab caution; 29: a rituximab allergy removes the draft and changes the advice', () => {
    const pregnant = cardFor(run(course(19).condition('77386006', { onset: day(30) })), 'TTP-A13-RELAPSE');
    expect(pregnant.detail).toContain('Pregnancy: rituximab crosses the placenta');
    expect(cardFor(run(course(19)), 'TTP-A13-RELAPSE').detail).not.toContain('Pregnancy');
    const allergic = run(course(19).allergy(DRUGS.rituximab));
    expect(allergic.byRule['TTP-A13-RELAPSE']).toBe('info');
    const card = cardFor(allergic, 'TTP-A13-RELAPSE');
    expect(card.suggestions).toBeUndefined();
    expect(card.summary).toBe(
      'ADAMTS13 relapse (19%) in clinical remission; rituximab is contraindicated by a documented allergy. Discuss with hematology.',
    );
    expect(card.detail).toContain('Documented rituximab allergy');
  });
});

ruleContract('TTP-A13-RELAPSE', { hook: 'patient-view', build: () => course(15), indicator: 'info' });
