/**
 * The shapes real EHRs send (KB v3): results inside panels (31), drugs recorded elsewhere (30),
 * allergies (29), plasma products before the pre-treatment sample (26), and the end of an
 * outpatient course (32), read by the facts layer. Both sides of each.
 */
import { loadContent } from '../../src/content';
import { buildFacts, recordedElsewhere } from '../../src/facts';
import { medOrderOf } from '../../src/facts/drugs';
import { extractLabs } from '../../src/facts/labs';
import type { AnyResource } from '../../src/fhir/read';
import { Terminology } from '../../src/terminology';
import { Units } from '../../src/units';
import { DRUGS, Scenario, at, day, ittpDefaults } from '../fixtures/builder';

const content = loadContent();
const tools = { units: new Units(content), terminology: new Terminology(content) };
const FAR = Date.parse('2100-01-01T00:00:00Z');
const DAY = 86_400_000;
const facts = (s: Scenario) => buildFacts(s.record(), at(s.now), { content, tools });
const LOINC = 'http://loinc.org';
const plt = { coding: [{ system: LOINC, code: '777-3', display: 'Platelets' }] };
const hb = { coding: [{ system: LOINC, code: '718-7', display: 'Hemoglobin' }] };
const q = (value: number, code: string) => ({ value, unit: code, system: 'http://unitsofmeasure.org', code });

describe('results inside panels are results (change 31)', () => {
  const cbc = (extra: Record<string, unknown>): AnyResource => ({
    resourceType: 'Observation',
    id: 'cbc-1',
    status: 'final',
    code: { coding: [{ system: LOINC, code: '58410-2', display: 'CBC panel' }] },
    effectiveDateTime: day(1),
    ...extra,
  });

  test("a CBC component coded 777-3 is a platelet count with the panel's time and status", () => {
    const labs = extractLabs(
      [
        cbc({
          component: [
            { code: plt, valueQuantity: q(18, '10*3/uL') },
            { code: hb, valueQuantity: q(8.1, 'g/dL') },
          ],
        }),
      ],
      tools,
      FAR,
    );
    expect(labs.get('platelets')!.final).toEqual([
      expect.objectContaining({ value: 18, time: at(day(1)), ref: 'Observation/cbc-1', component: true }),
    ]);
    expect(labs.get('hemoglobin')!.final[0]!.value).toBe(8.1);
  });

  test('a preliminary panel gives preliminary components; an entered-in-error panel none', () => {
    const pre = extractLabs([cbc({ status: 'preliminary', component: [{ code: plt, valueQuantity: q(18, '10*9/L') }] })], tools, FAR);
    expect(pre.get('platelets')!.final).toEqual([]);
    expect(pre.get('platelets')!.preliminary).toHaveLength(1);
    const eie = extractLabs([cbc({ status: 'entered-in-error', component: [{ code: plt, valueQuantity: q(18, '10*9/L') }] })], tools, FAR);
    expect(eie.get('platelets')).toBeUndefined();
  });

  test('a component that cannot be read is a problem of its series; one of an analyte no rule reads is ignored', () => {
    const labs = extractLabs(
      [
        cbc({
          component: [
            { code: plt, valueQuantity: { value: 18, unit: 'thou' } },
            { code: { coding: [{ system: LOINC, code: '6690-2', display: 'WBC' }] }, valueQuantity: q(9, '10*3/uL') },
          ],
        }),
      ],
      tools,
      FAR,
    );
    expect(labs.get('platelets')!.problems.map((x) => x.reason)).toEqual(['unit "thou" not understood']);
    expect([...labs.keys()]).toEqual(['platelets']);
  });

  test('a panel without a code of its own but with a recognised component is no unreadable lab result', () => {
    const uncoded: string[] = [];
    extractLabs([cbc({ code: {}, component: [{ code: plt, valueQuantity: q(18, '10*9/L') }] })], tools, FAR, uncoded as never);
    expect(uncoded).toEqual([]);
    const none: unknown[] = [];
    extractLabs([cbc({ code: {}, component: [] })], tools, FAR, none as never);
    expect(none).toHaveLength(1);
  });

  test('a contained member listed in hasMember is read, with its own time or the panel time; one not listed is not', () => {
    const member = (id: string, extra: Record<string, unknown> = {}) => ({
      resourceType: 'Observation',
      id,
      status: 'final',
      code: plt,
      valueQuantity: q(22, '10*9/L'),
      ...extra,
    });
    const labs = extractLabs(
      [
        cbc({
          contained: [member('m1'), member('m2', { effectiveDateTime: day(2) }), member('m3', { valueQuantity: q(99, '10*9/L') })],
          hasMember: [{ reference: '#m1' }, { reference: '#m2' }, { reference: 'Observation/elsewhere' }],
        }),
      ],
      tools,
      FAR,
    );
    expect(labs.get('platelets')!.final.map((v) => [v.value, v.time])).toEqual([
      [22, at(day(1))],
      [22, at(day(2))],
    ]);
  });

  test('the same count sent as a standalone result and as a component at the same time is one result', () => {
    const alone: AnyResource = {
      resourceType: 'Observation',
      id: 'p1',
      status: 'final',
      code: plt,
      effectiveDateTime: day(1),
      valueQuantity: q(18, '10*9/L'),
    };
    const labs = extractLabs([cbc({ component: [{ code: plt, valueQuantity: q(18, '10*9/L') }] }), alone], tools, FAR);
    expect(labs.get('platelets')!.final.map((v) => v.ref)).toEqual(['Observation/p1']);
    const later = extractLabs(
      [cbc({ effectiveDateTime: day(2), component: [{ code: plt, valueQuantity: q(18, '10*9/L') }] }), alone],
      tools,
      FAR,
    );
    expect(later.get('platelets')!.final).toHaveLength(2);
  });

  test('the builder re-expresses a record as panels without changing a value', () => {
    const base = ittpDefaults(5).series('plt', [12, 14, 15, 18, 16]).series('hb', [8, 8, 8, 8, 8]);
    const values = (s: Scenario) =>
      facts(s)
        .labs.get('platelets')!
        .final.map((v) => [v.time, v.value]);
    for (const shape of ['component', 'member'] as const) {
      const panel = ittpDefaults(5).series('plt', [12, 14, 15, 18, 16]).series('hb', [8, 8, 8, 8, 8]).asPanels(shape);
      expect(panel.resources.filter((r) => r.resourceType === 'Observation' && JSON.stringify(r.code).includes('777-3'))).toEqual([]);
      expect(values(panel)).toEqual(values(base));
    }
  });
});

describe('drugs recorded elsewhere (change 30)', () => {
  const capla = { text: 'Cablivi 11 mg' };
  test('a MedicationStatement active, completed or intended is recorded elsewhere; not-taken, stopped and entered-in-error are not', () => {
    for (const status of ['active', 'completed', 'intended'])
      expect(recordedElsewhere(facts(ittpDefaults(5).statement(capla, { status, start: day(2) })), 'capla')).toHaveLength(1);
    for (const status of ['not-taken', 'stopped', 'entered-in-error', 'on-hold'])
      expect(recordedElsewhere(facts(ittpDefaults(5).statement(capla, { status, start: day(2) })), 'capla')).toEqual([]);
  });

  test('its source and date are kept; a statement is never an order of this site', () => {
    const f = facts(ittpDefaults(5).statement(capla, { start: day(2), source: 'Regional Hospital' }));
    expect(recordedElsewhere(f, 'capla')[0]).toMatchObject({ source: 'Regional Hospital', time: at(day(2)), status: 'active', by: 'text' });
    expect(f.drugs.get('capla')!.orders).toEqual([]);
  });

  test('it counts when its effective period reaches into the episode: one that ended before does not', () => {
    const ended = ittpDefaults(5).statement(capla, { status: 'completed', start: day(-200), end: day(-170) });
    expect(recordedElsewhere(facts(ended), 'capla')).toEqual([]);
    const reaching = ittpDefaults(5).statement(capla, { status: 'completed', start: day(-20), end: day(1) });
    expect(recordedElsewhere(facts(reaching), 'capla')).toHaveLength(1);
    // Still taken, from long ago: it reaches now.
    expect(recordedElsewhere(facts(ittpDefaults(5).statement(capla, { start: day(-200) })), 'capla')).toHaveLength(1);
    // Undated: counts while it is still taken, not once completed.
    expect(recordedElsewhere(facts(ittpDefaults(5).statement(capla)), 'capla')).toHaveLength(1);
    expect(recordedElsewhere(facts(ittpDefaults(5).statement(capla, { status: 'completed' })), 'capla')).toEqual([]);
  });

  test('a MedicationRequest reported from outside (reported[x]) is recorded elsewhere, not an order', () => {
    const s = ittpDefaults(5, { skip: ['rtx'] }).med(DRUGS.rituximab, { reported: 'Dr. Smith (referring)', authoredOn: day(1) });
    const f = facts(s);
    expect(f.drugs.get('rtx')!.orders).toEqual([]);
    expect(recordedElsewhere(f, 'rtx')[0]).toMatchObject({ source: 'Dr. Smith (referring)', ongoing: true });
    const plain = facts(ittpDefaults(5, { skip: ['rtx'] }).med(DRUGS.rituximab, { reported: true, authoredOn: day(1) }));
    expect(recordedElsewhere(plain, 'rtx')[0]!.source).toBe('reported by the patient or another provider');
  });

  test('a statement whose status cannot be read is named (G4), not counted', () => {
    const f = facts(ittpDefaults(5).statement(capla, { status: 'ACTIVE', start: day(2) }));
    expect(recordedElsewhere(f, 'capla')).toEqual([]);
    expect(f.unreadable).toContainEqual(
      expect.objectContaining({ key: 'medicationStatements', why: 'status "ACTIVE" is not a FHIR MedicationStatement status' }),
    );
  });
});

describe('allergies (change 29)', () => {
  test('an active or unspecified allergy whose code or text names a drug class counts; inactive, resolved, refuted do not', () => {
    expect(facts(ittpDefaults(5).allergy({ text: 'Caplacizumab' })).allergies[0]).toMatchObject({
      drugs: ['capla'],
      type: 'allergy',
      criticality: 'high',
    });
    expect(facts(ittpDefaults(5).allergy(DRUGS.rituximab)).allergies[0]).toMatchObject({ drugs: ['rtx'], by: 'code' });
    expect(facts(ittpDefaults(5).allergy(DRUGS.methylprednisolone)).allergies[0]!.drugs).toEqual(['steroid', 'mp']);
    for (const o of [
      { clinicalStatus: 'inactive' },
      { clinicalStatus: 'resolved' },
      { verificationStatus: 'refuted' },
      { verificationStatus: 'entered-in-error' },
    ])
      expect(facts(ittpDefaults(5).allergy({ text: 'Caplacizumab' }, o)).allergies).toEqual([]);
  });

  test('an allergy to something else, or a negated text, is no drug allergy', () => {
    expect(facts(ittpDefaults(5).allergy({ text: 'Penicillin' })).allergies).toEqual([]);
    expect(facts(ittpDefaults(5).allergy({ text: 'No known allergy to rituximab' })).allergies).toEqual([]);
  });

  test('an allergy whose status cannot be read is taken as current and named', () => {
    const f = facts(ittpDefaults(5).allergy({ text: 'Cablivi' }, { clinicalStatus: 'ACTIVE!' }));
    expect(f.allergies).toHaveLength(1);
    expect(f.unreadable).toContainEqual(expect.objectContaining({ key: 'allergies', why: expect.stringContaining('taken as current') }));
  });

  test('intolerance, reaction and criticality are kept for the note', () => {
    const a = facts(
      ittpDefaults(5).allergy({ text: 'rituximab' }, { type: 'intolerance', criticality: 'low', reaction: 'Infusion reaction' }),
    ).allergies[0]!;
    expect(a).toMatchObject({ type: 'intolerance', criticality: 'low', reaction: 'Infusion reaction' });
  });
});

describe('plasma before the pre-treatment sample (change 26)', () => {
  const noA13 = () => ittpDefaults(5, { skip: ['a13'] });
  test('an ADAMTS13 drawn after FFP and before TPE is post-plasma (D8b), never pre-treatment; one drawn before FFP is', () => {
    const after = facts(noA13().plasma(day(0, '14:00'), { units: 3 }).lab('a13', 28, day(0, '18:00')));
    expect(after.adamts13.pre).toBeUndefined();
    expect(after.adamts13.postPlasma.map((v) => v.value)).toEqual([28]);
    expect(after.adamts13.inTpe.map((v) => v.value)).toEqual([28]);
    expect(after.adamts13.plasma).toMatchObject({ display: 'Transfusion of fresh frozen plasma, 3 units', by: 'text' });
    const before = facts(noA13().lab('a13', 28, day(0, '12:00')).plasma(day(0, '14:00')));
    expect(before.adamts13.pre?.value).toBe(28);
    expect(before.adamts13.postPlasma).toEqual([]);
  });

  test('plasma as a MedicationAdministration or a completed order counts; a draft order, Plasma-Lyte or a TPE session does not', () => {
    for (const as of ['administration', 'order'] as const)
      expect(facts(noA13().plasma(day(0, '14:00'), { as }).lab('a13', 28, day(0, '18:00'))).adamts13.pre).toBeUndefined();
    const lyte = noA13().plasma(day(0, '14:00'), { as: 'administration', text: 'Plasma-Lyte 148 1000 mL' }).lab('a13', 28, day(0, '18:00'));
    expect(facts(lyte).adamts13.pre?.value).toBe(28);
    const draft = noA13().lab('a13', 28, day(0, '18:00'));
    draft.add({
      resourceType: 'ServiceRequest',
      id: 'ffp-draft',
      status: 'active',
      intent: 'order',
      code: { text: 'FFP 3 units' },
      authoredOn: day(0, '14:00'),
    });
    expect(facts(draft).adamts13.pre?.value).toBe(28);
    // TPE itself is not "a plasma product before TPE": the first session is the cut-off already.
    expect(facts(ittpDefaults(5)).adamts13.pre?.value).toBe(4);
  });

  test('plasma more than the look-back before the first session does not change the pre-treatment value', () => {
    const old = facts(noA13().plasma(day(-10, '14:00')).lab('a13', 28, day(0, '18:00')));
    expect(old.adamts13.pre?.value).toBe(28);
  });

  test('with no TPE yet, a result after plasma is post-plasma too', () => {
    const s = new Scenario(1, '20:00').patient().condition('439007008').plasma(day(1, '08:00')).lab('a13', 35, day(1, '10:00'));
    const f = facts(s);
    expect(f.episode).toBeUndefined();
    expect(f.adamts13.pre).toBeUndefined();
    expect(f.adamts13.postPlasma.map((v) => v.value)).toEqual([35]);
  });
});

describe('which plasma products count as given (change 26, plasmaProducts)', () => {
  const base = () => ittpDefaults(5, { skip: ['a13'] });
  const plasmaRefs = (s: Scenario) => facts(s).plasma.map((p) => p.ref);
  const ffpOrder = (status: string, o: Record<string, unknown> = {}): AnyResource => ({
    resourceType: 'MedicationRequest',
    id: `mr-ffp-${status}`,
    status,
    intent: 'order',
    medicationCodeableConcept: { text: 'Fresh frozen plasma 3 units' },
    subject: { reference: 'Patient/pat-1' },
    authoredOn: day(0, '14:00'),
    ...o,
  });

  test('a completed MedicationRequest for plasma counts; an active or stopped one does not', () => {
    const s = base();
    s.add(ffpOrder('completed'));
    s.add(ffpOrder('active'));
    s.add(ffpOrder('stopped'));
    expect(plasmaRefs(s)).toEqual(['MedicationRequest/mr-ffp-completed']);
  });

  test('a Procedure in progress counts, one in preparation does not; a TPE session is never a plasma product', () => {
    const s = base();
    s.add({
      resourceType: 'Procedure',
      id: 'p-prog',
      status: 'in-progress',
      code: { text: 'FFP transfusion' },
      performedDateTime: day(0, '10:00'),
    });
    s.add({
      resourceType: 'Procedure',
      id: 'p-prep',
      status: 'preparation',
      code: { text: 'FFP transfusion' },
      performedDateTime: day(0, '11:00'),
    });
    expect(plasmaRefs(s)).toEqual(['Procedure/p-prog']);
    expect(facts(base()).plasma).toEqual([]);
  });

  test('times: a period start, then authoredOn for an order; within the future tolerance counts, beyond it does not', () => {
    const s = base();
    const sr = (id: string, o: Record<string, unknown>): AnyResource => ({
      resourceType: 'ServiceRequest',
      id,
      status: 'completed',
      intent: 'order',
      code: { text: 'FFP 2 units' },
      ...o,
    });
    s.add(sr('sr-period', { occurrencePeriod: { start: day(0, '09:00') }, authoredOn: day(-1, '09:00') }));
    s.add(sr('sr-authored', { authoredOn: day(0, '08:00') }));
    const now = at(s.now);
    const iso = (ms: number) => new Date(ms).toISOString();
    s.add({
      resourceType: 'Procedure',
      id: 'p-soon',
      status: 'completed',
      code: { text: 'FFP' },
      performedDateTime: iso(now + 59 * 60_000),
    });
    s.add({
      resourceType: 'Procedure',
      id: 'p-later',
      status: 'completed',
      code: { text: 'FFP' },
      performedDateTime: iso(now + 61 * 60_000),
    });
    const f = facts(s);
    expect(f.plasma.map((p) => [p.ref, p.time])).toEqual([
      ['ServiceRequest/sr-authored', at(day(0, '08:00'))],
      ['ServiceRequest/sr-period', at(day(0, '09:00'))],
      ['Procedure/p-soon', now + 59 * 60_000],
    ]);
  });
});

describe('the end of an outpatient course (change 32)', () => {
  const order = (o: Parameters<Scenario['medicationRequest']>[1]) =>
    medOrderOf(new Scenario(5).medicationRequest(DRUGS.caplacizumab, o), { by: 'text' }, 'caplacizumab');
  const start = at(day(10, '12:00'));
  test('in order: boundsPeriod.end, start + boundsDuration, the last of count doses, the estimated supply end', () => {
    expect(order({ start: day(10, '12:00'), end: day(30, '12:00'), durationDays: 5, supplyDays: 7 })).toMatchObject({
      end: at(day(30, '12:00')),
      endBy: 'planned end date',
    });
    expect(order({ start: day(10, '12:00'), durationDays: 30, count: 3, perDay: 1 })).toMatchObject({
      end: start + 30 * DAY,
      endBy: 'start plus planned duration',
    });
    expect(order({ start: day(10, '12:00'), count: 30, perDay: 1, supplyDays: 7 })).toMatchObject({
      end: start + 29 * DAY,
      endBy: 'last of 30 planned doses',
    });
    expect(order({ authoredOn: day(10, '12:00'), supplyDays: 30, repeats: 1 })).toMatchObject({
      end: start + 60 * DAY,
      endBy: 'supply end, estimated',
    });
    expect(order({ authoredOn: day(10, '12:00'), supplyDays: 30 })).toMatchObject({ end: start + 30 * DAY });
  });

  test('a single dose (count 1), a count without a frequency, or nothing gives no end', () => {
    expect(order({ start: day(10, '12:00'), count: 1, perDay: 1 }).end).toBeUndefined();
    expect(order({ start: day(10, '12:00'), count: 30 }).end).toBeUndefined();
    expect(order({ start: day(10, '12:00') }).end).toBeUndefined();
  });

  test('a stopped order without any planned end ends at its last administration, and says so', () => {
    const s = ittpDefaults(5).med(DRUGS.caplacizumab, {
      status: 'stopped',
      authoredOn: day(1),
      givenAt: [day(2, '12:00'), day(3, '12:00')],
    });
    expect(facts(s).drugs.get('capla')!.orders[0]).toMatchObject({ end: at(day(3, '12:00')), endBy: 'last administration' });
  });
});
