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

describe('TTP-STEROID-MISSING, knowledge base version 3', () => {
  const noSteroid = () => nonResponder(2, { skip: ['steroids'] });
  test('30: a corticosteroid recorded as given elsewhere is an info to reconcile, with no draft; an intended one counts too', () => {
    const o = run(noSteroid().statement(DRUGS.prednisone, { start: day(0, '08:00'), source: 'Emergency department, other hospital' }));
    expect(o.byRule['TTP-STEROID-MISSING']).toBe('info');
    expect(cardFor(o, 'TTP-STEROID-MISSING').suggestions).toBeUndefined();
    expect(cardFor(o, 'TTP-STEROID-MISSING').detail).toContain(
      'recorded as given elsewhere (Emergency department, other hospital, 2026-03-01',
    );
    expect(run(noSteroid().statement(DRUGS.prednisone, { status: 'intended', start: day(1) })).byRule['TTP-STEROID-MISSING']).toBe('info');
    expect(run(noSteroid().statement(DRUGS.prednisone, { status: 'not-taken', start: day(1) })).byRule['TTP-STEROID-MISSING']).toBe(
      'warning',
    );
  });

  test('29: a corticosteroid allergy keeps the warning and removes the methylprednisolone draft', () => {
    const o = run(noSteroid().allergy(DRUGS.methylprednisolone));
    expect(o.byRule['TTP-STEROID-MISSING']).toBe('warning');
    const card = cardFor(o, 'TTP-STEROID-MISSING');
    expect(card.suggestions).toBeUndefined();
    expect(card.summary).toBe(
      'iTTP on TPE day 2 without corticosteroids; a corticosteroid allergy is documented. Decide the steroid with hematology now.',
    );
    expect(card.detail).toContain('Documented methylprednisolone allergy');
    // An allergy to prednisone (a corticosteroid, not methylprednisolone) removes the corticosteroid draft too.
    expect(cardFor(run(noSteroid().allergy(DRUGS.prednisone)), 'TTP-STEROID-MISSING').detail).toContain(
      'Documented corticosteroid allergy',
    );
  });
});

ruleContract('TTP-STEROID-MISSING', { hook: 'patient-view', build: () => nonResponder(3, { skip: ['steroids'] }), indicator: 'warning' });
