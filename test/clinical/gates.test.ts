/** The gates G1-G3 that every rule passes through: age, an active iTTP, excluded subtypes. */
import { day } from '../fixtures/builder';
import { cardFor, run } from '../helpers';
import { nonResponder } from '../fixtures/records';

describe('G gates', () => {
  test('an HSCT-associated TMA suppresses every card', () => {
    expect(run(nonResponder().condition('M31.11', { system: 'http://hl7.org/fhir/sid/icd-10-cm' })).ids).toEqual([]);
  });

  test('drug-induced TTP: excluded without severe deficiency; with it (pre-treatment < 10% or a positive inhibitor) treated as iTTP, noted', () => {
    const drugOnly = (a13?: number, inhibitor = false) => {
      const s = nonResponder(5, { skip: ['a13', 'inhibitor'] })
        .without((r) => r.resourceType === 'Condition')
        .condition('441322009', { display: 'Drug-induced thrombotic thrombocytopenic purpura' });
      if (a13 !== undefined) s.lab('a13', a13, day(0, '21:00'));
      if (inhibitor) s.inhibitor();
      return run(s);
    };
    expect(drugOnly().ids).toEqual([]);
    expect(drugOnly(15).ids).toEqual([]);
    const severe = drugOnly(4);
    expect(severe.byRule['TTP-CAPLA-DAY5']).toBe('critical');
    expect(cardFor(severe, 'TTP-CAPLA-DAY5').detail).toContain(
      'is drug-induced TTP with severe ADAMTS13 deficiency: treated as immune TTP',
    );
    expect(drugOnly(undefined, true).ids).toContain('TTP-CAPLA-DAY5');
    // Next to an acquired code, a drug-induced code without deficiency still excludes.
    expect(run(nonResponder(5, { skip: ['a13', 'inhibitor'] }).condition('441322009')).ids).toEqual([]);
  });

  test('M31.10 (TMA, unspecified) with no TTP code: excluded; with a pre-treatment ADAMTS13 < 10% or a positive inhibitor, treated as iTTP and named (KB v3 change 28)', () => {
    const tma = (a13?: number, inhibitor = false) => {
      const s = nonResponder(5, { skip: ['a13', 'inhibitor'] })
        .without((r) => r.resourceType === 'Condition')
        .condition('M31.10', { system: 'http://hl7.org/fhir/sid/icd-10-cm', display: 'Thrombotic microangiopathy, unspecified' });
      if (a13 !== undefined) s.lab('a13', a13, day(0, '21:00'));
      if (inhibitor) s.inhibitor();
      return run(s);
    };
    expect(tma().ids).toEqual([]);
    expect(tma(10).ids).toEqual([]);
    const severe = tma(4);
    expect(severe.byRule['TTP-CAPLA-DAY5']).toBe('critical');
    expect(cardFor(severe, 'TTP-CAPLA-DAY5').detail).toContain(
      'is coded M31.10, a thrombotic microangiopathy without a TTP code; with severe ADAMTS13 deficiency it is treated as immune TTP',
    );
    expect(tma(undefined, true).ids).toContain('TTP-CAPLA-DAY5');
    // 4% drawn after plasma is no pre-treatment value: without an inhibitor the exclusion stands.
    const afterPlasma = nonResponder(5, { skip: ['a13', 'inhibitor'] })
      .without((r) => r.resourceType === 'Condition')
      .condition('M31.10', { system: 'http://hl7.org/fhir/sid/icd-10-cm' })
      .plasma(day(0, '12:00'))
      .lab('a13', 4, day(0, '21:00'));
    expect(run(afterPlasma).ids).toEqual([]);
  });

  test('congenital TTP alone: only the platelet-transfusion caution runs', () => {
    const s = nonResponder()
      .without((r) => r.resourceType === 'Condition')
      .condition('373420004');
    expect(run(s).ids).toEqual([]);
    s.draft({
      resourceType: 'ServiceRequest',
      id: 'plt',
      status: 'draft',
      intent: 'order',
      code: { coding: [{ system: 'http://snomed.info/sct', code: '12719002' }] },
      subject: { reference: 'Patient/pat-1' },
    });
    expect(run(s, 'order-select').byRule).toEqual({ 'TTP-PLT-TXN': 'warning' });
  });

  test.each([
    ['Acquired TTP, hereditary TTP ruled out', true],
    ['Thrombotic thrombocytopenic purpura; congenital form excluded', true],
    ['TTP, no evidence of congenital disease', true],
    ['Congenital TTP (Upshaw-Schulman syndrome)', false],
    ['Hereditary TTP', false],
    ['Suspected TTP (congenital TTP not confirmed)', true],
  ])('G6 negation in a text-only diagnosis "%s": escalation cards run = %s', (text, runs) => {
    const s = nonResponder()
      .without((r) => r.resourceType === 'Condition')
      .condition('', { text });
    expect(run(s).ids.includes('TTP-CAPLA-DAY5')).toBe(runs);
  });

  test('a negated TTP text is no TTP: "thrombotic thrombocytopenic purpura ruled out" gives no card', () => {
    const s = nonResponder()
      .without((r) => r.resourceType === 'Condition')
      .condition('', { text: 'Thrombotic thrombocytopenic purpura ruled out' });
    expect(run(s).ids).toEqual([]);
  });

  test('a future or unparseable birthDate: the age is unknown, the rules run and say so', () => {
    for (const birthDate of ['2099-01-01', '19-79-05']) {
      const s = nonResponder();
      s.resources.find((r) => r.resourceType === 'Patient')!.birthDate = birthDate;
      const o = run(s);
      expect(o.byRule['TTP-CAPLA-DAY5']).toBe('critical');
      expect(cardFor(o, 'TTP-CAPLA-DAY5').detail).toContain('The age cannot be read');
    }
  });

  test('a clinicalStatus that is not a FHIR code is taken as current and named', () => {
    const s = nonResponder()
      .without((r) => r.resourceType === 'Condition')
      .condition('439007008', { clinicalStatus: 'ACTIVEX' });
    const o = run(s);
    expect(o.byRule['TTP-CAPLA-DAY5']).toBe('critical');
    expect(cardFor(o, 'TTP-CAPLA-DAY5').detail).toContain('clinicalStatus "activex" is not a FHIR code');
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
