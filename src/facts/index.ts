/**
 * The iTTP episode as facts (KB section 1), computed once per request from the patient record and
 * shared by every rule (no rule rescans the bundle). Pure: the clock is a parameter.
 */
import type { Content } from '../content';
import { num } from '../content';
import type { AnyResource } from '../fhir/read';
import type { PatientRecord } from './record';
import { DAY, HOUR, daysBetween, localDate } from './clock';
import {
  type Tools,
  age as ageOf,
  emptySeries,
  extractConditions,
  extractDrugs,
  extractLabs,
  extractServiceRequests,
  extractSessions,
  isActiveOrder,
} from './extract';
import type { ConditionFact, DrugClass, DrugExposure, Episode, LabSeries, LabValue, MedAdmin, MedOrder, OrderFact } from './types';

export type Tri = true | false | 'unknown';

export interface Response {
  status: 'met' | 'not-met' | 'unknown';
  /** When the second qualifying assessment was drawn. */
  at?: number;
  /** What is missing when unknown. */
  missing?: string[];
}

export interface Facts {
  now: number;
  today: string;
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
  /** Start of the window that counts as "this episode" (day 1 minus the look-back), if any. */
  windowStart: number;
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

export interface Engine {
  content: Content;
  tools: Tools;
}

export function buildFacts(record: PatientRecord, now: number, engine: Engine): Facts {
  const { content, tools } = engine;
  const tz = content.site.timezone;
  const patient = record.all('Patient')[0];
  const conditions = extractConditions(record, tools);
  const ittp = conditions.filter((c) => c.kind === 'ittp');
  const activeIttp = ittp.filter((c) => c.active);
  const congenital = conditions.filter((c) => c.kind === 'congenital');
  const exclusions = conditions.filter(
    (c) => c.kind === 'congenital' || (c.active && (c.kind === 'drug' || c.kind === 'hsct-tma')) || (c.kind === 'tma-unspecified' && c.active && ittp.length === 0),
  );
  const subtypeConflict = congenital.length > 0 && ittp.some((c) => c.confirmsImmune);

  const sessions = extractSessions(record, tools, now);
  const gapDays = num(content, 'episodeGapDays');
  let episode: Episode | undefined;
  if (sessions.length > 0) {
    let startIdx = 0;
    for (let i = 1; i < sessions.length; i++) if (sessions[i]!.time - sessions[i - 1]!.time >= gapDays * DAY) startIdx = i;
    const eps = sessions.slice(startIdx);
    const first = eps[0]!;
    const last = eps[eps.length - 1]!;
    const day1 = localDate(first.time, tz);
    episode = {
      sessions: eps,
      firstSession: first.time,
      lastSession: last.time,
      day1,
      peDay: daysBetween(day1, localDate(now, tz)) + 1,
      sessionCount: eps.length,
      current: now - last.time < gapDays * DAY,
      previousEpisodeEnd: startIdx > 0 ? sessions[startIdx - 1]!.time : undefined,
    };
  }
  const lookback = num(content, 'adamts13LookbackBeforeDay1Days') * DAY;
  const onsets = activeIttp.map((c) => c.time).filter((t): t is number => t !== undefined && now - t < gapDays * DAY);
  const anchor = episode?.current ? episode.firstSession : onsets.length ? Math.min(...onsets) : now - gapDays * DAY;
  const windowStart = anchor - lookback;

  const observations = record.all('Observation');
  const labs = extractLabs(observations, tools);
  const drugs = extractDrugs(record, tools);
  const srs = record.all('ServiceRequest');
  return {
    now,
    today: localDate(now, tz),
    tz,
    age: ageOf(patient, now),
    conditions,
    ittp,
    activeIttp,
    exclusions,
    subtypeConflict,
    relapseCoded: activeIttp.some((c) => c.clinicalStatus === 'relapse' || c.clinicalStatus === 'recurrence'),
    bleeds: conditions.filter((c) => c.kind === 'bleed' && c.active),
    otherCauses: conditions.filter((c) => c.kind === 'other-cause' && c.active),
    episode,
    windowStart,
    labs,
    drugs,
    tpeOrders: extractServiceRequests(srs, 'VS-TPE', tools),
    a13Orders: extractServiceRequests(srs, 'VS-A13ACT', tools),
    a13InhOrders: extractServiceRequests(srs, 'VS-A13INH', tools),
    smearOrders: extractServiceRequests(srs, 'VS-SMEAR', tools),
    gaps: record.gaps,
    record,
  };
}

export function series(f: Facts, analyte: string): LabSeries {
  return f.labs.get(analyte) ?? emptySeries();
}

/** Final values in this episode's window, by time. */
export function finalInWindow(f: Facts, analyte: string, from = f.windowStart): LabValue[] {
  return series(f, analyte).final.filter((v) => v.time >= from && v.time <= f.now + HOUR);
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
    orders: e.orders.filter((o) => isActiveOrder(o, f.now) || (o.time !== undefined && o.time >= from) || (o.end !== undefined && o.end >= from)),
    given: e.administrations.filter((a) => a.time >= from && a.time <= f.now + HOUR),
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
  return x.given.length > 0 || x.orders.some((o) => o.status === 'active' || o.status === 'completed' || (o.status === 'stopped' && x.given.length > 0));
}
