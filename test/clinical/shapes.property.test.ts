/**
 * Properties over the shapes real EHRs send (KB v3 changes 24, 29, 30, 31): for random day-5
 * non-responders, re-expressing the same data in any shape the knowledge base reads (platelets and
 * Hb inside CBC panels as components or contained members, an alias unit, per-microlitre counts,
 * steroids or rituximab given elsewhere as MedicationStatements) never changes whether the critical
 * escalation fires, and no card ever suggests a drug an AllergyIntolerance names.
 */
import fc from 'fast-check';
import { DRUGS, type Scenario, dailyHb, day, ittpDefaults } from '../fixtures/builder';
import { fired, run } from '../helpers';
import type { AnyResource } from '../../src/fhir/read';

type Shape = 'plain' | 'component' | 'member' | 'K/uL' | 'x10^9/L' | '/uL';
type Elsewhere = 'none' | 'steroids' | 'rituximab';

interface Course {
  plt: number[];
  ldh: number[];
}

/** A day-5 patient on TPE, steroids and rituximab, platelets under 50, LDH well above 1.5x ULN (often IWG-refractory). */
const course: fc.Arbitrary<Course> = fc.record({
  plt: fc.array(fc.integer({ min: 50, max: 480 }), { minLength: 5, maxLength: 5 }).map((xs) => xs.map((x) => x / 10)),
  ldh: fc.array(fc.integer({ min: 500, max: 2000 }), { minLength: 5, maxLength: 5 }),
});

function build(c: Course, shape: Shape, elsewhere: Elsewhere): Scenario {
  const skip = elsewhere === 'steroids' ? (['steroids'] as const) : elsewhere === 'rituximab' ? (['rtx'] as const) : [];
  const s = ittpDefaults(5, { skip: [...skip] });
  const unit = shape === 'K/uL' || shape === 'x10^9/L' || shape === '/uL' ? shape : '10*9/L';
  c.plt.forEach((v, i) => s.lab('plt', unit === '/uL' ? Math.round(v * 1000) : v, day(1 + i), { unit }));
  s.series('ldh', c.ldh);
  dailyHb(s, 1, 5);
  if (shape === 'component' || shape === 'member') s.asPanels(shape);
  // The same drugs, recorded as given at the referring hospital instead of administered here.
  if (elsewhere === 'steroids')
    s.statement(DRUGS.methylprednisolone, {
      status: 'completed',
      start: day(1, '12:00'),
      end: day(3, '12:00'),
      source: 'Referring hospital',
    });
  if (elsewhere === 'rituximab')
    s.statement(DRUGS.rituximab, { status: 'completed', start: day(2, '14:00'), end: day(2, '18:00'), source: 'Referring hospital' });
  return s;
}

const critical = (s: Scenario) => fired(run(s), 'TTP-CAPLA-DAY5') === 'critical';

/** The drugs every suggestion of an answer would create or update, as text. */
function suggestedDrugs(cards: ReturnType<typeof run>['cards']): string[] {
  return cards
    .flatMap((c) => c.suggestions ?? [])
    .flatMap((sg) => sg.actions ?? [])
    .map((a) => a.resource as AnyResource | undefined)
    .filter((r): r is AnyResource => r?.resourceType === 'MedicationRequest')
    .map((r) => JSON.stringify(r.medicationCodeableConcept ?? {}).toLowerCase());
}

const ALLERGENS = {
  caplacizumab: { concept: { text: 'Caplacizumab (Cablivi)' }, pattern: /caplacizumab|cablivi/ },
  rituximab: { concept: DRUGS.rituximab, pattern: /rituximab|121191/ },
  methylprednisolone: { concept: DRUGS.methylprednisolone, pattern: /methylprednisolone|6902/ },
};

describe('shapes of real EHR data (KB v3)', () => {
  test('re-expressing a day-5 non-responder in panels, alias units, /uL or statements never changes the critical call', () => {
    fc.assert(
      fc.property(
        course,
        fc.constantFrom<Shape>('component', 'member', 'K/uL', 'x10^9/L', '/uL'),
        fc.constantFrom<Elsewhere>('none', 'steroids', 'rituximab'),
        (c, shape, elsewhere) => {
          const reference = critical(build(c, 'plain', 'none'));
          expect({ shape, elsewhere, critical: critical(build(c, shape, elsewhere)) }).toEqual({ shape, elsewhere, critical: reference });
        },
      ),
      { numRuns: 120 },
    );
  });

  test('the generator reaches both sides: critical and not critical', () => {
    expect(critical(build({ plt: [12, 14, 15, 18, 16], ldh: [1400, 1380, 1350, 1320, 1300] }, 'plain', 'none'))).toBe(true);
    expect(critical(build({ plt: [12, 14, 15, 18, 16], ldh: [1400, 1380, 1350, 1320, 300] }, 'plain', 'none'))).toBe(false);
  });

  test('no card ever suggests a drug an AllergyIntolerance names, and the escalation stays', () => {
    fc.assert(
      fc.property(
        course,
        fc.constantFrom<Shape>('plain', 'component', 'K/uL'),
        fc.constantFrom<keyof typeof ALLERGENS>('caplacizumab', 'rituximab', 'methylprednisolone'),
        fc.constantFrom<Elsewhere>('none', 'steroids', 'rituximab'),
        (c, shape, allergen, elsewhere) => {
          const s = build(c, shape, elsewhere);
          // Without the drugs given, every drafting card of this record may fire.
          s.without((r) => r.resourceType.startsWith('Medication'));
          const before = run(s);
          const withAllergy = run(s.allergy(ALLERGENS[allergen].concept, { reaction: 'Anaphylaxis' }));
          for (const drug of suggestedDrugs(withAllergy.cards))
            expect({ allergen, drug }).not.toEqual({ allergen, drug: expect.stringMatching(ALLERGENS[allergen].pattern) });
          // The same cards, at the same indicators: only drafts go.
          expect(withAllergy.byRule).toEqual(before.byRule);
        },
      ),
      { numRuns: 80 },
    );
  });
});
