/** Lenient FHIR readers: the hand-written date parser against Date.parse, and odd shapes. */
import fc from 'fast-check';
import { concepts, conceptText, parseRef, parseTime } from '../../src/fhir/read';

describe('parseTime', () => {
  test.each([
    ['2026', Date.UTC(2026, 0, 1)],
    ['2026-03', Date.UTC(2026, 2, 1)],
    ['2026-03-04', Date.UTC(2026, 2, 4)],
    ['2026-03-04T10:15:30Z', Date.UTC(2026, 2, 4, 10, 15, 30)],
    ['2026-03-04T10:15:30.5Z', Date.UTC(2026, 2, 4, 10, 15, 30, 500)],
    ['2026-03-04T10:15:30.123456+02:00', Date.UTC(2026, 2, 4, 8, 15, 30, 123)],
    ['2026-03-04T01:00:00-05:30', Date.UTC(2026, 2, 4, 6, 30, 0)],
    ['2026-03-04T10:15', Date.UTC(2026, 2, 4, 10, 15)],
    ['2024-02-29', Date.UTC(2024, 1, 29)],
  ])('%s', (input, expected) => expect(parseTime(input)).toBe(expected));

  test.each(['', '20', '2026-13-01', '2026-02-30', '2025-02-29', '2026-03-04T25:00:00Z', '2026-03-04T10:61', 'yesterday', '2026-03-04 10:00', '2026-03-04T10:00:00+2', '2026-03-04T10:00:00Zjunk'])('%s is not a time', (input) => {
    expect(parseTime(input)).toBeUndefined();
  });

  test('agrees with Date.parse on every valid instant', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), fc.integer({ min: -12, max: 14 }), (d, offsetH) => {
        const iso = d.toISOString();
        expect(parseTime(iso)).toBe(Date.parse(iso));
        const sign = offsetH < 0 ? '-' : '+';
        const withOffset = `${iso.slice(0, 19)}${sign}${String(Math.abs(offsetH)).padStart(2, '0')}:00`;
        expect(parseTime(withOffset)).toBe(Date.parse(withOffset));
        // Date-only and minute precision, as EHRs send them.
        expect(parseTime(iso.slice(0, 10))).toBe(Date.parse(iso.slice(0, 10)));
        expect(parseTime(`${iso.slice(0, 16)}Z`)).toBe(Date.parse(`${iso.slice(0, 16)}Z`));
      }),
      { numRuns: 1000 },
    );
  });

  test('years before 100 are not shifted to the 1900s (Date.UTC would)', () => {
    expect(parseTime('0050-06-01')).toBe(Date.parse('0050-06-01'));
    expect(parseTime('2026-03-04T10:15:3Z')).toBeUndefined();
  });
});

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
