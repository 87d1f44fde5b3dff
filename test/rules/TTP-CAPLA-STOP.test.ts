/** TTP-CAPLA-STOP: Caplacizumab ending while ADAMTS13 is low or unknown. When it fires, at which indicator, and when it stays silent. */
import { DRUGS, dailyHb, day, ittpDefaults, recoveredAfterTpe } from '../fixtures/builder';
import { cardFor, run } from '../helpers';
import { caplaEnding } from '../fixtures/records';
import { ruleContract } from './contract';

describe('TTP-CAPLA-STOP', () => {
  const ending = (endDay: number, a13Day = 35, evalDay = 36) => {
    const s = recoveredAfterTpe(evalDay);
    s.med(DRUGS.caplacizumab, {
      doseMg: 11,
      route: 'sc',
      perDay: 1,
      start: day(1, '09:00'),
      end: day(endDay, '12:00'),
      givenAt: [day(evalDay - 1, '12:00')],
    });
    return s.lab('a13', 5, day(a13Day, '08:00'));
  };
  test('an end in 3 days fires; in 4 days does not', () => {
    expect(run(ending(39)).ids).toContain('TTP-CAPLA-STOP');
    expect(run(ending(40)).ids).not.toContain('TTP-CAPLA-STOP');
  });

  test('ADAMTS13 older than 7 days: warning "unknown"', () => {
    const card = cardFor(run(ending(38, 27)), 'TTP-CAPLA-STOP');
    expect(card.indicator).toBe('warning');
    expect(card.summary).toContain('without ADAMTS13 in 7 days');
  });

  test('ADAMTS13 >= 20% and >= 30 days after the last TPE: no card', () => {
    const s = ending(39);
    s.lab('a13', 60, day(36, '07:00'));
    expect(run(s).ids).not.toContain('TTP-CAPLA-STOP');
  });
});

describe('TTP-CAPLA-STOP (order hooks)', () => {
  test('a draft that stops caplacizumab while ADAMTS13 is 5% is a CAPLA-STOP warning', () => {
    const s = dailyHb(
      ittpDefaults(20, { tpeThrough: 8, tpeOrderStatus: 'completed' })
        .series('plt', [20, 60, 120, 160, 170, 180, 190, 200])
        .series('ldh', [1400, 700, 400, 300, 280, 260, 250, 240]),
      1,
      8,
    );
    s.med(DRUGS.caplacizumab, { doseMg: 11, route: 'sc', perDay: 1, start: day(1, '09:00'), id: 'capla-1', givenAt: [day(19, '12:00')] });
    s.lab('a13', 5, day(17, '08:00'));
    const stop = { ...s.resources.find((r) => r.id === 'capla-1')!, status: 'stopped' };
    s.drafts.push(stop);
    const o = run(s, 'order-select');
    expect(o.byRule['TTP-CAPLA-STOP']).toBe('warning');
  });
});

describe('TTP-CAPLA-STOP, knowledge base version 3', () => {
  /** Caplacizumab self-injected after discharge: an outpatient prescription, no administrations, no boundsPeriod. */
  const outpatient = (evalDay: number, o: { supplyDays?: number; repeats?: number; count?: number } = {}) =>
    recoveredAfterTpe(evalDay).med(DRUGS.caplacizumab, {
      doseMg: 11,
      route: 'sc',
      perDay: o.count ? 1 : undefined,
      count: o.count,
      authoredOn: day(9, '12:00'),
      supplyDays: o.supplyDays,
      repeats: o.repeats,
    });

  test('32: an outpatient course ends at its estimated supply end: 30 days from day 9 ended within 72 h on day 40; on day 43 it is past', () => {
    const o = run(outpatient(40, { supplyDays: 30 }));
    expect(o.byRule['TTP-CAPLA-STOP']).toBe('warning');
    expect(cardFor(o, 'TTP-CAPLA-STOP').detail).toContain('| Caplacizumab end | 2026-04-09 (active; supply end, estimated) |');
    expect(run(outpatient(43, { supplyDays: 30 })).ids).not.toContain('TTP-CAPLA-STOP');
    // One repeat allowed doubles the supply: the course runs to day 69.
    expect(run(outpatient(40, { supplyDays: 30, repeats: 1 })).ids).not.toContain('TTP-CAPLA-STOP');
    expect(cardFor(run(outpatient(68, { supplyDays: 30, repeats: 1 })), 'TTP-CAPLA-STOP').detail).toContain('supply end, estimated');
  });

  test('32: the last of a count of doses at the timing frequency is the end, and the evidence says which field gave it', () => {
    const o = run(outpatient(38, { count: 30 }));
    expect(o.byRule['TTP-CAPLA-STOP']).toBe('warning');
    expect(cardFor(o, 'TTP-CAPLA-STOP').detail).toContain('(active; last of 30 planned doses)');
    expect(run(outpatient(30, { count: 30 })).ids).not.toContain('TTP-CAPLA-STOP');
    // Without any of these an outpatient order has no end to judge: no card (nothing to time the stop by).
    expect(run(outpatient(40)).ids).not.toContain('TTP-CAPLA-STOP');
  });

  test('35: ADAMTS13-MONITOR folds into CAPLA-STOP when both would order ADAMTS13: one card, one suggestion', () => {
    const s = recoveredAfterTpe(30).med(DRUGS.caplacizumab, {
      doseMg: 11,
      route: 'sc',
      perDay: 1,
      start: day(1, '09:00'),
      end: day(32, '12:00'),
      givenAt: [day(29, '12:00')],
    });
    const o = run(s);
    expect(o.byRule).toEqual({ 'TTP-CAPLA-STOP': 'warning' });
    expect(o.folded['TTP-ADAMTS13-MONITOR']).toBe('TTP-CAPLA-STOP');
    const card = cardFor(o, 'TTP-CAPLA-STOP');
    expect(card.suggestions!.map((x) => x.label)).toEqual(['Order ADAMTS13 activity']);
    expect(card.detail).toContain('Also (TTP-ADAMTS13-MONITOR): On caplacizumab without ADAMTS13 activity in 7 days.');
    // An end more than 3 days away: no stop card, and the monitoring card stands on its own.
    const later = recoveredAfterTpe(30).med(DRUGS.caplacizumab, {
      doseMg: 11,
      route: 'sc',
      perDay: 1,
      start: day(1, '09:00'),
      end: day(40, '12:00'),
      givenAt: [day(29, '12:00')],
    });
    expect(run(later).byRule).toEqual({ 'TTP-ADAMTS13-MONITOR': 'info' });
  });
});

ruleContract('TTP-CAPLA-STOP', { hook: 'patient-view', build: () => caplaEnding(39), indicator: 'warning' });
