/**
 * Ordering rules (order-select / order-sign): KB scenarios 7, 8, 16, 17 and 20, then boundaries.
 * Every suggested resource is checked with a real FHIR R4 validator.
 */
import type { AnyResource } from '../../src/fhir/read';
import { DRUGS, Scenario, dailyHb, day, ittpDefaults } from '../fixtures/builder';
import { validateFhir } from '../fhirValidator';
import { cardFor, run, type Outcome } from '../helpers';

const SNOMED = 'http://snomed.info/sct';

function stableD3(): Scenario {
  return dailyHb(ittpDefaults(3).series('plt', [9, 12, 20]).series('ldh', [1400, 1200, 1000]), 1, 3);
}

function plateletOrder(s: Scenario, o: { code?: boolean; text?: string; reason?: string; id?: string; status?: string } = {}): AnyResource {
  const r: AnyResource = {
    resourceType: 'ServiceRequest',
    id: o.id ?? s.id('draft-plt'),
    status: o.status ?? 'draft',
    intent: 'order',
    code: {
      ...(o.code === false ? {} : { coding: [{ system: SNOMED, code: '12719002', display: 'Transfusion of platelets' }] }),
      text: o.text ?? 'Platelet transfusion, 1 adult dose',
    },
    subject: { reference: `Patient/${s.patientId}` },
    ...(o.reason ? { reasonCode: [{ coding: [{ system: SNOMED, code: o.reason }] }] } : {}),
  };
  s.draft(r);
  return r;
}

function caplaDraft(s: Scenario, o: Parameters<Scenario['medicationRequest']>[1] = {}): AnyResource {
  const r = s.medicationRequest(DRUGS.caplacizumab, { status: 'draft', doseMg: 11, route: 'sc', perDay: 1, authoredOn: s.now, ...o });
  s.draft(r);
  return r;
}

function rtxDraft(s: Scenario, doseMg: number | undefined, o: Parameters<Scenario['medicationRequest']>[1] = {}): AnyResource {
  const r = s.medicationRequest(DRUGS.rituximab, {
    status: 'draft',
    doseMg,
    route: 'iv',
    perDay: 1,
    period: 1,
    periodUnit: 'wk',
    count: 4,
    authoredOn: s.now,
    ...o,
  });
  s.draft(r);
  return r;
}

function expectValidSuggestions(o: Outcome): void {
  for (const c of o.cards)
    for (const sug of c.suggestions ?? [])
      for (const a of sug.actions ?? [])
        if (a.resource)
          expect({ card: c.source.topic.code, errors: validateFhir(a.resource) }).toEqual({ card: c.source.topic.code, errors: [] });
}

describe('TTP-PLT-TXN', () => {
  test('7: platelet transfusion without bleeding is a warning with a delete suggestion', () => {
    const s = stableD3();
    const order = plateletOrder(s);
    const o = run(s, 'order-select');
    expect(o.byRule).toEqual({ 'TTP-PLT-TXN': 'warning' });
    const card = cardFor(o, 'TTP-PLT-TXN');
    expect(card.suggestions?.[0]?.actions).toEqual([
      { type: 'delete', description: expect.any(String), resourceId: `ServiceRequest/${order.id}` },
    ]);
    expect(card.overrideReasons?.map((r) => r.code)).toContain('life-threatening-haemorrhage');
    expect(card.detail).toMatch(/Platelets, latest \| 20 10\^9\/L/);
  });

  test('8: an intracranial bleed with onset today downgrades to info, never a warning', () => {
    const s = stableD3().condition('274100004', { onset: day(3, '09:00'), display: 'Cerebral hemorrhage' });
    plateletOrder(s);
    const o = run(s, 'order-select');
    expect(o.byRule['TTP-PLT-TXN']).toBe('info');
    expect(o.cards.filter((c) => c.indicator !== 'info')).toEqual([]);
  });

  test('a bleed older than 72 h does not downgrade', () => {
    const s = stableD3().condition('274100004', { onset: day(-1, '09:00') });
    plateletOrder(s);
    expect(run(s, 'order-select').byRule['TTP-PLT-TXN']).toBe('warning');
  });

  test('a bleeding reason on the order downgrades to info', () => {
    const s = stableD3();
    plateletOrder(s, { reason: '21454007' });
    expect(run(s, 'order-select').byRule['TTP-PLT-TXN']).toBe('info');
  });

  test('a text-only platelet order fires and says it was matched by text', () => {
    const s = stableD3();
    plateletOrder(s, { code: false, text: 'Platelets apheresis unit - transfuse 1' });
    const card = cardFor(run(s, 'order-select'), 'TTP-PLT-TXN');
    expect(card.detail).toContain('recognised by text only');
  });

  test('a site-local platelet product code is recognised', () => {
    const s = stableD3();
    s.draft({
      resourceType: 'ServiceRequest',
      id: 'loc-1',
      status: 'draft',
      intent: 'order',
      code: { coding: [{ system: 'urn:oid:1.2.3.4.5', code: 'PLT-APH' }] },
      subject: { reference: 'Patient/pat-1' },
    });
    expect(run(s, 'order-select').ids).toEqual([]);
    const o = run(s, 'order-select', { site: { localCodes: { 'VS-PLTX': [{ system: 'urn:oid:1.2.3.4.5', code: 'PLT-APH' }] } } });
    expect(o.byRule['TTP-PLT-TXN']).toBe('warning');
    expect(cardFor(o, 'TTP-PLT-TXN').detail).toContain('site-local code');
  });

  test('a cancelled draft is ignored', () => {
    const s = stableD3();
    plateletOrder(s, { status: 'cancelled' });
    expect(run(s, 'order-select').ids).toEqual([]);
  });

  test('order-select judges only the selections; order-sign judges every draft', () => {
    const s = stableD3();
    plateletOrder(s, { id: 'plt-a' });
    const cbc = {
      resourceType: 'ServiceRequest',
      id: 'cbc-1',
      status: 'draft',
      intent: 'order',
      code: { text: 'CBC' },
      subject: { reference: 'Patient/pat-1' },
    };
    s.draft(cbc);
    expect(run(s, 'order-select', { selections: ['ServiceRequest/cbc-1'] }).ids).toEqual([]);
    expect(run(s, 'order-sign').ids).toEqual(['TTP-PLT-TXN']);
  });

  test('no card for a patient without active iTTP', () => {
    const s = new Scenario(3).patient().condition('439007008', { clinicalStatus: 'resolved' });
    plateletOrder(s);
    expect(run(s, 'order-select').ids).toEqual([]);
  });

  test('no card when the only TTP diagnosis is refuted', () => {
    const s = stableD3()
      .without((r) => r.resourceType === 'Condition')
      .condition('439007008', { verificationStatus: 'refuted' });
    plateletOrder(s);
    expect(run(s, 'order-select').ids).toEqual([]);
  });
});

describe('TTP-CAPLA-ORDER', () => {
  test('16: apixaban active makes the bleeding caution a warning', () => {
    const s = stableD3().med(DRUGS.apixaban, { doseMg: 5, route: 'po', perDay: 2, start: day(-30, '08:00') });
    caplaDraft(s, { route: 'iv', count: 1, perDay: undefined });
    const o = run(s, 'order-select');
    expect(o.byRule['TTP-CAPLA-ORDER']).toBe('warning');
    expect(cardFor(o, 'TTP-CAPLA-ORDER').summary).toMatch(/apixaban/i);
  });

  test('16 variant: 11 mg SC q12h gives a dosing problem and a corrected update', () => {
    const s = stableD3().med(DRUGS.caplacizumab, {
      doseMg: 11,
      route: 'sc',
      perDay: 1,
      start: day(1, '09:00'),
      givenAt: [day(1, '12:00'), day(2, '12:00')],
    });
    const d = caplaDraft(s, { route: 'sc', perDay: 2 });
    const o = run(s, 'order-select');
    const card = cardFor(o, 'TTP-CAPLA-ORDER');
    expect(card.indicator).toBe('warning');
    expect(card.summary).toContain('2 doses/day');
    const action = card.suggestions?.[0]?.actions?.[0];
    expect(action?.type).toBe('update');
    expect(action?.resource?.id).toBe(d.id);
    expect((action?.resource as { dosageInstruction: { timing: unknown }[] }).dosageInstruction[0]!.timing).toEqual({
      repeat: { frequency: 1, period: 1, periodUnit: 'd' },
    });
    expectValidSuggestions(o);
  });

  test('16 variant: 10 mg IV first dose has no dose finding (EU labelling)', () => {
    const s = stableD3();
    caplaDraft(s, { doseMg: 10, route: 'iv', count: 1, perDay: undefined });
    const o = run(s, 'order-select');
    expect(o.byRule['TTP-CAPLA-ORDER']).toBe('info');
    expect(cardFor(o, 'TTP-CAPLA-ORDER').suggestions).toBeUndefined();
  });

  test('17: ADAMTS13 35% makes it a warning, and CAPLA-DAY5 stays silent', () => {
    const s = dailyHb(
      ittpDefaults(5, { skip: ['a13', 'inhibitor'] })
        .lab('a13', 35, day(0, '21:00'))
        .series('plt', [12, 14, 15, 18, 16])
        .series('ldh', [1400, 1380, 1350, 1320, 1300]),
      1,
      5,
    );
    caplaDraft(s, { route: 'iv', count: 1, perDay: undefined });
    s.draft({
      resourceType: 'ServiceRequest',
      id: 'tpe-next',
      status: 'draft',
      intent: 'order',
      code: { text: 'Therapeutic plasma exchange' },
      subject: { reference: 'Patient/pat-1' },
    });
    const o = run(s, 'order-select');
    expect(o.byRule['TTP-CAPLA-ORDER']).toBe('warning');
    expect(cardFor(o, 'TTP-CAPLA-ORDER').summary).toContain('ADAMTS13 35%');
    expect(o.ids).not.toContain('TTP-CAPLA-DAY5');
  });

  test('an antithrombotic stopped yesterday does not upgrade, but the card mentions it', () => {
    const s = stableD3().med(DRUGS.apixaban, {
      status: 'stopped',
      doseMg: 5,
      route: 'po',
      perDay: 2,
      start: day(-30, '08:00'),
      end: day(2, '08:00'),
    });
    caplaDraft(s, { route: 'iv', count: 1, perDay: undefined });
    const o = run(s, 'order-select');
    expect(o.byRule['TTP-CAPLA-ORDER']).toBe('info');
    expect(cardFor(o, 'TTP-CAPLA-ORDER').detail).toMatch(/apixaban.*ended 2026-03-03/);
  });

  test('an antithrombotic drafted in the same session upgrades', () => {
    const s = stableD3();
    caplaDraft(s, { route: 'iv', count: 1, perDay: undefined });
    s.draft(s.medicationRequest({ text: 'enoxaparin 40 mg SC daily' }, { status: 'draft', doseMg: 40, route: 'sc', perDay: 1 }));
    expect(run(s, 'order-sign').byRule['TTP-CAPLA-ORDER']).toBe('warning');
  });

  test('a missing dose says nothing about dose (incomplete order at order-select)', () => {
    const s = stableD3();
    caplaDraft(s, { doseMg: undefined, route: undefined, perDay: undefined });
    expect(run(s, 'order-select').byRule['TTP-CAPLA-ORDER']).toBe('info');
  });

  test('a wrong dose (20 mg) is a warning with a corrected 11 mg update', () => {
    const s = stableD3();
    caplaDraft(s, { doseMg: 20, route: 'iv', count: 1, perDay: undefined });
    const o = run(s, 'order-select');
    const card = cardFor(o, 'TTP-CAPLA-ORDER');
    expect(card.summary).toContain('dose 20 mg');
    const dose = (
      card.suggestions?.[0]?.actions?.[0]?.resource as { dosageInstruction: { doseAndRate: { doseQuantity: { value: number } }[] }[] }
    ).dosageInstruction[0]!.doseAndRate[0]!.doseQuantity.value;
    expect(dose).toBe(11);
    expectValidSuggestions(o);
  });

  test('a coagulopathy or severe hepatic impairment on its own upgrades; a resolved one does not', () => {
    const coag = stableD3().condition('', { text: 'Acquired hemophilia A (factor VIII deficiency)' });
    caplaDraft(coag, { route: 'iv', count: 1, perDay: undefined });
    expect(cardFor(run(coag, 'order-select'), 'TTP-CAPLA-ORDER').summary).toContain('coagulopathy');
    const liver = stableD3().condition('', { text: 'Decompensated liver cirrhosis' });
    caplaDraft(liver, { route: 'iv', count: 1, perDay: undefined });
    expect(cardFor(run(liver, 'order-select'), 'TTP-CAPLA-ORDER').summary).toContain('severe hepatic impairment');
    const resolved = stableD3().condition('', { text: 'Acquired hemophilia A', clinicalStatus: 'resolved' });
    caplaDraft(resolved, { route: 'iv', count: 1, perDay: undefined });
    expect(run(resolved, 'order-select').byRule['TTP-CAPLA-ORDER']).toBe('info');
  });

  test('a planned surgery within 7 days upgrades', () => {
    const s = stableD3().serviceRequest('Laparoscopic cholecystectomy', 'active', { occurrence: day(6, '08:00') });
    caplaDraft(s, { route: 'iv', count: 1, perDay: undefined });
    expect(cardFor(run(s, 'order-select'), 'TTP-CAPLA-ORDER').summary).toContain('procedure within 7 d');
  });
});

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

  test('20: the warning suggests the computed 680 mg dose and the flat 100 mg dose', () => {
    const s = withBsa();
    rtxDraft(s, 1000);
    const card = cardFor(run(s, 'order-select'), 'TTP-RTX-DOSE');
    expect(card.summary).toBe('Rituximab dose 1000 mg does not match 375 mg/m² (680 mg) or 100 mg weekly iTTP regimens. Please verify.');
    expect(card.suggestions?.map((x) => x.label)).toEqual(['Change dose to 680 mg (375 mg/m² x 1.8 m²)', 'Change dose to 100 mg']);
    expect(card.selectionBehavior).toBe('at-most-one');
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

describe('order-time parts of CAPLA-DAY5, CAPLA-STOP, CAPLA-DURATION and DARA-LASTLINE', () => {
  const nonResponder = () => dailyHb(ittpDefaults(4).series('plt', [12, 14, 15, 16]).series('ldh', [1400, 1380, 1350, 1320]), 1, 4);
  const tpeDraft = (s: Scenario, when?: string) =>
    s.draft({
      resourceType: 'ServiceRequest',
      id: 'tpe-draft',
      status: 'draft',
      intent: 'order',
      code: { coding: [{ system: SNOMED, code: '127788007' }], text: 'Therapeutic plasma exchange' },
      subject: { reference: 'Patient/pat-1' },
      ...(when ? { occurrenceDateTime: when } : {}),
    });

  test('a draft TPE on PE day 4 without response or caplacizumab fires CAPLA-DAY5', () => {
    const s = nonResponder();
    tpeDraft(s);
    const o = run(s, 'order-select');
    expect(o.byRule['TTP-CAPLA-DAY5']).toBe('warning');
    expect(cardFor(o, 'TTP-CAPLA-DAY5').summary).toBe(
      'Draft TPE for TPE day 4 without response or caplacizumab. Consider adding caplacizumab now.',
    );
    expectValidSuggestions(o);
  });

  test('... but not when caplacizumab is drafted in the same session', () => {
    const s = nonResponder();
    tpeDraft(s);
    caplaDraft(s, { route: 'iv', count: 1, perDay: undefined });
    expect(run(s, 'order-sign').ids).not.toContain('TTP-CAPLA-DAY5');
  });

  test('... and not on PE day 3', () => {
    const s = dailyHb(ittpDefaults(3).series('plt', [12, 14, 15]).series('ldh', [1400, 1380, 1350]), 1, 3);
    tpeDraft(s, day(3, '12:00'));
    expect(run(s, 'order-select').ids).toEqual([]);
  });

  test('a draft that stops caplacizumab while ADAMTS13 is 5% is a CAPLA-STOP warning', () => {
    const s = dailyHb(
      ittpDefaults(20, { tpeThrough: 8, tpeOrderStatus: 'completed' })
        .series('plt', [20, 60, 120, 160, 170, 180, 190, 200])
        .series('ldh', [1400, 700, 400, 300, 280, 260, 250, 240]),
      1,
      8,
    );
    s.med(DRUGS.caplacizumab, { doseMg: 11, route: 'sc', perDay: 1, start: day(1, '09:00'), id: 'capla-1', givenAt: [day(19, '12:00')] });
    s.lab('a13', 5, day(17, '08:00'));
    const stop = { ...s.resources.find((r) => r.id === 'capla-1')!, status: 'stopped' };
    s.drafts.push(stop);
    const o = run(s, 'order-select');
    expect(o.byRule['TTP-CAPLA-STOP']).toBe('warning');
  });

  test('a caplacizumab draft planned beyond last TPE + 58 days is CAPLA-DURATION info', () => {
    const s = dailyHb(
      ittpDefaults(20, { tpeThrough: 8, tpeOrderStatus: 'completed' })
        .series('plt', [20, 60, 120, 160, 170, 180, 190, 200])
        .series('ldh', [1400, 700, 400, 300, 280, 260, 250, 240]),
      1,
      8,
    );
    s.lab('a13', 5, day(17, '08:00'));
    s.med(DRUGS.caplacizumab, {
      doseMg: 11,
      route: 'sc',
      perDay: 1,
      start: day(1, '09:00'),
      end: day(21, '09:00'),
      givenAt: [day(18, '12:00'), day(19, '12:00')],
    });
    caplaDraft(s, { start: day(20, '12:00'), end: day(70, '12:00') });
    const o = run(s, 'order-select');
    expect(o.byRule['TTP-CAPLA-DURATION']).toBe('info');
    expect(o.byRule['TTP-CAPLA-ORDER']).toBe('info');
  });

  test('daratumumab with no second-line agent on record is info; after cyclophosphamide it is silent', () => {
    const s = stableD3();
    s.draft(s.medicationRequest(DRUGS.daratumumab, { status: 'draft', doseMg: 1800, route: 'sc' }));
    expect(run(s, 'order-select').byRule['TTP-DARA-LASTLINE']).toBe('info');
    s.med(DRUGS.cyclophosphamide, { doseMg: 1000, route: 'iv', status: 'completed', start: day(2, '12:00'), givenAt: [day(2, '12:00')] });
    expect(run(s, 'order-select').ids).not.toContain('TTP-DARA-LASTLINE');
  });
});
