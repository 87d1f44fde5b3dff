/**
 * KB v3 change 29: no card drafts a drug the patient is documented as allergic to. After the rules
 * have run, every suggestion that would create or update an order of such a drug (a template of
 * cards/suggestions.json, or a rule's computed resource) is removed, and the card says why (the
 * note `allergy` of cards/notes.json). The card itself stays: the escalation need does not go away.
 * When the allergies could not be read at all, a card that drafts a drug says so.
 */
import { type Content, noteText } from '../content';
import { type Facts } from '../facts';
import { DRUG_CLASSES, drugValueSet, medicationConcepts } from '../facts/drugs';
import type { AllergyFact, DrugClass } from '../facts/types';
import { isoDate } from '../fhir/time';
import type { AnyResource } from '../fhir/read';
import type { Terminology } from '../terminology';
import type { Finding, SuggestionSpec } from './types';

/** The drugs a card can draft, and how a note names each. */
const DRAFTED: readonly DrugClass[] = DRUG_CLASSES.filter((d) => d !== 'antithromb' && d !== 'plasma');
const DRAFTED_VS = DRAFTED.map(drugValueSet);
export const DRUG_NAMES: Readonly<Record<DrugClass, string>> = {
  capla: 'caplacizumab',
  rtx: 'rituximab',
  steroid: 'corticosteroid',
  mp: 'methylprednisolone',
  'second-line': 'second-line agent',
  dara: 'daratumumab',
  antithromb: 'antithrombotic',
  plasma: 'plasma',
};

interface Deps {
  content: Content;
  terminology: Terminology;
}

/** The drug classes a medication resource (a draft to create or update) belongs to. */
function drugsOfResource(r: Record<string, unknown> | undefined, f: Facts, t: Terminology): DrugClass[] {
  if (!r || r.resourceType !== 'MedicationRequest') return [];
  const matches = t.matchEach(DRAFTED_VS, medicationConcepts(r as AnyResource, f.record));
  return DRAFTED.filter((_, i) => matches[i]);
}

/** The drug classes one suggestion drafts. */
function drugsOfSuggestion(x: Finding, sg: SuggestionSpec, f: Facts, deps: Deps): DrugClass[] {
  const resources = sg.actions
    ? sg.actions.filter((a) => a.type !== 'delete').map((a) => a.resource)
    : (deps.content.rules[x.ruleId]?.suggestions?.[sg.key]?.resources ?? []).map((k) => deps.content.suggestionTemplates[k]);
  return [...new Set(resources.flatMap((r) => drugsOfResource(r, f, deps.terminology)))];
}

/** The most specific name of a drug an allergy and a draft share (methylprednisolone before corticosteroid). */
function sharedName(allergy: AllergyFact, drafted: DrugClass[]): string {
  const shared = drafted.filter((d) => allergy.drugs.includes(d));
  return DRUG_NAMES[shared.includes('mp') ? 'mp' : shared[0]!];
}

/** The note that says why a draft is missing. */
export function allergyNote(content: Content, allergy: AllergyFact, drug: string, tz: string): string {
  const details = [
    allergy.display,
    allergy.reaction,
    allergy.criticality && `${allergy.criticality} criticality`,
    allergy.time !== undefined && `recorded ${isoDate(allergy.time, tz)}`,
  ].filter((x): x is string => !!x);
  return noteText(content, 'allergy', { drug, type: allergy.type, details: details.join(', '), ref: allergy.ref });
}

/** Remove the drafts of drugs the patient is allergic to, and say why; say so when allergies could not be read. */
export function withoutAllergens(findings: Finding[], f: Facts, deps: Deps): void {
  const gap = f.gaps.find((g) => g.key === 'allergies');
  if (f.allergies.length === 0 && !gap) return;
  for (const x of findings) {
    if (!x.suggestions?.length) continue;
    const notes: string[] = [];
    const removed = new Set<string>();
    const unchecked = new Set<string>();
    for (const sg of x.suggestions) {
      const drafted = drugsOfSuggestion(x, sg, f, deps);
      if (drafted.length === 0) continue;
      if (gap) for (const d of drafted) unchecked.add(DRUG_NAMES[d]);
      const hits = f.allergies.filter((a) => a.drugs.some((d) => drafted.includes(d)));
      if (hits.length === 0) continue;
      removed.add(sg.key);
      for (const a of hits) {
        const drug = sharedName(a, drafted);
        notes.push(allergyNote(deps.content, a, drug, f.tz), noteText(deps.content, 'allergyDraftRemoved', { drug, type: a.type }));
      }
    }
    if (removed.size) {
      x.suggestions = x.suggestions.filter((sg) => !removed.has(sg.key));
      if (x.suggestions.length === 0) delete x.suggestions;
      // G7: a card whose caplacizumab draft is gone recommends caplacizumab no more.
      if (x.caplacizumab && x.caplacizumab.suggestions.every((k) => removed.has(k)) && !x.caplacizumab.param) delete x.caplacizumab;
    }
    if (gap && unchecked.size)
      notes.push(noteText(deps.content, 'allergiesUnavailable', { reason: gap.reason, drug: [...unchecked].join(' or ') }));
    x.notes.unshift(...new Set(notes));
  }
}
