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

ruleContract('TTP-CAPLA-STOP', { hook: 'patient-view', build: () => caplaEnding(39), indicator: 'warning' });
