/**
 * Runs the rules of one hook over one patient record: the facts once, the gates G1-G3b, then each
 * rule that runs on the hook, in priority order. Pure: the clock is a parameter, nothing is fetched.
 */
import { type Content, type HookName, type RuleContent, HOOKS, num, rulesOn } from '../content';
import { type Facts, type Unreadable, buildFacts, textProblem } from '../facts';
import type { PatientRecord } from '../facts/record';
import { clinicalState, episodeStart } from '../facts/state';
import { type Terminology, TEXT_BUDGET, TextScan } from '../terminology';
import type { Units } from '../units';
import { withoutAllergens } from './allergies';
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
  /** Silent mode: findings of the site's silent rules, computed and recorded, never shown. */
  silent: Finding[];
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

const RANK = { critical: 3, warning: 2, info: 1 } as const;

/** The order cards are shown in: most urgent first, then by the rules' priority. */
function byUrgency(priority: (id: string) => number) {
  return (a: Finding, b: Finding) => RANK[b.indicator] - RANK[a.indicator] || priority(a.ruleId) - priority(b.ruleId);
}

/** Which rules may run on this record (G2, G3), or the gate that closed. */
function scopeOf(f: Facts): { scopes: RuleContent['scope'][]; gate?: Evaluation['gate'] } {
  if (f.subtypeConflict) return { scopes: ['subtype-conflict', 'any-ttp'], gate: 'subtype-conflict' };
  const others = f.exclusions.filter((c) => c.kind !== 'congenital');
  if (others.length) return { scopes: [], gate: 'excluded-subtype' };
  if (f.exclusions.length)
    return f.congenital.length ? { scopes: ['any-ttp'], gate: 'excluded-subtype' } : { scopes: [], gate: 'excluded-subtype' };
  if (f.activeIttp.length) return { scopes: ['ittp', 'any-ttp'] };
  return { scopes: [], gate: 'no-active-ittp' };
}

/**
 * G4: what could not be read and could matter now: of this episode's window (or undated), and the
 * resources of another patient that were ignored.
 */
function relevantUnreadable(f: Facts, from: number): Unreadable[] {
  const out = f.unreadable.filter((u) => u.time === undefined || u.time >= from);
  const other = f.gaps.find((g) => g.key === 'prefetch');
  if (other) out.push({ ref: 'prefetch', key: '*', concept: 'Resources for another patient', why: other.reason });
  const byCase = f.gaps.find((g) => g.key === 'prefetch-case');
  if (byCase)
    out.push({ ref: 'prefetch-case', key: '*', concept: "Resources naming this patient's id in another letter case", why: byCase.reason });
  return out;
}

/**
 * Without an active iTTP, TTP-DATA-UNREADABLE still runs when the diagnosis itself may be what
 * could not be read (a Condition that cannot be read, or resources ignored as another patient's),
 * beside a TPE session or an ADAMTS13 result; and always when resources name this patient's id in
 * another letter case (they may be the whole record: nothing else would say why there is no card).
 */
function ttpContext(f: Facts, unreadable: Unreadable[]): boolean {
  if (unreadable.some((u) => u.ref === 'prefetch-case')) return true;
  return (
    unreadable.some((u) => u.key === 'conditions' || u.ref === 'prefetch') &&
    (f.episode?.current === true || f.adamts13.pre !== undefined || f.adamts13.inTpe.length > 0)
  );
}

export function evaluate(hook: HookName, record: PatientRecord, drafts: DraftOrder[], now: number, deps: EngineDeps): Evaluation {
  const { content } = deps;
  // One request's text scanning is bounded in all (TextScan): the facts and the rules read through a view of it.
  const terminology = deps.terminology.forRequest(new TextScan(TEXT_BUDGET));
  const f = buildFacts(record, now, { content, tools: { terminology, units: deps.units } });
  // G1 adults (an age that cannot be read: adult assumed, and the cards say so).
  if (f.age !== undefined && f.age < num(content, 'minAgeYears')) return { findings: [], silent: [], gate: 'under-age', facts: f };
  const { scopes, gate } = scopeOf(f);
  const s = clinicalState(f, content);
  const unreadable = relevantUnreadable(
    f,
    episodeStart(f, (n) => num(content, n)),
  );
  const ctx: RuleContext = {
    f,
    s,
    content,
    units: deps.units,
    terminology,
    hook,
    drafts,
    param: (n) => num(content, n),
    flag: (n) => content.parameters[n] === true,
    list: (n) => {
      const v = content.parameters[n];
      if (!Array.isArray(v)) throw new Error(`parameter ${n} is not a list`);
      return v;
    },
    unnamed: [],
  };
  const rules = deps.rules[hook];
  const ruleOf = new Map(rules.map((r) => [r.content.id, r.content]));
  const priority = (id: string) => ruleOf.get(id)?.priority ?? 0;
  let findings: Finding[] = [];
  for (const rule of rules) {
    if (!scopes.includes(rule.content.scope)) continue;
    if (rule.content.silencedByG3b && s.a13Negative) continue; // G3b
    const r = rule.run(ctx);
    if (r) findings.push(...(Array.isArray(r) ? r : [r]));
  }
  // Text the rules read themselves (draft orders, planned procedures) that was cut or skipped: an unknown too.
  const ruleText = textProblem(terminology.textScan, f, 'Text read by the rules (draft orders, planned procedures)');
  if (ruleText) unreadable.push(ruleText);
  findings.sort(byUrgency(priority));
  // KB v3 change 29: no card drafts a drug the patient is documented as allergic to.
  withoutAllergens(findings, f, { content, terminology });
  // Silent rules (site pilot) are computed, then kept apart: they neither show nor change the other cards.
  const silentRules = new Set(content.site.silent.rules);
  const silent = findings.filter((x) => silentRules.has(x.ruleId));
  findings = findings.filter((x) => !silentRules.has(x.ruleId));
  // A rule that says the same thing more precisely holds the other back (content: supersedes),
  // unless the other is more urgent.
  const holds = (x: Finding, by: Finding) =>
    RANK[by.indicator] >= RANK[x.indicator] && (ruleOf.get(by.ruleId)?.supersedes ?? []).includes(x.ruleId);
  findings = alertBurden(
    findings.filter((x) => !findings.some((by) => holds(x, by))),
    ruleOf,
  );

  // G4: each card names what could not be read among the data its rule reads; what no card names
  // goes to TTP-DATA-UNREADABLE, for a TTP patient.
  const named = new Set<Unreadable>();
  for (const x of findings) {
    const rule = ruleOf.get(x.ruleId)!;
    const keys = new Set([...rule.data.required, ...rule.data.optional]);
    const mine = unreadable.filter((u) => u.key === '*' || keys.has(u.key));
    for (const u of mine) named.add(u);
    if (mine.length) x.notes.push(`Could not be read: ${mine.map(describeUnreadable).join('; ')}.`);
  }
  // On the order hooks only what the rules read of the drafts is theirs to name; the record's unknowns are patient-view's.
  const unnamed = unreadable.filter((u) => !named.has(u) && (hook === 'patient-view' || u === ruleText));
  const unreadableRule = rules.find((r) => r.content.scope === 'unreadable');
  if (
    unreadableRule &&
    unnamed.length &&
    (scopes.includes('ittp') || scopes.includes('any-ttp') || (gate === 'no-active-ittp' && ttpContext(f, unnamed)))
  ) {
    const r = unreadableRule.run({ ...ctx, unnamed });
    if (r) (silentRules.has(unreadableRule.content.id) ? silent : findings).push(...(Array.isArray(r) ? r : [r]));
  }
  if (f.age === undefined)
    for (const x of findings)
      x.notes.push(
        f.ageProblem
          ? `The age cannot be read (${f.ageProblem}); these rules apply to adults (${num(content, 'minAgeYears')} and over), an adult is assumed.`
          : `Age is not recorded; these rules apply to adults (${num(content, 'minAgeYears')} and over).`,
      );
  for (const x of findings) x.notes.push(...f.notes);
  onceEach(findings);
  return { findings, silent, gate: findings.length && gate === 'no-active-ittp' ? undefined : gate, facts: f };
}

/**
 * G7 (KB v3 change 35): one note never appears twice in one answer. A note is kept on the first
 * (most urgent) card that carries it and dropped from the cards after it.
 */
function onceEach(findings: Finding[]): void {
  if (findings.length < 2) return;
  const seen = new Set<string>();
  for (const x of findings) {
    x.notes = x.notes.filter((n) => {
      if (seen.has(n)) return false;
      seen.add(n);
      return true;
    });
  }
}

export function describeUnreadable(u: Unreadable): string {
  return u.ref === 'prefetch' || u.ref === 'prefetch-case'
    ? u.why
    : u.ref === 'text'
      ? `${u.concept}: ${u.why}`
      : `${u.concept} ${u.ref}: ${u.why}`;
}

/**
 * G7 alert burden. One answer carries one card that recommends caplacizumab: the most urgent
 * keeps its suggestion, the others drop it and point to it. When a warning or critical card fires,
 * the foldable info findings (ADAMTS13-INHIB, SMEAR-MISSING, MP-PULSE) go into its notes. One thing
 * is said once (KB v3 change 35): an info finding folds into a warning or critical card that
 * carries the note it is about (the in-TPE DX-RECONSIDER into a card with the donor-plasma note),
 * and an info finding whose every suggestion another card already makes (ADAMTS13-MONITOR's
 * "order ADAMTS13" beside CAPLA-STOP's) folds into that card.
 */
function alertBurden(sorted: Finding[], ruleOf: Map<string, RuleContent>): Finding[] {
  const keeper = sorted.find((x) => x.caplacizumab);
  for (const x of sorted) {
    if (!x.caplacizumab || x === keeper) continue;
    const drop = new Set(x.caplacizumab.suggestions);
    x.suggestions = x.suggestions?.filter((sg) => !drop.has(sg.key));
    if (x.suggestions?.length === 0) delete x.suggestions;
    if (x.caplacizumab.param) x.params[x.caplacizumab.param] = `Caplacizumab: see the ${keeper!.ruleId} card.`;
  }
  const resourcesOf = (x: Finding) =>
    (x.suggestions ?? []).map((sg) => (sg.actions ? null : (ruleOf.get(x.ruleId)?.suggestions?.[sg.key]?.resources ?? [])));
  const folded = new Map<Finding, Finding>();
  sorted.forEach((x, i) => {
    if (x.indicator !== 'info') return;
    const host = x.foldsInto ? sorted.find((y) => y !== x && y.indicator !== 'info' && y.carries?.includes(x.foldsInto!)) : undefined;
    if (host) {
      folded.set(x, host);
      return;
    }
    const mine = resourcesOf(x);
    if (mine.length === 0 || mine.some((r) => r === null || r.length === 0)) return;
    // A more urgent (or, at the same urgency, higher-priority) card that already suggests the same orders.
    const same = sorted.find(
      (y, j) =>
        j < i &&
        !folded.has(y) &&
        resourcesOf(y).some((r) => r !== null) &&
        mine.every((r) => resourcesOf(y).some((o) => o !== null && r!.every((k) => o.includes(k)))),
    );
    if (same) folded.set(x, same);
  });
  const top = sorted.find((x) => !folded.has(x));
  if (top && top.indicator !== 'info')
    for (const x of sorted) if (x.indicator === 'info' && ruleOf.get(x.ruleId)?.foldable && !folded.has(x)) folded.set(x, top);
  for (const [x, host] of folded) (host.folded ??= []).push(x);
  return sorted.filter((x) => !folded.has(x));
}
