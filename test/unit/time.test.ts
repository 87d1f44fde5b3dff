/** FHIR dates and the site calendar (src/fhir/time.ts): against Date and Intl. */
import fc from 'fast-check';
import { DAY, daysBetween, localDate, parseTime } from '../../src/fhir/time';

const instant = fc.integer({ min: Date.parse('0001-01-01T00:00:00Z'), max: Date.parse('9999-12-31T23:59:59.999Z') });

test('localDate in UTC is the ISO calendar date', () => {
  fc.assert(
    fc.property(instant, (ms) => {
      expect(localDate(ms, 'UTC')).toBe(new Date(ms).toISOString().slice(0, 10));
      expect(localDate(ms, 'Etc/UTC')).toBe(new Date(ms).toISOString().slice(0, 10));
    }),
    { numRuns: 2000 },
  );
  for (const edge of [
    '1970-01-01T00:00:00Z',
    '1969-12-31T23:59:59.999Z',
    '2000-02-29T12:00:00Z',
    '2100-03-01T00:00:00Z',
    '2026-12-31T23:59:59.999Z',
  ])
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

describe('parseTime', () => {
  test.each([
    ['2026', Date.UTC(2026, 0, 1)],
    ['2026-03', Date.UTC(2026, 2, 1)],
    ['2026-03-04', Date.UTC(2026, 2, 4)],
    ['2026-03-04T10:15:30Z', Date.UTC(2026, 2, 4, 10, 15, 30)],
    ['2026-03-04T10:15:30.5Z', Date.UTC(2026, 2, 4, 10, 15, 30, 500)],
    ['2026-03-04T10:15:30.123456+02:00', Date.UTC(2026, 2, 4, 8, 15, 30, 123)],
    ['2026-03-04T01:00:00-05:30', Date.UTC(2026, 2, 4, 6, 30, 0)],
    ['2026-03-04T10:15', Date.UTC(2026, 2, 4, 10, 15)],
    ['2024-02-29', Date.UTC(2024, 1, 29)],
  ])('%s', (input, expected) => expect(parseTime(input)).toBe(expected));

  test.each([
    '',
    '20',
    '2026-13-01',
    '2026-02-30',
    '2025-02-29',
    '2026-03-04T25:00:00Z',
    '2026-03-04T10:61',
    'yesterday',
    '2026-03-04 10:00',
    '2026-03-04T10:00:00+2',
    '2026-03-04T10:00:00Zjunk',
  ])('%s is not a time', (input) => {
    expect(parseTime(input)).toBeUndefined();
  });

  test('agrees with Date.parse on every valid instant', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
        fc.integer({ min: -12, max: 14 }),
        (d, offsetH) => {
          const iso = d.toISOString();
          expect(parseTime(iso)).toBe(Date.parse(iso));
          const sign = offsetH < 0 ? '-' : '+';
          const withOffset = `${iso.slice(0, 19)}${sign}${String(Math.abs(offsetH)).padStart(2, '0')}:00`;
          expect(parseTime(withOffset)).toBe(Date.parse(withOffset));
          // Date-only and minute precision, as EHRs send them.
          expect(parseTime(iso.slice(0, 10))).toBe(Date.parse(iso.slice(0, 10)));
          expect(parseTime(`${iso.slice(0, 16)}Z`)).toBe(Date.parse(`${iso.slice(0, 16)}Z`));
        },
      ),
      { numRuns: 1000 },
    );
  });

  test('years before 100 are not shifted to the 1900s (Date.UTC would)', () => {
    expect(parseTime('0050-06-01')).toBe(Date.parse('0050-06-01'));
    expect(parseTime('2026-03-04T10:15:3Z')).toBeUndefined();
  });
});
