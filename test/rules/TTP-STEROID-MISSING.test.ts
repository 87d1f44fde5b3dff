/** TTP-STEROID-MISSING: iTTP on TPE without corticosteroids. When it fires, at which indicator, and when it stays silent. */
import { DRUGS, day } from '../fixtures/builder';
import { cardFor, run } from '../helpers';
import { nonResponder } from '../fixtures/records';
import { ruleContract } from './contract';

describe('TTP-STEROID-MISSING', () => {
  const noSteroid = (d: number) => nonResponder(d, { skip: ['steroids'] });
  test('silent on PE day 1, fires on day 2', () => {
    expect(run(noSteroid(1)).ids).not.toContain('TTP-STEROID-MISSING');
    expect(run(noSteroid(2)).ids).toContain('TTP-STEROID-MISSING');
  });

  test('an entered-in-error steroid order does not count; dexamethasone by text does', () => {
    expect(run(noSteroid(2).med(DRUGS.prednisone, { status: 'entered-in-error' })).ids).toContain('TTP-STEROID-MISSING');
    expect(run(noSteroid(2).med({ text: 'Dexamethasone 40 mg PO' }, { doseMg: 40 })).ids).not.toContain('TTP-STEROID-MISSING');
  });

  test('a steroid order left active since an earlier episode does not count (G4); one authored for this episode does', () => {
    const stale = run(noSteroid(2).med(DRUGS.prednisone, { id: 'old-pred', doseMg: 60, authoredOn: day(-100) }));
    expect(stale.byRule['TTP-STEROID-MISSING']).toBe('warning');
    expect(cardFor(stale, 'TTP-STEROID-MISSING').detail).toContain(
      'MedicationRequest/old-pred (A corticosteroid) is still active but was ordered',
    );
    expect(run(noSteroid(2).med(DRUGS.prednisone, { doseMg: 60, authoredOn: day(-3) })).ids).not.toContain('TTP-STEROID-MISSING');
  });
});

ruleContract('TTP-STEROID-MISSING', { hook: 'patient-view', build: () => nonResponder(3, { skip: ['steroids'] }), indicator: 'warning' });
