/** TTP-MP-PULSE: Non-improving or refractory iTTP without pulse methylprednisolone. When it fires, at which indicator, and when it stays silent. */
import { DRUGS, day } from '../fixtures/builder';
import { cardFor, fired, run } from '../helpers';
import { nonResponder } from '../fixtures/records';
import { ruleContract } from './contract';

describe('TTP-MP-PULSE', () => {
  test('two days of 1 g is not a pulse; an active 1 g x3 order is', () => {
    const two = nonResponder(5, { skip: ['steroids'] }).med(DRUGS.methylprednisolone, {
      status: 'completed',
      doseMg: 1000,
      route: 'iv',
      perDay: 1,
      count: 2,
      start: day(1, '12:00'),
      givenAt: [day(1, '12:00'), day(2, '12:00')],
    });
    expect(fired(run(two), 'TTP-MP-PULSE')).toBe('info');
    const ordered = nonResponder(5, { skip: ['steroids'] }).med(DRUGS.methylprednisolone, {
      doseMg: 1000,
      route: 'iv',
      perDay: 1,
      count: 3,
      start: day(5, '12:00'),
    });
    expect(run(ordered).ids).not.toContain('TTP-MP-PULSE');
  });

  test('G7: next to a warning or critical card it is folded into that card, not a card of its own', () => {
    const o = run(
      nonResponder(5, { skip: ['steroids'] }).med(DRUGS.prednisone, {
        doseMg: 70,
        route: 'po',
        perDay: 1,
        start: day(1, '08:00'),
        givenAt: [1, 2, 3, 4, 5].map((d) => day(d, '08:00')),
      }),
    );
    expect(o.byRule['TTP-MP-PULSE']).toBeUndefined();
    expect(o.folded['TTP-MP-PULSE']).toBe('TTP-CAPLA-DAY5');
    expect(cardFor(o, 'TTP-CAPLA-DAY5').detail).toContain(
      'Also (TTP-MP-PULSE): Refractory/non-improving iTTP: no methylprednisolone 1 g IV x3 recorded',
    );
  });

  test('a 500 mg twice-daily course counts as 1 g a day', () => {
    const s = nonResponder(5, { skip: ['steroids'] });
    for (const d of [1, 2, 3]) s.give(DRUGS.methylprednisolone, day(d, '08:00'), 500).give(DRUGS.methylprednisolone, day(d, '20:00'), 500);
    expect(run(s).ids).not.toContain('TTP-MP-PULSE');
  });

  test('a steroid order left active since an earlier episode is no steroid given: no pulse card (STEROID-MISSING speaks)', () => {
    const o = run(nonResponder(5, { skip: ['steroids'] }).med(DRUGS.prednisone, { doseMg: 10, authoredOn: day(-120) }));
    expect(fired(o, 'TTP-MP-PULSE')).toBeUndefined();
    expect(o.byRule['TTP-STEROID-MISSING']).toBe('warning');
  });
});

ruleContract('TTP-MP-PULSE', {
  hook: 'patient-view',
  build: () =>
    nonResponder(5, { skip: ['steroids'] }).med(DRUGS.prednisone, {
      doseMg: 70,
      route: 'po',
      perDay: 1,
      start: day(1, '08:00'),
      givenAt: [1, 2, 3, 4, 5].map((d) => day(d, '08:00')),
    }),
  indicator: 'info',
});
