/**
 * G4 "unreadable is not absent": a resource of a concept a rule reads whose status, date, value,
 * unit or code cannot be read is an unknown, named in the cards it could have changed (and, when no
 * card names it, in TTP-DATA-UNREADABLE). Nothing relevant is dropped without a word.
 */

/** One thing that could not be read, in words a clinician reads. */
export interface Unreadable {
  /** `Type/id` of the resource (or a count, for resources of another patient). */
  ref: string;
  /** The prefetch key it came from: the cards of rules that read that key name it. */
  key: string;
  /** What it is, e.g. "Platelets", "TPE session", "Caplacizumab order". */
  concept: string;
  /** Why it cannot be used, e.g. `status "FINAL" is not a FHIR status`. */
  why: string;
  /** Its clinical time, when that at least could be read. */
  time?: number;
  /** What it is to the rules: a TPE session or an analyte (KB v3 change 36: a hidden escalation is a warning). */
  kind?: 'tpe' | string;
}

/** FHIR R4 status codes per resource type (required bindings). "unknown" is valid FHIR but says nothing. */
const STATUSES: Record<string, readonly string[]> = {
  Observation: ['registered', 'preliminary', 'final', 'amended', 'corrected', 'cancelled', 'entered-in-error'],
  Procedure: ['preparation', 'in-progress', 'not-done', 'on-hold', 'stopped', 'completed', 'entered-in-error'],
  MedicationRequest: ['active', 'on-hold', 'cancelled', 'completed', 'entered-in-error', 'stopped', 'draft'],
  MedicationAdministration: ['in-progress', 'not-done', 'on-hold', 'completed', 'entered-in-error', 'stopped'],
  ServiceRequest: ['draft', 'active', 'on-hold', 'revoked', 'completed', 'entered-in-error'],
  MedicationStatement: ['active', 'completed', 'entered-in-error', 'intended', 'stopped', 'on-hold', 'not-taken'],
};

/** Why a resource's status cannot be read, or undefined when it can. */
export function statusProblem(type: string, status: unknown): string | undefined {
  if (status === undefined) return 'no status';
  if (typeof status !== 'string') return 'a status that is not a code';
  if (status === 'unknown') return 'status "unknown"';
  return STATUSES[type]?.includes(status) === false ? `status "${status.slice(0, 40)}" is not a FHIR ${type} status` : undefined;
}

const CLINICAL = ['active', 'recurrence', 'relapse', 'inactive', 'remission', 'resolved'];
const VERIFICATION = ['unconfirmed', 'provisional', 'differential', 'confirmed', 'refuted', 'entered-in-error'];

/** Why a Condition's clinical or verification status code cannot be read (after case folding), if so. */
export function conditionStatusProblem(
  which: 'clinicalStatus' | 'verificationStatus',
  code: string | undefined,
  present: boolean,
): string | undefined {
  if (!present) return undefined;
  if (code === undefined) return `${which} has no code`;
  return (which === 'clinicalStatus' ? CLINICAL : VERIFICATION).includes(code)
    ? undefined
    : `${which} "${code.slice(0, 40)}" is not a FHIR code`;
}

/** A code field that is not a concept: not an object with a coded coding or a text. */
export function codeProblem(code: unknown): string | undefined {
  if (code === undefined) return 'no code';
  if (!code || typeof code !== 'object' || Array.isArray(code)) return 'a code that is not a CodeableConcept';
  const c = code as { coding?: unknown; text?: unknown };
  const coded =
    Array.isArray(c.coding) && c.coding.some((x) => x && typeof x === 'object' && typeof (x as { code?: unknown }).code === 'string');
  return coded || (typeof c.text === 'string' && c.text.trim() !== '') ? undefined : 'a code with neither a coding nor a text';
}

/** A date field present but not a FHIR date, or later than `future`. */
export function dateProblem(raw: unknown, parsed: number | undefined, future: number): string | undefined {
  if (raw === undefined) return undefined;
  if (parsed === undefined) return `date "${String(typeof raw === 'object' ? JSON.stringify(raw) : raw).slice(0, 40)}" does not parse`;
  return parsed > future ? `dated ${new Date(parsed).toISOString().slice(0, 16)}Z, in the future` : undefined;
}
