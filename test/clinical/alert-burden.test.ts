/**
 * G7 alert burden, on whole answers: how many cards a clinician sees in the typical situations, at
 * most one card that recommends caplacizumab, and the info findings ADAMTS13-INHIB, SMEAR-MISSING and
 * MP-PULSE folded into the highest card when a warning or critical card fires.
 */
import { DRUGS, dailyHb, day, ittpDefaults, recoveredAfterTpe } from '../fixtures/builder';
import { nonResponder } from '../fixtures/records';
import { cardFor, run, type Outcome } from '../helpers';

const PLT8 = [12, 14, 15, 18, 16, 15, 17, 16];
const LDH8 = [1400, 1380, 1350, 1320, 1300, 1290, 1280, 1270];
const shown = (o: Outcome) => o.cards.map((c) => `${c.source.topic.code}:${c.indicator}`);
const recommendsCaplacizumab = (o: Outcome) =>
  o.cards.filter((c) => (c.suggestions ?? []).some((sg) => JSON.stringify(sg).toLowerCase().includes('caplacizumab')));

describe('G7 alert burden (whole answers)', () => {
  test('a day-5 non-responder on TPE, steroids and rituximab: 2 cards, one caplacizumab recommendation, the other card points to it', () => {
    const o = run(nonResponder(5));
    expect(shown(o)).toEqual(['TTP-CAPLA-DAY5:critical', 'TTP-REFRACTORY-2L:warning']);
    expect(recommendsCaplacizumab(o).map((c) => c.source.topic.code)).toEqual(['TTP-CAPLA-DAY5']);
    expect(cardFor(o, 'TTP-REFRACTORY-2L').detail).toContain('Caplacizumab: see the TTP-CAPLA-DAY5 card.');
    expect(cardFor(o, 'TTP-REFRACTORY-2L').detail).not.toContain('Add caplacizumab first');
  });

  test('without CAPLA-DAY5 in the answer, REFRACTORY-2L itself says to add caplacizumab', () => {
    // A current bleed does not silence CAPLA-DAY5 (it becomes a warning); an active but never-given order does.
    const s = nonResponder(5).med(DRUGS.caplacizumab, { doseMg: 11, route: 'sc', perDay: 1, authoredOn: day(5, '16:00') });
    const o = run(s);
    expect(shown(o)).toEqual(['TTP-REFRACTORY-2L:warning']);
    expect(cardFor(o, 'TTP-REFRACTORY-2L').detail).toContain('Caplacizumab is already ordered or given this episode.');
  });

  test('info findings are folded into the critical card: ADAMTS13-INHIB and MP-PULSE become notes, not cards', () => {
    // Prednisone only (no pulse), no inhibitor test: both would be info cards on their own.
    const s = dailyHb(
      ittpDefaults(5, { skip: ['inhibitor', 'steroids'] })
        .series('plt', PLT8.slice(0, 5))
        .series('ldh', LDH8.slice(0, 5)),
      1,
      5,
    );
    s.med(DRUGS.prednisone, {
      doseMg: 70,
      route: 'po',
      perDay: 1,
      start: day(1, '08:00'),
      givenAt: [1, 2, 3, 4, 5].map((d) => day(d, '08:00')),
    });
    const o = run(s);
    expect(shown(o)).toEqual(['TTP-CAPLA-DAY5:critical', 'TTP-REFRACTORY-2L:warning']);
    expect(o.folded).toEqual({ 'TTP-ADAMTS13-INHIB': 'TTP-CAPLA-DAY5', 'TTP-MP-PULSE': 'TTP-CAPLA-DAY5' });
    const detail = cardFor(o, 'TTP-CAPLA-DAY5').detail!;
    expect(detail).toContain('Also (TTP-ADAMTS13-INHIB): ADAMTS13 &lt;10% without inhibitor');
    expect(detail).toContain('Also (TTP-MP-PULSE):');
  });

  test('with only info findings nothing is folded: each stays its own card', () => {
    // Day 2 (too early for any escalation), ADAMTS13 4% but no inhibitor test: the info card stands.
    const s = dailyHb(
      ittpDefaults(2, { skip: ['inhibitor'] })
        .series('plt', [12, 20])
        .series('ldh', [1400, 1200]),
      1,
      2,
    );
    const o = run(s);
    expect(shown(o)).toEqual(['TTP-ADAMTS13-INHIB:info']);
    expect(o.folded).toEqual({});
  });

  test('an untreated patient on day 5 with a lab gap: 4 warnings (each a missing first-line item), no caplacizumab call on stale labs', () => {
    const s = ittpDefaults(5, { skip: ['rtx', 'steroids', 'a13', 'inhibitor', 'smear'] })
      .series('plt', [12, 14, 15])
      .series('ldh', [1400, 1380, 1350]);
    const o = run(dailyHb(s, 1, 3));
    expect(shown(o).sort()).toEqual(
      ['TTP-ADAMTS13-MISSING:warning', 'TTP-MON-DAILY:warning', 'TTP-RTX-MISSING:warning', 'TTP-STEROID-MISSING:warning'].sort(),
    );
    expect(recommendsCaplacizumab(o)).toEqual([]);
    expect(cardFor(o, 'TTP-MON-DAILY').detail).toContain('cannot be assessed without current platelets and LDH');
  });

  test('refractory on caplacizumab, TPE, steroids and rituximab: one warning each view; info once a second-line agent was just started', () => {
    const s = dailyHb(ittpDefaults(8).series('plt', PLT8).series('ldh', LDH8), 1, 8);
    s.med(DRUGS.caplacizumab, {
      doseMg: 11,
      route: 'sc',
      perDay: 1,
      start: day(2, '12:00'),
      givenAt: [2, 3, 4, 5, 6, 7, 8].map((d) => day(d, '12:00')),
    });
    expect(shown(run(s))).toEqual(['TTP-REFRACTORY-2L:warning']);
    s.med(DRUGS.cyclophosphamide, { doseMg: 1000, route: 'iv', perDay: 1, start: day(7, '12:00'), givenAt: [day(7, '12:00')] });
    expect(shown(run(s))).toEqual(['TTP-REFRACTORY-2L:info']);
  });

  test('a responder gets nothing above info: no card on TPE, none on caplacizumab after TPE', () => {
    expect(shown(run(recoveredAfterTpe(10)))).toEqual([]);
    const r = recoveredAfterTpe(10);
    r.med(DRUGS.caplacizumab, {
      doseMg: 11,
      route: 'sc',
      perDay: 1,
      start: day(2, '12:00'),
      givenAt: [2, 3, 4, 5, 6, 7, 8, 9, 10].map((d) => day(d, '12:00')),
    });
    expect(shown(run(r))).toEqual([]);
  });

  test('cards come most urgent first', () => {
    const o = run(nonResponder(5).lab('a13', 46, day(3, '14:00'), { id: 'in-tpe' }));
    const rank = { critical: 3, warning: 2, info: 1 } as const;
    const ranks = o.cards.map((c) => rank[c.indicator]);
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
  });
});
