/**
 * Runs the rules of one hook over one patient record: the facts once, the gates G1-G3b, then each
 * rule that runs on the hook, in priority order. Pure: the clock is a parameter, nothing is fetched.
 */
import { type Content, type HookName, type RuleContent, HOOKS, num, rulesOn } from '../content';
import { type Facts, buildFacts } from '../facts';
import type { PatientRecord } from '../facts/record';
import { clinicalState } from '../facts/state';
import type { Terminology } from '../terminology';
import type { Units } from '../units';
import { RULE_MODULES } from './index';
import type { DraftOrder, Finding, RuleContext, RuleModule } from './types';

/** A rule as it runs: its content and the logic for one hook. */
interface ActiveRule {
  content: RuleContent;
  run: (ctx: RuleContext) => ReturnType<NonNullable<RuleModule['patientView']>>;
}

export type RuleSet = Record<HookName, ActiveRule[]>;

export interface EngineDeps {
  content: Content;
  terminology: Terminology;
  units: Units;
  rules: RuleSet;
}

export interface Evaluation {
  findings: Finding[];
  /** Why no rule ran, when a gate closed (for logs and tests; never PHI). */
  gate?: 'under-age' | 'no-active-ittp' | 'excluded-subtype' | 'subtype-conflict';
  facts: Facts;
}

/**
 * Joins each rule's content with its logic, per hook. Start-up check: every rule has a module, a
 * module for every rule, and logic for exactly the hooks its content names.
 */
export function compileRules(content: Content, modules: readonly RuleModule[] = RULE_MODULES): RuleSet {
  const errors: string[] = [];
  const byId = new Map(modules.map((m) => [m.id, m]));
  for (const m of modules) if (!content.rules[m.id]) errors.push(`${m.id} has logic (src/rules) but no content file cards/${m.id}.json`);
  const set = {} as RuleSet;
  for (const hook of HOOKS) {
    set[hook] = [];
    for (const rule of rulesOn(content, hook)) {
      const m = byId.get(rule.id);
      if (!m) {
        errors.push(`cards/${rule.id}.json has no logic in src/rules`);
        continue;
      }
      const run = hook === 'patient-view' ? m.patientView : m.orders;
      if (!run)
        errors.push(
          `cards/${rule.id}.json runs on ${hook}, but its module has no ${hook === 'patient-view' ? 'patientView' : 'orders'} logic`,
        );
      else set[hook].push({ content: rule, run });
    }
  }
  for (const m of modules) {
    const rule = content.rules[m.id];
    if (!rule) continue;
    if (m.patientView && !rule.hooks.includes('patient-view'))
      errors.push(`${m.id} has patientView logic but cards/${m.id}.json does not run on patient-view`);
    if (m.orders && !rule.hooks.some((h) => h !== 'patient-view'))
      errors.push(`${m.id} has orders logic but cards/${m.id}.json runs on no order hook`);
  }
  if (errors.length) throw new Error(`rules and their content disagree:\n- ${errors.join('\n- ')}`);
  return set;
}

export function evaluate(hook: HookName, record: PatientRecord, drafts: DraftOrder[], now: number, deps: EngineDeps): Evaluation {
  const { content } = deps;
  const f = buildFacts(record, now, { content, tools: deps });
  // G1 adults; G2 an active iTTP.
  if (f.age !== undefined && f.age < num(content, 'minAgeYears')) return { findings: [], gate: 'under-age', facts: f };
  if (f.activeIttp.length === 0) return { findings: [], gate: 'no-active-ittp', facts: f };
  // G3: a subtype conflict runs only the rules scoped to it; another exclusion runs nothing.
  if (!f.subtypeConflict && f.exclusions.length > 0) return { findings: [], gate: 'excluded-subtype', facts: f };
  const scope = f.subtypeConflict ? 'subtype-conflict' : 'ittp';
  const s = clinicalState(f, content);
  const ctx: RuleContext = {
    f,
    s,
    content,
    units: deps.units,
    terminology: deps.terminology,
    hook,
    drafts,
    param: (n) => num(content, n),
    flag: (n) => content.parameters[n] === true,
    list: (n) => {
      const v = content.parameters[n];
      if (!Array.isArray(v)) throw new Error(`parameter ${n} is not a list`);
      return v;
    },
  };
  const findings: Finding[] = [];
  for (const rule of deps.rules[hook]) {
    if (rule.content.scope !== scope) continue;
    if (rule.content.silencedByG3b && s.a13Negative) continue; // G3b
    const r = rule.run(ctx);
    if (r) findings.push(...(Array.isArray(r) ? r : [r]));
  }
  if (f.subtypeConflict) return { findings, gate: 'subtype-conflict', facts: f };
  if (f.age === undefined)
    for (const x of findings) x.notes.push(`Age is not recorded; these rules apply to adults (${num(content, 'minAgeYears')} and over).`);
  return { findings, facts: f };
}
