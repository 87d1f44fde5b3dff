/**
 * The patient's record as facts (KB section 1), computed once per call and shared by every rule
 * (no rule rescans the bundle). Pure: the clock is a parameter.
 */
import { type Content, num } from '../content';
import { DAY, HOUR, parseTime } from '../fhir/time';
import { extractConditions } from './conditions';
import { extractDrugs, isActiveOrder } from './drugs';
import { currentEpisode, tpeSessions } from './episode';
import { emptySeries, extractLabs } from './labs';
import { extractServiceRequests } from './orders';
import type { PatientRecord } from './record';
import type { Tools } from './tools';
import type { ConditionFact, DrugClass, DrugExposure, Episode, LabSeries, LabValue, MedAdmin, MedOrder, OrderFact } from './types';

export type { Tools } from './tools';

export interface Facts {
  now: number;
  tz: string;
  age?: number;
  conditions: ConditionFact[];
  ittp: ConditionFact[];
  activeIttp: ConditionFact[];
  exclusions: ConditionFact[];
  /** Congenital and acquired both present (G3). */
  subtypeConflict: boolean;
  relapseCoded: boolean;
  bleeds: ConditionFact[];
  otherCauses: ConditionFact[];
  episode?: Episode;
  /** Start of the window that counts as "this episode" (day 1 minus the look-back). */
  windowStart: number;
  /** Results later than now by more than this are data errors (G4). */
  future: number;
  labs: Map<string, LabSeries>;
  drugs: Map<DrugClass, DrugExposure>;
  tpeOrders: OrderFact[];
  a13Orders: OrderFact[];
  a13InhOrders: OrderFact[];
  smearOrders: OrderFact[];
  /** Data keys that could not be read (absent, failed, partial). */
  gaps: PatientRecord['gaps'];
  record: PatientRecord;
}

export function buildFacts(record: PatientRecord, now: number, engine: { content: Content; tools: Tools }): Facts {
  const { content, tools } = engine;
  const tz = content.site.timezone;
  const conditions = extractConditions(record, tools);
  const ittp = conditions.filter((c) => c.kind === 'ittp');
  const activeIttp = ittp.filter((c) => c.active);
  const congenital = conditions.filter((c) => c.kind === 'congenital');
  const exclusions = conditions.filter(
    (c) =>
      c.kind === 'congenital' ||
      (c.active && (c.kind === 'drug' || c.kind === 'hsct-tma')) ||
      (c.kind === 'tma-unspecified' && c.active && ittp.length === 0),
  );
  const gapDays = num(content, 'episodeGapDays');
  const futureHours = num(content, 'futureToleranceHours');
  const episode = currentEpisode(tpeSessions(record, tools, now, futureHours), now, tz, gapDays);
  // "This episode" starts at PE day 1, or at the diagnosis when TPE has not started (D1, G4).
  const onsets = activeIttp.map((c) => c.time).filter((t): t is number => t !== undefined && now - t < gapDays * DAY);
  const anchor = episode?.current ? episode.firstSession : onsets.length ? Math.min(...onsets) : now - gapDays * DAY;
  const srs = record.all('ServiceRequest');
  return {
    now,
    tz,
    age: age(record.all('Patient')[0]?.birthDate, now),
    conditions,
    ittp,
    activeIttp,
    exclusions,
    subtypeConflict: congenital.length > 0 && ittp.some((c) => c.confirmsImmune),
    relapseCoded: activeIttp.some((c) => c.clinicalStatus === 'relapse' || c.clinicalStatus === 'recurrence'),
    bleeds: conditions.filter((c) => c.kind === 'bleed' && c.active),
    otherCauses: conditions.filter((c) => c.kind === 'other-cause' && c.active),
    episode,
    windowStart: anchor - num(content, 'adamts13LookbackBeforeDay1Days') * DAY,
    future: now + futureHours * HOUR,
    labs: extractLabs(record.all('Observation'), tools),
    drugs: extractDrugs(record, tools),
    tpeOrders: extractServiceRequests(srs, 'VS-TPE', tools),
    a13Orders: extractServiceRequests(srs, 'VS-A13ACT', tools),
    a13InhOrders: extractServiceRequests(srs, 'VS-A13INH', tools),
    smearOrders: extractServiceRequests(srs, 'VS-SMEAR', tools),
    gaps: record.gaps,
    record,
  };
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

export function latestFinal(f: Facts, analyte: string, from = f.windowStart): LabValue | undefined {
  const v = finalInWindow(f, analyte, from);
  return v[v.length - 1];
}

export function drug(f: Facts, d: DrugClass): DrugExposure {
  return f.drugs.get(d)!;
}

export function activeOrders(f: Facts, d: DrugClass): MedOrder[] {
  return drug(f, d).orders.filter((o) => isActiveOrder(o, f.now));
}

/** Orders placed in the window (or still active), and administrations in the window. */
export function exposureInWindow(f: Facts, d: DrugClass, from = f.windowStart): { orders: MedOrder[]; given: MedAdmin[] } {
  const e = drug(f, d);
  return {
    orders: e.orders.filter(
      (o) => isActiveOrder(o, f.now) || (o.time !== undefined && o.time >= from) || (o.end !== undefined && o.end >= from),
    ),
    given: e.administrations.filter((a) => a.time >= from && a.time <= f.future),
  };
}

/** "Ordered or given this episode". */
export function orderedOrGiven(f: Facts, d: DrugClass): boolean {
  const x = exposureInWindow(f, d);
  return x.orders.length > 0 || x.given.length > 0;
}

/** "Ordered-and-active or given this episode" (TTP-CAPLA-DAY5). */
export function activeOrGiven(f: Facts, d: DrugClass): boolean {
  return activeOrders(f, d).length > 0 || exposureInWindow(f, d).given.length > 0;
}

/** Has the drug been given (administered, or an active/completed order) in the window. */
export function onTreatment(f: Facts, d: DrugClass): boolean {
  const x = exposureInWindow(f, d);
  return (
    x.given.length > 0 ||
    x.orders.some((o) => o.status === 'active' || o.status === 'completed' || (o.status === 'stopped' && x.given.length > 0))
  );
}
