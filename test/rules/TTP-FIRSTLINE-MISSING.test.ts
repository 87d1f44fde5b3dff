/** TTP-FIRSTLINE-MISSING: acute iTTP without TPE and corticosteroids. When it fires, at which indicator, and when it stays silent. */
import { DRUGS, Scenario, day } from '../fixtures/builder';
import { cardFor, run } from '../helpers';
import { ruleContract } from './contract';

/** Acute iTTP diagnosed `hours` before now (PE day 1 at 18:00 in builder time), platelets 15, nothing started. */
const acute = (hours: number) => {
  const s = new Scenario(1).patient();
  const onset = new Date(Date.parse(s.now) - hours * 3_600_000).toISOString();
  return s.condition('439007008', { onset }).lab('plt', 15, onset).lab('ldh', 1400, onset);
};

describe('TTP-FIRSTLINE-MISSING', () => {
  test('12 h after the diagnosis with neither TPE nor corticosteroids: a warning with one draft for both; 11 h: silent', () => {
    const o = run(acute(20));
    expect(o.byRule['TTP-FIRSTLINE-MISSING']).toBe('warning');
    const card = cardFor(o, 'TTP-FIRSTLINE-MISSING');
    expect(card.summary).toBe(
      'Acute iTTP without TPE and corticosteroids recorded 20 h after diagnosis. TPE plus steroids is a strong ISTH recommendation.',
    );
    expect(card.suggestions!.map((x) => x.label)).toEqual(['Order daily TPE and methylprednisolone 1 g IV daily x3']);
    expect(card.suggestions![0]!.actions!.map((a) => a.resource!.resourceType)).toEqual(['ServiceRequest', 'MedicationRequest']);
    expect(run(acute(12)).ids).toContain('TTP-FIRSTLINE-MISSING');
    expect(run(acute(11)).ids).not.toContain('TTP-FIRSTLINE-MISSING');
  });

  test('names what is missing: TPE ordered but no steroid; a steroid but no TPE', () => {
    const tpeOrdered = acute(20).tpeOrder('active', { authored: day(1, '00:00') });
    expect(cardFor(run(tpeOrdered), 'TTP-FIRSTLINE-MISSING').summary).toContain('without corticosteroids recorded');
    const steroid = acute(20).med(DRUGS.methylprednisolone, { doseMg: 1000, route: 'iv', perDay: 1, count: 3, start: day(1, '06:00') });
    const card = cardFor(run(steroid), 'TTP-FIRSTLINE-MISSING');
    expect(card.summary).toContain('without TPE recorded');
    expect(card.suggestions!.map((x) => x.label)).toEqual(['Order daily therapeutic plasma exchange']);
    expect(run(steroid.tpeOrder('active', { authored: day(1, '00:00') })).ids).not.toContain('TTP-FIRSTLINE-MISSING');
  });

  test("a steroid order left active since months ago is not this episode's treatment: both are missing, and the card says why", () => {
    const card = cardFor(
      run(acute(20).med(DRUGS.prednisone, { id: 'old-pred', doseMg: 10, authoredOn: day(-150) })),
      'TTP-FIRSTLINE-MISSING',
    );
    expect(card.summary).toContain('without TPE and corticosteroids recorded');
    expect(card.detail).toContain('MedicationRequest/old-pred (A corticosteroid) is still active but was ordered');
  });

  test('once TPE has begun it stays silent (TTP-STEROID-MISSING takes over on PE day 2): never both', () => {
    const s = acute(30).tpe(day(1, '10:00'));
    expect(run(s).ids).not.toContain('TTP-FIRSTLINE-MISSING');
    const day2 = acute(50).tpe(day(0, '10:00')).tpe(day(1, '10:00'));
    const o = run(day2);
    expect(o.ids).toContain('TTP-STEROID-MISSING');
    expect(o.ids).not.toContain('TTP-FIRSTLINE-MISSING');
  });

  test('a diagnosis older than 7 days is not acute; a pre-treatment ADAMTS13 < 10% dates it when the Condition has no date', () => {
    expect(run(acute(24 * 7 + 1)).ids).not.toContain('TTP-FIRSTLINE-MISSING');
    const s = new Scenario(1).patient().condition('439007008').lab('a13', 4, day(1, '02:00'));
    delete (s.resources.find((r) => r.resourceType === 'Condition') as Record<string, unknown>).onsetDateTime;
    expect(cardFor(run(s), 'TTP-FIRSTLINE-MISSING').summary).toContain('16 h after diagnosis');
  });
});

describe('TTP-FIRSTLINE-MISSING, knowledge base version 3', () => {
  test('37: with TPE ordered but not started the card says so and never "Start TPE"; the draft is the steroid only', () => {
    const o = run(
      acute(20).tpeOrder('active', { authored: new Date(Date.parse(acute(20).now) - 10 * 3_600_000).toISOString(), id: 'tpe-order' }),
    );
    const card = cardFor(o, 'TTP-FIRSTLINE-MISSING');
    expect(card.summary).toBe(
      'Acute iTTP without corticosteroids recorded 20 h after diagnosis. TPE plus steroids is a strong ISTH recommendation.',
    );
    expect(card.detail).toContain('TPE ordered (ServiceRequest/tpe-order), not yet started; no corticosteroid ordered or given');
    expect(card.detail).not.toContain('Start TPE');
    expect(card.suggestions!.map((x) => x.label)).toEqual(['Order methylprednisolone 1 g IV daily x3']);
    // With neither, it asks for both; with the steroid but no TPE, for TPE only.
    expect(cardFor(run(acute(20)), 'TTP-FIRSTLINE-MISSING').detail).toContain(
      'no TPE session and no active TPE order; no corticosteroid ordered or given',
    );
    const steroid = acute(20).med(DRUGS.methylprednisolone, {
      doseMg: 1000,
      authoredOn: new Date(Date.parse(acute(20).now) - 3_600_000).toISOString(),
    });
    const t = cardFor(run(steroid), 'TTP-FIRSTLINE-MISSING');
    expect(t.detail).toContain('Start TPE, or arrange transfer');
    expect(t.detail).not.toContain('methylprednisolone 1 g');
  });

  test('30: a corticosteroid recorded as given elsewhere is not missing: with TPE ordered an info, with no TPE the TPE warning', () => {
    const onset = (s: Scenario) => new Date(Date.parse(s.now) - 10 * 3_600_000).toISOString();
    const ordered = acute(20);
    ordered
      .tpeOrder('active', { authored: onset(ordered) })
      .statement(DRUGS.methylprednisolone, { start: onset(ordered), source: 'Referring hospital' });
    const o = run(ordered);
    expect(o.byRule['TTP-FIRSTLINE-MISSING']).toBe('info');
    expect(cardFor(o, 'TTP-FIRSTLINE-MISSING').suggestions).toBeUndefined();
    const noTpe = acute(20);
    noTpe.statement(DRUGS.methylprednisolone, { start: onset(noTpe) });
    const w = run(noTpe);
    expect(w.byRule['TTP-FIRSTLINE-MISSING']).toBe('warning');
    expect(cardFor(w, 'TTP-FIRSTLINE-MISSING').summary).toContain('without TPE recorded');
    expect(cardFor(w, 'TTP-FIRSTLINE-MISSING').detail).toContain('recorded as given elsewhere');
  });
});

ruleContract('TTP-FIRSTLINE-MISSING', {
  hook: 'patient-view',
  build: () => acute(20).lab('a13', 4, new Date(Date.parse(day(1, '18:00')) - 21 * 3_600_000).toISOString()),
  indicator: 'warning',
});
