/** The gates G1-G3 that every rule passes through: age, an active iTTP, excluded subtypes. */
import { type Scenario } from '../fixtures/builder';
import { cardFor, run } from '../helpers';
import { nonResponder } from '../fixtures/records';

describe('G gates', () => {
  test.each([
    ['drug-induced TTP', (s: Scenario) => s.condition('441322009')],
    ['HSCT-TMA', (s: Scenario) => s.condition('M31.11', { system: 'http://hl7.org/fhir/sid/icd-10-cm' })],
  ])('%s suppresses every card', (_n, add) => {
    expect(run(add(nonResponder())).ids).toEqual([]);
  });

  test('congenital TTP recognised by text alone suppresses every card', () => {
    const s = nonResponder()
      .without((r) => r.resourceType === 'Condition')
      .condition('', { text: 'Congenital TTP (Upshaw-Schulman syndrome)' });
    expect(run(s).ids).toEqual([]);
  });

  test('a congenital diagnosis that was entered in error does not suppress', () => {
    expect(run(nonResponder().condition('373420004', { verificationStatus: 'entered-in-error' })).ids).toContain('TTP-CAPLA-DAY5');
  });

  test('a resolved iTTP diagnosis alone gives no card', () => {
    const s = nonResponder()
      .without((r) => r.resourceType === 'Condition')
      .condition('439007008', { clinicalStatus: 'resolved' });
    expect(run(s).ids).toEqual([]);
  });

  test('age 18 gets cards; 17 does not; unknown age gets cards with a note', () => {
    const s = nonResponder();
    const patient = s.resources.find((r) => r.resourceType === 'Patient')!;
    patient.birthDate = '2008-03-01';
    expect(run(s).ids).toContain('TTP-CAPLA-DAY5');
    patient.birthDate = '2008-03-07';
    expect(run(s).ids).toEqual([]);
    delete patient.birthDate;
    expect(cardFor(run(s), 'TTP-CAPLA-DAY5').detail).toContain('Age is not recorded');
  });

  test('a diagnosis without clinicalStatus is taken as current', () => {
    const s = nonResponder()
      .without((r) => r.resourceType === 'Condition')
      .condition('439007008', { clinicalStatus: 'none' });
    expect(run(s).ids).toContain('TTP-CAPLA-DAY5');
  });
});
