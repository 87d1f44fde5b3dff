import type { Content, HookName } from '../content';
import type { Facts, Unreadable } from '../facts';
import type { ClinicalState } from '../facts/state';
import type { Evidence } from '../facts/types';
import type { AnyResource } from '../fhir/read';
import type { Terminology } from '../terminology';
import type { Units } from '../units';

export type Indicator = 'info' | 'warning' | 'critical';

/** An explicit suggestion action (update/delete of a draft order, or a computed create). */
export interface ActionSpec {
  type: 'create' | 'update' | 'delete';
  description: string;
  resource?: Record<string, unknown>;
  resourceId?: string;
}

export interface SuggestionSpec {
  /** Key into the rule's `suggestions` (label, template resources). */
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
  /** Key of the summary/detail variant in the rule's content (default: "default"). */
  variant?: string;
  params: Record<string, string | number>;
  evidence: Evidence[];
  /** Data gaps, text matches, caveats: shown under the evidence. */
  notes: string[];
  /**
   * What the integration team needs and a clinician can skip (how a concept is recognised, what the
   * site configuration lacks): shown last, under "For the integration team".
   */
  integration?: string[];
  suggestions?: SuggestionSpec[];
  /** The override reason the card lists first (e.g. bleeding risk when a bleed is current). */
  overrideFirst?: string;
  /**
   * G7: the card recommends caplacizumab through these suggestions (and, if `param` is named, the
   * text in that param). One answer keeps one such card; the others lose them and point to it.
   */
  caplacizumab?: { suggestions: string[]; param?: string };
  /** G7: info findings of other rules folded into this card's notes (set by the engine). */
  folded?: Finding[];
  /** G7 (KB v3 change 35): notes of a kind this card carries (e.g. 'donor-plasma'), that an info finding may fold into. */
  carries?: string[];
  /** G7 (KB v3 change 35): an info finding that folds into a warning or critical card carrying this kind of note. */
  foldsInto?: string;
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
  hook: HookName;
  /** Draft orders of order-select/order-sign (selected ones flagged). */
  drafts: DraftOrder[];
  /** A numeric parameter in force (hooks/parameters.json, site overrides applied). */
  param: (name: string) => number;
  /** A boolean parameter in force. */
  flag: (name: string) => boolean;
  /** A list parameter in force. */
  list: (name: string) => number[];
  /** For TTP-DATA-UNREADABLE: what could not be read and no other card names. */
  unnamed: Unreadable[];
}

export type RuleResult = Finding | Finding[] | undefined;

/**
 * One rule's logic (src/rules/ttp-*.ts): what it does on patient-view and on the order hooks.
 * Its content (cards/<id>.json) says which hooks it runs on; start-up checks that they agree.
 */
export interface RuleModule {
  id: string;
  patientView?: (ctx: RuleContext) => RuleResult;
  orders?: (ctx: RuleContext) => RuleResult;
}
