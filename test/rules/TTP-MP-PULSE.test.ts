/** TTP-MP-PULSE: Non-improving or refractory iTTP without pulse methylprednisolone. When it fires, at which indicator, and when it stays silent. */
import { DRUGS, day } from '../fixtures/builder';
import { cardFor, fired, run } from '../helpers';
import { nonResponder } from '../fixtures/records';
import { ruleContract } from './contract';

/** A day-5 non-responder on prednisone (steroids given this episode) and no methylprednisolone pulse. */
const onPrednisone = () =>
  nonResponder(5, { skip: ['steroids'] }).med(DRUGS.prednisone, {
    doseMg: 70,
    route: 'po',
    perDay: 1,
    start: day(1, '08:00'),
    givenAt: [1, 2, 3, 4, 5].map((d) => day(d, '08:00')),
  });

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

  describe('what counts as a pulse (>= 1 g on 3 days, given or ordered this episode)', () => {
    const given = (doses: [number, string][]) => {
      const s = onPrednisone();
      for (const [mg, when] of doses) s.give(DRUGS.methylprednisolone, when, mg);
      return fired(run(s), 'TTP-MP-PULSE');
    };
    const ordered = (o: Parameters<ReturnType<typeof onPrednisone>['med']>[1]) =>
      fired(
        run(onPrednisone().med(DRUGS.methylprednisolone, { doseMg: 1000, route: 'iv', perDay: 1, start: day(4, '12:00'), ...o })),
        'TTP-MP-PULSE',
      );

    test('given: 3 days of 1 g is a pulse; 2 days, or 999 mg a day, is not; two 500 mg on one day make a 1 g day', () => {
      expect(given([1, 2, 3].map((d) => [1000, day(d, '12:00')]))).toBeUndefined();
      expect(given([1, 2].map((d) => [1000, day(d, '12:00')]))).toBe('info');
      expect(given([1, 2, 3].map((d) => [999, day(d, '12:00')]))).toBe('info');
      expect(
        given([
          [500, day(1, '08:00')],
          [500, day(1, '20:00')],
          [1000, day(2, '12:00')],
          [1000, day(3, '12:00')],
        ]),
      ).toBeUndefined();
      // Three doses on one day are one pulse day.
      expect(given([1, 1, 1].map((d, i) => [1000, day(d, `1${i}:00`)]))).toBe('info');
    });
    test('administrations without a dose do not count', () => {
      const s = onPrednisone();
      for (const d of [1, 2, 3]) s.give(DRUGS.methylprednisolone, day(d, '12:00'));
      expect(fired(run(s), 'TTP-MP-PULSE')).toBe('info');
    });
    test('ordered: an active or completed 1 g x3 order counts; x2, a draft, a cancelled, a stopped or an on-hold one does not', () => {
      expect(ordered({ count: 3 })).toBeUndefined();
      expect(ordered({ count: 3, status: 'completed' })).toBeUndefined();
      expect(ordered({ count: 2 })).toBe('info');
      for (const status of ['draft', 'cancelled', 'stopped', 'on-hold'] as const)
        expect({ status, fired: ordered({ count: 3, status }) }).toEqual({ status, fired: 'info' });
    });
    test('ordered: 500 mg once a day is no pulse, 500 mg twice a day is; without a count, 3 days of bounds are, 2 are not; no end at all is', () => {
      expect(ordered({ count: 3, doseMg: 500 })).toBe('info');
      expect(ordered({ count: 6, doseMg: 500, perDay: 2 })).toBeUndefined();
      expect(ordered({ count: undefined })).toBeUndefined();
      const bounded = (days: number) => {
        const s = onPrednisone();
        const r = s.medicationRequest(DRUGS.methylprednisolone, { doseMg: 1000, route: 'iv', perDay: 1, start: day(4, '12:00') });
        (r.dosageInstruction as { timing: { repeat: Record<string, unknown> } }[])[0]!.timing.repeat.boundsDuration = {
          value: days,
          code: 'd',
        };
        s.resources.push(r);
        return fired(run(s), 'TTP-MP-PULSE');
      };
      expect(bounded(3)).toBeUndefined();
      expect(bounded(2)).toBe('info');
    });
    test('the finding names the state and the pulse days it found', () => {
      const s = onPrednisone();
      s.give(DRUGS.methylprednisolone, day(1, '12:00'), 1000);
      const f = run(s)
        .findings.flatMap((x) => [x, ...(x.folded ?? [])])
        .find((x) => x.ruleId === 'TTP-MP-PULSE')!;
      expect(f.params).toMatchObject({ state: 'refractory (IWG numeric definition)', pulseDays: '2026-03-02' });
      expect(f.evidence).toContainEqual({ label: 'Methylprednisolone >= 1 g days', value: '2026-03-02' });
      const none = run(onPrednisone())
        .findings.flatMap((x) => [x, ...(x.folded ?? [])])
        .find((x) => x.ruleId === 'TTP-MP-PULSE')!;
      expect(none.params).toMatchObject({ pulseDays: 'none' });
      expect(none.evidence).toContainEqual({ label: 'Methylprednisolone >= 1 g days', value: 'none recorded' });
    });
  });

  test('G7: next to a warning or critical card it is folded into that card, not a card of its own', () => {
    const o = run(onPrednisone());
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

ruleContract('TTP-MP-PULSE', { hook: 'patient-view', build: onPrednisone, indicator: 'info' });
