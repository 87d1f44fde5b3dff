/**
 * Loads the clinician-reviewable content (hooks/, cards/) and the site configuration, validates it
 * with zod and cross-checks it at start-up: bad content stops the server from starting instead of
 * misbehaving at 3 a.m. (habit learnt from AHRQ CDS Connect's config/hooks).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { projectRoot } from './paths';

const HOOKS = ['patient-view', 'order-select', 'order-sign'] as const;
export type HookName = (typeof HOOKS)[number];

const codeEntry = z.object({
  system: z.string().min(1),
  code: z.string().min(1),
  display: z.string().optional(),
  /** ICD-10 category codes: I60 matches I60.9. */
  prefix: z.boolean().optional(),
});
const valueSetSchema = z.object({
  title: z.string(),
  codes: z.array(codeEntry),
  unverifiedCodes: z.array(codeEntry).optional(),
  text: z.array(z.string()),
  /** A text match only counts when the same concept also matches this value set by text or code. */
  textRequiresContext: z.string().optional(),
});
const terminologySchema = z.object({
  systems: z.record(z.string(), z.string().url()),
  valueSets: z.record(z.string(), valueSetSchema),
});

const analyteSchema = z.object({
  valueSet: z.string(),
  unit: z.string(),
  display: z.string(),
  label: z.string(),
  short: z.string(),
  molecularWeight: z.number().positive().optional(),
  equivalents: z.record(z.string(), z.number().positive()).optional(),
  anyUnit: z.boolean().optional(),
  /** The rules read this analyte against its upper limit of normal (the result's referenceRange). */
  usesUln: z.boolean().optional(),
});
const unitsSchema = z.object({ analytes: z.record(z.string(), analyteSchema) });

const parameterSchema = z.object({
  value: z.union([z.number(), z.boolean(), z.array(z.number())]),
  unit: z.string(),
  source: z.string().optional(),
  description: z.string().optional(),
  signOff: z.boolean().optional(),
});
const parametersSchema = z.object({ parameters: z.record(z.string(), parameterSchema) });

const dataKeySchema = z.object({
  query: z.string().min(1),
  resourceTypes: z.array(z.string()).min(1),
  description: z.string(),
});
const dataSchema = z.object({ keys: z.record(z.string(), dataKeySchema) });

const ruleRegSchema = z.object({
  hooks: z.array(z.enum(HOOKS)).min(1),
  required: z.array(z.string()),
  optional: z.array(z.string()),
});
const rulesRegSchema = z.object({ rules: z.record(z.string().regex(/^TTP-[A-Z0-9-]+$/), ruleRegSchema) });

const servicesSchema = z.object({
  services: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
        hook: z.enum(HOOKS),
        title: z.string().min(1),
        description: z.string().min(1),
      }),
    )
    .min(1),
});

const reasonSchema = z.object({ code: z.string().regex(/^[a-z0-9-]+$/), display: z.string().min(1) });
const cardContentSchema = z.object({
  title: z.string().min(1),
  version: z.string().regex(/^\d+\.\d+\.\d+$/),
  summaries: z.record(z.string(), z.string().min(1)).refine((s) => 'default' in s, 'needs a default summary'),
  details: z.record(z.string(), z.string().min(1)).refine((s) => 'default' in s, 'needs a default detail'),
  primarySource: z.string(),
  sources: z.array(z.string()),
  overrideReasons: z.array(reasonSchema).min(1),
  suggestions: z.record(z.string(), z.object({ label: z.string().min(1), resources: z.array(z.string()) })).optional(),
});
const cardsSchema = z.object({
  placeholderMaxLength: z.record(z.string(), z.number().int().positive()),
  overrideReasonSystem: z.string().min(1),
  ruleSystem: z.string().min(1),
  rules: z.record(z.string(), cardContentSchema),
});
const citationsSchema = z.object({
  citations: z.record(z.string(), z.object({ label: z.string().min(1), url: z.string().url().startsWith('https://') })),
});
const suggestionsSchema = z.object({
  resources: z.record(z.string(), z.object({ resourceType: z.enum(['MedicationRequest', 'ServiceRequest']) }).passthrough()),
});

/** Site configuration (SITE_CONFIG_FILE): what a hospital changes without touching the content. */
export const siteConfigSchema = z
  .object({
    parameters: z.record(z.string(), z.union([z.number(), z.boolean(), z.array(z.number())])).default({}),
    /** Local codes per value set, e.g. {"VS-A13ACT": [{"system": "urn:oid:1.2.3", "code": "A13"}]}. */
    localCodes: z.record(z.string(), z.array(codeEntry)).default({}),
    /** Site-approved aliases for non-UCUM unit strings, e.g. {"K/uL": "10*3/uL"}. */
    unitAliases: z.record(z.string(), z.string()).default({}),
    /** Product (SCD/SBD) RxNorm code -> ingredient RxNorm code, built offline from the RxNorm release. */
    rxnormProductToIngredient: z.record(z.string(), z.string()).default({}),
    /** Use the KB's UNVERIFIED codes too (after the site has confirmed them). */
    useUnverifiedCodes: z.boolean().default(false),
    /** Site timezone for the PE-day calendar (IANA name). */
    timezone: z.string().default('UTC'),
  })
  .strict();
export type SiteConfig = z.infer<typeof siteConfigSchema>;

export type Terminology = z.infer<typeof terminologySchema>;
export type UnitsContent = z.infer<typeof unitsSchema>;
export type AnalyteDef = z.infer<typeof analyteSchema>;
export type DataKeyDef = z.infer<typeof dataKeySchema>;
export type RuleRegistration = z.infer<typeof ruleRegSchema>;
export type CardContent = z.infer<typeof cardContentSchema>;
export type ServiceDef = z.infer<typeof servicesSchema>['services'][number];

export interface Content {
  terminology: Terminology;
  units: UnitsContent;
  parameters: Record<string, number | boolean | number[]>;
  data: Record<string, DataKeyDef>;
  ruleRegistry: Record<string, RuleRegistration>;
  services: ServiceDef[];
  cards: z.infer<typeof cardsSchema>;
  citations: Record<string, { label: string; url: string }>;
  suggestionTemplates: Record<string, Record<string, unknown>>;
  site: SiteConfig;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`content: cannot read ${path}: ${(e as Error).message}`);
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

export function loadContent(opts: { root?: string; site?: unknown } = {}): Content {
  const root = opts.root ?? projectRoot();
  const f = (p: string) => readJson(join(root, p));
  const site = parse(siteConfigSchema, opts.site ?? {}, 'site configuration');
  const terminology = parse(terminologySchema, f('hooks/terminology.json'), 'hooks/terminology.json');
  const units = parse(unitsSchema, f('hooks/units.json'), 'hooks/units.json');
  const params = parse(parametersSchema, f('hooks/parameters.json'), 'hooks/parameters.json');
  const data = parse(dataSchema, f('hooks/data.json'), 'hooks/data.json');
  const ruleRegistry = parse(rulesRegSchema, f('hooks/rules.json'), 'hooks/rules.json');
  const services = parse(servicesSchema, f('hooks/services.json'), 'hooks/services.json');
  const cards = parse(cardsSchema, f('cards/rules.json'), 'cards/rules.json');
  const citations = parse(citationsSchema, f('cards/citations.json'), 'cards/citations.json');
  const suggestions = parse(suggestionsSchema, f('cards/suggestions.json'), 'cards/suggestions.json');

  const parameters: Record<string, number | boolean | number[]> = {};
  for (const [k, p] of Object.entries(params.parameters)) parameters[k] = p.value;
  for (const [k, v] of Object.entries(site.parameters)) {
    if (!(k in parameters)) throw new Error(`content: site parameter ${k} is not a known parameter`);
    if (typeof v !== typeof parameters[k] || Array.isArray(v) !== Array.isArray(parameters[k]))
      throw new Error(`content: site parameter ${k} must be of the same type as its default`);
    parameters[k] = v;
  }

  const content: Content = {
    terminology,
    units,
    parameters,
    data: data.keys,
    ruleRegistry: ruleRegistry.rules,
    services: services.services,
    cards,
    citations: citations.citations,
    suggestionTemplates: suggestions.resources,
    site,
  };
  crossCheck(content);
  return content;
}

/** Every reference between content files resolves; a dangling one is a start-up error. */
function crossCheck(c: Content): void {
  const errors: string[] = [];
  const ids = new Set<string>();
  for (const s of c.services) {
    if (ids.has(s.id)) errors.push(`services: duplicate id ${s.id}`);
    ids.add(s.id);
  }
  for (const [id, reg] of Object.entries(c.ruleRegistry)) {
    if (!c.cards.rules[id]) errors.push(`hooks/rules.json: ${id} has no card content in cards/rules.json`);
    for (const k of [...reg.required, ...reg.optional]) if (!c.data[k]) errors.push(`hooks/rules.json: ${id} needs unknown data key ${k}`);
  }
  for (const [id, card] of Object.entries(c.cards.rules)) {
    if (!c.ruleRegistry[id]) errors.push(`cards/rules.json: ${id} is not registered in hooks/rules.json`);
    for (const s of [card.primarySource, ...card.sources]) if (!c.citations[s]) errors.push(`cards/rules.json: ${id} cites unknown source ${s}`);
    for (const [key, sug] of Object.entries(card.suggestions ?? {}))
      for (const r of sug.resources) if (!c.suggestionTemplates[r]) errors.push(`cards/rules.json: ${id}.${key} uses unknown resource template ${r}`);
  }
  // Summaries stay under 140 characters whatever the placeholders hold (CDS Hooks card summary).
  for (const [id, card] of Object.entries(c.cards.rules))
    for (const [variant, template] of Object.entries(card.summaries)) {
      const filled = template.replace(/\{([A-Za-z0-9]+)\}/g, (_m, k: string) => {
        const max = c.cards.placeholderMaxLength[k];
        if (max === undefined) errors.push(`cards/rules.json: ${id} summary ${variant} uses {${k}} without a placeholderMaxLength`);
        return 'x'.repeat(max ?? 0);
      });
      if (filled.length >= 140) errors.push(`cards/rules.json: ${id} summary ${variant} can reach ${filled.length} characters (limit 139)`);
    }
  for (const vsId of Object.keys(c.site.localCodes))
    if (!c.terminology.valueSets[vsId]) errors.push(`site localCodes: unknown value set ${vsId}`);
  for (const [vsId, vs] of Object.entries(c.terminology.valueSets)) {
    for (const code of [...vs.codes, ...(vs.unverifiedCodes ?? [])])
      if (!c.terminology.systems[code.system] && !/^(https?|urn):/.test(code.system))
        errors.push(`terminology: ${vsId} uses unknown system alias ${code.system}`);
    for (const t of vs.text) {
      try {
        new RegExp(t, 'i');
      } catch {
        errors.push(`terminology: ${vsId} has an invalid text pattern ${t}`);
      }
    }
    if (vs.textRequiresContext && !c.terminology.valueSets[vs.textRequiresContext])
      errors.push(`terminology: ${vsId} textRequiresContext names unknown ${vs.textRequiresContext}`);
  }
  for (const [a, def] of Object.entries(c.units.analytes))
    if (!c.terminology.valueSets[def.valueSet]) errors.push(`units: ${a} uses unknown value set ${def.valueSet}`);
  if (errors.length) throw new Error(`content is inconsistent:\n- ${errors.join('\n- ')}`);
}

export function num(c: Content, name: string): number {
  const v = c.parameters[name];
  if (typeof v !== 'number') throw new Error(`parameter ${name} is not a number`);
  return v;
}
