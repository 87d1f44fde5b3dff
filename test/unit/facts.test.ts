/** The facts layer: units (UCUM), terminology, labs, episode, drugs, response. */
import { loadContent } from '../../src/content';
import { Units } from '../../src/units';
import { Terminology } from '../../src/terminology';
import { extractLabs } from '../../src/facts/labs';
import { medOrderOf, parseDose } from '../../src/facts/drugs';
import { age, buildFacts } from '../../src/facts';
import { clinicalState } from '../../src/facts/state';
import { DRUGS, Scenario, at, dailyHb, day, ittpDefaults } from '../fixtures/builder';
import type { AnyResource } from '../../src/fhir/read';

const content = loadContent();
const units = new Units(content);
const terminology = new Terminology(content);
const tools = { units, terminology };
/** Results later than this are in the future (G4): far enough that none of these is. */
const FAR = Date.parse('2100-01-01T00:00:00Z');
/** A value converted to the analyte's rule unit, or not understood. */
const convert = (u: Units, analyte: string, value: number, unit: string) => {
  const factor = u.factorFor(analyte, unit);
  return factor === undefined ? { ok: false as const } : { ok: true as const, value: value * factor };
};

describe('units through UCUM', () => {
  test.each([
    ['platelets', 15000, '/uL', 15],
    ['platelets', 150000, '/mm3', 150],
    ['platelets', 16, '10*3/uL', 16],
    ['platelets', 16, '10*9/L', 16],
    ['hemoglobin', 70, 'g/L', 7],
    ['hemoglobin', 5, 'mmol/L', 8.057],
    ['ldh', 20, 'ukat/L', 1200],
    ['ldh', 300, 'U/L', 300],
    ['ldh', 300, '[IU]/L', 300],
    ['creatinine', 88.4, 'umol/L', 1],
    ['adamts13', 5, '%', 5],
    ['adamts13', 5, '[IU]/dL', 5],
    ['adamts13', 0.05, '[IU]/mL', 5],
    ['weight', 154, '[lb_av]', 69.853],
    ['height', 70, '[in_i]', 177.8],
  ])('%s %s %s -> %s', (analyte, value, unit, expected) => {
    const r = convert(units, analyte, value, unit);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value).toBeCloseTo(expected, 2);
  });

  test.each([
    ['platelets', 'thou'],
    ['platelets', 'g/dL'],
    ['ldh', 'mg/dL'],
    ['adamts13', 'ng/mL'],
    ['platelets', ''],
  ])('%s in "%s" is not understood (value unknown)', (analyte, unit) => {
    expect(convert(units, analyte, 12, unit).ok).toBe(false);
  });

  test('the usual platelet spellings are default aliases (KB 4F v2); a site can remove one or add its own', () => {
    for (const unit of ['K/uL', 'K/µL', 'k/uL', 'K/mm3', 'x10E3/uL', '10^3/uL', '10E3/uL', 'thou/uL', 'x10E9/L', '10^9/L'])
      expect(convert(units, 'platelets', 45, unit).ok && convert(units, 'platelets', 45, unit)).toMatchObject({
        value: expect.closeTo(45, 6),
      });
    const removed = new Units(loadContent({ site: { unitAliases: { 'K/uL': null } } }));
    expect(convert(removed, 'platelets', 45, 'K/uL').ok).toBe(false);
    const added = new Units(loadContent({ site: { unitAliases: { 'thou/mm3': '10*3/uL' } } }));
    expect(convert(added, 'platelets', 45, 'thou/mm3')).toMatchObject({ ok: true, value: expect.closeTo(45, 6) });
  });

  test('the usual European spellings too (content 2.0.1): x10^9/L, G/L, Gpt/L, 10³/µL', () => {
    for (const unit of [
      'x10^9/L',
      'x10*9/L',
      '10^9/l',
      'x10^9/l',
      'G/L',
      'Gpt/L',
      'x10^3/uL',
      'x10^3/µL',
      '10³/µL',
      '10³/uL',
      'x10³/µL',
      'K/UL',
      'k/ul',
    ])
      expect({ unit, r: convert(units, 'platelets', 45, unit) }).toEqual({ unit, r: { ok: true, value: expect.closeTo(45, 6) } });
  });

  test("a micro sign or a Greek mu is UCUM's u: µkat/L, μmol/L", () => {
    expect(convert(units, 'ldh', 20, 'µkat/L')).toEqual({ ok: true, value: expect.closeTo(1200, 6) });
    expect(convert(units, 'ldh', 20, '\u03bckat/L')).toEqual({ ok: true, value: expect.closeTo(1200, 6) });
    expect(convert(units, 'creatinine', 88.4, 'µmol/L')).toEqual({ ok: true, value: expect.closeTo(1, 3) });
    // G/L is a platelet spelling only: for haemoglobin it stays grams (UCUM), never giga.
    expect(convert(units, 'hemoglobin', 70, 'g/L')).toEqual({ ok: true, value: expect.closeTo(7, 6) });
    expect(convert(units, 'hemoglobin', 70, 'G/L').ok).toBe(false);
  });

  test('an alias to a unit that is not UCUM of an analyte dimension stops the start-up, naming it', () => {
    expect(() => new Units(loadContent({ site: { unitAliases: { 'K/uL': 'kilo' } } }))).toThrow(/unit alias "K\/uL" -> "kilo" \(site\)/);
  });

  test('a unit named like an object property is a unit like any other (not understood)', () => {
    for (const unit of ['constructor', '__proto__', 'toString']) expect(convert(units, 'adamts13', 5, unit).ok).toBe(false);
  });

  test('doses: g and mg, mg/m2', () => {
    expect(parseDose({ value: 1, unit: 'g', system: 'http://unitsofmeasure.org', code: 'g' })?.mg).toBe(1000);
    expect(parseDose({ value: 375, unit: 'mg/m2' })?.mgPerM2).toBe(375);
    expect(parseDose({ value: 2, unit: 'tablets' })?.mg).toBeUndefined();
  });
});

describe('terminology', () => {
  test('codes win and travel with their system; ICD-10 dots and OIDs are normalised', () => {
    expect(terminology.match('VS-ITTP', { coding: [{ system: 'http://snomed.info/sct', code: '439007008' }] })?.by).toBe('code');
    expect(terminology.match('VS-ITTP', { coding: [{ system: 'urn:oid:2.16.840.1.113883.6.90', code: 'M3119' }] })?.by).toBe('code');
    expect(terminology.match('VS-ITTP', { coding: [{ system: 'http://loinc.org', code: '439007008' }] })).toBeUndefined();
    expect(terminology.match('VS-BLEED', { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'I61.9' }] })?.by).toBe('code');
  });

  test('text fallback is flagged as text', () => {
    expect(terminology.match('VS-CAPLA', { text: 'Cablivi 11 mg' })).toEqual({ by: 'text', what: 'Cablivi 11 mg' });
    expect(terminology.match('VS-A13ACT', { text: 'ADAMTS-13 activity' })?.by).toBe('text');
    expect(terminology.match('VS-A13ACT', { text: 'ADAMTS13 inhibitor' })).toBeUndefined();
    expect(terminology.match('VS-A13INH', { text: 'ADAMTS13 inhibitor' })?.by).toBe('text');
  });

  test('unverified codes are off unless the site enables them; CPT 36514 is verified (v2)', () => {
    const unverified = JSON.parse(JSON.stringify(loadContent().terminology.valueSets['VS-A13INH']!.unverifiedCodes![0]!)) as {
      system: string;
      code: string;
    };
    const coding = {
      coding: [{ system: loadContent().terminology.systems[unverified.system] ?? unverified.system, code: unverified.code }],
    };
    expect(terminology.matchCode('VS-A13INH', coding)).toBeUndefined();
    expect(new Terminology(loadContent({ site: { useUnverifiedCodes: true } })).matchCode('VS-A13INH', coding)?.by).toBe('code');
    expect(terminology.matchCode('VS-TPE', { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '36514' }] })?.by).toBe('code');
  });

  test('"congenital" text alone is not a congenital TTP', () => {
    expect(terminology.matchText('VS-TTP-CONGENITAL', 'congenital heart disease')).toBeUndefined();
    expect(terminology.matchText('VS-TTP-CONGENITAL', 'Congenital TTP (Upshaw-Schulman)')?.by).toBe('text');
  });
});

describe('labs', () => {
  const obs = (extra: Record<string, unknown>): AnyResource => ({
    resourceType: 'Observation',
    id: 'o1',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '777-3' }] },
    effectiveDateTime: day(1),
    ...extra,
  });

  test('entered-in-error and cancelled are ignored; preliminary is measured but not final', () => {
    const labs = extractLabs(
      [
        obs({ valueQuantity: { value: 10, code: '10*9/L' }, status: 'entered-in-error' }),
        obs({ id: 'o2', valueQuantity: { value: 11, code: '10*9/L' }, status: 'preliminary' }),
        obs({ id: 'o3', valueQuantity: { value: 12, code: '10*9/L' }, status: 'cancelled' }),
      ],
      tools,
      FAR,
    );
    const p = labs.get('platelets')!;
    expect(p.final).toEqual([]);
    expect(p.preliminary.map((v) => v.value)).toEqual([11]);
  });

  test('an unknown unit, no value or no time is a problem, never a value', () => {
    const labs = extractLabs(
      [
        obs({ valueQuantity: { value: 12, unit: 'thou' } }),
        obs({ id: 'o2' }),
        obs({ id: 'o3', effectiveDateTime: undefined, valueQuantity: { value: 5, code: '10*9/L' } }),
      ],
      tools,
      FAR,
    );
    const p = labs.get('platelets')!;
    expect(p.final).toEqual([]);
    expect(p.problems.map((x) => x.reason)).toEqual(['unit "thou" not understood', 'no numeric value', 'no effective time']);
  });

  test('effective time is used, never issued; values are sorted by it', () => {
    const labs = extractLabs(
      [
        obs({ id: 'late', effectiveDateTime: day(3), issued: day(1), valueQuantity: { value: 30, code: '10*9/L' } }),
        obs({ id: 'early', effectiveDateTime: day(2), issued: day(9), valueQuantity: { value: 20, code: '10*9/L' } }),
      ],
      tools,
      FAR,
    );
    expect(labs.get('platelets')!.final.map((v) => v.ref)).toEqual(['Observation/early', 'Observation/late']);
  });

  test('valueString "<5 %" for ADAMTS13 keeps the comparator', () => {
    const labs = extractLabs([obs({ code: { text: 'ADAMTS13 activity' }, valueString: '<5 %' })], tools, FAR);
    expect(labs.get('adamts13')!.final[0]).toMatchObject({ value: 5, comparator: '<', by: 'text' });
  });

  test('LDH keeps its own ULN from referenceRange, converted', () => {
    const labs = extractLabs(
      [
        obs({
          code: { coding: [{ system: 'http://loinc.org', code: '2532-0' }] },
          valueQuantity: { value: 10, code: 'ukat/L' },
          referenceRange: [{ high: { value: 4, code: 'ukat/L' } }],
        }),
      ],
      tools,
      FAR,
    );
    expect(labs.get('ldh')!.final[0]).toMatchObject({ value: 600, uln: 240 });
  });
});

describe('episode (D1)', () => {
  const facts = (s: Scenario) => buildFacts(s.record(), at(s.now), { content, tools });

  test('PE day counts calendar days from the first session; twice-daily TPE counts 2 sessions', () => {
    const s = new Scenario(3).patient().condition('439007008').tpeDaily(1, 3).tpe(day(2, '20:00'));
    const f = facts(s);
    expect(f.episode).toMatchObject({ peDay: 3, sessionCount: 4, day1: '2026-03-02', current: true });
  });

  test('a gap of 30 days starts a new episode', () => {
    const s = new Scenario(2).patient().condition('439007008').tpeDaily(-40, -35).tpeDaily(1, 2);
    const f = facts(s);
    expect(f.episode).toMatchObject({ peDay: 2, sessionCount: 2 });
    expect(f.episode!.previousEpisodeEnd).toBe(at(day(-35, '10:00')));
  });

  test('the gap: 30 days between sessions starts a new episode, 30 days less a minute does not', () => {
    const gap = (last: string) => {
      const s = new Scenario(2).patient().condition('439007008').tpe(last).tpe(day(1, '10:00'));
      return facts(s).episode!;
    };
    expect(gap(day(-29, '10:00'))).toMatchObject({ sessionCount: 1, previousEpisodeEnd: at(day(-29, '10:00')) });
    expect(gap(day(-29, '10:01'))).toMatchObject({ sessionCount: 2, previousEpisodeEnd: undefined });
  });

  test('an episode is current until 30 days after its last session', () => {
    const s = (evalDay: number, hhmm: string) => facts(new Scenario(evalDay, hhmm).patient().condition('439007008').tpe(day(1, '10:00')));
    expect(s(31, '09:59').episode!.current).toBe(true);
    expect(s(31, '10:00').episode!.current).toBe(false);
  });

  test('sessions without an id are told apart by time: the same time once, another time again', () => {
    const s = new Scenario(2).patient().condition('439007008').tpe(day(1, '10:00')).tpe(day(1, '10:00')).tpe(day(2, '10:00'));
    for (const r of s.resources) if (r.resourceType === 'Procedure') delete r.id;
    expect(facts(s).episode).toMatchObject({ sessionCount: 2 });
  });

  test('not-done, entered-in-error and future sessions do not count', () => {
    const s = new Scenario(2)
      .patient()
      .condition('439007008')
      .tpe(day(1, '10:00'))
      .tpe(day(2, '10:00'), { status: 'not-done' })
      .tpe(day(2, '11:00'), { status: 'entered-in-error' })
      .tpe(day(4, '10:00'));
    expect(facts(s).episode).toMatchObject({ sessionCount: 1 });
  });

  test('the site timezone decides the calendar day', () => {
    const s = new Scenario(2, '03:00').patient().condition('439007008').tpe(day(1, '23:30'));
    expect(buildFacts(s.record(), at(s.now), { content, tools }).episode!.peDay).toBe(2);
    const tokyo = loadContent({ site: { timezone: 'Asia/Tokyo' } });
    expect(buildFacts(s.record(), at(s.now), { content: tokyo, tools }).episode!.peDay).toBe(1);
  });
});

describe('drugs (G4)', () => {
  const facts = (s: Scenario) => buildFacts(s.record(), at(s.now), { content, tools });

  test('cancelled, draft and entered-in-error orders never count as ordered; proposals neither', () => {
    const s = new Scenario(5).patient().condition('439007008');
    for (const status of ['cancelled', 'draft', 'entered-in-error'] as const) s.med(DRUGS.caplacizumab, { status });
    s.med(DRUGS.caplacizumab, { intent: 'proposal' });
    const e = facts(s).drugs.get('capla')!;
    expect(e.orders).toEqual([]);
    expect(e.ignoredOrders).toHaveLength(4);
  });

  test('a medicationReference to a contained or bundled Medication is resolved', () => {
    const s = new Scenario(5).patient().condition('439007008');
    s.add({
      resourceType: 'Medication',
      id: 'm1',
      code: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '121191' }] },
    });
    s.add({
      resourceType: 'MedicationRequest',
      id: 'r1',
      status: 'active',
      intent: 'order',
      medicationReference: { reference: 'Medication/m1' },
      authoredOn: day(2),
    });
    s.add({
      resourceType: 'MedicationRequest',
      id: 'r2',
      status: 'active',
      intent: 'order',
      contained: [{ resourceType: 'Medication', id: 'c', code: { text: 'Cablivi' } }],
      medicationReference: { reference: '#c' },
      authoredOn: day(2),
    });
    const f = facts(s);
    expect(f.drugs.get('rtx')!.orders.map((o) => o.ref)).toEqual(['MedicationRequest/r1']);
    expect(f.drugs.get('capla')!.orders.map((o) => o.ref)).toEqual(['MedicationRequest/r2']);
  });

  test('not-done administrations are ignored', () => {
    const s = new Scenario(5).patient().condition('439007008').give(DRUGS.rituximab, day(2), 700, undefined, 'not-done');
    expect(facts(s).drugs.get('rtx')!.administrations).toEqual([]);
  });
});

describe('clinical response (D2) and improvement (D4)', () => {
  const state = (s: Scenario) => clinicalState(buildFacts(s.record(), at(s.now), { content, tools }), content);

  test('two qualifying assessments >= 24 h apart make a response; one does not', () => {
    const one = dailyHb(ittpDefaults(4).series('plt', [20, 80, 160]).series('ldh', [1400, 600, 300]), 1, 3);
    expect(state(one).response.status).toBe('not-met');
    const two = dailyHb(ittpDefaults(5).series('plt', [20, 80, 160, 170]).series('ldh', [1400, 600, 300, 280]), 1, 4);
    expect(state(two).response).toMatchObject({ status: 'met', at: at(day(4, '06:00')) });
  });

  test('a platelet count of 150 exactly qualifies; LDH at 1.5x ULN does not', () => {
    expect(state(dailyHb(ittpDefaults(5).series('plt', [20, 150, 150]).series('ldh', [1400, 370, 370]), 1, 3)).response.status).toBe('met');
    expect(state(dailyHb(ittpDefaults(5).series('plt', [20, 150, 150]).series('ldh', [1400, 375, 375]), 1, 3)).response.status).toBe(
      'not-met',
    );
  });

  test('platelets >= 150 without any LDH leave the response unknown, naming LDH', () => {
    const s = dailyHb(ittpDefaults(5).series('plt', [20, 160, 170]), 1, 3);
    expect(state(s).response).toEqual({ status: 'unknown', missing: ['LDH'] });
  });

  test('improving needs platelets >= 1.5x baseline and 20 above it, AND LDH below baseline', () => {
    expect(state(dailyHb(ittpDefaults(2).series('plt', [10, 30]).series('ldh', [1000, 900]), 1, 2)).improving).toBe(true);
    expect(state(dailyHb(ittpDefaults(2).series('plt', [10, 29]).series('ldh', [1000, 900]), 1, 2)).improving).toBe(false);
    expect(state(dailyHb(ittpDefaults(2).series('plt', [40, 59]).series('ldh', [1000, 900]), 1, 2)).improving).toBe(false);
    expect(state(dailyHb(ittpDefaults(2).series('plt', [40, 60]).series('ldh', [1000, 900]), 1, 2)).improving).toBe(true);
    expect(state(dailyHb(ittpDefaults(2).series('plt', [10, 30]).series('ldh', [1000, 1000]), 1, 2)).improving).toBe(false);
  });

  test('improvement and refractoriness are judged on current data only', () => {
    // PE day 4 at 18:00 with the last platelets and LDH of day 2 (60 h old): unknown, not "not improving".
    const s = state(dailyHb(ittpDefaults(4).series('plt', [10, 12]).series('ldh', [1000, 1100]), 1, 2));
    expect(s.improving).toBe('unknown');
    expect(s.noImprovement).toBe('unknown');
    expect(s.notCurrent).toEqual(['platelets', 'LDH']);
  });

  test('baseline is the last value at or before session 1, not the first of the window', () => {
    const s = ittpDefaults(4).lab('plt', 40, day(-3)).lab('plt', 10, day(1, '07:00')).lab('plt', 19, day(4));
    expect(state(s).baselinePlatelets?.value).toBe(10);
  });

  test('out-of-order data is sorted before any decision', () => {
    const s = ittpDefaults(5);
    [16, 18, 15, 14, 12].forEach((v, i) => s.lab('plt', v, day(5 - i)));
    [1300, 1320, 1350, 1380, 1400].forEach((v, i) => s.lab('ldh', v, day(5 - i)));
    const st = state(s);
    expect(st.baselinePlatelets?.value).toBe(12);
    expect(st.latestPlatelets?.value).toBe(16);
    expect(st.refractoryNumeric).toBe(true);
  });
});

describe('route of a medication order', () => {
  const order = (route: unknown) =>
    medOrderOf(
      { resourceType: 'MedicationRequest', id: 'm', status: 'active', intent: 'order', dosageInstruction: [{ route }] } as AnyResource,
      { by: 'code' },
      'x',
    );
  test.each([
    ['SNOMED intravenous', { coding: [{ system: 'http://snomed.info/sct', code: '47625008' }] }, 'iv'],
    ['SNOMED subcutaneous', { coding: [{ system: 'http://snomed.info/sct', code: '34206005', display: 'Subcutaneous route' }] }, 'sc'],
    ['SNOMED oral', { coding: [{ system: 'http://snomed.info/sct', code: '26643006' }] }, 'oral'],
    ['text IV', { text: 'I.V. infusion' }, 'iv'],
    ['text SC', { text: 'SubQ (subcut)' }, 'sc'],
    ['text PO', { text: 'PO' }, 'oral'],
    ['a coding sent as an object, not a list', { coding: { code: '47625008' } }, 'iv'],
    ['two concepts, the second coded', [{ text: 'unclear' }, { coding: [{ code: '26643006' }] }], 'oral'],
    ['something else', { text: 'intrathecal' }, 'other'],
  ])('%s', (_name, route, expected) => {
    expect(order(route).route).toBe(expected);
  });
  test('no route: none, and no text', () => {
    const o = order(undefined);
    expect(o.route).toBeUndefined();
    expect(o.routeText).toBeUndefined();
  });
  test('the text is kept, lower-cased, for evidence', () => {
    expect(order({ text: 'Subcutaneous' }).routeText).toBe('subcutaneous');
  });
});

describe('age (G1)', () => {
  const at = (iso: string) => Date.parse(iso);
  test('18 from the birthday on, 17 the day before; the month decides before the day', () => {
    expect(age('2008-03-06', at('2026-03-06T00:00:00Z'))).toBe(18);
    expect(age('2008-03-06', at('2026-03-05T23:59:59Z'))).toBe(17);
    expect(age('2008-03-06', at('2026-04-01T00:00:00Z'))).toBe(18);
    expect(age('2008-03-06', at('2026-02-28T00:00:00Z'))).toBe(17);
    expect(age('2008-03-06', at('2027-01-10T00:00:00Z'))).toBe(18);
  });
  test('a year-only or year-month birthDate counts from its first day; an unreadable one is no age', () => {
    expect(age('2008', at('2026-01-01T00:00:00Z'))).toBe(18);
    expect(age('2008-05', at('2026-04-30T00:00:00Z'))).toBe(17);
    expect(age('not a date', at('2026-01-01T00:00:00Z'))).toBeUndefined();
    expect(age(undefined, at('2026-01-01T00:00:00Z'))).toBeUndefined();
  });
});

describe('timing and dose of a medication order', () => {
  const order = (dosage: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    medOrderOf(
      {
        resourceType: 'MedicationRequest',
        id: 'm',
        status: 'active',
        intent: 'order',
        dosageInstruction: [dosage],
        ...extra,
      } as AnyResource,
      { by: 'code' },
      'x',
    );
  test.each([
    ['once a day', { frequency: 1, period: 1, periodUnit: 'd' }, 1, 1],
    ['twice a day', { frequency: 2, period: 1, periodUnit: 'd' }, 2, 0.5],
    ['every 12 hours', { frequency: 1, period: 12, periodUnit: 'h' }, 2, 0.5],
    ['weekly', { frequency: 1, period: 1, periodUnit: 'wk' }, 1 / 7, 7],
    ['every 2 weeks', { period: 2, periodUnit: 'wk' }, 1 / 14, 14],
    ['monthly', { frequency: 1, period: 1, periodUnit: 'mo' }, 1 / 30, 30],
    ['yearly', { frequency: 1, period: 1, periodUnit: 'a' }, 1 / 365, 365],
    ['every 30 minutes', { frequency: 1, period: 30, periodUnit: 'min' }, 48, 1 / 48],
    ['every 3600 seconds', { frequency: 1, period: 3600, periodUnit: 's' }, 24, 1 / 24],
  ])('repeat %s', (_name, repeat, perDay, intervalDays) => {
    const o = order({ timing: { repeat } });
    expect(o.perDay).toBeCloseTo(perDay, 9);
    expect(o.intervalDays).toBeCloseTo(intervalDays, 9);
  });
  test('a period of 0, or an unknown period unit, gives no frequency', () => {
    expect(order({ timing: { repeat: { frequency: 1, period: 0, periodUnit: 'd' } } }).perDay).toBeUndefined();
    expect(order({ timing: { repeat: { frequency: 1, period: 1, periodUnit: 'fortnight' } } }).perDay).toBeUndefined();
  });
  test.each([
    ['QD', 1],
    ['BID', 2],
    ['TID', 3],
    ['QID', 4],
    ['Q12H', 2],
    ['Q8H', 3],
    ['Q6H', 4],
    ['Q4H', 6],
    ['QOD', 0.5],
    ['WK', 1 / 7],
    ['bid', 2],
  ])('timing code %s', (code, perDay) => {
    const o = order({ timing: { code: { coding: [{ code }] } } });
    expect(o.perDay).toBeCloseTo(perDay, 9);
    expect(o.intervalDays).toBeCloseTo(1 / perDay, 9);
    expect(order({ timing: { code: { text: code } } }).perDay).toBeCloseTo(perDay, 9);
  });
  test('repeat wins over the timing code, the timing code over the text', () => {
    expect(
      order({ timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' }, code: { coding: [{ code: 'BID' }] } }, text: 'tid' }).perDay,
    ).toBe(1);
    expect(order({ timing: { code: { coding: [{ code: 'BID' }] } }, text: 'once daily' }).perDay).toBe(2);
    expect(order({ timing: { code: { coding: [{ code: 'XYZ' }] } }, text: 'once daily' }).perDay).toBe(1);
  });
  test.each([
    ['11 mg SC q12h', 2],
    ['q 8 h', 3],
    ['Q24H', 1],
    ['11 mg twice daily', 2],
    ['BID after TPE', 2],
    ['twice a day', 2],
    ['11 mg SC once daily', 1],
    ['daily', 1],
    ['QD', 1],
    ['every day after TPE', 1],
    ['once a day', 1],
    ['weekly x4', 1 / 7],
    ['once a week', 1 / 7],
    ['every week for 4 weeks', 1 / 7],
  ])('text "%s"', (text, perDay) => {
    const o = order({ text });
    expect(o.perDay).toBeCloseTo(perDay, 9);
    expect(o.intervalDays).toBeCloseTo(1 / perDay, 9);
    expect(o.frequencyText).toBe(text);
  });
  test('a text without a frequency gives none; a word that only contains one does not count', () => {
    expect(order({ text: 'as directed' }).perDay).toBeUndefined();
    expect(order({ text: 'weeklyish dailyish' }).perDay).toBeUndefined();
  });
  test('count, bounds and the planned end: boundsPeriod.end, else the start (or authoredOn) plus boundsDuration', () => {
    const withEnd = order({
      timing: { repeat: { count: 4, boundsPeriod: { start: '2026-03-02T10:00:00Z', end: '2026-03-20T10:00:00Z' } } },
    });
    expect(withEnd).toMatchObject({ count: 4, time: Date.parse('2026-03-02T10:00:00Z'), end: Date.parse('2026-03-20T10:00:00Z') });
    expect(withEnd.plannedEnd).toBe(withEnd.end);
    const byDuration = order({
      timing: { repeat: { boundsPeriod: { start: '2026-03-02T10:00:00Z' }, boundsDuration: { value: 2, code: 'wk' } } },
    });
    expect(byDuration.durationDays).toBe(14);
    expect(byDuration.end).toBe(Date.parse('2026-03-16T10:00:00Z'));
    const fromAuthored = order(
      { timing: { repeat: { boundsDuration: { value: 30, unit: 'd' } } } },
      { authoredOn: '2026-03-01T00:00:00Z' },
    );
    expect(fromAuthored.end).toBe(Date.parse('2026-03-31T00:00:00Z'));
    expect(fromAuthored.time).toBe(Date.parse('2026-03-01T00:00:00Z'));
    expect(order({ timing: { repeat: { boundsDuration: { value: 30, unit: 'd' } } } }).end).toBeUndefined();
    // validityPeriod is dispensing, never a therapy end (G4).
    expect(order({}, { dispenseRequest: { validityPeriod: { end: '2026-03-05T00:00:00Z' } } }).end).toBeUndefined();
  });
  test('doses: mass units to mg, per m², and anything else kept as written', () => {
    expect(parseDose({ value: 500, unit: 'ug' })?.mg).toBe(0.5);
    expect(parseDose({ value: 500, unit: 'mcg' })?.mg).toBe(0.5);
    expect(parseDose({ value: 0.001, unit: 'kg' })?.mg).toBe(1000);
    expect(parseDose({ value: 11, unit: 'MG' })?.mg).toBe(11);
    expect(parseDose({ value: 11, unit: 'm g' })?.mg).toBe(11);
    expect(parseDose({ value: 1, unit: 'g/m2' })?.mgPerM2).toBe(1000);
    expect(parseDose({ value: 375, unit: 'mg/m^2' })?.mgPerM2).toBe(375);
    expect(parseDose({ value: 375, unit: 'mg/m²' })?.mgPerM2).toBe(375);
    expect(parseDose({ value: 375, unit: 'mg/[m2]' })?.mgPerM2).toBe(375);
    expect(parseDose({ value: 2, unit: 'tablets' })).toEqual({ raw: '2 tablets' });
    expect(parseDose({ value: 11, unit: 'mg' })).toEqual({ mg: 11, raw: '11 mg' });
    expect(parseDose({ unit: 'mg' })).toBeUndefined();
    expect(parseDose(undefined)).toBeUndefined();
  });
});
