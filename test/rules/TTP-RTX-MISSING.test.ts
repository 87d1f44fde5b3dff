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

  test('rituximab within 6 months (earlier episode) is info: B cells may still be depleted', () => {
    const o = run(noRtx(3).give(DRUGS.rituximab, day(-90, '12:00'), 700));
    expect(o.byRule['TTP-RTX-MISSING']).toBe('info');
    expect(cardFor(o, 'TTP-RTX-MISSING').summary).toBe(
      'Confirmed iTTP, no rituximab this episode; rituximab was given 2025-12-01: B cells may still be depleted.',
    );
    expect(cardFor(o, 'TTP-RTX-MISSING').detail).toContain('Consider a CD19 count');
    // 183 days is no longer recent: the warning again.
    expect(run(noRtx(3).give(DRUGS.rituximab, day(-182, '12:00'), 700)).byRule['TTP-RTX-MISSING']).toBe('warning');
  });

  test('the detail and the draft order ask for HBV screening first', () => {
    const card = cardFor(run(noRtx(3)), 'TTP-RTX-MISSING');
    expect(card.detail).toContain('Check HBsAg and anti-HBc before the first dose');
    expect(JSON.stringify(card.suggestions![0]!.actions![0]!.resource)).toContain('Check HBsAg and anti-HBc before the first dose');
  });

  test('a completed rituximab order 8 months old, stamped today by its server, is history', () => {
    const s = noRtx(3).med(DRUGS.rituximab, { status: 'completed', doseMg: 700, authoredOn: day(-240), lastUpdated: day(3, '08:00') });
    expect(run(s).byRule['TTP-RTX-MISSING']).toBe('warning');
  });

  test('an order left active since an earlier episode is history (G4): it fires and names the order', () => {
    const s = noRtx(3).med(DRUGS.rituximab, { id: 'old-rtx', doseMg: 700, authoredOn: day(-240) });
    const card = cardFor(run(s), 'TTP-RTX-MISSING');
    expect(card.indicator).toBe('warning');
    expect(card.detail).toMatch(
      /MedicationRequest\/old-rtx \(Rituximab\) is still active but was ordered 2025-07-0\d, before this episode/,
    );
  });

  test('both sides of the window: authored 7 days before PE day 1 counts, a day earlier does not', () => {
    // The first session is day 1 at 10:00: the window opens on day -6 at 10:00.
    expect(run(noRtx(3).med(DRUGS.rituximab, { doseMg: 700, authoredOn: day(-6, '10:00') })).ids).not.toContain('TTP-RTX-MISSING');
    expect(run(noRtx(3).med(DRUGS.rituximab, { doseMg: 700, authoredOn: day(-6, '09:59') })).byRule['TTP-RTX-MISSING']).toBe('warning');
  });

  test('an older order whose planned therapy reaches into the episode counts; one that ended before it does not', () => {
    const planned = (end: string) => noRtx(3).med(DRUGS.rituximab, { doseMg: 700, authoredOn: day(-40), start: day(-40), end });
    expect(run(planned(day(20))).ids).not.toContain('TTP-RTX-MISSING');
    expect(run(planned(day(-10))).byRule['TTP-RTX-MISSING']).toBe('warning');
  });

  test('an active order with no date at all cannot be placed: it counts', () => {
    const s = noRtx(3).med(DRUGS.rituximab, { id: 'undated', doseMg: 700 });
    delete (s.resources.find((r) => r.id === 'undated') as Record<string, unknown>).authoredOn;
    expect(run(s).ids).not.toContain('TTP-RTX-MISSING');
  });

  test('refractory (D3a) gives the escalated wording', () => {
    expect(cardFor(run(noRtx(5)), 'TTP-RTX-MISSING').summary).toMatch(/^Refractory iTTP without rituximab/);
  });
});

describe('TTP-RTX-MISSING, knowledge base version 3', () => {
  const noRtx = () => nonResponder(3, { skip: ['rtx'] });
  test('30: rituximab recorded as given elsewhere is an info to reconcile, with no order; a not-taken statement changes nothing', () => {
    const o = run(
      noRtx().statement(DRUGS.rituximab, {
        status: 'completed',
        start: day(0, '10:00'),
        end: day(0, '14:00'),
        source: 'Referring hospital',
      }),
    );
    expect(o.byRule['TTP-RTX-MISSING']).toBe('info');
    const card = cardFor(o, 'TTP-RTX-MISSING');
    expect(card.summary).toBe(
      'Rituximab recorded as given elsewhere (2026-03-01), none ordered here by TPE day 3: reconcile and order here if it continues.',
    );
    expect(card.suggestions).toBeUndefined();
    expect(run(noRtx().statement(DRUGS.rituximab, { status: 'not-taken', start: day(0) })).byRule['TTP-RTX-MISSING']).toBe('warning');
    expect(run(noRtx().med(DRUGS.rituximab, { reported: 'Outside oncologist', authoredOn: day(0) })).byRule['TTP-RTX-MISSING']).toBe(
      'info',
    );
  });

  test('29: a documented rituximab allergy keeps the warning, removes the draft and says why', () => {
    const o = run(noRtx().allergy(DRUGS.rituximab, { reaction: 'Anaphylaxis', criticality: 'high' }));
    expect(o.byRule['TTP-RTX-MISSING']).toBe('warning');
    const card = cardFor(o, 'TTP-RTX-MISSING');
    expect(card.suggestions).toBeUndefined();
    expect(card.summary).toContain('rituximab is contraindicated by a documented allergy');
    expect(card.detail).toContain('Documented rituximab allergy (rituximab, Anaphylaxis, high criticality');
    // An intolerance is named for what it is.
    expect(cardFor(run(noRtx().allergy(DRUGS.rituximab, { type: 'intolerance' })), 'TTP-RTX-MISSING').detail).toContain(
      'Documented rituximab intolerance',
    );
    expect(cardFor(run(noRtx()), 'TTP-RTX-MISSING').suggestions).toHaveLength(1);
  });

  test('33: in pregnancy the card adds the rituximab caution; the indicator stays', () => {
    const o = run(noRtx().condition('77386006', { onset: day(-100) }));
    expect(o.byRule['TTP-RTX-MISSING']).toBe('warning');
    expect(cardFor(o, 'TTP-RTX-MISSING').detail).toContain(
      'Pregnancy: rituximab crosses the placenta (B-cell depletion in the newborn); decide with hematology and obstetrics; contraception for 12 months after the last dose (label).',
    );
    expect(cardFor(run(noRtx()), 'TTP-RTX-MISSING').detail).not.toContain('crosses the placenta');
  });
});

ruleContract('TTP-RTX-MISSING', { hook: 'patient-view', build: () => nonResponder(5, { skip: ['rtx'] }), indicator: 'warning' });
