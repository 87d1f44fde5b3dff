/** TTP-RTX-DOSE: Rituximab dose outside iTTP regimens. When it fires, at which indicator, and when it stays silent. */
import { DRUGS, day } from '../fixtures/builder';
import { cardFor, run } from '../helpers';
import { stableD3, plateletOrder, caplaDraft, rtxDraft, expectValidSuggestions } from '../fixtures/records';
import { ruleContract } from './contract';

describe('TTP-RTX-DOSE (BSA 1.8 m2: height 180 cm, weight 64.8 kg)', () => {
  const withBsa = () =>
    stableD3()
      .without((r) => JSON.stringify(r).includes('121191'))
      .vitals(180, 64.8, day(1, '07:00'));
  test.each([
    [675, undefined],
    [100, undefined],
    [1000, 'warning'],
    [742, undefined],
    [608, undefined],
    [743, 'warning'],
    [607, 'warning'],
    [110, undefined],
    [111, 'warning'],
  ])('20: %s mg -> %s', (dose, expected) => {
    const s = withBsa();
    rtxDraft(s, dose);
    const o = run(s, 'order-select');
    expect(o.byRule['TTP-RTX-DOSE']).toBe(expected);
    expectValidSuggestions(o);
  });
  test('20: 1000 mg gets the computed 680 mg dose only: 100 mg is no fix for it', () => {
    const s = withBsa();
    rtxDraft(s, 1000);
    const card = cardFor(run(s, 'order-select'), 'TTP-RTX-DOSE');
    expect(card.summary).toBe('Rituximab dose 1000 mg does not match 375 mg/m² (680 mg) or 100 mg weekly iTTP regimens. Please verify.');
    expect(card.suggestions?.map((x) => x.label)).toEqual(['Change dose to 680 mg (375 mg/m² x 1.8 m²)']);
    expect(card.selectionBehavior).toBe('at-most-one');
  });

  test('under 200 mg the 100 mg regimen is offered too; at 200 mg it is not', () => {
    const labels = (mg: number) => {
      const s = withBsa();
      rtxDraft(s, mg);
      return cardFor(run(s, 'order-select'), 'TTP-RTX-DOSE').suggestions?.map((x) => x.label);
    };
    expect(labels(199)).toEqual(['Change dose to 680 mg (375 mg/m² x 1.8 m²)', 'Change dose to 100 mg']);
    expect(labels(200)).toEqual(['Change dose to 680 mg (375 mg/m² x 1.8 m²)']);
  });

  test('without HBsAg and anti-HBc in 12 months the card says so; with both it does not', () => {
    const s = withBsa();
    rtxDraft(s, 1000);
    expect(cardFor(run(s, 'order-select'), 'TTP-RTX-DOSE').detail).toContain('No HBV serology on record: no HBsAg and Anti-HBc result');
    s.lab('a13', 0, day(0), { code: { coding: [{ system: 'http://loinc.org', code: '5196-1' }] }, valueString: 'negative' });
    expect(cardFor(run(s, 'order-select'), 'TTP-RTX-DOSE').detail).toContain('no Anti-HBc result');
    s.lab('a13', 0, day(0), { code: { coding: [{ system: 'http://loinc.org', code: '16933-4' }] }, valueString: 'negative' });
    expect(cardFor(run(s, 'order-select'), 'TTP-RTX-DOSE').detail).not.toContain('No HBV serology');
  });

  test('20: no height or weight gives info saying BSA cannot be computed', () => {
    const s = stableD3().without((r) => JSON.stringify(r).includes('121191'));
    rtxDraft(s, 675);
    const o = run(s, 'order-select');
    expect(o.byRule['TTP-RTX-DOSE']).toBe('info');
    expect(cardFor(o, 'TTP-RTX-DOSE').summary).toContain('BSA cannot be computed (no height, no weight)');
  });

  test('a weight older than 30 days does not count', () => {
    const s = stableD3()
      .without((r) => JSON.stringify(r).includes('121191'))
      .vitals(180, undefined, day(1))
      .vitals(undefined, 64.8, day(-40));
    rtxDraft(s, 675);
    expect(cardFor(run(s, 'order-select'), 'TTP-RTX-DOSE').summary).toContain('no weight');
  });

  test('375 mg/m2 written per BSA is accepted; 500 mg/m2 is not', () => {
    const s = withBsa();
    rtxDraft(s, 375, { doseUnit: 'mg/m2' });
    expect(run(s, 'order-select').ids).toEqual([]);
    const s2 = withBsa();
    rtxDraft(s2, 500, { doseUnit: 'mg/m2' });
    expect(run(s2, 'order-select').byRule['TTP-RTX-DOSE']).toBe('warning');
  });

  test('more than 4 weekly doses, or doses less than 7 days apart, are info', () => {
    const s = withBsa();
    rtxDraft(s, 675, { count: 8 });
    expect(cardFor(run(s, 'order-select'), 'TTP-RTX-DOSE').summary).toContain('8 weekly doses');
    const s2 = withBsa();
    rtxDraft(s2, 675, { period: 3, periodUnit: 'd' });
    expect(cardFor(run(s2, 'order-select'), 'TTP-RTX-DOSE').summary).toContain('3 days apart');
  });

  test('both sides: 4 weekly doses and 7 days apart are the regimen; 5 doses or 6 days are info; one dose has no interval', () => {
    const ids = (opts: Parameters<typeof rtxDraft>[2]) => {
      const s = withBsa();
      rtxDraft(s, 675, opts);
      return run(s, 'order-select').byRule['TTP-RTX-DOSE'];
    };
    expect(ids({ count: 4 })).toBeUndefined();
    expect(ids({ count: 5 })).toBe('info');
    expect(ids({ period: 7, periodUnit: 'd' })).toBeUndefined();
    expect(ids({ period: 6, periodUnit: 'd' })).toBe('info');
    expect(ids({ period: 1, periodUnit: 'wk' })).toBeUndefined();
    expect(ids({ count: 1, period: 3, periodUnit: 'd' })).toBeUndefined();
  });

  test('several problems on one order: one card at the highest indicator, the others named under it', () => {
    const s = withBsa();
    rtxDraft(s, 1000, { count: 8, period: 3, periodUnit: 'd' });
    const o = run(s, 'order-select');
    expect(o.cards.filter((c) => c.source.topic.code === 'TTP-RTX-DOSE')).toHaveLength(1);
    const card = cardFor(o, 'TTP-RTX-DOSE');
    expect(card.indicator).toBe('warning');
    expect(card.summary).toContain('1000 mg');
    expect(card.detail).toContain('Also: 8 weekly doses planned (usual course 4).');
    expect(card.detail).toContain('Also: doses 3 days apart (weekly expected).');
    // Two info problems: the first found leads, the other is named under it.
    const s2 = withBsa();
    rtxDraft(s2, 675, { count: 8, period: 3, periodUnit: 'd' });
    const info = cardFor(run(s2, 'order-select'), 'TTP-RTX-DOSE');
    expect(info.indicator).toBe('info');
    expect(info.summary).toContain('8 weekly doses');
    expect(info.detail).toContain('Also: doses 3 days apart (weekly expected).');
  });

  test('a missing dose says nothing', () => {
    const s = withBsa();
    rtxDraft(s, undefined);
    expect(run(s, 'order-select').ids).toEqual([]);
  });

  test('several drafts at once: one card per problem order', () => {
    const s = withBsa();
    rtxDraft(s, 1000);
    plateletOrder(s);
    caplaDraft(s, { route: 'iv', count: 1, perDay: undefined });
    const o = run(s, 'order-sign');
    expect(o.ids.sort()).toEqual(['TTP-CAPLA-ORDER', 'TTP-PLT-TXN', 'TTP-RTX-DOSE']);
    expectValidSuggestions(o);
  });
});

describe('TTP-RTX-DOSE, knowledge base version 3', () => {
  const withBsa = () =>
    stableD3()
      .without((r) => JSON.stringify(r).includes('121191'))
      .vitals(180, 64.8, day(1, '07:00'));
  const withText = (s: ReturnType<typeof withBsa>, mg: number, text: string) => {
    const r = rtxDraft(s, mg, { id: 'rtx-draft' });
    (r.dosageInstruction as Record<string, unknown>[])[0]!.text = text;
    return s;
  };

  test('34: the dose fix rewrites the text too: "1000 mg IV once weekly" becomes "680 mg IV once weekly", never two doses', () => {
    const card = cardFor(run(withText(withBsa(), 1000, '1000 mg IV once weekly for 4 doses, after TPE'), 'order-select'), 'TTP-RTX-DOSE');
    const fixed = card.suggestions![0]!.actions![0]!.resource as {
      dosageInstruction: { text: string; doseAndRate: { doseQuantity: { value: number } }[] }[];
    };
    expect(fixed.dosageInstruction[0]!.text).toBe('680 mg IV once weekly for 4 doses, after TPE');
    expect(fixed.dosageInstruction[0]!.doseAndRate[0]!.doseQuantity.value).toBe(680);
    // A dose written per m2 in the text is rewritten as well; a text without a dose is kept as it is.
    const perM2 = cardFor(run(withText(withBsa(), 1500, '1500 mg (about 830 mg/m2) IV weekly'), 'order-select'), 'TTP-RTX-DOSE');
    expect((perM2.suggestions![0]!.actions![0]!.resource as typeof fixed).dosageInstruction[0]!.text).toBe(
      '680 mg (about 680 mg) IV weekly',
    );
    const plain = cardFor(run(withText(withBsa(), 1000, 'IV weekly after plasma exchange'), 'order-select'), 'TTP-RTX-DOSE');
    expect((plain.suggestions![0]!.actions![0]!.resource as typeof fixed).dosageInstruction[0]!.text).toBe(
      'IV weekly after plasma exchange',
    );
  });

  test('29: a documented rituximab allergy removes the one-click dose fix and says why', () => {
    const s = withBsa().allergy(DRUGS.rituximab);
    rtxDraft(s, 1000, { id: 'rtx-draft' });
    const card = cardFor(run(s, 'order-select'), 'TTP-RTX-DOSE');
    expect(card.indicator).toBe('warning');
    expect(card.suggestions).toBeUndefined();
    expect(card.detail).toContain('Documented rituximab allergy');
  });

  test('33: in pregnancy the card adds the rituximab caution', () => {
    const s = withBsa().condition('77386006', { onset: day(-60) });
    rtxDraft(s, 1000, { id: 'rtx-draft' });
    expect(cardFor(run(s, 'order-select'), 'TTP-RTX-DOSE').detail).toContain('Pregnancy: rituximab crosses the placenta');
    const t = withBsa();
    rtxDraft(t, 1000, { id: 'rtx-draft' });
    expect(cardFor(run(t, 'order-select'), 'TTP-RTX-DOSE').detail).not.toContain('Pregnancy');
  });
});

ruleContract('TTP-RTX-DOSE', {
  hook: 'order-select',
  build: () => {
    const s = stableD3().vitals(180, 64.8);
    rtxDraft(s, 1000);
    return s;
  },
  indicator: 'warning',
});
