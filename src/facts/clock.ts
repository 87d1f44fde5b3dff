/** Calendar arithmetic in the site's timezone (PE day 1 is a local calendar date, D1). */
import { parseTime } from '../fhir/read';

const formatters = new Map<string, Intl.DateTimeFormat>();
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(tz, f);
  }
  return f;
}

/**
 * Local dates already formatted, per timezone, by quarter hour of UTC time. Since 1980 every
 * timezone's offset is a whole number of quarter hours, so local midnight falls on a quarter-hour
 * boundary and one quarter hour has one local date. Intl's formatting is cheap in a loop but costs
 * 10-20 us a call in a request (the ICU code is no longer in the CPU caches); labs, sessions and
 * "now" repeat across a chart's calls. Bounded.
 */
const QUARTER_HOUR = 15 * 60_000;
const MEMO_SINCE = Date.UTC(1980, 0, 1);
const localDates = new Map<string, Map<number, string>>();

/** YYYY-MM-DD of an instant in the timezone. */
export function localDate(ms: number, tz: string): string {
  if (tz === 'UTC' || tz === 'Etc/UTC') return utcDate(ms);
  if (!(ms >= MEMO_SINCE)) return formatter(tz).format(ms);
  const quarter = Math.floor(ms / QUARTER_HOUR);
  let memo = localDates.get(tz);
  if (!memo) localDates.set(tz, (memo = new Map()));
  let date = memo.get(quarter);
  if (date === undefined) {
    date = formatter(tz).format(ms);
    if (memo.size >= 20_000) memo.clear();
    memo.set(quarter, date);
  }
  return date;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** YYYY-MM-DD in UTC by integer arithmetic (H. Hinnant's civil_from_days), without a Date object. */
function utcDate(ms: number): string {
  const z = Math.floor(ms / DAY) + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (!(y >= 0 && y <= 9999)) return new Date(ms).toISOString().slice(0, 10);
  return `${y < 1000 ? String(y).padStart(4, '0') : y}-${pad2(m)}-${pad2(d)}`;
}

/** Whole calendar days from date a to date b (YYYY-MM-DD). */
export function daysBetween(a: string, b: string): number {
  return Math.round(((parseTime(b) ?? NaN) - (parseTime(a) ?? NaN)) / DAY);
}

export function isoDate(ms: number | undefined, tz: string): string {
  return ms === undefined ? 'unknown date' : localDate(ms, tz);
}
