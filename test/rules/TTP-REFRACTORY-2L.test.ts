/** TTP-REFRACTORY-2L: Refractory iTTP: intensify therapy. When it fires, at which indicator, and when it stays silent. */
import { DRUGS, dailyHb, day, ittpDefaults } from '../fixtures/builder';
import { cardFor, run } from '../helpers';
import { nonResponder } from '../fixtures/records';
import { ruleContract } from './contract';

describe('TTP-REFRACTORY-2L', () => {
  const broad = () => dailyHb(ittpDefaults(5).series('plt', [40, 42, 45, 48, 52]).series('ldh', [1400, 1380, 1350, 1320, 1300]), 1, 5);
  test('no response after 5 sessions and not improving fires; improving does not', () => {
    expect(run(broad()).byRule['TTP-REFRACTORY-2L']).toBe('warning');
    const improving = dailyHb(ittpDefaults(5).series('plt', [40, 55, 70, 80, 90]).series('ldh', [1400, 1200, 1000, 900, 800]), 1, 5);
    expect(run(improving).ids).not.toContain('TTP-REFRACTORY-2L');
  });

  test('a second-line agent first given 7 days ago makes it info ("reassess"); 8 days ago it is a warning again', () => {
    const withCyclo = (daysAgo: number) => {
      const s = nonResponder(8);
      const given = new Date(Date.parse(s.now) - daysAgo * 86_400_000).toISOString();
      return s.med(DRUGS.cyclophosphamide, { doseMg: 1000, route: 'iv', perDay: 1, start: given, givenAt: [given] });
    };
    const fresh = cardFor(run(withCyclo(7)), 'TTP-REFRACTORY-2L');
    expect(fresh.indicator).toBe('info');
    expect(fresh.detail).toContain('Reassess the response to it before escalating further');
    expect(cardFor(run(withCyclo(8)), 'TTP-REFRACTORY-2L').indicator).toBe('warning');
  });

  test('after a response in this episode a later fall is not refractoriness (it is an exacerbation)', () => {
    const s = dailyHb(
      ittpDefaults(10)
        .series('plt', [12, 40, 90, 160, 170, 120, 60, 40, 30, 25])
        .series('ldh', [1400, 900, 500, 300, 260, 400, 700, 900, 1000, 1100]),
      1,
      10,
    );
    const o = run(s);
    expect(o.ids).not.toContain('TTP-REFRACTORY-2L');
    expect(o.ids).not.toContain('TTP-CAPLA-DAY5');
    expect(o.byRule['TTP-EXACERBATION']).toBe('warning');
  });

  test('without rituximab it stays silent (RTX-MISSING escalates instead)', () => {
    const o = run(nonResponder(5, { skip: ['rtx'] }));
    expect(o.ids).not.toContain('TTP-REFRACTORY-2L');
    expect(o.ids).toContain('TTP-RTX-MISSING');
  });

  test('"despite rituximab" means rituximab this episode: an order left active since an earlier one is not (RTX-MISSING speaks)', () => {
    const o = run(nonResponder(5, { skip: ['rtx'] }).med(DRUGS.rituximab, { doseMg: 700, authoredOn: day(-240) }));
    expect(o.ids).not.toContain('TTP-REFRACTORY-2L');
    expect(o.byRule['TTP-RTX-MISSING']).toBe('warning');
  });
});

describe('TTP-REFRACTORY-2L, knowledge base version 3', () => {
  test('33: in pregnancy cyclophosphamide is left out of the options and the card says why', () => {
    const o = run(nonResponder(5).condition('77386006', { onset: day(-80) }));
    const card = cardFor(o, 'TTP-REFRACTORY-2L');
    expect(card.indicator).toBe('warning');
    expect(card.detail).not.toContain('cyclophosphamide + vincristine');
    expect(card.detail).toContain('Pregnancy: cyclophosphamide is left out of these options (teratogenic, label)');
    expect(cardFor(run(nonResponder(5)), 'TTP-REFRACTORY-2L').detail).toContain('cyclophosphamide + vincristine');
  });

  test('29: with a caplacizumab allergy the card does not ask for caplacizumab first; an allergy to a second-line agent is named', () => {
    const alone = run(nonResponder(5).allergy({ text: 'caplacizumab' }).med(DRUGS.caplacizumab, { status: 'cancelled' }));
    expect(cardFor(alone, 'TTP-REFRACTORY-2L').detail).not.toContain('Add caplacizumab first');
    const o = run(nonResponder(5).allergy(DRUGS.cyclophosphamide, { criticality: 'low' }));
    expect(cardFor(o, 'TTP-REFRACTORY-2L').detail).toContain('Documented cyclophosphamide allergy');
  });

  test('30: rituximab recorded as given elsewhere counts as given: still refractory "despite rituximab"', () => {
    const s = nonResponder(5, { skip: ['rtx'] }).statement(DRUGS.rituximab, {
      status: 'completed',
      start: day(2, '14:00'),
      end: day(2, '18:00'),
    });
    expect(run(s).byRule['TTP-REFRACTORY-2L']).toBe('warning');
    expect(run(nonResponder(5, { skip: ['rtx'] })).ids).not.toContain('TTP-REFRACTORY-2L');
  });
});

ruleContract('TTP-REFRACTORY-2L', { hook: 'patient-view', build: () => nonResponder(5), indicator: 'warning' });
