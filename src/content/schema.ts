/**
 * The shapes of the clinician-reviewable content (hooks/, cards/) and of the site configuration,
 * as zod schemas: the types the code uses are inferred from them, so the files and the code cannot
 * disagree on a field.
 */
import { z } from 'zod';

export const HOOKS = ['patient-view', 'order-select', 'order-sign'] as const;

/** The drafts a site may give orderable codes for (KB 4B): the keys suggestion templates name. */
export const ORDERABLES = [
  'caplacizumab',
  'methylprednisolone',
  'rituximab',
  'tpe',
  'adamts13Activity',
  'adamts13Inhibitor',
  'dailyLabs',
  'ldh',
  'smear',
] as const;
export type HookName = (typeof HOOKS)[number];

const codeEntry = z.object({
  system: z.string().min(1),
  code: z.string().min(1),
  display: z.string().optional(),
  /** ICD-10 category codes: I60 matches I60.9. */
  prefix: z.boolean().optional(),
});
export type CodeEntry = z.infer<typeof codeEntry>;

const valueSetSchema = z.object({
  title: z.string(),
  codes: z.array(codeEntry),
  unverifiedCodes: z.array(codeEntry).optional(),
  text: z.array(z.string()),
  /** A text match only counts when the same concept also matches this value set by text or code. */
  textRequiresContext: z.string().optional(),
  /** A text that also matches one of these is not this concept (an ADAMTS13 inhibitor test is no activity test). */
  textExcept: z.array(z.string()).optional(),
});
export const terminologySchema = z.object({
  systems: z.record(z.string(), z.string().url()),
  valueSets: z.record(z.string(), valueSetSchema),
  /** G6: cues that negate a text match before or after it in its clause, and what ends a clause. */
  negation: z.object({ before: z.array(z.string().min(1)), after: z.array(z.string().min(1)), clauseEnds: z.array(z.string().min(1)) }),
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
  /**
   * KB v3 change 24: the laboratory's precision in the rule unit (a power of ten); values and
   * reference limits are rounded to it before any comparison.
   */
  precision: z
    .number()
    .positive()
    .refine((p) => Number.isInteger(Math.round(Math.log10(p) * 1e9) / 1e9), 'must be a power of ten (0.01, 0.1, 1, 10)')
    .optional(),
  /** The rules read this analyte against its upper limit of normal (the result's referenceRange). */
  usesUln: z.boolean().optional(),
  /**
   * What a result can be at all, in the rule unit: outside it the value is corrupt (an LDH of 0, a
   * negative count) and is named as unreadable, never compared. `above` excludes its bound, `atLeast`
   * and `atMost` include theirs.
   */
  plausible: z
    .object({ above: z.number().optional(), atLeast: z.number().optional(), atMost: z.number() })
    .strict()
    .refine((p) => (p.above === undefined) !== (p.atLeast === undefined), 'needs one lower bound: above or atLeast')
    .optional(),
  /** Usual non-UCUM spellings of its units (K/uL), each to the UCUM unit it means. */
  aliases: z.record(z.string(), z.string()).optional(),
});
export const unitsSchema = z.object({ analytes: z.record(z.string(), analyteSchema) });

export const parameterValue = z.union([z.number(), z.boolean(), z.array(z.number())]);
export type ParameterValue = z.infer<typeof parameterValue>;
const parameterSchema = z.object({
  value: parameterValue,
  unit: z.string(),
  /** Where in the knowledge base it is defined (D2, G4, a rule id). */
  source: z.string().optional(),
  /** What it means, in one line a clinician reads beside its value. */
  description: z.string().min(1),
  /** The sources it comes from (ids of cards/citations.json); none: a service parameter, which needs sign-off. */
  evidence: z.array(z.string()),
  signOff: z.boolean().optional(),
});
export const parametersSchema = z.object({ parameters: z.record(z.string(), parameterSchema) });

const dataKeySchema = z.object({
  query: z.string().min(1),
  resourceTypes: z.array(z.string()).min(1),
  description: z.string(),
});
export const dataSchema = z.object({ keys: z.record(z.string(), dataKeySchema) });

export const servicesSchema = z.object({
  contentVersion: z.string().regex(/^\d+\.\d+\.\d+$/),
  ruleSystem: z.string().min(1),
  overrideReasonSystem: z.string().min(1),
  services: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
        hook: z.enum(HOOKS),
        title: z.string().min(1),
      }),
    )
    .min(1),
});

const reasonSchema = z.object({ code: z.string().regex(/^[a-z0-9-]+$/), display: z.string().min(1) });

/** One rule: everything a clinician reviews about it (cards/TTP-*.json). */
export const ruleContentSchema = z
  .object({
    id: z.string().regex(/^TTP-[A-Z0-9-]+$/),
    title: z.string().min(1),
    version: z.string().regex(/^\d+\.\d+\.\d+$/),
    /** When it fires, in plain language (the catalogue shows it to the committee). */
    trigger: z.string().min(1),
    /** How its indicator is chosen. */
    indicators: z.string().min(1),
    hooks: z.array(z.enum(HOOKS)).min(1),
    /** Card order in an answer: lower first. */
    priority: z.number().int(),
    /**
     * Which records the rule runs on (G2, G3): `ittp`, an active iTTP without a G3 exclusion;
     * `any-ttp`, TTP of any kind (also congenital TTP and a subtype conflict); `subtype-conflict`,
     * only when congenital and acquired TTP are both coded; `unreadable`, the TTP-DATA-UNREADABLE
     * card, which the engine runs after the others with what no card named (G4).
     */
    scope: z.enum(['ittp', 'any-ttp', 'subtype-conflict', 'unreadable']),
    /** G3b: a pre-treatment ADAMTS13 above the negative threshold silences the rule. */
    silencedByG3b: z.boolean(),
    /** G7: when a warning or critical card fires, an info card of this rule is folded into its notes. */
    foldable: z.boolean().default(false),
    /** When this rule fires, the cards of these rules are held back in the same answer (it says the same, more precisely). */
    supersedes: z.array(z.string().regex(/^TTP-[A-Z0-9-]+$/)).default([]),
    /** The data keys (hooks/data.json) it reads: required ones that cannot be had answer 412. */
    data: z.object({ required: z.array(z.string()), optional: z.array(z.string()) }),
    /** The parameters (hooks/parameters.json) its logic or its text reads. */
    parameters: z.array(z.string()),
    /** The longest value each summary placeholder can take (summaries stay under 140 characters). */
    placeholderMaxLength: z.record(z.string(), z.number().int().positive()),
    summaries: z.record(z.string(), z.string().min(1)).refine((s) => 'default' in s, 'needs a default summary'),
    details: z.record(z.string(), z.string().min(1)).refine((s) => 'default' in s, 'needs a default detail'),
    suggestions: z.record(z.string(), z.object({ label: z.string().min(1), resources: z.array(z.string()) })).optional(),
    overrideReasons: z.array(reasonSchema).min(1),
    primarySource: z.string(),
    sources: z.array(z.string()),
  })
  .strict();
export type RuleContent = z.infer<typeof ruleContentSchema>;

/** A source; `url` is an article (DOI, PMID) or a regulator's label, when the source has one to link. */
export const citationsSchema = z.object({
  citations: z.record(
    z.string(),
    z.object({ label: z.string().min(1), url: z.string().url().startsWith('https://').optional(), checked: z.string().optional() }),
  ),
});
/** Notes several rules add to their cards (cards/notes.json): clinician-reviewed text with {name} placeholders. */
export const notesSchema = z.object({ notes: z.record(z.string().regex(/^[a-zA-Z0-9]+$/), z.string().min(1)) });

export const suggestionsSchema = z.object({
  resources: z.record(
    z.string(),
    z
      .object({
        resourceType: z.enum(['MedicationRequest', 'ServiceRequest']),
        /** The site orderable (SITE_CONFIG_FILE `orderables`) whose codes the draft carries. */
        $orderable: z.enum(ORDERABLES).optional(),
      })
      .passthrough(),
  ),
});

/** Site configuration (SITE_CONFIG_FILE): what a hospital changes without touching the content. */
export const siteConfigSchema = z
  .object({
    parameters: z.record(z.string(), parameterValue).default({}),
    /** Local codes per value set, e.g. {"VS-A13ACT": [{"system": "urn:oid:1.2.3", "code": "A13"}]}. */
    localCodes: z.record(z.string(), z.array(codeEntry)).default({}),
    /** Site-approved aliases for non-UCUM unit strings, e.g. {"thou/mm3": "10*3/uL"}; null removes a default alias. */
    unitAliases: z.record(z.string(), z.string().nullable()).default({}),
    /** The site's orderable codes for the drafts that suggestions create (KB 4B "Orderables"). */
    orderables: z
      .partialRecord(z.enum(ORDERABLES), z.array(codeEntry.pick({ system: true, code: true, display: true })).min(1))
      .default({}),
    /** Product (SCD/SBD) RxNorm code -> ingredient RxNorm code, built offline from the RxNorm release. */
    rxnormProductToIngredient: z.record(z.string(), z.string()).default({}),
    /** Use the KB's UNVERIFIED codes too (after the site has confirmed them). */
    useUnverifiedCodes: z.boolean().default(false),
    /** Site timezone for the PE-day calendar (IANA name). */
    timezone: z.string().default('UTC'),
    /**
     * Silent mode (a pilot before go-live): the cards of these rules, or of every rule of these
     * services, are computed and recorded as "would have fired" but not returned to the EHR.
     */
    silent: z
      .object({ rules: z.array(z.string()).default([]), services: z.array(z.string()).default([]) })
      .strict()
      .default({ rules: [], services: [] }),
  })
  .strict();
export type SiteConfig = z.infer<typeof siteConfigSchema>;

export type TerminologyContent = z.infer<typeof terminologySchema>;
export type UnitsContent = z.infer<typeof unitsSchema>;
export type AnalyteDef = z.infer<typeof analyteSchema>;
export type DataKeyDef = z.infer<typeof dataKeySchema>;
export type ServiceDef = z.infer<typeof servicesSchema>['services'][number];
