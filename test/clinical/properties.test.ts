/**
 * Properties over generated data (fast-check):
 * - unknown, missing, contradictory and out-of-order data never crash a rule and never break a card;
 * - a responding patient on the right treatment never gets a warning or critical card (alert burden);
 * - a non-responder past day 4 without caplacizumab is never reassured (no false negative).
 */
import fc from 'fast-check';
import type { AnyResource } from '../../src/fhir/read';
import { DRUGS, dailyHb, day, ittpDefaults } from '../fixtures/builder';
import { run } from '../helpers';

const junk = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.constantFrom('entered-in-error', 'cancelled', 'preliminary', 'final', 'not-done', 'stopped', 'draft', 'unknown', 'registered'),
  fc.constantFrom('2026-13-45', '2026-03-04', '2026-03-04T25:00:00Z', 'yesterday', '2027-01-01T00:00:00Z'),
  fc.constantFrom('thou', '/uL', 'g/L', '%', 'K/uL', '[IU]/mL', ''),
);

const FIELDS = [
  'status',
  'effectiveDateTime',
  'performedPeriod',
  'valueQuantity',
  'code',
  'clinicalStatus',
  'verificationStatus',
  'authoredOn',
  'dosageInstruction',
  'medicationCodeableConcept',
  'referenceRange',
  'onsetDateTime',
  'subject',
  'category',
  'valueString',
  'intent',
];

function base() {
  return dailyHb(ittpDefaults(5).series('plt', [12, 14, 15, 18, 16]).series('ldh', [1400, 1380, 1350, 1320, 1300]), 1, 5);
}

describe('properties', () => {
  test('corrupting any field of any resource never throws and cards stay spec-valid', () => {
    const resourceCount = base().resources.length;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(resourceCount - 1), fc.constantFrom(...FIELDS), junk), { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        (edits, shuffle) => {
          const s = base();
          for (const [i, field, value] of edits) {
            const r = s.resources[i] as Record<string, unknown>;
            if (value === undefined) delete r[field];
            else r[field] = value;
          }
          if (shuffle) s.resources.reverse();
          const o = run(s); // run() renders and checks every card against the strict schema
          for (const c of o.cards) expect(c.summary.length).toBeLessThan(140);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('a responding patient on TPE, steroids, rituximab and caplacizumab gets no warning or critical card', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 12 }),
        fc.integer({ min: 5, max: 25 }),
        fc.integer({ min: 15, max: 40 }),
        (evalDay, start, step) => {
          const plt = Array.from({ length: evalDay }, (_, i) => Math.min(300, start + i * step));
          // Responding: platelets at least double within the first days and LDH falls steadily.
          const ldh = Array.from({ length: evalDay }, (_, i) => Math.max(200, 1400 - i * 180));
          const s = dailyHb(ittpDefaults(evalDay).series('plt', plt).series('ldh', ldh), 1, evalDay);
          s.med(DRUGS.caplacizumab, {
            doseMg: 11,
            route: 'sc',
            perDay: 1,
            start: day(1, '09:00'),
            givenAt: Array.from({ length: evalDay }, (_, i) => day(1 + i, '12:00')),
          });
          s.lab('a13', 4, day(Math.max(0, evalDay - 3), '05:00'));
          const o = run(s);
          expect(o.cards.filter((c) => c.indicator !== 'info').map((c) => c.source.topic.code)).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });

  test('a non-improving patient past day 4 without caplacizumab always gets CAPLA-DAY5', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 9 }),
        fc.array(fc.integer({ min: 5, max: 29 }), { minLength: 9, maxLength: 9 }),
        (evalDay, plts) => {
          const baseline = 15;
          const series = [baseline, ...plts].slice(0, evalDay);
          const ldh = Array.from({ length: evalDay }, (_, i) => 1400 + (i % 2) * 10);
          const s = dailyHb(ittpDefaults(evalDay).series('plt', series).series('ldh', ldh), 1, evalDay);
          const o = run(s);
          expect(o.ids).toContain('TTP-CAPLA-DAY5');
        },
      ),
      { numRuns: 100 },
    );
  });

  test('random resources of random types in prefetch order never throw', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            resourceType: fc.constantFrom(
              'Observation',
              'Condition',
              'Procedure',
              'MedicationRequest',
              'MedicationAdministration',
              'ServiceRequest',
              'Patient',
              'Medication',
            ),
            id: fc.string({ maxLength: 5 }),
            status: junk,
            code: junk,
            effectiveDateTime: junk,
            valueQuantity: junk,
          }),
          { maxLength: 30 },
        ),
        (extra) => {
          const s = base();
          for (const r of extra) s.add(r as unknown as AnyResource);
          run(s);
        },
      ),
      { numRuns: 200 },
    );
  });
});
