/**
 * Loads the clinician-reviewable content (hooks/, cards/) and the site configuration, validates it
 * with zod and cross-checks it at start-up: bad content stops the server from starting instead of
 * misbehaving at 3 a.m. (habit learnt from AHRQ CDS Connect's config/hooks).
 *
 * One rule is one file, cards/TTP-*.json (its hooks, data needs, parameters, G3b flag, priority,
 * card text, suggestions, override reasons, citations); the files shared by all rules are in
 * hooks/ (services, prefetch keys, parameters, value sets, units) and cards/ (citations, the
 * resource templates that suggestions create).
 */
import safeRegex from 'safe-regex2';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { table } from '../fhir/read';
import { projectRoot } from './paths';
import {
  type AnalyteDef,
  type DataKeyDef,
  type HookName,
  type ParameterValue,
  type RuleContent,
  type ServiceDef,
  type SiteConfig,
  type TerminologyContent,
  type UnitsContent,
  citationsSchema,
  dataSchema,
  notesSchema,
  parametersSchema,
  ruleContentSchema,
  servicesSchema,
  siteConfigSchema,
  suggestionsSchema,
  terminologySchema,
  unitsSchema,
} from './schema';

export { HOOKS, siteConfigSchema } from './schema';
export type { AnalyteDef, DataKeyDef, HookName, ParameterValue, RuleContent, ServiceDef, SiteConfig, TerminologyContent, UnitsContent };

export interface Citation {
  label: string;
  /** An article (DOI, PMID) or a regulator's label; a source without one is named, not linked. */
  url?: string;
  checked?: string;
}

/**
 * The citation rule (KB section 0): a card links an article (a DOI, a PubMed record) or a
 * regulator's label, never a search page or a homepage.
 */
export function citationProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (u.search) return 'has a query string (a search page?)';
  if (u.pathname === '/' || u.pathname === '') return 'is a homepage';
  if (u.hostname === 'doi.org') return /^\/10\.\d{4,9}\/\S+$/.test(u.pathname) ? undefined : 'is not a DOI';
  if (u.hostname === 'pubmed.ncbi.nlm.nih.gov') return /^\/\d+\/?$/.test(u.pathname) ? undefined : 'is not a PubMed record';
  if (['www.accessdata.fda.gov', 'ec.europa.eu', 'www.ema.europa.eu'].includes(u.hostname))
    return /\.pdf$/i.test(u.pathname) ? undefined : 'is not a label document';
  return "is neither a DOI, a PubMed record nor a regulator's label";
}

/**
 * Why a value-set text pattern is not safe to run on EHR text, or undefined. Text is cut to
 * MAX_TEXT characters before matching; on top of that a pattern must be valid, have no nested or
 * ambiguous repetition that backtracks exponentially (safe-regex2; no group repeated without
 * bound, which also rules out `(a|aa)+`), no backreference, and at most
 * one unbounded repetition (`*`, `+`, `{n,}`), so that one match costs at most a quadratic in
 * MAX_TEXT (about a million steps) whatever the text.
 */
export function patternProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern, 'i');
  } catch {
    return 'is not a valid regular expression';
  }
  if (!safeRegex(pattern)) return 'can backtrack exponentially (nested repetition)';
  let unbounded = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      if (/[1-9k]/.test(pattern[i + 1] ?? '')) return 'uses a backreference';
      i++;
    } else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '*' || c === '+') {
      if (pattern[i - 1] === ')' && pattern[i - 2] !== '\\')
        return 'repeats a group without bound (ambiguous repetition can backtrack exponentially)';
      unbounded++;
    } else if (c === '{' && /^\{\d+,\}/.test(pattern.slice(i))) unbounded++;
  }
  return unbounded > 1 ? `has ${unbounded} unbounded repetitions (at most 1: matching must stay near-linear)` : undefined;
}

export interface ParameterDef {
  value: ParameterValue;
  unit: string;
  source?: string;
  description: string;
  evidence: string[];
  signOff?: boolean;
}

export interface Content {
  terminology: TerminologyContent;
  units: UnitsContent;
  /** Parameter values in force: the defaults with the site's overrides. */
  parameters: Record<string, ParameterValue>;
  /** The parameters as hooks/parameters.json defines them (defaults, units, sources). */
  parameterDefs: Record<string, ParameterDef>;
  data: Record<string, DataKeyDef>;
  /** Every rule, by id, in priority order. */
  rules: Record<string, RuleContent>;
  services: ServiceDef[];
  /**
   * The clinical content's version: the declared one (hooks/services.json) and a digest of every
   * content file as loaded and of the site configuration, e.g. `2.0.0+3f9a8c1d`. Discovery and
   * every card carry it, so that governance can tell which content produced a card.
   */
  version: string;
  ruleSystem: string;
  overrideReasonSystem: string;
  citations: Record<string, Citation>;
  suggestionTemplates: Record<string, Record<string, unknown>>;
  /** Notes several rules add to their cards (cards/notes.json), by key. */
  notes: Record<string, string>;
  site: SiteConfig;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`content: cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown, name: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const msg = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`content: ${name} is invalid: ${msg}`);
  }
  return r.data;
}

/** The rule files of a content root: cards/TTP-*.json, each named after its rule id. */
function loadRules(root: string): Record<string, RuleContent> {
  const files = readdirSync(join(root, 'cards')).filter((f) => /^TTP-[A-Z0-9-]+\.json$/.test(f));
  const rules = files.map((f) => {
    const rule = parse(ruleContentSchema, readJson(join(root, 'cards', f)), `cards/${f}`);
    if (`${rule.id}.json` !== f) throw new Error(`content: cards/${f} holds rule ${rule.id}; the file must be named ${rule.id}.json`);
    return rule;
  });
  rules.sort((a, b) => a.priority - b.priority || a.id.localeCompare(b.id));
  return Object.fromEntries(rules.map((r) => [r.id, r]));
}

/** Parameters renamed between content versions: a site file with the old name is told the new one. */
const RENAMED_PARAMETERS = table({ adamts13InhibitorPositiveBu: 'adamts13InhibitorPositiveAbove' });

export function loadContent(opts: { root?: string; site?: unknown } = {}): Content {
  const root = opts.root ?? projectRoot();
  const f = (p: string) => readJson(join(root, p));
  const site = parse(siteConfigSchema, opts.site ?? {}, 'site configuration');
  const params = parse(parametersSchema, f('hooks/parameters.json'), 'hooks/parameters.json');
  const services = parse(servicesSchema, f('hooks/services.json'), 'hooks/services.json');

  const parameters: Record<string, ParameterValue> = {};
  for (const [k, p] of Object.entries(params.parameters)) parameters[k] = p.value;
  for (const [k, v] of Object.entries(site.parameters)) {
    const renamed = RENAMED_PARAMETERS[k];
    if (renamed && !(k in parameters))
      throw new Error(
        `content: site parameter ${k} was renamed ${renamed} (content ${services.contentVersion}); rename it in SITE_CONFIG_FILE`,
      );
    if (!(k in parameters)) throw new Error(`content: site parameter ${k} is not a known parameter`);
    if (typeof v !== typeof parameters[k] || Array.isArray(v) !== Array.isArray(parameters[k]))
      throw new Error(`content: site parameter ${k} must be of the same type as its default`);
    parameters[k] = v;
  }

  const content: Content = {
    version: services.contentVersion,
    terminology: parse(terminologySchema, f('hooks/terminology.json'), 'hooks/terminology.json'),
    units: parse(unitsSchema, f('hooks/units.json'), 'hooks/units.json'),
    parameters,
    parameterDefs: params.parameters,
    data: parse(dataSchema, f('hooks/data.json'), 'hooks/data.json').keys,
    rules: loadRules(root),
    services: services.services,
    ruleSystem: services.ruleSystem,
    overrideReasonSystem: services.overrideReasonSystem,
    citations: parse(citationsSchema, f('cards/citations.json'), 'cards/citations.json').citations,
    suggestionTemplates: parse(suggestionsSchema, f('cards/suggestions.json'), 'cards/suggestions.json').resources,
    notes: parse(notesSchema, f('cards/notes.json'), 'cards/notes.json').notes,
    site,
  };
  crossCheck(content);
  const digest = createHash('sha256');
  for (const part of [
    content.terminology,
    content.units,
    content.parameterDefs,
    content.data,
    content.rules,
    content.services,
    content.citations,
    content.suggestionTemplates,
    content.notes,
    content.site,
  ])
    digest.update(JSON.stringify(part));
  content.version = `${services.contentVersion}+${digest.digest('hex').slice(0, 8)}`;
  return content;
}

/** `{name}` (a finding's value) or `{param.name}` (a parameter in force) in card text. */
export const PLACEHOLDER = /\{(param\.)?([A-Za-z0-9]+)\}/g;

/** A parameter's value as card text shows it. */
export function formatParameter(v: ParameterValue): string {
  return Array.isArray(v) ? v.join(' or ') : String(v);
}

/** Every text of a rule that becomes card text: summaries, details, suggestion labels. */
export function ruleTexts(rule: RuleContent): { where: string; text: string }[] {
  return [
    { where: 'trigger', text: rule.trigger },
    { where: 'indicators', text: rule.indicators },
    ...Object.entries(rule.summaries).map(([k, text]) => ({ where: `summaries.${k}`, text })),
    ...Object.entries(rule.details).map(([k, text]) => ({ where: `details.${k}`, text })),
    ...Object.entries(rule.suggestions ?? {}).map(([k, s]) => ({ where: `suggestions.${k}.label`, text: s.label })),
  ];
}

/** Every reference between content files resolves; a dangling one is a start-up error. */
function crossCheck(c: Content): void {
  const errors: string[] = [];
  // Every parameter says where it comes from: a source of cards/citations.json, or it is a service parameter signed off.
  for (const [name, p] of Object.entries(c.parameterDefs)) {
    for (const e of p.evidence) if (!c.citations[e]) errors.push(`hooks/parameters.json: ${name} cites unknown source ${e}`);
    if (p.evidence.length === 0 && !p.signOff)
      errors.push(`hooks/parameters.json: ${name} has no source and is not marked signOff (a service parameter needs sign-off)`);
  }
  const ids = new Set<string>();
  for (const s of c.services) {
    if (ids.has(s.id)) errors.push(`services: duplicate id ${s.id}`);
    ids.add(s.id);
  }
  const priorities = new Map<number, string>();
  for (const [id, rule] of Object.entries(c.rules)) {
    const file = `cards/${id}.json`;
    const other = priorities.get(rule.priority);
    if (other) errors.push(`${file}: priority ${rule.priority} is also ${other}'s`);
    priorities.set(rule.priority, id);
    for (const k of [...rule.data.required, ...rule.data.optional]) if (!c.data[k]) errors.push(`${file}: needs unknown data key ${k}`);
    for (const p of rule.parameters) if (!(p in c.parameters)) errors.push(`${file}: uses unknown parameter ${p}`);
    for (const other of rule.supersedes) if (!c.rules[other] || other === id) errors.push(`${file}: supersedes unknown rule ${other}`);
    for (const s of [rule.primarySource, ...rule.sources]) if (!c.citations[s]) errors.push(`${file}: cites unknown source ${s}`);
    if (c.citations[rule.primarySource] && !c.citations[rule.primarySource]!.url)
      errors.push(`${file}: its primary source ${rule.primarySource} has no link`);
    for (const [key, sug] of Object.entries(rule.suggestions ?? {}))
      for (const r of sug.resources)
        if (!c.suggestionTemplates[r]) errors.push(`${file}: suggestion ${key} uses unknown resource template ${r}`);
    for (const { where, text } of ruleTexts(rule))
      for (const [, param, name] of text.matchAll(PLACEHOLDER))
        if (param && !rule.parameters.includes(name!))
          errors.push(`${file}: ${where} uses {param.${name}}, which the rule does not list in parameters`);
    // Summaries stay under 140 characters whatever the placeholders hold (CDS Hooks card summary).
    for (const [variant, template] of Object.entries(rule.summaries)) {
      const filled = template.replace(PLACEHOLDER, (_m, param: string | undefined, k: string) => {
        if (param) return c.parameters[k] === undefined ? '' : formatParameter(c.parameters[k]!);
        const max = rule.placeholderMaxLength[k];
        if (max === undefined) errors.push(`${file}: summary ${variant} uses {${k}} without a placeholderMaxLength`);
        return 'x'.repeat(max ?? 0);
      });
      if (filled.length >= 140) errors.push(`${file}: summary ${variant} can reach ${filled.length} characters (limit 139)`);
    }
  }
  for (const [id, cit] of Object.entries(c.citations)) {
    const why = cit.url ? citationProblem(cit.url) : undefined;
    if (why) errors.push(`cards/citations.json: ${id} ${cit.url} ${why}`);
  }
  for (const id of c.site.silent.rules) if (!c.rules[id]) errors.push(`site silent.rules: unknown rule ${id}`);
  for (const id of c.site.silent.services)
    if (!c.services.some((x) => x.id === id)) errors.push(`site silent.services: unknown service ${id}`);
  for (const vsId of Object.keys(c.site.localCodes))
    if (!c.terminology.valueSets[vsId]) errors.push(`site localCodes: unknown value set ${vsId}`);
  for (const [vsId, vs] of Object.entries(c.terminology.valueSets)) {
    for (const code of [...vs.codes, ...(vs.unverifiedCodes ?? [])])
      if (!c.terminology.systems[code.system] && !/^(https?|urn):/.test(code.system))
        errors.push(`terminology: ${vsId} uses unknown system alias ${code.system}`);
    for (const t of [...vs.text, ...(vs.textExcept ?? [])]) {
      const why = patternProblem(t);
      if (why) errors.push(`terminology: ${vsId} text pattern ${t} ${why}`);
    }
    if (vs.textRequiresContext && !c.terminology.valueSets[vs.textRequiresContext])
      errors.push(`terminology: ${vsId} textRequiresContext names unknown ${vs.textRequiresContext}`);
  }
  for (const [a, def] of Object.entries(c.units.analytes))
    if (!c.terminology.valueSets[def.valueSet]) errors.push(`units: ${a} uses unknown value set ${def.valueSet}`);
  if (errors.length) throw new Error(`content is inconsistent:\n- ${errors.join('\n- ')}`);
}

/**
 * A shared note (cards/notes.json) with its `{name}` placeholders filled; a missing note or value
 * is a content error, thrown where it is met (the content tests render every note).
 */
export function noteText(c: Content, key: string, values: Record<string, string | number>): string {
  const template = c.notes[key];
  if (template === undefined) throw new Error(`cards/notes.json has no note ${key}`);
  return template.replace(PLACEHOLDER, (m, param: string | undefined, k: string) => {
    if (param) return c.parameters[k] === undefined ? m : formatParameter(c.parameters[k]!);
    const v = values[k];
    if (v === undefined) throw new Error(`cards/notes.json ${key}: no value for {${k}}`);
    return String(v);
  });
}

/** A numeric parameter in force. */
export function num(c: Content, name: string): number {
  const v = c.parameters[name];
  if (typeof v !== 'number') throw new Error(`parameter ${name} is not a number`);
  return v;
}

/** The rules that run on a hook, in priority order. */
export function rulesOn(c: Content, hook: HookName): RuleContent[] {
  return Object.values(c.rules).filter((r) => r.hooks.includes(hook));
}
