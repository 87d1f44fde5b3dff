/**
 * What every rule's test file checks, given a situation in which the rule fires: it fires there at
 * its indicator on a hook it names, the gates G1 and G3 silence it, and G3b silences it exactly
 * when its content says so.
 */
import { type HookName, loadContent } from '../../src/content';
import type { Scenario } from '../fixtures/builder';
import { run } from '../helpers';

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
      expect(run(f.build(), f.hook).byRule[id]).toBe(f.indicator);
    });

    test('G1: silent for a patient of 17; runs with a note when the age is unknown', () => {
      const s = f.build();
      const patient = s.resources.find((r) => r.resourceType === 'Patient')!;
      patient.birthDate = new Date(Date.parse(s.now) - 17.5 * 365.25 * 86_400_000).toISOString().slice(0, 10);
      expect(run(s, f.hook).ids).toEqual([]);
      delete patient.birthDate;
      const o = run(s, f.hook);
      expect(o.byRule[id]).toBe(f.indicator);
      if (rule.scope === 'ittp') expect(o.findings.find((x) => x.ruleId === id)!.notes.join(' ')).toMatch(/Age is not recorded/);
    });

    if (rule.scope === 'ittp')
      test('G3: silent with a drug-induced TTP diagnosis', () => {
        expect(run(f.build().condition('441322009'), f.hook).ids).toEqual([]);
      });

    // TTP-ADAMTS13-INHIB fires only on a latest ADAMTS13 < 10%, which G3b (> 20%) excludes in version 1.
    if (rule.silencedByG3b && id !== 'TTP-ADAMTS13-INHIB')
      test('G3b: ADAMTS13 21% silences it, 20% does not, and only because its content says so', () => {
        const late = (x: number) => {
          const s = f.build();
          return s.lab('a13', x, new Date(Date.parse(s.now) - 3_600_000).toISOString(), { id: 'a13-g3b' });
        };
        expect(run(late(21), f.hook).ids).not.toContain(id);
        expect(run(late(20), f.hook).byRule[id]).toBe(f.indicator);
        const unflagged = { ...content, rules: { ...content.rules, [id]: { ...rule, silencedByG3b: false } } };
        expect(run(late(21), f.hook, { content: unflagged }).ids).toContain(id);
      });
  });
}
