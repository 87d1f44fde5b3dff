/** Calendar arithmetic: the integer UTC fast paths agree with Date on every instant. */
import fc from 'fast-check';
import { DAY, daysBetween, localDate } from '../../src/facts/clock';

const instant = fc.integer({ min: Date.parse('0001-01-01T00:00:00Z'), max: Date.parse('9999-12-31T23:59:59.999Z') });

test('localDate in UTC is the ISO calendar date', () => {
  fc.assert(
    fc.property(instant, (ms) => {
      expect(localDate(ms, 'UTC')).toBe(new Date(ms).toISOString().slice(0, 10));
      expect(localDate(ms, 'Etc/UTC')).toBe(new Date(ms).toISOString().slice(0, 10));
    }),
    { numRuns: 2000 },
  );
  for (const edge of ['1970-01-01T00:00:00Z', '1969-12-31T23:59:59.999Z', '2000-02-29T12:00:00Z', '2100-03-01T00:00:00Z', '2026-12-31T23:59:59.999Z'])
    expect(localDate(Date.parse(edge), 'UTC')).toBe(edge.slice(0, 10));
});

test('daysBetween counts whole calendar days, both ways', () => {
  fc.assert(
    fc.property(instant, fc.integer({ min: -5000, max: 5000 }), (ms, days) => {
      const a = new Date(ms).toISOString().slice(0, 10);
      const b = new Date(Date.parse(a) + days * DAY).toISOString().slice(0, 10);
      if (Number.isNaN(Date.parse(b)) || b.startsWith('+') || b.startsWith('-')) return;
      expect(daysBetween(a, b)).toBe(days);
      expect(daysBetween(b, a)).toBe(0 - days);
    }),
    { numRuns: 2000 },
  );
});

test('a site timezone moves the calendar date', () => {
  const ms = Date.parse('2026-03-04T23:30:00Z');
  expect(localDate(ms, 'UTC')).toBe('2026-03-04');
  expect(localDate(ms, 'Europe/Paris')).toBe('2026-03-05');
  expect(localDate(ms, 'America/New_York')).toBe('2026-03-04');
});

test('local dates in site timezones, kept by quarter hour, are what Intl gives for every instant', () => {
  // Whole-hour, half-hour and 45-minute offsets, both hemispheres' DST, and a date-line zone.
  const zones = ['Europe/Paris', 'America/New_York', 'America/St_Johns', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Pacific/Apia', 'America/Sao_Paulo'];
  const intl = new Map(zones.map((tz) => [tz, new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' })]));
  const modern = fc.integer({ min: Date.parse('1975-01-01T00:00:00Z'), max: Date.parse('2060-12-31T23:59:59.999Z') });
  fc.assert(
    fc.property(modern, fc.constantFrom(...zones), fc.integer({ min: -3, max: 3 }), (ms, tz, minutes) => {
      // Each instant and its neighbours a few minutes away (the same quarter hour or the next):
      // a memo filled by one must give the other its own date.
      for (const t of [ms, ms + minutes * 60_000]) expect(localDate(t, tz)).toBe(intl.get(tz)!.format(t));
    }),
    { numRuns: 5000 },
  );
  // Around local midnights, minute by minute (in Paris on the eves of the 2026 DST changes).
  for (const [tz, at] of [
    ['Europe/Paris', '2026-03-28T22:50:00Z'],
    ['Europe/Paris', '2026-10-24T21:50:00Z'],
    ['Asia/Kathmandu', '2026-05-01T18:05:00Z'],
    ['Pacific/Chatham', '2026-04-04T10:30:00Z'],
    ['America/St_Johns', '2026-11-01T02:20:00Z'],
  ] as const)
    for (let m = 0; m < 40; m++) {
      const t = Date.parse(at) + m * 60_000;
      expect(localDate(t, tz)).toBe(intl.get(tz)!.format(t));
    }
  // Before 1980 Intl answers directly: Paris was then 9 min 21 s ahead of UTC, so local midnight
  // fell inside a quarter hour (23:50:39 UTC), whose two halves have different dates.
  const before = Date.parse('1890-06-01T23:46:00Z');
  const after = Date.parse('1890-06-01T23:55:00Z');
  expect(intl.get('Europe/Paris')!.format(before)).toBe('1890-06-01');
  expect(intl.get('Europe/Paris')!.format(after)).toBe('1890-06-02');
  expect(localDate(before, 'Europe/Paris')).toBe('1890-06-01');
  expect(localDate(after, 'Europe/Paris')).toBe('1890-06-02');
});
