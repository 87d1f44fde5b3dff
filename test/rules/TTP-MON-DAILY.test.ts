/** TTP-MON-DAILY: Daily monitoring gap during TPE. When it fires, at which indicator, and when it stays silent. */
import { ittpDefaults } from '../fixtures/builder';
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

ruleContract('TTP-MON-DAILY', { hook: 'patient-view', build: () => labsHoursAgo(31), indicator: 'warning' });
