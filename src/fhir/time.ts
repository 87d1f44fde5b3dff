/**
 * FHIR dates and times, and the site's calendar: one implementation, on the platform's Date and
 * Intl (PE day 1 is a local calendar date, KB D1).
 */
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** Two ASCII digits at `i` as a number, or -1. */
function d2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function daysInMonth(year: number, month: number): number {
  if (month !== 2) return DAYS_IN_MONTH[month - 1]!;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/** Milliseconds since the epoch of a valid proleptic Gregorian date and time (the calendar is Date's). */
function utc(year: number, month: number, day: number, h: number, mi: number, sec: number, ms: number): number {
  // Date.UTC reads years 0-99 as 1900-1999: those go through setUTCFullYear.
  if (year >= 100) return Date.UTC(year, month - 1, day, h, mi, sec, ms);
  return new Date(0).setUTCFullYear(year, month - 1, day) + ((h * 60 + mi) * 60 + sec) * 1000 + ms;
}

/**
 * Milliseconds since the epoch of a FHIR date, dateTime or instant: YYYY, YYYY-MM, YYYY-MM-DD or
 * YYYY-MM-DDThh:mm[:ss[.fff…]][Z|±hh:mm]. A date without a time is read as UTC midnight, a time
 * without an offset as UTC. Anything else, or an impossible date (2026-02-30, 25:00, +15:00), is
 * undefined. Read character by character (it runs for every date of every resource).
 */
export function parseTime(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const len = v.length;
  const y1 = d2(v, 0);
  const y2 = d2(v, 2);
  if (y1 < 0 || y2 < 0) return undefined;
  const y = y1 * 100 + y2;
  if (len === 4) return utc(y, 1, 1, 0, 0, 0, 0);
  if (v.charCodeAt(4) !== 45 /* - */ || len < 7) return undefined;
  const mo = d2(v, 5);
  if (mo < 1 || mo > 12) return undefined;
  if (len === 7) return utc(y, mo, 1, 0, 0, 0, 0);
  if (v.charCodeAt(7) !== 45 || len < 10) return undefined;
  const d = d2(v, 8);
  if (d < 1 || d > daysInMonth(y, mo)) return undefined;
  if (len === 10) return utc(y, mo, d, 0, 0, 0, 0);
  if (v.charCodeAt(10) !== 84 /* T */ || len < 16 || v.charCodeAt(13) !== 58 /* : */) return undefined;
  const h = d2(v, 11);
  const mi = d2(v, 14);
  if (h < 0 || h > 23 || mi < 0 || mi > 59) return undefined;
  let i = 16;
  let sec = 0;
  let ms = 0;
  if (i < len && v.charCodeAt(i) === 58) {
    sec = d2(v, i + 1);
    if (sec < 0 || sec > 60) return undefined;
    i += 3;
    if (i < len && v.charCodeAt(i) === 46 /* . */) {
      // Milliseconds: the first three digits; finer ones are dropped.
      let k = i + 1;
      for (let scale = 100; k < len; k++, scale /= 10) {
        const c = v.charCodeAt(k) - 48;
        if (c < 0 || c > 9) break;
        if (scale >= 1) ms += c * scale;
      }
      if (k === i + 1) return undefined;
      i = k;
    }
  }
  const t = utc(y, mo, d, h, mi, sec, ms);
  if (i === len) return t;
  const z = v.charCodeAt(i);
  if (z === 90 /* Z */ && i + 1 === len) return t;
  if ((z === 43 || z === 45) && len === i + 6 && v.charCodeAt(i + 3) === 58) {
    const oh = d2(v, i + 1);
    const om = d2(v, i + 4);
    if (oh < 0 || om < 0 || oh > 14 || om > 59) return undefined;
    return t - (z === 45 ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  return undefined;
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
