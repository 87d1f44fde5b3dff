import type { Content } from '../content';
import type { Facts } from '../facts';
import type { ClinicalState } from '../facts/state';
import type { Evidence } from '../facts/types';
import type { AnyResource } from '../fhir/read';
import type { Units } from '../units';
import { labDisplay } from '../facts/extract';
import type { LabValue } from '../facts/types';
import type { MatchKind, Terminology } from '../terminology';

export type Indicator = 'info' | 'warning' | 'critical';

/** An explicit suggestion action (update/delete of a draft order, or a computed create). */
export interface ActionSpec {
  type: 'create' | 'update' | 'delete';
  description: string;
  resource?: Record<string, unknown>;
  resourceId?: string;
}

export interface SuggestionSpec {
  /** Key into the rule's `suggestions` in cards/rules.json (label, template resources). */
  key: string;
  /** Values for placeholders in the label. */
  params?: Record<string, string | number>;
  /** Actions computed by the rule; otherwise the templates' resources are created. */
  actions?: ActionSpec[];
  isRecommended?: boolean;
}

/** What a rule found, with its evidence; the renderer turns it into a card. */
export interface Finding {
  ruleId: string;
  indicator: Indicator;
  /** Key of the summary/detail variant in cards/rules.json (default: "default"). */
  variant?: string;
  params: Record<string, string | number>;
  evidence: Evidence[];
  /** Data gaps, text matches, caveats: shown under the evidence. */
  notes: string[];
  suggestions?: SuggestionSpec[];
}

export interface DraftOrder {
  resource: AnyResource;
  ref: string;
  selected: boolean;
}

export interface RuleContext {
  f: Facts;
  s: ClinicalState;
  content: Content;
  units: Units;
  terminology: Terminology;
  hook: 'patient-view' | 'order-select' | 'order-sign';
  /** Draft orders of order-select/order-sign (selected ones flagged). */
  drafts: DraftOrder[];
  param: (name: string) => number;
  /** A boolean site option (hooks/parameters.json). */
  flag: (name: string) => boolean;
}

export type Rule = (ctx: RuleContext) => Finding | Finding[] | undefined;

export function labEvidence(v: LabValue | undefined, units: Units, label?: string): Evidence[] {
  if (!v) return [];
  const def = units.analyte(v.analyte);
  return [{ label: label ?? def.label, value: labDisplay(v, units) + (v.final ? '' : ' (preliminary)'), time: v.time, ref: v.ref }];
}

export function matchNote(by: MatchKind, what: string, concept: string): string | undefined {
  if (by === 'text') return `${concept} was recognised by text only ("${what}"), not by a verified code.`;
  if (by === 'local') return `${concept} was recognised by a site-local code (${what}).`;
  return undefined;
}
