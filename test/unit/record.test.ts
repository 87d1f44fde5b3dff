/** The per-call record: de-duplication by type and id as resources are added, and id lookups. */
import { PatientRecord } from '../../src/facts/record';
import type { AnyResource } from '../../src/fhir/read';
import { nonResponderWithDuplicates } from '../fixtures/situations';
import { run } from '../helpers';

const obs = (id: string | undefined, value: number): AnyResource => ({
  resourceType: 'Observation',
  ...(id === undefined ? {} : { id }),
  valueQuantity: { value },
});

describe('PatientRecord', () => {
  test('a resource sent twice (in one Bundle, or in two keys) is kept once: the first copy', () => {
    const r = new PatientRecord();
    r.add(obs('a', 1));
    r.add(obs('b', 2));
    r.add(obs('a', 99));
    r.add({ resourceType: 'Condition', id: 'c' });
    r.add(obs('b', 98));
    expect(r.all('Observation').map((o) => [o.id, (o.valueQuantity as { value: number }).value])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(r.all('Condition')).toHaveLength(1);
  });

  test('the same id in two types is two resources; resources without an id are all kept', () => {
    const r = new PatientRecord();
    r.add(obs('x', 1));
    r.add({ resourceType: 'Procedure', id: 'x' });
    r.add(obs(undefined, 2));
    r.add(obs(undefined, 3));
    expect(r.all('Observation')).toHaveLength(3);
    expect(r.all('Procedure')).toHaveLength(1);
  });

  test('lookups see resources added after an earlier lookup', () => {
    const r = new PatientRecord();
    r.add({ resourceType: 'Medication', id: 'm1' });
    expect(r.get('Medication', 'm2')).toBeUndefined();
    r.add({ resourceType: 'Medication', id: 'm2' });
    r.add({ resourceType: 'Medication', id: 'm1', code: { text: 'a second copy' } });
    expect(r.get('Medication', 'm2')?.id).toBe('m2');
    expect(r.get('Medication', 'm1')?.code).toBeUndefined();
    expect(r.all('Medication')).toHaveLength(2);
  });

  test('an unknown type reads as empty', () => {
    expect(new PatientRecord().all('Encounter')).toEqual([]);
  });
});

test('duplicated resources in the prefetch change nothing in the cards', () => {
  const { plain, duplicated } = nonResponderWithDuplicates();
  expect(duplicated.resources.length).toBeGreaterThan(plain.resources.length);
  const a = run(plain);
  const b = run(duplicated);
  expect(a.ids).toEqual(['TTP-CAPLA-DAY5', 'TTP-REFRACTORY-2L']);
  expect(b.ids).toEqual(a.ids);
  expect(b.cards.map((c) => c.detail)).toEqual(a.cards.map((c) => c.detail));
});

describe('PatientRecord: conflicting copies and references', () => {
  const obs = (id: string, value: number) => ({ resourceType: 'Observation', id, valueQuantity: { value } }) as AnyResource;
  test('a second copy with the same content is no conflict; a different one is named, the first kept', () => {
    const r = new PatientRecord();
    const a = obs('o1', 5);
    r.add(a);
    r.add(a);
    r.add(obs('o1', 5));
    expect(r.conflicts).toEqual([]);
    r.add(obs('o1', 6));
    expect(r.conflicts).toEqual(['Observation/o1']);
    expect(r.get('Observation', 'o1')).toBe(a);
    expect(r.all('Observation')).toHaveLength(1);
  });
  test('anything without a resourceType is not added', () => {
    const r = new PatientRecord();
    r.add({ id: 'x' } as unknown as AnyResource);
    r.add(null as unknown as AnyResource);
    r.add({ resourceType: 5 } as unknown as AnyResource);
    expect([...['Observation', 'undefined', '5'].map((t) => r.all(t).length)]).toEqual([0, 0, 0]);
  });
  test("references: Type/id in the record, #id among the container's contained resources, anything else nothing", () => {
    const r = new PatientRecord();
    const cond = { resourceType: 'Condition', id: 'c1' } as AnyResource;
    r.add(cond);
    expect(r.resolve('Condition/c1')).toBe(cond);
    expect(r.resolve('Condition/c2')).toBeUndefined();
    expect(r.resolve('Observation/c1')).toBeUndefined();
    const med = { resourceType: 'Medication', id: 'm1' };
    const container = {
      resourceType: 'MedicationRequest',
      id: 'mr',
      contained: [null, { resourceType: 'Medication', id: 'm0' }, med],
    } as AnyResource;
    expect(r.resolve('#m1', container)).toBe(med);
    expect(r.resolve('#m9', container)).toBeUndefined();
    expect(r.resolve('#m1', { resourceType: 'MedicationRequest', contained: 'x' } as AnyResource)).toBeUndefined();
    expect(r.resolve('#m1')).toBeUndefined();
    expect(r.resolve(undefined)).toBeUndefined();
    expect(r.resolve(42)).toBeUndefined();
  });
});
