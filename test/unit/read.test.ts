/** Lenient FHIR readers: odd shapes. */
import { concepts, conceptText, parseRef } from '../../src/fhir/read';

describe('odd shapes', () => {
  test('concepts accepts one, many, a bare Coding or a string', () => {
    expect(concepts({ text: 'a' })).toEqual([{ text: 'a' }]);
    expect(concepts([{ text: 'a' }, 'b', null, 3])).toEqual([{ text: 'a' }, { text: 'b' }]);
    expect(concepts({ system: 's', code: 'c' })).toEqual([{ coding: [{ system: 's', code: 'c' }] }]);
  });
  test('conceptText joins text and displays, and tolerates a coding object instead of an array', () => {
    expect(conceptText({ text: 'Platelets', coding: [{ display: 'PLT' }] })).toBe('Platelets | PLT');
    expect(conceptText({ coding: { display: 'PLT' } } as never)).toBe('PLT');
  });
  test('parseRef reads relative, absolute, versioned and contained references', () => {
    expect(parseRef('Patient/1')).toEqual({ type: 'Patient', id: '1' });
    expect(parseRef('https://ehr.example/fhir/Patient/1/_history/2')).toEqual({ type: 'Patient', id: '1' });
    expect(parseRef('#med1')).toEqual({ id: 'med1', contained: true });
    expect(parseRef('urn:uuid:1234')).toBeUndefined();
  });
});

describe('PatientRecord', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PatientRecord } = require('../../src/facts/record') as typeof import('../../src/facts/record');
  test('the same resource from two prefetch keys counts once; resources without id are kept', () => {
    const r = new PatientRecord();
    const a = { resourceType: 'Observation', id: 'o1', status: 'final' };
    r.add(a);
    r.add({ resourceType: 'Observation', id: 'o1', status: 'final' });
    r.add({ resourceType: 'Observation', id: 'o2' });
    r.add({ resourceType: 'Observation' });
    r.add({ resourceType: 'Observation' });
    expect(r.all('Observation').map((x) => x.id)).toEqual(['o1', 'o2', undefined, undefined]);
    expect(r.get('Observation', 'o1')).toBe(a);
    r.add({ resourceType: 'Observation', id: 'o3' });
    expect(r.get('Observation', 'o3')?.id).toBe('o3');
    expect(r.all('Patient')).toEqual([]);
  });
});
