/**
 * The patient's record as facts (KB section 1), computed once per call and shared by every rule
 * (no rule rescans the bundle). Pure: the clock is a parameter.
 */
import { type Content, num } from '../content';
import { DAY, HOUR, parseTime } from '../fhir/time';
import { MAX_TEXT, clip, table } from '../fhir/read';
import type { Unreadable } from './unreadable';
import { extractAllergies } from './allergies';
import { atLeast, below } from './compare';
import { extractConditions } from './conditions';
import { extractDrugs, isActiveOrder } from './drugs';
import { currentEpisode, tpeSessions } from './episode';
import { emptySeries, extractLabs, sortByTime } from './labs';
import { extractServiceRequests } from './orders';
import { type PlasmaFact, plasmaProducts } from './plasma';
import type { PatientRecord } from './record';
import type { TextScan } from '../terminology';
import type { Tools } from './tools';
import type {
  AllergyFact,
  ConditionFact,
  DrugClass,
  DrugExposure,
  Episode,
  LabSeries,
  LabValue,
  MedAdmin,
  MedOrder,
  OrderFact,
  RecordedElsewhere,
} from './types';

export type { Tools } from './tools';
export type { Unreadable } from './unreadable';
export type { PlasmaFact } from './plasma';

/** ADAMTS13 activity results by when they were drawn (D8a-c). */
export interface Adamts13Results {
  /**
   * D8a: the last result before the episode's first TPE session and before any plasma product of
   * the episode (within the look-back); with no episode, the latest of the last 30 days before any plasma.
   */
  pre?: LabValue;
  /** D8b: drawn after a session and within 72 h of it, or after a plasma product and before TPE: partly donor plasma. */
  inTpe: LabValue[];
  /** KB v3 change 26: the results of inTpe drawn after a plasma product and before the first session. */
  postPlasma: LabValue[];
  /** The first plasma product of the episode (from the pre-treatment look-back on), if any. */
  plasma?: PlasmaFact;
  /** D8c: drawn more than 72 h after the last session before it. */
  post: LabValue[];
}

export interface Facts {
  now: number;
  tz: string;
  age?: number;
  /** Why the age is not known, when a birthDate was sent but cannot be read. */
  ageProblem?: string;
  conditions: ConditionFact[];
  ittp: ConditionFact[];
  /** G2: active iTTP Conditions (a drug-induced TTP code with severe deficiency counts, G3). */
  activeIttp: ConditionFact[];
  /** Active congenital TTP (PLT-TXN applies to TTP of any kind). */
  congenital: ConditionFact[];
  exclusions: ConditionFact[];
  /** Congenital and acquired/immune TTP both coded (G3). */
  subtypeConflict: boolean;
  relapseCoded: boolean;
  bleeds: ConditionFact[];
  otherCauses: ConditionFact[];
  pregnancy: ConditionFact[];
  /** Notes every card carries (a congenital text next to an acquired code, a drug-induced code treated as iTTP). */
  notes: string[];
  /** KB v3 change 27: the latest positive ADAMTS13 inhibitor or anti-ADAMTS13 IgG of the episode. */
  inhibitor?: LabValue;
  /** KB v3 change 26: plasma products given, by time. */
  plasma: PlasmaFact[];
  /** KB v3 change 29: documented allergies to a drug a card could draft. */
  allergies: AllergyFact[];
  episode?: Episode;
  /** Start of the window that counts as "this episode" (day 1 minus the look-back). */
  windowStart: number;
  /** Results later than this (now plus the tolerance) are data errors (G4). */
  future: number;
  labs: Map<string, LabSeries>;
  adamts13: Adamts13Results;
  drugs: Map<DrugClass, DrugExposure>;
  tpeOrders: OrderFact[];
  a13Orders: OrderFact[];
  a13InhOrders: OrderFact[];
  smearOrders: OrderFact[];
  /** What could not be read (G4), by resource. */
  unreadable: Unreadable[];
  /** Data keys that could not be read (absent, failed, partial). */
  gaps: PatientRecord['gaps'];
  /** Text fallbacks the facts cut or skipped (named among the unreadable): the rules' own are counted from these. */
  textScanned: { cut: number; skipped: number };
  record: PatientRecord;
}

const POSITIVE = /^(pos|positive|detected|h|hh|a|aa|abnormal|high)$/i;

/**
 * An inhibitor or anti-ADAMTS13 IgG result that says the antibody is there: its interpretation is
 * positive or high, or a Bethesda titre at or above the site's cut-off (KB v3 change 27).
 */
export function positiveInhibitor(v: LabValue, bethesdaPositiveAt: number): boolean {
  const raw = clip(v.raw);
  const words = clip(v.interpretation ?? '')
    .split(/[,|]/)
    .map((x) => x.trim());
  if (words.some((w) => POSITIVE.test(w)) || /\bpositive\b|\bdetected\b/i.test(raw)) return !/\bnot detected\b|\bnegative\b/i.test(raw);
  return /beth|\bBU\b/i.test(raw) && !Number.isNaN(v.value) && atLeast(v, bethesdaPositiveAt);
}

/**
 * Each final ADAMTS13 activity result placed against the TPE sessions (D8a-c) and the plasma
 * products (KB v3 change 26): a result drawn after a plasma product and before the first session is
 * post-plasma, treated as drawn during TPE (it never gates).
 */
function classifyAdamts13(
  values: LabValue[],
  sessions: readonly { time: number }[],
  episode: Episode | undefined,
  now: number,
  p: (n: string) => number,
  plasma: readonly PlasmaFact[],
): Adamts13Results {
  const inTpeMs = p('adamts13InTpeHours') * HOUR;
  const out: Adamts13Results = { inTpe: [], postPlasma: [], post: [] };
  const before: LabValue[] = [];
  // Both in time order: one pass, the last session at or before each result.
  const times = sessions.map((s) => s.time).sort((a, b) => a - b);
  let j = -1;
  for (const v of sortByTime([...values])) {
    while (j + 1 < times.length && times[j + 1]! <= v.time) j++;
    const last = j >= 0 ? times[j] : undefined;
    if (last === undefined) before.push(v);
    else if (v.time - last <= inTpeMs) out.inTpe.push(v);
    else out.post.push(v);
  }
  const from = episode ? episode.firstSession - p('adamts13LookbackBeforeDay1Days') * DAY : now - p('adamts13PreTreatmentDays') * DAY;
  const until = episode ? episode.firstSession : Infinity;
  const candidates = episode
    ? [...before, ...out.post].filter((v) => v.time < until && v.time >= from)
    : values.filter((v) => v.time >= from);
  out.plasma = plasma.find((x) => x.time >= from && x.time < until);
  const plasmaAt = out.plasma?.time;
  if (plasmaAt !== undefined) {
    out.postPlasma = sortByTime(candidates.filter((v) => v.time >= plasmaAt));
    if (out.postPlasma.length) {
      out.inTpe = sortByTime([...out.inTpe, ...out.postPlasma]);
      out.post = out.post.filter((v) => !out.postPlasma.includes(v));
    }
  }
  out.pre = sortByTime(candidates.filter((v) => plasmaAt === undefined || v.time < plasmaAt)).pop();
  return out;
}

/** The code a condition was recognised by (`system|code` -> code), for notes. */
function codeOf(c: ConditionFact): string {
  return c.what ? (c.what.split('|').pop() ?? c.what) : c.display;
}

export function buildFacts(record: PatientRecord, now: number, engine: { content: Content; tools: Tools }): Facts {
  const { content, tools } = engine;
  const p = (n: string) => num(content, n);
  const tz = content.site.timezone;
  const future = now + p('futureToleranceHours') * HOUR;
  const unreadable: Unreadable[] = [];
  const conditions = extractConditions(record, tools, future, unreadable);
  const labs = extractLabs(record.all('Observation'), tools, future, unreadable);
  const gapDays = p('episodeGapDays');
  const sessions = tpeSessions(record, tools, future, unreadable);
  const episode = currentEpisode(sessions, now, tz, gapDays);
  const drugs = extractDrugs(record, tools, future, unreadable);
  const plasma = plasmaProducts(record, drugs.get('plasma')!, tools, future);
  const adamts13 = classifyAdamts13(labs.get('adamts13')?.final ?? [], sessions, episode, now, p, plasma);
  const notes: string[] = [...record.notes];

  // KB v3 change 27: a positive inhibitor or IgG of the episode (from the pre-treatment look-back on).
  const gateFrom = (episode?.current ? episode.firstSession : now - gapDays * DAY) - p('adamts13LookbackBeforeDay1Days') * DAY;
  const inhibitor = (labs.get('adamts13Inhibitor')?.final ?? [])
    .filter((v) => v.time >= gateFrom && v.time <= future && positiveInhibitor(v, p('adamts13InhibitorPositiveAbove')))
    .pop();
  // G3: a drug-induced TTP code (change 10), or M31.10 "TMA, unspecified" with no TTP code (KB v3
  // change 28), with severe deficiency documented (pre-treatment < 10%, or a positive inhibitor or
  // IgG) is immune-mediated and is treated as iTTP, with a note naming the code.
  const severe = adamts13.pre !== undefined && below(adamts13.pre, p('adamts13SevereBelow'));
  const ttpCoded = conditions.some((c) => c.kind === 'ittp');
  for (const c of conditions) {
    if (!c.active || !(severe || inhibitor)) continue;
    const why = severe ? 'severe ADAMTS13 deficiency' : 'an ADAMTS13 inhibitor';
    if (c.kind === 'drug') {
      c.kind = 'ittp';
      c.treatedAsIttp = 'drug-induced';
      notes.push(`${c.display} (${c.ref}) is drug-induced TTP with ${why}: treated as immune TTP.`);
    } else if (c.kind === 'tma-unspecified' && !ttpCoded) {
      c.kind = 'ittp';
      c.treatedAsIttp = 'tma-unspecified';
      notes.push(
        `${c.display} (${c.ref}) is coded ${codeOf(c)}, a thrombotic microangiopathy without a TTP code; with ${why} it is treated as immune TTP.`,
      );
    }
  }
  const ittp = conditions.filter((c) => c.kind === 'ittp');
  const activeIttp = ittp.filter((c) => c.active);
  const acquiredCode = ittp.some((c) => c.confirmsImmune && c.by !== 'text');
  const congenital = conditions.filter((c) => c.kind === 'congenital');
  // G3: a congenital text never overrides an acquired or immune code; the card notes the text.
  const congenitalCode = congenital.filter((c) => c.by !== 'text');
  for (const c of congenital)
    if (c.by === 'text' && acquiredCode)
      notes.push(`${c.display} (${c.ref}) reads congenital by text only; the acquired/immune TTP code is used.`);
  const excludingCongenital = congenital.filter((c) => c.by !== 'text' || !acquiredCode);
  const exclusions = conditions.filter(
    (c) =>
      (c.active && (c.kind === 'drug' || c.kind === 'hsct-tma')) ||
      (c.kind === 'tma-unspecified' && c.active && ittp.length === 0) ||
      excludingCongenital.includes(c),
  );
  // "This episode" starts at PE day 1, or at the diagnosis when TPE has not started (D1, G4).
  const onsets = activeIttp.map((c) => c.time).filter((t): t is number => t !== undefined && now - t < gapDays * DAY);
  const anchor = episode?.current ? episode.firstSession : onsets.length ? Math.min(...onsets) : now - gapDays * DAY;
  const windowStart = anchor - p('adamts13LookbackBeforeDay1Days') * DAY;
  const srs = record.all('ServiceRequest');
  const patient = record.all('Patient')[0];
  const birth = parseTime(patient?.birthDate);
  const ageProblem =
    patient?.birthDate === undefined
      ? undefined
      : birth === undefined
        ? 'its birthDate does not parse'
        : birth > now
          ? 'its birthDate lies in the future'
          : now - birth < 86_400_000
            ? 'its birthDate gives an age under one day, a data error in this adult service'
            : undefined;
  return {
    now,
    tz,
    age: ageProblem ? undefined : age(patient?.birthDate, now),
    ageProblem,
    conditions,
    ittp,
    activeIttp,
    congenital: congenital.filter((c) => c.active),
    exclusions,
    subtypeConflict: congenitalCode.length > 0 && acquiredCode,
    relapseCoded: activeIttp.some((c) => c.clinicalStatus === 'relapse' || c.clinicalStatus === 'recurrence'),
    bleeds: conditions.filter((c) => c.kind === 'bleed' && c.active),
    otherCauses: conditions.filter((c) => c.kind === 'other-cause' && c.active),
    pregnancy: conditions.filter((c) => c.kind === 'pregnancy' && c.active),
    notes,
    inhibitor,
    plasma,
    allergies: extractAllergies(record, tools, future, unreadable),
    episode,
    windowStart,
    future,
    labs,
    adamts13,
    drugs,
    tpeOrders: extractServiceRequests(srs, 'VS-TPE', 'TPE order', tools, unreadable),
    a13Orders: extractServiceRequests(srs, 'VS-A13ACT', 'ADAMTS13 order', tools, unreadable),
    a13InhOrders: extractServiceRequests(srs, 'VS-A13INH', 'ADAMTS13 inhibitor order', tools, unreadable),
    smearOrders: extractServiceRequests(srs, 'VS-SMEAR', 'Smear order', tools, unreadable),
    unreadable: [
      ...unreadable,
      ...labProblems(labs, tools),
      ...record.conflicts.map(conflict),
      ...[textProblem(tools.terminology.textScan, undefined, 'Text of the record')].filter((u): u is Unreadable => !!u),
    ],
    gaps: record.gaps,
    textScanned: { cut: tools.terminology.textScan?.cut ?? 0, skipped: tools.terminology.textScan?.skipped ?? 0 },
    record,
  };
}

const KEY_OF = table({
  Observation: 'labs',
  Procedure: 'procedures',
  Condition: 'conditions',
  MedicationRequest: 'medicationRequests',
  MedicationAdministration: 'medicationAdministrations',
  ServiceRequest: 'serviceRequests',
  MedicationStatement: 'medicationStatements',
  AllergyIntolerance: 'allergies',
});

/** A resource sent twice under one id with different content: which copy is right is unknown. */
function conflict(ref: string): Unreadable {
  return {
    ref,
    key: KEY_OF[ref.split('/')[0]!] ?? '*',
    concept: ref.split('/')[0]!,
    why: 'sent twice with different content; the first copy was used',
  };
}

/**
 * Text that was read only in part (a field longer than MAX_TEXT characters) or not at all (the
 * request's text budget used up): an unknown of every card, never an absence.
 */
export function textProblem(scan: TextScan | undefined, since: Facts | undefined, concept: string): Unreadable | undefined {
  if (!scan) return undefined;
  const cut = scan.cut - (since?.textScanned.cut ?? 0);
  const skipped = scan.skipped - (since?.textScanned.skipped ?? 0);
  if (cut === 0 && skipped === 0) return undefined;
  const why = [
    cut && `${cut} text match(es) ran on a field cut to its first ${MAX_TEXT} characters (the rest was not read)`,
    skipped && `${skipped} text match(es) were skipped: the request's text budget (${scan.budget} characters) was used up`,
  ].filter(Boolean);
  return { ref: 'text', key: '*', concept, why: why.join('; ') };
}

/** The lab results that exist but cannot be used, as unknowns (G4, G5). */
function labProblems(labs: Map<string, LabSeries>, t: Tools): Unreadable[] {
  const out: Unreadable[] = [];
  for (const [analyte, s] of labs)
    for (const x of s.problems)
      out.push({
        ref: x.ref,
        key: 'labs',
        concept: `${t.units.analyte(analyte).label} "${x.raw}"`,
        why: x.reason,
        time: x.time,
        kind: analyte,
      });
  return out;
}

/** Age in whole years at `now` (G1), from a FHIR birthDate. */
export function age(birthDate: unknown, now: number): number | undefined {
  const bd = parseTime(birthDate);
  if (bd === undefined) return undefined;
  const b = new Date(bd);
  const n = new Date(now);
  let years = n.getUTCFullYear() - b.getUTCFullYear();
  if (n.getUTCMonth() < b.getUTCMonth() || (n.getUTCMonth() === b.getUTCMonth() && n.getUTCDate() < b.getUTCDate())) years--;
  return years;
}

export function series(f: Facts, analyte: string): LabSeries {
  return f.labs.get(analyte) ?? emptySeries();
}

/** Final values from `from` (default: this episode's window) to now, by time. */
export function finalInWindow(f: Facts, analyte: string, from = f.windowStart): LabValue[] {
  return series(f, analyte).final.filter((v) => v.time >= from && v.time <= f.future);
}

export function drug(f: Facts, d: DrugClass): DrugExposure {
  return f.drugs.get(d)!;
}

export function activeOrders(f: Facts, d: DrugClass): MedOrder[] {
  return drug(f, d).orders.filter((o) => isActiveOrder(o, f.now));
}

/**
 * "This episode's" orders and administrations (G4): orders active now or authored in the window
 * (a completed or stopped order authored before it is history), and administrations in the window.
 */
export function exposureInWindow(f: Facts, d: DrugClass, from = f.windowStart): { orders: MedOrder[]; given: MedAdmin[] } {
  const e = drug(f, d);
  return {
    orders: e.orders.filter((o) => isActiveOrder(o, f.now) || (o.time !== undefined && o.time >= from)),
    given: e.administrations.filter((a) => a.time >= from && a.time <= f.future),
  };
}

/**
 * G4 "ordered this episode": authored in the window (from 7 days before PE day 1). An order still
 * active but authored before it is this episode's only while its planned therapy (boundsPeriod)
 * reaches into the window: an order left active since an earlier episode is history. An active
 * order without any date cannot be placed and counts.
 */
export function orderedThisEpisode(o: MedOrder, f: Facts, from = f.windowStart): boolean {
  if (o.time !== undefined && o.time >= from) return true;
  if (!isActiveOrder(o, f.now)) return false;
  return o.time === undefined || (o.plannedEnd !== undefined && o.plannedEnd >= from);
}

/** "Ordered or given this episode" (G4). */
export function orderedOrGiven(f: Facts, d: DrugClass): boolean {
  const x = exposureInWindow(f, d);
  return x.given.length > 0 || x.orders.some((o) => orderedThisEpisode(o, f));
}

/** Orders still active but authored before this episode, which do not count as ordered in it. */
export function staleActiveOrders(f: Facts, d: DrugClass): MedOrder[] {
  return activeOrders(f, d).filter((o) => !orderedThisEpisode(o, f));
}

/** "Ordered-and-active or given this episode" (TTP-CAPLA-DAY5). */
export function activeOrGiven(f: Facts, d: DrugClass): boolean {
  return activeOrders(f, d).length > 0 || exposureInWindow(f, d).given.length > 0;
}

/**
 * KB v3 change 30: the drug recorded as given elsewhere (a MedicationStatement, or a request
 * reported from outside) whose effective period reaches into this episode. One still taken counts
 * up to now; one without any date counts only while it is still taken (a completed undated record
 * cannot be placed in the episode).
 */
export function recordedElsewhere(f: Facts, d: DrugClass, from = f.windowStart): RecordedElsewhere[] {
  return drug(f, d).elsewhere.filter((x) => {
    if (x.time !== undefined && x.time > f.future) return false;
    const reach = x.end ?? (x.ongoing ? f.now : x.time);
    return reach === undefined ? x.ongoing : reach >= from;
  });
}

/** KB v3 change 29: documented allergies to a drug class. */
export function allergiesTo(f: Facts, d: DrugClass): AllergyFact[] {
  return f.allergies.filter((a) => a.drugs.includes(d));
}

/** Has the drug been given this episode (administered, or an active/completed order of this episode, G4). */
export function onTreatment(f: Facts, d: DrugClass): boolean {
  const x = exposureInWindow(f, d);
  return x.given.length > 0 || x.orders.some((o) => (o.status === 'active' || o.status === 'completed') && orderedThisEpisode(o, f));
}
