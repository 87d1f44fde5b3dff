/** Calendar arithmetic in the site's timezone (PE day 1 is a local calendar date, D1). */
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

/** YYYY-MM-DD of an instant in the timezone. */
export function localDate(ms: number, tz: string): string {
  if (tz === 'UTC' || tz === 'Etc/UTC') return new Date(ms).toISOString().slice(0, 10);
  return formatter(tz).format(ms);
}

/** Whole calendar days from date a to date b (YYYY-MM-DD). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY);
}

export function isoDate(ms: number | undefined, tz: string): string {
  return ms === undefined ? 'unknown date' : localDate(ms, tz);
}
