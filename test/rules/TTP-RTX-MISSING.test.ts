/** TTP-RTX-MISSING: Confirmed iTTP without rituximab. When it fires, at which indicator, and when it stays silent. */
import { DRUGS, day } from '../fixtures/builder';
import { cardFor, run } from '../helpers';
import { nonResponder } from '../fixtures/records';
import { ruleContract } from './contract';

describe('TTP-RTX-MISSING', () => {
  const noRtx = (d: number) => nonResponder(d, { skip: ['rtx'] });
  test('info on PE day 1-2, warning from day 3', () => {
    expect(run(noRtx(1)).byRule['TTP-RTX-MISSING']).toBe('info');
    expect(run(noRtx(2)).byRule['TTP-RTX-MISSING']).toBe('info');
    expect(run(noRtx(3)).byRule['TTP-RTX-MISSING']).toBe('warning');
  });

  test('a cancelled rituximab order still fires; an active one (not yet given) is silent', () => {
    expect(run(noRtx(3).med(DRUGS.rituximab, { status: 'cancelled' })).ids).toContain('TTP-RTX-MISSING');
    expect(run(noRtx(3).med(DRUGS.rituximab, { status: 'active', doseMg: 700 })).ids).not.toContain('TTP-RTX-MISSING');
  });

  test('not confirmed (TTP NOS, no ADAMTS13 < 10%): silent; ADAMTS13 8% confirms', () => {
    const nos = () =>
      noRtx(3)
        .without((r) => r.resourceType === 'Condition')
        .condition('78129009');
    expect(run(nos().without((r) => JSON.stringify(r).includes('53622-7'))).ids).not.toContain('TTP-RTX-MISSING');
    expect(run(nos()).ids).toContain('TTP-RTX-MISSING');
  });

  test('rituximab 3 months ago (earlier episode) still fires, and the card says when', () => {
    const s = noRtx(3).give(DRUGS.rituximab, day(-90, '12:00'), 700);
    expect(cardFor(run(s), 'TTP-RTX-MISSING').detail).toContain('Rituximab was given on 2025-12-01');
  });

  test('refractory (D3a) gives the escalated wording', () => {
    expect(cardFor(run(noRtx(5)), 'TTP-RTX-MISSING').summary).toMatch(/^Refractory iTTP without rituximab/);
  });
});

ruleContract('TTP-RTX-MISSING', { hook: 'patient-view', build: () => nonResponder(5, { skip: ['rtx'] }), indicator: 'warning' });
