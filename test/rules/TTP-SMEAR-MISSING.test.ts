/** TTP-SMEAR-MISSING: No schistocyte count this episode. When it fires, at which indicator, and when it stays silent. */
import { ittpDefaults } from '../fixtures/builder';
import { run } from '../helpers';
import { labsHoursAgo } from '../fixtures/records';
import { ruleContract } from './contract';

describe('TTP-SMEAR-MISSING', () => {
  const labsAt = (hoursAgo: number, opts: { skipSmear?: boolean } = {}) => {
    const s = ittpDefaults(3, { skip: opts.skipSmear ? ['smear'] : [] });
    const t = new Date(Date.parse(s.now) - hoursAgo * 3_600_000).toISOString();
    return s.lab('plt', 20, t).lab('hb', 8, t).lab('ldh', 900, t);
  };
  test('the smear card comes only with a monitoring gap, and only when no smear this episode', () => {
    expect(run(labsAt(31, { skipSmear: true })).ids).toEqual(expect.arrayContaining(['TTP-MON-DAILY', 'TTP-SMEAR-MISSING']));
    expect(run(labsAt(31)).ids).not.toContain('TTP-SMEAR-MISSING');
    expect(run(labsAt(10, { skipSmear: true })).ids).not.toContain('TTP-SMEAR-MISSING');
  });
});

ruleContract('TTP-SMEAR-MISSING', { hook: 'patient-view', build: () => labsHoursAgo(31, ['smear']), indicator: 'info' });
