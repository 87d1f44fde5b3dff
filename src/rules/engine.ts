/**
 * Runs the rules of one hook over one patient record: facts once, gates G1-G3b, then each rule
 * registered for the hook (hooks/rules.json). Pure: the clock is a parameter, nothing is fetched.
 */
import type { Content, HookName } from '../content';
import { num } from '../content';
import { buildFacts, type Facts } from '../facts';
import type { PatientRecord } from '../facts/record';
import { clinicalState } from '../facts/state';
import type { Terminology } from '../terminology';
import type { Units } from '../units';
import { ORDER_RULES } from './orders';
import { PATIENT_VIEW_RULES, subtypeConflict } from './patientView';
import type { DraftOrder, Finding, RuleContext } from './types';

export interface EngineDeps {
  content: Content;
  terminology: Terminology;
  units: Units;
}

export interface Evaluation {
  findings: Finding[];
  /** Why no rule ran, when a gate closed (for logs and tests; never PHI). */
  gate?: 'under-age' | 'no-active-ittp' | 'excluded-subtype' | 'subtype-conflict';
  facts: Facts;
}

type Impl = { id: string; run: (ctx: RuleContext) => Finding[]; escalation: boolean };

const PV_IMPLS: Impl[] = PATIENT_VIEW_RULES.map((r) => ({ id: r.id, escalation: r.escalation, run: (ctx: RuleContext) => [r.rule(ctx) ?? []].flat() }));

function implementations(hook: HookName): Impl[] {
  return hook === 'patient-view' ? PV_IMPLS : ORDER_RULES;
}

/** The implementations registered for each hook, computed once per content (not per request). */
const activeRules = new WeakMap<Content, Map<HookName, Impl[]>>();
function rulesFor(content: Content, hook: HookName): Impl[] {
  let byHook = activeRules.get(content);
  if (!byHook) activeRules.set(content, (byHook = new Map()));
  let list = byHook.get(hook);
  if (!list) {
    const registered = new Set(Object.entries(content.ruleRegistry).filter(([, r]) => r.hooks.includes(hook)).map(([id]) => id));
    byHook.set(hook, (list = implementations(hook).filter((i) => registered.has(i.id))));
  }
  return list;
}

/** Every rule registered for a hook has an implementation for it, and vice versa (start-up check). */
export function checkRuleCoverage(content: Content): void {
  const errors: string[] = [];
  for (const hook of ['patient-view', 'order-select', 'order-sign'] as HookName[]) {
    const impl = new Set(implementations(hook).map((r) => r.id));
    // TTP-SMEAR-MISSING is emitted by the TTP-MON-DAILY rule; the subtype conflict by the G3 gate.
    if (hook === 'patient-view') impl.add('TTP-SMEAR-MISSING').add('TTP-SUBTYPE-CONFLICT');
    const registered = new Set(Object.entries(content.ruleRegistry).filter(([, r]) => r.hooks.includes(hook)).map(([id]) => id));
    for (const id of registered) if (!impl.has(id)) errors.push(`${id} is registered for ${hook} but not implemented there`);
    for (const id of impl) if (!registered.has(id)) errors.push(`${id} is implemented for ${hook} but not registered in hooks/rules.json`);
  }
  if (errors.length) throw new Error(`rule registry and implementations disagree:\n- ${errors.join('\n- ')}`);
}

export function evaluate(hook: HookName, record: PatientRecord, drafts: DraftOrder[], now: number, deps: EngineDeps): Evaluation {
  const { content } = deps;
  const f = buildFacts(record, now, { content, tools: deps });
  if (f.age !== undefined && f.age < num(content, 'minAgeYears')) return { findings: [], gate: 'under-age', facts: f };
  if (f.activeIttp.length === 0) return { findings: [], gate: 'no-active-ittp', facts: f };
  const s = clinicalState(f, content);
  const ctx: RuleContext = { f, s, content, units: deps.units, terminology: deps.terminology, hook, drafts, param: (n) => num(content, n), flag: (n) => content.parameters[n] === true };
  if (f.subtypeConflict) return { findings: hook === 'patient-view' ? [subtypeConflict(ctx)] : [], gate: 'subtype-conflict', facts: f };
  if (f.exclusions.length > 0) return { findings: [], gate: 'excluded-subtype', facts: f };
  const findings: Finding[] = [];
  for (const impl of rulesFor(content, hook)) {
    if (impl.escalation && s.a13Negative) continue; // G3b
    findings.push(...impl.run(ctx));
  }
  if (f.age === undefined) for (const x of findings) x.notes.push('Age is not recorded; these rules apply to adults (18 and over).');
  return { findings, facts: f };
}
