import type { MatchKind } from '../terminology';

/** One line of evidence behind a card: the value, when, and the resource it came from. */
export interface Evidence {
  label: string;
  value: string;
  /** Epoch ms of the clinical time (effective/performed/authored), if known. */
  time?: number;
  /** `Type/id` of the source resource. */
  ref?: string;
}

/** How a concept was recognised: by a verified code, a site-local code, or text only. */
export interface Recognised {
  by: MatchKind;
  what: string;
  ref: string;
}

export interface ConditionFact {
  ref: string;
  kind: 'ittp' | 'congenital' | 'drug' | 'hsct-tma' | 'tma-unspecified' | 'bleed' | 'other-cause' | 'pregnancy';
  /**
   * A drug-induced TTP code (G3) or M31.10 "TMA, unspecified" (KB v3 change 28) treated as iTTP
   * because severe ADAMTS13 deficiency or an inhibitor is documented.
   */
  treatedAsIttp?: 'drug-induced' | 'tma-unspecified';
  active: boolean;
  clinicalStatus?: string;
  /** Onset (or recorded) time. */
  time?: number;
  display: string;
  by: MatchKind;
  /** What matched: `system|code`, or the text. */
  what?: string;
  /** iTTP codes that by themselves confirm an immune/acquired TTP (439007008, 438476003). */
  confirmsImmune?: boolean;
}

/** A numeric (or qualitative) lab result, in the analyte's rule unit. */
export interface LabValue {
  analyte: string;
  /** In the analyte's rule unit (hooks/units.json). */
  value: number;
  comparator?: '<' | '<=' | '>' | '>=';
  time: number;
  final: boolean;
  /** Upper limit of normal in the rule unit, from this result's referenceRange. */
  uln?: number;
  ref: string;
  by: MatchKind;
  /** The value as the EHR wrote it, for evidence. */
  raw: string;
  /** Coded or text interpretation (for qualitative results). */
  interpretation?: string;
  /** Read from a panel's component or contained member (KB v3 change 31). */
  component?: boolean;
}

export interface LabProblem {
  analyte: string;
  time?: number;
  ref: string;
  reason: string;
  raw: string;
}

export interface LabSeries {
  /** final/amended/corrected values with an understood unit, by time. */
  final: LabValue[];
  /** preliminary values: "measured", never used for thresholds (G4). */
  preliminary: LabValue[];
  /** results that exist but cannot be used (unknown unit, no value, no time). */
  problems: LabProblem[];
  /** registered (ordered, not resulted) observations. */
  pending: { ref: string; time?: number }[];
}

export interface TpeSession {
  time: number;
  ref: string;
  by: MatchKind;
}

export interface Episode {
  sessions: TpeSession[];
  firstSession: number;
  lastSession: number;
  day1: string;
  /** PE day today (D1), counted from the local date of the first session. */
  peDay: number;
  sessionCount: number;
  /** The last session is within the episode gap of now. */
  current: boolean;
  /** An earlier episode exists (a new episode after an earlier one, D7). */
  previousEpisodeEnd?: number;
}

export interface OrderFact {
  ref: string;
  resourceType: 'ServiceRequest' | 'MedicationRequest';
  status: string;
  intent?: string;
  /** authoredOn, or start of occurrence/bounds. */
  time?: number;
  /** When the order ended or is planned to end (a stopped order without a planned end: its last administration). */
  end?: number;
  by: MatchKind;
  display: string;
}

export interface Dose {
  /** Dose in mg, when the unit is a mass. */
  mg?: number;
  /** Dose per m2 in mg/m2, when the order is written per BSA. */
  mgPerM2?: number;
  raw: string;
}

export interface MedOrder extends OrderFact {
  resourceType: 'MedicationRequest';
  dose?: Dose;
  route?: 'iv' | 'sc' | 'oral' | 'other';
  routeText?: string;
  /** The route's code and text disagree (G: route unclear). */
  routeConflict?: string;
  /** The planned end (boundsPeriod, or start plus boundsDuration, or the last planned dose, or the estimated supply end). */
  plannedEnd?: number;
  /** Which field gave `end` (KB v3 change 32), in words for the card's evidence. */
  endBy?: string;
  /** Doses per day from timing (1 = once daily), if stated. */
  perDay?: number;
  frequencyText?: string;
  /** Planned number of doses (timing.repeat.count). */
  count?: number;
  /** Planned duration in days from bounds. */
  durationDays?: number;
  /** Interval between doses in days, from timing. */
  intervalDays?: number;
  reasonConcepts: unknown[];
  resource: Record<string, unknown>;
}

export interface MedAdmin {
  ref: string;
  time: number;
  dose?: Dose;
  by: MatchKind;
  display: string;
}

export type DrugClass = 'capla' | 'rtx' | 'steroid' | 'mp' | 'second-line' | 'dara' | 'antithromb' | 'plasma';

/**
 * A drug recorded as given elsewhere (KB v3 change 30): a MedicationStatement (active, completed or
 * intended), or a MedicationRequest reported from outside (`reported[x]`).
 */
export interface RecordedElsewhere {
  ref: string;
  /** Start of its effective period (else the date asserted or authored). */
  time?: number;
  /** End of its effective period, when stated. */
  end?: number;
  /** Still being taken (an active or intended statement, an active reported request). */
  ongoing: boolean;
  /** Who or what reported it, in words. */
  source: string;
  status: string;
  by: MatchKind;
  display: string;
}

export interface DrugExposure {
  drug: DrugClass;
  /** Orders that count (not cancelled/draft/entered-in-error/unknown; intent is an order). */
  orders: MedOrder[];
  /** Orders that never counted, kept as evidence (cancelled, entered-in-error...). */
  ignoredOrders: MedOrder[];
  administrations: MedAdmin[];
  /** Recorded as given elsewhere (KB v3 change 30): never an order of this site. */
  elsewhere: RecordedElsewhere[];
}

/** A documented allergy or intolerance to a drug a card could draft (KB v3 change 29). */
export interface AllergyFact {
  ref: string;
  /** The drug classes its code or text names. */
  drugs: DrugClass[];
  display: string;
  /** 'allergy' or 'intolerance' (AllergyIntolerance.type), else 'allergy'. */
  type: string;
  criticality?: string;
  /** The first reaction's manifestation, in words. */
  reaction?: string;
  /** Onset, else recordedDate, else lastOccurrence. */
  time?: number;
  by: MatchKind;
}
