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
