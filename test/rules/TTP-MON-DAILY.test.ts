/** TTP-MON-DAILY: Daily monitoring gap during TPE. When it fires, at which indicator, and when it stays silent. */
import { dailyHb, ittpDefaults } from '../fixtures/builder';
import { cardFor, run } from '../helpers';
import { labsHoursAgo } from '../fixtures/records';
import { ruleContract } from './contract';

describe('TTP-MON-DAILY', () => {
  const labsAt = (hoursAgo: number, opts: { skipSmear?: boolean } = {}) => {
    const s = ittpDefaults(3, { skip: opts.skipSmear ? ['smear'] : [] });
    const t = new Date(Date.parse(s.now) - hoursAgo * 3_600_000).toISOString();
    return s.lab('plt', 20, t).lab('hb', 8, t).lab('ldh', 900, t);
  };
  test('29 h is within the window; 31 h is a gap', () => {
    expect(run(labsAt(29)).ids).not.toContain('TTP-MON-DAILY');
    expect(cardFor(run(labsAt(31)), 'TTP-MON-DAILY').summary).toContain('no PLT/Hb/LDH in 30 h');
  });

  test('no TPE in 48 h and no active TPE order: silent', () => {
    const s = labsAt(60)
      .without((r) => r.resourceType === 'ServiceRequest')
      .at(6, '18:00');
    expect(run(s).ids).not.toContain('TTP-MON-DAILY');
  });
});

describe('TTP-MON-DAILY, knowledge base version 3', () => {
  const stale = (plt: number[], ldh: number[]) => dailyHb(ittpDefaults(5).series('plt', plt).series('ldh', ldh), 1, 3);
  test('37: on stale labs after 4 sessions, the card says what the last values showed when they showed no improvement', () => {
    const detail = cardFor(run(stale([12, 14, 15], [1400, 1380, 1350])), 'TTP-MON-DAILY').detail!;
    expect(detail).toContain('cannot be assessed without current platelets and LDH');
    expect(detail).toContain('The last values (2026-03-04, after 2 sessions) showed no improvement');
    expect(detail).toContain('escalation is likely due once current labs confirm');
    // The last values improving: no such line.
    expect(cardFor(run(stale([12, 40, 80], [1400, 900, 600])), 'TTP-MON-DAILY').detail).not.toContain('showed no improvement');
    // Before day 4 (and 4 sessions) escalation is not at stake: no line either.
    const early = dailyHb(ittpDefaults(3).series('plt', [12]).series('ldh', [1400]), 1, 1);
    expect(cardFor(run(early), 'TTP-MON-DAILY').detail).not.toContain('showed no improvement');
  });

  test('31: platelets sent only inside a CBC panel are measured: never "never measured"', () => {
    const s = ittpDefaults(3).series('plt', [20, 40, 60]).series('hb', [8, 8, 8]).series('ldh', [1400, 1000, 800]).asPanels('component');
    expect(run(s).ids).not.toContain('TTP-MON-DAILY');
    // Without the LDH: the gap names LDH only, the panel's platelets and Hb are there.
    for (const shape of ['component', 'member'] as const) {
      const noLdh = run(ittpDefaults(3).series('plt', [20, 40, 60]).series('hb', [8, 8, 8]).asPanels(shape));
      expect(cardFor(noLdh, 'TTP-MON-DAILY').summary).toBe(
        'Daily monitoring gap during TPE: no LDH in 30 h. Order daily platelets, Hb and LDH.',
      );
      expect(cardFor(noLdh, 'TTP-MON-DAILY').detail).not.toMatch(/Platelets, last usable|never measured \| \|.*Platelets/);
    }
  });
});

ruleContract('TTP-MON-DAILY', { hook: 'patient-view', build: () => labsHoursAgo(31), indicator: 'warning' });
