/** G4 "unreadable is not absent": the helpers that say why a status, code or date cannot be read. */
import { codeProblem, conditionStatusProblem, dateProblem, statusProblem } from '../../src/facts/unreadable';
import { below, parseValueString, quantityUnit } from '../../src/facts/labs';
import type { LabValue } from '../../src/facts/types';

describe('statusProblem', () => {
  test.each([
    ['Observation', 'final'],
    ['Observation', 'amended'],
    ['Procedure', 'completed'],
    ['Procedure', 'in-progress'],
    ['MedicationRequest', 'active'],
    ['MedicationRequest', 'draft'],
    ['MedicationAdministration', 'completed'],
    ['ServiceRequest', 'revoked'],
    ['Encounter', 'anything'],
  ])('%s %s is readable', (type, status) => expect(statusProblem(type, status)).toBeUndefined());
  test('missing, not a string, "unknown", or not a code of the type: each says why', () => {
    expect(statusProblem('Observation', undefined)).toBe('no status');
    expect(statusProblem('Observation', 3)).toBe('a status that is not a code');
    expect(statusProblem('Observation', 'unknown')).toBe('status "unknown"');
    expect(statusProblem('Observation', 'FINAL')).toBe('status "FINAL" is not a FHIR Observation status');
    expect(statusProblem('Procedure', 'final')).toBe('status "final" is not a FHIR Procedure status');
    expect(statusProblem('Observation', 'x'.repeat(100))).toBe(`status "${'x'.repeat(40)}" is not a FHIR Observation status`);
  });
});

describe('conditionStatusProblem', () => {
  test('absent is fine; present without a code, or with a code that is not FHIR, says so', () => {
    expect(conditionStatusProblem('clinicalStatus', undefined, false)).toBeUndefined();
    expect(conditionStatusProblem('clinicalStatus', undefined, true)).toBe('clinicalStatus has no code');
    expect(conditionStatusProblem('clinicalStatus', 'relapse', true)).toBeUndefined();
    expect(conditionStatusProblem('clinicalStatus', 'refuted', true)).toBe('clinicalStatus "refuted" is not a FHIR code');
    expect(conditionStatusProblem('verificationStatus', 'refuted', true)).toBeUndefined();
    expect(conditionStatusProblem('verificationStatus', 'active', true)).toBe('verificationStatus "active" is not a FHIR code');
  });
});

describe('codeProblem', () => {
  test.each([[{ coding: [{ code: '439007008' }] }], [{ text: 'TTP' }], [{ coding: [null, { code: 'x' }] }]])('%j is a concept', (code) =>
    expect(codeProblem(code)).toBeUndefined(),
  );
  test.each([
    [undefined, 'no code'],
    [null, 'a code that is not a CodeableConcept'],
    ['439007008', 'a code that is not a CodeableConcept'],
    [[{ text: 'TTP' }], 'a code that is not a CodeableConcept'],
    [{ coding: [{ display: 'TTP' }] }, 'a code with neither a coding nor a text'],
    [{ coding: [{ code: 5 }], text: '  ' }, 'a code with neither a coding nor a text'],
    [{ coding: 'x' }, 'a code with neither a coding nor a text'],
    [{}, 'a code with neither a coding nor a text'],
  ])('%j: %s', (code, why) => expect(codeProblem(code)).toBe(why));
});

describe('dateProblem', () => {
  const future = Date.parse('2026-03-06T19:00:00Z');
  test('absent is no problem; present but unparsed, or later than the future bound, is', () => {
    expect(dateProblem(undefined, undefined, future)).toBeUndefined();
    expect(dateProblem('2026-03-06', Date.parse('2026-03-06'), future)).toBeUndefined();
    expect(dateProblem('2026-03-06T19:00:00Z', future, future)).toBeUndefined();
    expect(dateProblem('2026-03-06T19:01:00Z', future + 60_000, future)).toBe('dated 2026-03-06T19:01Z, in the future');
    expect(dateProblem('03/06/2026', undefined, future)).toBe('date "03/06/2026" does not parse');
    expect(dateProblem({ start: 1 }, undefined, future)).toBe('date "{"start":1}" does not parse');
    expect(dateProblem('x'.repeat(80), undefined, future)).toBe(`date "${'x'.repeat(40)}" does not parse`);
  });
});

describe('lab values', () => {
  test('valueString: comparators, decimals with a comma or a point, negative numbers, a unit or none', () => {
    expect(parseValueString('<=5%')).toEqual({ comparator: '<=', value: 5, unit: '%' });
    expect(parseValueString('>= 150')).toEqual({ comparator: '>=', value: 150, unit: undefined });
    expect(parseValueString('>2.5 BU')).toEqual({ comparator: '>', value: 2.5, unit: 'BU' });
    expect(parseValueString('-1')).toEqual({ comparator: undefined, value: -1, unit: undefined });
    expect(parseValueString('positive')).toBeUndefined();
    expect(parseValueString('5'.repeat(65))).toBeUndefined();
  });
  test('a quantity unit: the UCUM code when the system is UCUM or absent, else the printed unit', () => {
    expect(quantityUnit({ unit: 'K/uL', code: '10*3/uL', system: 'http://unitsofmeasure.org' })).toBe('10*3/uL');
    expect(quantityUnit({ unit: 'K/uL', code: '10*3/uL' })).toBe('10*3/uL');
    expect(quantityUnit({ unit: 'K/uL', code: 'KUL', system: 'urn:lab:local' })).toBe('K/uL');
    expect(quantityUnit({ code: 'KUL', system: 'urn:lab:local' })).toBe('KUL');
    expect(quantityUnit({})).toBeUndefined();
  });
  test('below a threshold: the number, or a "<" or "<=" whose bound is at or under it (KB v3 change 25)', () => {
    const v = (value: number, comparator?: LabValue['comparator']) => ({ value, comparator }) as LabValue;
    expect(below(v(9.9), 10)).toBe(true);
    expect(below(v(10), 10)).toBe(false);
    expect(below(v(10, '<'), 10)).toBe(true);
    expect(below(v(10, '<='), 10)).toBe(true);
    expect(below(v(12, '<'), 10)).toBe(false);
  });
});
