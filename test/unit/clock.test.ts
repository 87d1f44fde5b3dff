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
