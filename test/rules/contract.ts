/**
 * What every rule's test file checks, given a situation in which the rule fires: it fires there at
 * its indicator on a hook it names, with the whole answer as its golden copy (test/golden), the gates G1
 * and G3 silence it, and G3b silences it exactly when its content says so.
 */
import { type HookName, loadContent } from '../../src/content';
import type { Scenario } from '../fixtures/builder';
import { fired, run } from '../helpers';
import { expectGolden } from '../golden';

export interface Firing {
  hook: HookName;
  build: () => Scenario;
  indicator: 'info' | 'warning' | 'critical';
}

const content = loadContent();

export function ruleContract(id: string, f: Firing): void {
  const rule = content.rules[id]!;
  describe(`${id}: what every rule does`, () => {
    test(`fires on ${f.hook} at ${f.indicator}`, () => {
      expect(rule.hooks).toContain(f.hook);
      expect(fired(run(f.build(), f.hook), id)).toBe(f.indicator);
    });

    test('the whole answer there is its reviewed golden copy (test/golden)', () => {
      expectGolden(`rule-${id}`, run(f.build(), f.hook).cards);
    });

    test('G1: silent for a patient of 17; runs with a note when the age is unknown', () => {
      const s = f.build();
      const patient = s.resources.find((r) => r.resourceType === 'Patient')!;
      patient.birthDate = new Date(Date.parse(s.now) - 17.5 * 365.25 * 86_400_000).toISOString().slice(0, 10);
      expect(run(s, f.hook).ids).toEqual([]);
      delete patient.birthDate;
      const o = run(s, f.hook);
      expect(fired(o, id)).toBe(f.indicator);
      if (rule.scope === 'ittp') expect(o.findings.some((x) => x.notes.join(' ').includes('Age is not recorded'))).toBe(true);
    });

    if (rule.scope === 'ittp')
      test('G3: silent with an HSCT-associated TMA, or a drug-induced TTP without severe deficiency', () => {
        expect(run(f.build().condition('M31.11', { system: 'http://hl7.org/fhir/sid/icd-10-cm' }), f.hook).ids).toEqual([]);
        const s = f.build();
        // Without the pre-treatment deficiency and the inhibitor, a drug-induced TTP code is a G3 exclusion.
        s.without((r) => r.resourceType === 'Observation' && /ADAMTS13|inhibitor/i.test(JSON.stringify(r.code)));
        expect(run(s.condition('441322009'), f.hook).ids).toEqual([]);
      });

    if (rule.silencedByG3b)
      test('G3b: a pre-treatment ADAMTS13 of 21% silences it, 20% does not, one drawn during TPE never does, a positive inhibitor keeps it on, and only as its content says', () => {
        // Drawn just before the first session: the pre-treatment value (D8a), whatever came before it.
        const pre = (x: number, keepInhibitor = false) => {
          const s = f.build();
          // KB v3 change 27: a positive inhibitor of the episode keeps escalation on; without one, G3b holds.
          if (!keepInhibitor) s.without((r) => r.resourceType === 'Observation' && /inhibitor/i.test(JSON.stringify(r.code)));
          const first = s.resources
            .filter((r) => r.resourceType === 'Procedure')
            .map((r) => Date.parse(String((r.performedPeriod as { start: string }).start)))[0];
          const at = first !== undefined ? first - 3_600_000 : Date.parse(s.now) - 3_600_000;
          return s.lab('a13', x, new Date(at).toISOString(), { id: 'a13-g3b' });
        };
        expect(fired(run(pre(21), f.hook), id)).toBeUndefined();
        expect(fired(run(pre(20), f.hook), id)).toBe(f.indicator);
        const unflagged = { ...content, rules: { ...content.rules, [id]: { ...rule, silencedByG3b: false } } };
        expect(fired(run(pre(21), f.hook, { content: unflagged }), id)).toBe(f.indicator);
        const withInhibitor = pre(21, true);
        if (withInhibitor.resources.some((r) => r.resourceType === 'Observation' && /inhibitor/i.test(JSON.stringify(r.code))))
          expect(fired(run(withInhibitor, f.hook), id)).toBe(f.indicator);
        // D8b: 46% drawn during daily TPE partly measures donor plasma and silences nothing.
        const s = f.build();
        if (!s.resources.some((r) => r.resourceType === 'Procedure')) return;
        expect(fired(run(s.lab('a13', 46, new Date(Date.parse(s.now) - 3_600_000).toISOString(), { id: 'a13-inTpe' }), f.hook), id)).toBe(
          f.indicator,
        );
      });
  });
}
