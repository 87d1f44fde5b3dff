/**
 * D1, the TPE episode: qualifying sessions, PE day and session count. A qualifying session is a
 * TPE Procedure (VS-TPE) that is completed or in progress; the episode starts at the first session
 * after a gap of `episodeGapDays` without TPE; PE day 1 is the site-local calendar date of that
 * session; twice-daily TPE counts two sessions (IWG17 counts exchanges).
 */
import { periodStart, refOf } from '../fhir/read';
import { DAY, daysBetween, localDate, parseTime } from '../fhir/time';
import { sortByTime } from './labs';
import type { PatientRecord } from './record';
import type { Episode, TpeSession } from './types';
import type { Tools } from './tools';
import { type Unreadable, codeProblem, dateProblem, statusProblem } from './unreadable';

const isSessionStatus = (status: unknown) => status === 'completed' || status === 'in-progress';

/**
 * The qualifying TPE sessions of the record, by time. A TPE Procedure whose status or date cannot be
 * read, or dated in the future, is not a session but an unknown.
 */
export function tpeSessions(record: PatientRecord, t: Tools, future: number, unreadable: Unreadable[]): TpeSession[] {
  const out: TpeSession[] = [];
  // The record is de-duplicated by id; sessions without an id are told apart by time.
  const idless = new Set<number>();
  for (const p of record.all('Procedure')) {
    const codeWhy = codeProblem(p.code);
    const m = codeWhy ? undefined : t.terminology.match('VS-TPE', p.code);
    const ref = refOf(p);
    if (codeWhy) {
      if (p.status !== 'not-done' && p.status !== 'entered-in-error')
        unreadable.push({ ref, key: 'procedures', concept: 'A Procedure (TPE?)', why: codeWhy });
      continue;
    }
    if (!m) continue;
    const raw = p.performedDateTime ?? (p.performedPeriod as { start?: unknown } | undefined)?.start;
    const time = parseTime(p.performedDateTime) ?? periodStart(p.performedPeriod);
    const why = statusProblem('Procedure', p.status) ?? (raw === undefined ? 'no performed time' : dateProblem(raw, time, future));
    if (why) {
      unreadable.push({
        ref,
        key: 'procedures',
        concept: 'TPE session',
        kind: 'tpe',
        why,
        time: time !== undefined && time <= future ? time : undefined,
      });
      continue;
    }
    if (!isSessionStatus(p.status) || time === undefined) continue;
    if (typeof p.id !== 'string') {
      if (idless.has(time)) continue;
      idless.add(time);
    }
    out.push({ time, ref, by: m.by });
  }
  return sortByTime(out);
}

/** The latest episode of the sessions, if any (D1). */
export function currentEpisode(sessions: TpeSession[], now: number, tz: string, gapDays: number): Episode | undefined {
  if (sessions.length === 0) return undefined;
  let startIdx = 0;
  for (let i = 1; i < sessions.length; i++) if (sessions[i]!.time - sessions[i - 1]!.time >= gapDays * DAY) startIdx = i;
  const eps = sessions.slice(startIdx);
  const first = eps[0]!;
  const last = eps[eps.length - 1]!;
  const day1 = localDate(first.time, tz);
  return {
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
