/**
 * Scenario builder: realistic FHIR R4 data for an iTTP episode, with the KB section 5 defaults
 * and one method per clinical fact. Times are given as PE days: day(1) is the calendar date of
 * the first TPE session; day(0) the day before. Labs are drawn at 06:00, TPE at 10:00, drugs at
 * 12:00 (UTC), and "now" defaults to 18:00 on the evaluation day.
 */
import type * as fhir4 from 'fhir/r4';
import { PatientRecord } from '../facts/record';
import type { AnyResource } from '../fhir/read';

export let DAY1 = '2026-03-02';
const DAY_MS = 86_400_000;
let day1Ms = Date.parse(`${DAY1}T00:00:00Z`);

/** Move PE day 1 to a calendar date. */
export function setDay1(isoDate: string): void {
  DAY1 = isoDate;
  day1Ms = Date.parse(`${isoDate}T00:00:00Z`);
}

/**
 * For requests checked against the real clock (examples, benchmark, process tests): place day 1
 * so that `now` is 18:00 of PE day `evalDay` in builder time, whatever the time of day.
 */
export function anchorNowAt(evalDay: number, now = Date.now()): void {
  day1Ms = now - (evalDay - 1) * DAY_MS - 18 * 3_600_000;
  DAY1 = new Date(day1Ms).toISOString().slice(0, 10);
}
const LOINC = 'http://loinc.org';
const SNOMED = 'http://snomed.info/sct';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const UCUM = 'http://unitsofmeasure.org';

/** ISO instant of PE day `n` at `hhmm` (UTC). Fractions of a day are allowed (day(2.5)). */
export function day(n: number, hhmm = '06:00'): string {
  const [h, m] = hhmm.split(':').map(Number);
  const ms = day1Ms + (n - 1) * DAY_MS + (h! * 60 + m!) * 60_000;
  return new Date(ms).toISOString();
}
export const at = (iso: string) => Date.parse(iso);

export type LabKey = 'plt' | 'hb' | 'ldh' | 'a13' | 'creat';
const LAB: Record<LabKey, { code: string; display: string; unit: string }> = {
  plt: { code: '777-3', display: 'Platelets [#/volume] in Blood by Automated count', unit: '10*9/L' },
  hb: { code: '718-7', display: 'Hemoglobin [Mass/volume] in Blood', unit: 'g/dL' },
  ldh: { code: '2532-0', display: 'Lactate dehydrogenase [Enzymatic activity/volume] in Serum or Plasma', unit: 'U/L' },
  a13: { code: '53622-7', display: 'ADAMTS13 activity', unit: '%' },
  creat: { code: '2160-0', display: 'Creatinine [Mass/volume] in Serum or Plasma', unit: 'mg/dL' },
};

export interface LabOpts {
  status?: fhir4.Observation['status'];
  unit?: string;
  /** Put the unit only in `unit` text (no UCUM code). */
  unitTextOnly?: boolean;
  uln?: number;
  comparator?: '<' | '<=' | '>' | '>=';
  code?: fhir4.CodeableConcept;
  valueString?: string;
  id?: string;
}

export interface MedOpts {
  status?: fhir4.MedicationRequest['status'];
  intent?: fhir4.MedicationRequest['intent'];
  doseMg?: number;
  doseUnit?: string;
  route?: 'iv' | 'sc' | 'po';
  perDay?: number;
  periodUnit?: 'd' | 'wk' | 'h';
  period?: number;
  count?: number;
  start?: string;
  end?: string;
  authoredOn?: string;
  /** Also record completed administrations at these instants. */
  givenAt?: string[];
  concept?: fhir4.CodeableConcept;
  id?: string;
  reasonCode?: fhir4.CodeableConcept[];
  lastUpdated?: string;
  /** An outside medication (US Core `reported[x]`): true, or the display of who reported it. */
  reported?: true | string;
  /** `timing.repeat.boundsDuration` in days. */
  durationDays?: number;
  /** `dispenseRequest`: the expected supply in days and the repeats allowed (an outpatient prescription). */
  supplyDays?: number;
  repeats?: number;
}

export interface StatementOpts {
  status?: string;
  start?: string;
  end?: string;
  /** `dateAsserted`. */
  asserted?: string;
  /** `informationSource.display`. */
  source?: string;
  id?: string;
}

export interface AllergyOpts {
  clinicalStatus?: string;
  verificationStatus?: string;
  criticality?: 'low' | 'high' | 'unable-to-assess';
  type?: 'allergy' | 'intolerance';
  reaction?: string;
  recorded?: string;
  id?: string;
}

/** How a lab result is sent: as its own Observation, a CBC component, or a contained hasMember of a panel. */
export type LabShape = 'observation' | 'component' | 'member';

export const DRUGS = {
  caplacizumab: { text: 'caplacizumab-yhdp 11 MG Injection (Cablivi)' } as fhir4.CodeableConcept,
  rituximab: { coding: [{ system: RXNORM, code: '121191', display: 'rituximab' }], text: 'rituximab' } as fhir4.CodeableConcept,
  methylprednisolone: { coding: [{ system: RXNORM, code: '6902', display: 'methylprednisolone' }] } as fhir4.CodeableConcept,
  prednisone: { coding: [{ system: RXNORM, code: '8640', display: 'prednisone' }] } as fhir4.CodeableConcept,
  apixaban: {
    coding: [{ system: RXNORM, code: '1364435', display: 'apixaban 5 MG Oral Tablet' }],
    text: 'apixaban 5 mg tablet',
  } as fhir4.CodeableConcept,
  cyclophosphamide: { coding: [{ system: RXNORM, code: '3002', display: 'cyclophosphamide' }] } as fhir4.CodeableConcept,
  daratumumab: { coding: [{ system: RXNORM, code: '1721947', display: 'daratumumab' }] } as fhir4.CodeableConcept,
};

const ROUTES = {
  iv: { coding: [{ system: SNOMED, code: '47625008', display: 'Intravenous route' }] },
  sc: { coding: [{ system: SNOMED, code: '34206005', display: 'Subcutaneous route' }] },
  po: { coding: [{ system: SNOMED, code: '26643006', display: 'Oral route' }] },
};

export class Scenario {
  readonly resources: AnyResource[] = [];
  readonly drafts: AnyResource[] = [];
  patientId = 'pat-1';
  now: string;
  private seq = 0;

  constructor(evalDay = 5, hhmm = '18:00') {
    this.now = day(evalDay, hhmm);
  }

  id(prefix: string): string {
    return `${prefix}-${++this.seq}`;
  }

  at(evalDay: number, hhmm = '18:00'): this {
    this.now = day(evalDay, hhmm);
    return this;
  }

  add<T extends AnyResource>(r: T): T {
    this.resources.push(r);
    return r;
  }

  patient(birthDate = '1979-05-14'): this {
    this.add({ resourceType: 'Patient', id: this.patientId, birthDate, gender: 'female' });
    return this;
  }

  condition(
    code: string,
    opts: {
      system?: string;
      clinicalStatus?: string;
      verificationStatus?: string;
      onset?: string;
      text?: string;
      id?: string;
      display?: string;
    } = {},
  ): this {
    const system = opts.system ?? SNOMED;
    const c: Record<string, unknown> = {
      resourceType: 'Condition',
      id: opts.id ?? this.id('cond'),
      subject: { reference: `Patient/${this.patientId}` },
      code: code ? { coding: [{ system, code, display: opts.display }], text: opts.text } : { text: opts.text },
      onsetDateTime: opts.onset ?? day(0, '20:00'),
    };
    if (opts.clinicalStatus !== 'none')
      c.clinicalStatus = {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: opts.clinicalStatus ?? 'active' }],
      };
    if (opts.verificationStatus)
      c.verificationStatus = {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: opts.verificationStatus }],
      };
    this.add(c as AnyResource);
    return this;
  }

  lab(kind: LabKey, value: number, when: string, o: LabOpts = {}): this {
    const def = LAB[kind];
    const unit = o.unit ?? def.unit;
    const obs: Record<string, unknown> = {
      resourceType: 'Observation',
      id: o.id ?? this.id(`obs-${kind}`),
      status: o.status ?? 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
      code: o.code ?? { coding: [{ system: LOINC, code: def.code, display: def.display }] },
      subject: { reference: `Patient/${this.patientId}` },
      effectiveDateTime: when,
      issued: new Date(at(when) + 3_600_000).toISOString(),
    };
    if (o.valueString !== undefined) obs.valueString = o.valueString;
    else
      obs.valueQuantity = o.unitTextOnly
        ? { value, unit }
        : { value, unit, system: UCUM, code: unit, ...(o.comparator ? { comparator: o.comparator } : {}) };
    if (o.uln !== undefined || kind === 'ldh')
      obs.referenceRange = [{ high: { value: o.uln ?? 250, unit: 'U/L', system: UCUM, code: 'U/L' } }];
    this.add(obs as AnyResource);
    return this;
  }

  /** One value per PE day from `firstDay`, drawn at 06:00. */
  series(kind: LabKey, values: number[], firstDay = 1, o: LabOpts = {}): this {
    values.forEach((v, i) => this.lab(kind, v, day(firstDay + i, '06:00'), o));
    return this;
  }

  inhibitor(when = day(0, '21:00'), text = 'ADAMTS13 inhibitor (Bethesda)', value = 2.1): this {
    this.add({
      resourceType: 'Observation',
      id: this.id('obs-inh'),
      status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
      code: { text },
      subject: { reference: `Patient/${this.patientId}` },
      effectiveDateTime: when,
      valueQuantity: { value, unit: 'BU/mL', system: UCUM, code: "[beth'U]/mL" },
      interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'POS' }] }],
    });
    return this;
  }

  smear(when = day(0, '21:00')): this {
    this.add({
      resourceType: 'Observation',
      id: this.id('obs-smear'),
      status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
      code: { coding: [{ system: LOINC, code: '800-3', display: 'Schistocytes [Presence] in Blood by Light microscopy' }] },
      subject: { reference: `Patient/${this.patientId}` },
      effectiveDateTime: when,
      valueCodeableConcept: { text: 'Present' },
    });
    return this;
  }

  tpe(when: string, opts: { status?: string; code?: fhir4.CodeableConcept } = {}): this {
    this.add({
      resourceType: 'Procedure',
      id: this.id('tpe'),
      status: opts.status ?? 'completed',
      code: opts.code ?? { coding: [{ system: SNOMED, code: '127788007', display: 'Apheresis' }], text: 'Therapeutic plasma exchange' },
      subject: { reference: `Patient/${this.patientId}` },
      performedPeriod: { start: when, end: new Date(at(when) + 2.5 * 3_600_000).toISOString() },
    });
    return this;
  }

  /** Daily TPE at 10:00 from `first` to `last` PE day. */
  tpeDaily(first: number, last: number): this {
    for (let d = first; d <= last; d++) this.tpe(day(d, '10:00'));
    return this;
  }

  tpeOrder(status: string, opts: { authored?: string; lastUpdated?: string; id?: string } = {}): this {
    this.add({
      resourceType: 'ServiceRequest',
      id: opts.id ?? this.id('sr-tpe'),
      status,
      intent: 'order',
      code: { coding: [{ system: SNOMED, code: '127788007', display: 'Apheresis' }], text: 'Therapeutic plasma exchange daily' },
      subject: { reference: `Patient/${this.patientId}` },
      authoredOn: opts.authored ?? day(1, '08:00'),
      ...(opts.lastUpdated ? { meta: { lastUpdated: opts.lastUpdated } } : {}),
    });
    return this;
  }

  serviceRequest(text: string, status: string, opts: { code?: fhir4.Coding; authored?: string; occurrence?: string } = {}): this {
    this.add({
      resourceType: 'ServiceRequest',
      id: this.id('sr'),
      status,
      intent: 'order',
      code: { ...(opts.code ? { coding: [opts.code] } : {}), text },
      subject: { reference: `Patient/${this.patientId}` },
      authoredOn: opts.authored ?? day(1, '07:00'),
      ...(opts.occurrence ? { occurrenceDateTime: opts.occurrence } : {}),
    });
    return this;
  }

  medicationRequest(concept: fhir4.CodeableConcept, o: MedOpts = {}): AnyResource {
    const repeat: Record<string, unknown> = {};
    if (o.perDay !== undefined || o.period !== undefined)
      Object.assign(repeat, { frequency: o.perDay ?? 1, period: o.period ?? 1, periodUnit: o.periodUnit ?? 'd' });
    if (o.count !== undefined) repeat.count = o.count;
    if (o.durationDays !== undefined) repeat.boundsDuration = { value: o.durationDays, unit: 'd', system: UCUM, code: 'd' };
    if (o.start || o.end) repeat.boundsPeriod = { ...(o.start ? { start: o.start } : {}), ...(o.end ? { end: o.end } : {}) };
    const dosage: Record<string, unknown> = {};
    if (Object.keys(repeat).length) dosage.timing = { repeat };
    if (o.route) dosage.route = structuredClone(ROUTES[o.route]);
    if (o.doseMg !== undefined)
      dosage.doseAndRate = [{ doseQuantity: { value: o.doseMg, unit: o.doseUnit ?? 'mg', system: UCUM, code: o.doseUnit ?? 'mg' } }];
    const r: AnyResource = {
      resourceType: 'MedicationRequest',
      id: o.id ?? this.id('mr'),
      status: o.status ?? 'active',
      intent: o.intent ?? 'order',
      medicationCodeableConcept: o.concept ?? concept,
      subject: { reference: `Patient/${this.patientId}` },
      authoredOn: o.authoredOn ?? o.start ?? day(1, '11:00'),
      ...(Object.keys(dosage).length ? { dosageInstruction: [dosage] } : {}),
      ...(o.reasonCode ? { reasonCode: o.reasonCode } : {}),
      ...(o.lastUpdated ? { meta: { lastUpdated: o.lastUpdated } } : {}),
      ...(o.reported === true ? { reportedBoolean: true } : o.reported ? { reportedReference: { display: o.reported } } : {}),
      ...(o.supplyDays !== undefined
        ? {
            dispenseRequest: {
              expectedSupplyDuration: { value: o.supplyDays, unit: 'days', system: UCUM, code: 'd' },
              ...(o.repeats !== undefined ? { numberOfRepeatsAllowed: o.repeats } : {}),
            },
          }
        : {}),
    };
    return r;
  }

  /** A MedicationStatement: a drug recorded as taken, e.g. at the referring hospital (KB v3 change 30). */
  statement(concept: fhir4.CodeableConcept, o: StatementOpts = {}): this {
    this.add({
      resourceType: 'MedicationStatement',
      id: o.id ?? this.id('ms'),
      status: o.status ?? 'active',
      medicationCodeableConcept: concept,
      subject: { reference: `Patient/${this.patientId}` },
      ...(o.start || o.end ? { effectivePeriod: { ...(o.start ? { start: o.start } : {}), ...(o.end ? { end: o.end } : {}) } } : {}),
      ...(o.asserted ? { dateAsserted: o.asserted } : {}),
      ...(o.source ? { informationSource: { display: o.source } } : {}),
    });
    return this;
  }

  /** An AllergyIntolerance to a drug (KB v3 change 29). */
  allergy(concept: fhir4.CodeableConcept, o: AllergyOpts = {}): this {
    const r: Record<string, unknown> = {
      resourceType: 'AllergyIntolerance',
      id: o.id ?? this.id('allergy'),
      clinicalStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: o.clinicalStatus ?? 'active' }],
      },
      verificationStatus: {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: o.verificationStatus ?? 'confirmed' },
        ],
      },
      type: o.type ?? 'allergy',
      category: ['medication'],
      criticality: o.criticality ?? 'high',
      code: concept,
      patient: { reference: `Patient/${this.patientId}` },
      recordedDate: o.recorded ?? day(-300, '09:00'),
    };
    if (o.reaction) r.reaction = [{ manifestation: [{ text: o.reaction }] }];
    this.add(r as AnyResource);
    return this;
  }

  /** A plasma product given (KB v3 change 26): a transfusion Procedure, a MedicationAdministration or a completed order. */
  plasma(when: string, o: { as?: 'procedure' | 'administration' | 'order'; text?: string; units?: number } = {}): this {
    const text = o.text ?? `Transfusion of fresh frozen plasma${o.units ? `, ${o.units} units` : ''}`;
    const subject = { reference: `Patient/${this.patientId}` };
    if (o.as === 'administration')
      this.add({
        resourceType: 'MedicationAdministration',
        id: this.id('ma-plasma'),
        status: 'completed',
        medicationCodeableConcept: { text },
        subject,
        effectiveDateTime: when,
      });
    else if (o.as === 'order')
      this.add({
        resourceType: 'ServiceRequest',
        id: this.id('sr-plasma'),
        status: 'completed',
        intent: 'order',
        code: { text },
        subject,
        authoredOn: when,
        occurrenceDateTime: when,
      });
    else
      this.add({
        resourceType: 'Procedure',
        id: this.id('proc-plasma'),
        status: 'completed',
        code: { text },
        subject,
        performedDateTime: when,
      });
    return this;
  }

  /**
   * Re-express the record's lab results of `kinds` as real EHRs send them (KB v3 change 31): each
   * becomes a component of a CBC panel (58410-2) with the panel's time and status, or a contained
   * Observation the panel lists in hasMember. The values, units and times stay the same.
   */
  asPanels(shape: Exclude<LabShape, 'observation'>, kinds: LabKey[] = ['plt', 'hb']): this {
    const codes = new Set(kinds.map((k) => LAB[k].code));
    const isKind = (r: AnyResource) =>
      r.resourceType === 'Observation' &&
      !!(r.code as { coding?: { code?: string }[] } | undefined)?.coding?.some((c) => codes.has(c.code!));
    const byTime = new Map<string, AnyResource[]>();
    for (const r of this.resources.filter(isKind)) {
      const t = String(r.effectiveDateTime);
      byTime.set(t, [...(byTime.get(t) ?? []), r]);
    }
    this.without(isKind);
    for (const [when, members] of byTime) {
      const panel: Record<string, unknown> = {
        resourceType: 'Observation',
        id: this.id('cbc'),
        status: members[0]!.status,
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
        code: { coding: [{ system: LOINC, code: '58410-2', display: 'CBC panel - Blood by Automated count' }] },
        subject: { reference: `Patient/${this.patientId}` },
        effectiveDateTime: when,
      };
      if (shape === 'component')
        panel.component = members.map((m) => ({
          code: m.code,
          ...(m.valueQuantity ? { valueQuantity: m.valueQuantity } : {}),
          ...(m.valueString !== undefined ? { valueString: m.valueString } : {}),
          ...(m.referenceRange ? { referenceRange: m.referenceRange } : {}),
        }));
      else {
        panel.contained = members.map((m) => {
          const { subject: _subject, category: _category, issued: _issued, ...rest } = m;
          return rest;
        });
        panel.hasMember = members.map((m) => ({ reference: `#${String(m.id)}` }));
      }
      this.add(panel as AnyResource);
    }
    return this;
  }

  med(concept: fhir4.CodeableConcept, o: MedOpts = {}): this {
    const r = this.add(this.medicationRequest(concept, o));
    for (const g of o.givenAt ?? []) this.give(concept, g, o.doseMg, r.id);
    return this;
  }

  give(concept: fhir4.CodeableConcept, when: string, doseMg?: number, requestId?: string, status = 'completed'): this {
    this.add({
      resourceType: 'MedicationAdministration',
      id: this.id('ma'),
      status,
      medicationCodeableConcept: concept,
      subject: { reference: `Patient/${this.patientId}` },
      effectiveDateTime: when,
      ...(requestId ? { request: { reference: `MedicationRequest/${requestId}` } } : {}),
      ...(doseMg !== undefined ? { dosage: { dose: { value: doseMg, unit: 'mg', system: UCUM, code: 'mg' } } } : {}),
    });
    return this;
  }

  vitals(heightCm: number | undefined, weightKg: number | undefined, when = day(1, '07:00')): this {
    if (heightCm !== undefined)
      this.add({
        resourceType: 'Observation',
        id: this.id('obs-ht'),
        status: 'final',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
        code: { coding: [{ system: LOINC, code: '8302-2', display: 'Body height' }] },
        subject: { reference: `Patient/${this.patientId}` },
        effectiveDateTime: when,
        valueQuantity: { value: heightCm, unit: 'cm', system: UCUM, code: 'cm' },
      });
    if (weightKg !== undefined)
      this.add({
        resourceType: 'Observation',
        id: this.id('obs-wt'),
        status: 'final',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
        code: { coding: [{ system: LOINC, code: '29463-7', display: 'Body weight' }] },
        subject: { reference: `Patient/${this.patientId}` },
        effectiveDateTime: when,
        valueQuantity: { value: weightKg, unit: 'kg', system: UCUM, code: 'kg' },
      });
    return this;
  }

  draft(r: AnyResource): this {
    this.drafts.push({ ...r, status: r.status === 'active' ? 'draft' : r.status });
    return this;
  }

  /** Remove resources matching a predicate (for variants). */
  without(pred: (r: AnyResource) => boolean): this {
    for (let i = this.resources.length - 1; i >= 0; i--) if (pred(this.resources[i]!)) this.resources.splice(i, 1);
    return this;
  }

  record(): PatientRecord {
    const rec = new PatientRecord();
    for (const r of this.resources) rec.add(r);
    return rec;
  }

  /** Prefetch as an EHR would send it, one searchset Bundle per key. */
  prefetch(): Record<string, unknown> {
    const bundle = (rs: AnyResource[]) => ({
      resourceType: 'Bundle',
      type: 'searchset',
      total: rs.length,
      entry: rs.map((resource) => ({
        fullUrl: `http://ehr.example/fhir/${resource.resourceType}/${resource.id}`,
        resource,
        search: { mode: 'match' },
      })),
    });
    const of = (t: string) => this.resources.filter((r) => r.resourceType === t);
    const isVital = (r: AnyResource) => JSON.stringify(r.category ?? '').includes('vital-signs');
    return {
      patient: of('Patient')[0] ?? null,
      conditions: bundle(of('Condition')),
      procedures: bundle(of('Procedure')),
      serviceRequests: bundle(of('ServiceRequest')),
      labs: bundle(of('Observation').filter((r) => !isVital(r))),
      bodyMeasurements: bundle(of('Observation').filter(isVital)),
      medicationRequests: bundle([...of('MedicationRequest'), ...of('Medication')]),
      medicationAdministrations: bundle(of('MedicationAdministration')),
      medicationStatements: bundle([...of('MedicationStatement'), ...of('Medication')]),
      allergies: bundle(of('AllergyIntolerance')),
    };
  }

  request(
    hook: 'patient-view' | 'order-select' | 'order-sign',
    extra: { selections?: string[]; prefetch?: Record<string, unknown>; hookInstance?: string } = {},
  ): Record<string, unknown> {
    const context: Record<string, unknown> = { userId: 'Practitioner/prac-1', patientId: this.patientId, encounterId: 'enc-1' };
    if (hook !== 'patient-view')
      context.draftOrders = { resourceType: 'Bundle', type: 'collection', entry: this.drafts.map((resource) => ({ resource })) };
    if (hook === 'order-select') context.selections = extra.selections ?? this.drafts.map((d) => `${d.resourceType}/${d.id}`);
    return {
      hook,
      hookInstance: extra.hookInstance ?? 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
      fhirServer: 'https://ehr.example/fhir',
      context,
      prefetch: extra.prefetch ?? this.prefetch(),
    };
  }
}

/**
 * KB section 5 defaults: adult with active 439007008; ADAMTS13 4% with positive inhibitor on D0;
 * TPE daily from D1; methylprednisolone 1 g D1-3 then prednisone; rituximab on D2; daily
 * platelets, Hb and LDH (ULN 250) on `labDays` days. Platelets/LDH series are the caller's.
 */
export function ittpDefaults(
  evalDay: number,
  opts: { tpeThrough?: number; tpeOrderStatus?: string; skip?: ('rtx' | 'steroids' | 'a13' | 'inhibitor' | 'smear' | 'tpe')[] } = {},
): Scenario {
  const s = new Scenario(evalDay);
  const skip = new Set(opts.skip ?? []);
  s.patient().condition('439007008', { display: 'Acquired thrombotic thrombocytopenic purpura' });
  if (!skip.has('a13')) s.lab('a13', 4, day(0, '21:00'));
  if (!skip.has('inhibitor')) s.inhibitor();
  if (!skip.has('smear')) s.smear();
  if (!skip.has('tpe'))
    s.tpeDaily(1, opts.tpeThrough ?? evalDay).tpeOrder(opts.tpeOrderStatus ?? 'active', {
      lastUpdated: opts.tpeThrough ? day(opts.tpeThrough, '14:00') : undefined,
    });
  if (!skip.has('steroids')) {
    s.med(DRUGS.methylprednisolone, {
      doseMg: 1000,
      route: 'iv',
      perDay: 1,
      count: 3,
      start: day(1, '12:00'),
      status: 'completed',
      // Only what has been given by now: a completed administration in the future is a data error (G4).
      givenAt: [1, 2, 3].filter((d) => d <= evalDay).map((d) => day(d, '12:00')),
    });
    if (evalDay >= 4)
      s.med(DRUGS.prednisone, {
        doseMg: 70,
        route: 'po',
        perDay: 1,
        start: day(4, '08:00'),
        givenAt: Array.from({ length: Math.max(0, Math.min(evalDay, 60) - 3) }, (_, i) => day(4 + i, '08:00')),
      });
  }
  if (!skip.has('rtx'))
    s.med(DRUGS.rituximab, {
      doseMg: 700,
      route: 'iv',
      perDay: 1,
      period: 1,
      periodUnit: 'wk',
      count: 4,
      start: day(2, '14:00'),
      givenAt: [day(2, '14:00')],
    });
  return s;
}

/** Daily Hb (not the subject of most scenarios) so that monitoring is complete. */
export function dailyHb(s: Scenario, from: number, to: number, value = 8.5): Scenario {
  for (let d = from; d <= to; d++) s.lab('hb', value, day(d, '06:00'));
  return s;
}

/** An episode that responded: 8 daily TPE sessions, platelets recovered by day 6, labs to day 10. */
export function recoveredAfterTpe(evalDay: number): Scenario {
  const s = ittpDefaults(evalDay, { tpeThrough: 8, tpeOrderStatus: 'completed' });
  s.series('plt', [12, 30, 60, 100, 140, 170, 190, 210, 230, 240]).series('ldh', [1400, 1000, 700, 500, 380, 300, 260, 240, 230, 220]);
  return dailyHb(s, 1, 10);
}
