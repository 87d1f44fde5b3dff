/** TTP-PE-STOP-EARLY: TPE stopped before clinical response. When it fires, at which indicator, and when it stays silent. */
import { dailyHb, day, ittpDefaults } from '../fixtures/builder';
import { cardFor, run } from '../helpers';
import { tpeGap } from '../fixtures/records';
import { ruleContract } from './contract';

describe('TTP-PE-STOP-EARLY', () => {
  const gap = (hours: number) => {
    const s = ittpDefaults(3, { tpeThrough: 2 }).series('plt', [20, 35, 50]).series('ldh', [1400, 1000, 700]);
    s.now = new Date(Date.parse(day(2, '10:00')) + hours * 3_600_000).toISOString();
    return dailyHb(s, 1, 3);
  };
  test('35 h without a session is not a pause; 37 h is', () => {
    expect(run(gap(35)).ids).not.toContain('TTP-PE-STOP-EARLY');
    expect(run(gap(37)).byRule['TTP-PE-STOP-EARLY']).toBe('warning');
  });

  test("a per-session TPE order completed after today's exchange is not a stop; revoked is", () => {
    const perSession = (status: string) => {
      const s = dailyHb(
        ittpDefaults(3, { skip: ['tpe'] })
          .series('plt', [20, 35, 50])
          .series('ldh', [1400, 1000, 700]),
        1,
        3,
      ).tpeDaily(1, 3);
      return s.tpeOrder(status, { authored: day(3, '08:00'), lastUpdated: day(3, '13:00') });
    };
    expect(run(perSession('completed')).ids).not.toContain('TTP-PE-STOP-EARLY');
    expect(run(perSession('revoked')).ids).toContain('TTP-PE-STOP-EARLY');
  });

  test('a completed TPE order counts as a stop from 36 h after the last session; the card says when the response cannot be confirmed', () => {
    const at = (hours: number) => {
      const s = dailyHb(ittpDefaults(4, { tpeThrough: 3, tpeOrderStatus: 'completed' }).series('plt', [20, 100, 160, 170]), 1, 4);
      s.now = new Date(Date.parse(day(3, '10:00')) + hours * 3_600_000).toISOString();
      return run(s);
    };
    expect(at(35).ids).not.toContain('TTP-PE-STOP-EARLY');
    expect(cardFor(at(36), 'TTP-PE-STOP-EARLY').detail).toContain('not confirmed (missing: LDH)');
  });

  test('a revoked TPE order is a stop at once; its server timestamp is not its time', () => {
    const s = dailyHb(ittpDefaults(3, { tpeOrderStatus: 'revoked' }).series('plt', [20, 35, 50]).series('ldh', [1400, 1000, 700]), 1, 3);
    expect(cardFor(run(s), 'TTP-PE-STOP-EARLY').detail).toContain('is **revoked**');
  });
});

describe('TTP-PE-STOP-EARLY, knowledge base version 3', () => {
  test.each(['10*3/uL', '10*9/L', '/uL'])(
    '24: platelets of exactly 150 twice with LDH normal are a response: TPE stopped after it gets no card; 149.9 does (%s)',
    (unit) => {
      const build = (last: number) => {
        const f = unit === '/uL' ? 1000 : 1;
        const s = ittpDefaults(6, { tpeThrough: 5, tpeOrderStatus: 'revoked' });
        [20, 60, 110, 150, last, 150].forEach((v, i) => s.lab('plt', v * f, day(1 + i), { unit }));
        return dailyHb(s.series('ldh', [1400, 700, 400, 300, 300, 290]), 1, 6);
      };
      expect(run(build(150)).ids).toEqual([]);
      const o = run(build(149.9));
      expect(o.byRule['TTP-PE-STOP-EARLY']).toBe('warning');
    },
  );
});

ruleContract('TTP-PE-STOP-EARLY', { hook: 'patient-view', build: () => tpeGap(37), indicator: 'warning' });
