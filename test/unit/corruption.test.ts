/**
 * Clinical safety under corruption (hostile input, second round): a value no result can have, a
 * birthDate of today, a subject in another letter case or written as a full URL. Each is read for
 * what it is or named; never a silent loss of the card. Both sides of each bound.
 */
import { callService } from '../../src/cds/service';
import { loadContent } from '../../src/content';
import { extractLabs } from '../../src/facts/labs';
import type { AnyResource } from '../../src/fhir/read';
import { Terminology } from '../../src/terminology';
import { Units, implausible } from '../../src/units';
import { type Scenario, at, day } from '../fixtures/builder';
import { nonResponder, stableD3 } from '../fixtures/records';
import { deps } from '../helpers';

const content = loadContent();
const tools = { units: new Units(content), terminology: new Terminology(content) };
const FAR = Date.parse('2100-01-01T00:00:00Z');

async function cards(s: Scenario) {
  const { response } = await callService('ttp-patient-view', s.request('patient-view'), { ...deps(), clock: () => at(s.now) });
  return response.cards;
}
const codes = (cs: Awaited<ReturnType<typeof cards>>) => cs.map((c) => `${c.source.topic.code}:${c.indicator}`);
const text = (cs: Awaited<ReturnType<typeof cards>>) => cs.map((c) => `${c.summary}\n${c.detail ?? ''}`).join('\n');

describe('impossible values are unreadable, never compared', () => {
  const analytes = Object.entries(content.units.analytes).filter(([, d]) => d.plausible);

  test('every analyte a rule compares has plausible bounds', () => {
    expect(analytes.map(([n]) => n).sort()).toEqual([
      'adamts13',
      'creatinine',
      'height',
      'hemoglobin',
      'ldh',
      'platelets',
      'troponin',
      'weight',
    ]);
  });

  test.each(analytes)('%s: both sides of each bound', (_name, def) => {
    const p = def.plausible!;
    const step = def.precision ?? 1;
    if (p.above !== undefined) {
      expect(implausible(p.above, def)).toMatch(/^impossible value \(.* is always above/);
      expect(implausible(p.above + step, def)).toBeUndefined();
    }
    if (p.atLeast !== undefined) {
      expect(implausible(p.atLeast, def)).toBeUndefined();
      expect(implausible(p.atLeast - step, def)).toMatch(/^impossible value \(.* is never below/);
    }
    expect(implausible(p.atMost, def)).toBeUndefined();
    expect(implausible(p.atMost + step, def)).toMatch(/^impossible value \(.* is never above/);
  });

  const ldh = (value: number, uln?: number): AnyResource => ({
    resourceType: 'Observation',
    id: 'ldh-x',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '14804-9' }] },
    effectiveDateTime: day(5, '06:00'),
    valueQuantity: { value, unit: 'U/L', system: 'http://unitsofmeasure.org', code: 'U/L' },
    ...(uln === undefined
      ? {}
      : { referenceRange: [{ high: { value: uln, unit: 'U/L', system: 'http://unitsofmeasure.org', code: 'U/L' } }] }),
  });

  test.each([0, -1, 100_001])('an LDH of %d is a problem named "impossible value", not a result', (v) => {
    const labs = extractLabs([ldh(v)], tools, FAR).get('ldh')!;
    expect(labs.final).toEqual([]);
    expect(labs.problems).toEqual([
      expect.objectContaining({ ref: 'Observation/ldh-x', reason: expect.stringMatching(/^impossible value/) }),
    ]);
  });

  test.each([1, 100_000])('an LDH of %d is a result', (v) => {
    expect(extractLabs([ldh(v)], tools, FAR).get('ldh')!.final[0]!.value).toBe(v);
  });

  test('platelets of 0 are a result (the lowest count a laboratory reports); -0.1 is not', () => {
    const plt = (value: number): AnyResource => ({
      ...ldh(value),
      id: 'plt-x',
      code: { coding: [{ system: 'http://loinc.org', code: '777-3' }] },
      valueQuantity: { value, unit: '10*9/L', system: 'http://unitsofmeasure.org', code: '10*9/L' },
    });
    expect(extractLabs([plt(0)], tools, FAR).get('platelets')!.final[0]!.value).toBe(0);
    expect(extractLabs([plt(-0.1)], tools, FAR).get('platelets')!.problems[0]!.reason).toBe(
      'impossible value (Platelets is never below 0 10^9/L)',
    );
  });

  test('an upper limit of 0 or below is not a limit: the rule reads the value without it', () => {
    expect(extractLabs([ldh(600, 0)], tools, FAR).get('ldh')!.final[0]!.uln).toBeUndefined();
    expect(extractLabs([ldh(600, -250)], tools, FAR).get('ldh')!.final[0]!.uln).toBeUndefined();
    expect(extractLabs([ldh(600, 1)], tools, FAR).get('ldh')!.final[0]!.uln).toBe(1);
  });

  test('a day-5 non-responder whose latest LDH is 0: the answer names it', async () => {
    const s = nonResponder(5);
    const last = s.resources.filter((r) => r.id?.startsWith('obs-ldh')).at(-1) as unknown as {
      valueQuantity: { value: number };
      id: string;
    };
    last.valueQuantity.value = 0;
    const cs = await cards(s);
    // Read as a value, 0 would have been an LDH below baseline; unreadable, the latest LDH is 36 h old.
    expect(codes(cs)).toEqual(['TTP-MON-DAILY:warning']);
    expect(text(cs)).toContain('escalation is likely due once current labs confirm');
    expect(text(cs)).toContain(`Observation/${last.id}: impossible value (LDH is always above 0 U/L)`);
  });
});

describe('a birthDate of today is a data error named, not a newborn silently out of scope', () => {
  const born = (birthDate: string) => {
    const s = nonResponder(5);
    (s.resources.find((r) => r.resourceType === 'Patient') as unknown as { birthDate: string }).birthDate = birthDate;
    return s;
  };

  test('born today: the cards, saying the age cannot be read and an adult is assumed', async () => {
    const cs = await cards(born(day(5).slice(0, 10)));
    expect(codes(cs)).toContain('TTP-CAPLA-DAY5:critical');
    // Said once in the answer (G7: one note per answer), on the first card.
    expect(cs[0]!.detail).toContain(
      'The age cannot be read (its birthDate gives an age under one day, a data error in this adult service)',
    );
  });

  test('born two days ago: an infant, out of this adult service (G1), no card', async () => {
    expect(await cards(born(day(3).slice(0, 10)))).toEqual([]);
  });
});

describe('the subject as FHIR resolves it', () => {
  const withSubject = (reference: (id: string) => string, only?: (r: AnyResource) => boolean) => {
    const s = nonResponder(5);
    for (const r of s.resources as (AnyResource & { subject?: { reference: string } })[])
      if (r.subject && (!only || only(r))) r.subject = { reference: reference(s.patientId) };
    return s;
  };

  test('a full URL of the same server is this patient: the same cards as a relative reference', async () => {
    const plain = codes(await cards(nonResponder(5)));
    expect(codes(await cards(withSubject((id) => `https://ehr.example/fhir/Patient/${id}`)))).toEqual(plain);
    expect(plain).toContain('TTP-CAPLA-DAY5:critical');
  });

  test('every subject in another letter case: not read, and named (DATA-UNREADABLE), never silence', async () => {
    const cs = await cards(withSubject((id) => `Patient/${id.toUpperCase()}`));
    expect(codes(cs)).toEqual(['TTP-DATA-UNREADABLE:info']);
    expect(text(cs)).toContain("resource(s) name Patient/PAT-1, which differs from this patient's id (pat-1) only in letter case");
  });

  test('a few in another letter case: the cards that stay name them', async () => {
    const cs = await cards(
      withSubject(
        (id) => `Patient/${id.toUpperCase()}`,
        (r) => r.resourceType === 'Observation' && JSON.stringify(r).includes('718-7'),
      ),
    );
    expect(codes(cs)).toContain('TTP-CAPLA-DAY5:critical');
    expect(text(cs)).toMatch(/\d+ resource\(s\) name Patient\/PAT-1, which differs from this patient's id \(pat-1\) only in letter case/);
  });

  test('another patient altogether, on a stable patient: no card (the other side)', async () => {
    const s = stableD3();
    s.add({
      resourceType: 'Observation',
      id: 'other-1',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '777-3' }] },
      subject: { reference: 'Patient/pat-2' },
      effectiveDateTime: day(3, '06:00'),
      valueQuantity: { value: 10, unit: '10*9/L', system: 'http://unitsofmeasure.org', code: '10*9/L' },
    } as AnyResource);
    const cs = await cards(s);
    expect(text(cs)).not.toContain('letter case');
  });
});

describe('values that are objects where FHIR has text', () => {
  test('an interpretation code that is an object with a toString key: read as no text, never a throw', () => {
    const s = nonResponder(5);
    const inhibitor = s.resources.find((r) => r.resourceType === 'Observation' && JSON.stringify(r).includes('Bethesda'))! as Record<
      string,
      unknown
    >;
    inhibitor.interpretation = [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: { toString: 1 } }] },
    ];
    const labs = extractLabs(
      s.resources.filter((r) => r.resourceType === 'Observation'),
      tools,
      FAR,
    );
    expect(labs.get('adamts13Inhibitor')!.final).toHaveLength(1);
    expect(labs.get('adamts13Inhibitor')!.final[0]!.interpretation).toBeUndefined();
  });
});
