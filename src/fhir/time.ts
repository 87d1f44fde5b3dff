/**
 * FHIR dates and times, and the site's calendar: one implementation, a strict pattern plus the
 * platform's Date and Intl (PE day 1 is a local calendar date, KB D1).
 */
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss[.fff…]][Z|±hh:mm] (FHIR date, dateTime, instant). */
const FHIR_TIME = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/**
 * Milliseconds since the epoch. A date without a time is read as UTC midnight, a time without an
 * offset as UTC. Anything else, or an impossible date (2026-02-30, 25:00, +15:00), is undefined.
 */
export function parseTime(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const m = FHIR_TIME.exec(v);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const year = Number(y);
  const month = mo === undefined ? 1 : Number(mo);
  const dayOfMonth = d === undefined ? 1 : Number(d);
  const hours = h === undefined ? 0 : Number(h);
  const minutes = mi === undefined ? 0 : Number(mi);
  const seconds = sec === undefined ? 0 : Number(sec);
  if (month < 1 || month > 12 || dayOfMonth < 1 || dayOfMonth > daysInMonth(year, month) || hours > 23 || minutes > 59 || seconds > 60) return undefined;
  const ms = frac ? Number(`${frac}00`.slice(0, 3)) : 0; // milliseconds; finer digits are dropped
  // Date.UTC reads years 0-99 as 1900-1999: those go through setUTCFullYear.
  const t = year >= 100 ? Date.UTC(year, month - 1, dayOfMonth, hours, minutes, seconds, ms) : new Date(0).setUTCFullYear(year, month - 1, dayOfMonth) + ((hours * 60 + minutes) * 60 + seconds) * 1000 + ms;
  if (!zone || zone === 'Z') return t;
  const oh = Number(zone.slice(1, 3));
  const om = Number(zone.slice(4, 6));
  if (oh > 14 || om > 59) return undefined;
  return t - (zone[0] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function daysInMonth(year: number, month: number): number {
  if (month !== 2) return DAYS_IN_MONTH[month - 1]!;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/** One formatter per timezone: a site has one, so this holds one or two entries. */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** YYYY-MM-DD of an instant in the timezone (IANA name). */
export function localDate(ms: number, tz: string): string {
  if (tz === 'UTC' || tz === 'Etc/UTC') return new Date(ms).toISOString().slice(0, 10);
  let f = formatters.get(tz);
  if (!f) formatters.set(tz, (f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return f.format(ms);
}

/** Whole calendar days from date a to date b (YYYY-MM-DD). */
export function daysBetween(a: string, b: string): number {
  return Math.round(((parseTime(b) ?? NaN) - (parseTime(a) ?? NaN)) / DAY);
}

export function isoDate(ms: number | undefined, tz: string): string {
  return ms === undefined ? 'unknown date' : localDate(ms, tz);
}
