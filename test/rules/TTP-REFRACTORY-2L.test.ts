/** TTP-REFRACTORY-2L: Refractory iTTP: intensify therapy. When it fires, at which indicator, and when it stays silent. */
import { dailyHb, ittpDefaults } from '../fixtures/builder';
import { run } from '../helpers';
import { nonResponder } from '../fixtures/records';
import { ruleContract } from './contract';

describe('TTP-REFRACTORY-2L', () => {
  const broad = () => dailyHb(ittpDefaults(5).series('plt', [40, 42, 45, 48, 52]).series('ldh', [1400, 1380, 1350, 1320, 1300]), 1, 5);
  test('no response after 5 sessions and not improving fires; improving does not', () => {
    expect(run(broad()).byRule['TTP-REFRACTORY-2L']).toBe('warning');
    const improving = dailyHb(ittpDefaults(5).series('plt', [40, 55, 70, 80, 90]).series('ldh', [1400, 1200, 1000, 900, 800]), 1, 5);
    expect(run(improving).ids).not.toContain('TTP-REFRACTORY-2L');
  });

  test('without rituximab it stays silent (RTX-MISSING escalates instead)', () => {
    const o = run(nonResponder(5, { skip: ['rtx'] }));
    expect(o.ids).not.toContain('TTP-REFRACTORY-2L');
    expect(o.ids).toContain('TTP-RTX-MISSING');
  });
});

ruleContract('TTP-REFRACTORY-2L', { hook: 'patient-view', build: () => nonResponder(5), indicator: 'warning' });
