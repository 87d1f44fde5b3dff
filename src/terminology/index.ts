/**
 * Value-set membership as data: verified codes with their system URIs, site-local codes, the
 * KB's unverified candidates (only when the site enables them), an RxNorm product -> ingredient
 * map, and a text fallback. A match says how it was made, so that a card decided by a text match
 * can say so (KB section 4).
 */
import type * as fhir4 from 'fhir/r4';
import type { Content } from '../content';
import { codings, conceptText, concepts } from '../fhir/read';

export type MatchKind = 'code' | 'local' | 'text';
export interface Match {
  by: MatchKind;
  /** What matched: `system|code` or the text that matched. */
  what: string;
}

/** Systems as real EHRs spell them (OIDs, http/https, trailing slashes) mapped to one URI. */
const SYSTEM_ALIASES: Record<string, string> = {
  'urn:oid:2.16.840.1.113883.6.1': 'http://loinc.org',
  'urn:oid:2.16.840.1.113883.6.96': 'http://snomed.info/sct',
  'urn:oid:2.16.840.1.113883.6.88': 'http://www.nlm.nih.gov/research/umls/rxnorm',
  'urn:oid:2.16.840.1.113883.6.90': 'http://hl7.org/fhir/sid/icd-10-cm',
  'urn:oid:2.16.840.1.113883.6.3': 'http://hl7.org/fhir/sid/icd-10',
  'urn:oid:2.16.840.1.113883.6.4': 'http://www.cms.gov/Medicare/Coding/ICD10',
  'urn:oid:2.16.840.1.113883.6.12': 'http://www.ama-assn.org/go/cpt',
  'http://snomed.info/sct/': 'http://snomed.info/sct',
  'https://loinc.org': 'http://loinc.org',
};
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const ICD = /icd-?10|icd10/i;

export function normalizeSystem(system: string): string {
  const s = system.trim().replace(/\/+$/, '');
  return SYSTEM_ALIASES[s] ?? SYSTEM_ALIASES[`${s}/`] ?? s;
}
function normalizeCode(system: string, code: string): string {
  const c = code.trim();
  return ICD.test(system) ? c.replace(/\./g, '').toUpperCase() : c;
}

interface CompiledSet {
  codes: Map<string, MatchKind>;
  prefixes: { system: string; code: string; by: MatchKind }[];
  text: RegExp[];
  textRequiresContext?: string;
}

export class Terminology {
  private readonly sets = new Map<string, CompiledSet>();
  private readonly rxMap: Map<string, string>;

  constructor(content: Content) {
    const sys = content.terminology.systems;
    const uri = (s: string) => normalizeSystem(sys[s] ?? s);
    this.rxMap = new Map(Object.entries(content.site.rxnormProductToIngredient));
    for (const [id, vs] of Object.entries(content.terminology.valueSets)) {
      const set: CompiledSet = { codes: new Map(), prefixes: [], text: vs.text.map((t) => new RegExp(t, 'i')), textRequiresContext: vs.textRequiresContext };
      const add = (entries: { system: string; code: string; prefix?: boolean }[], by: MatchKind) => {
        for (const e of entries) {
          const u = uri(e.system);
          const code = normalizeCode(u, e.code);
          if (e.prefix) set.prefixes.push({ system: u, code, by });
          else set.codes.set(`${u}|${code}`, by);
        }
      };
      add(vs.codes, 'code');
      if (content.site.useUnverifiedCodes) add(vs.unverifiedCodes ?? [], 'code');
      add(content.site.localCodes[id] ?? [], 'local');
      this.sets.set(id, set);
    }
  }

  has(vsId: string): boolean {
    return this.sets.has(vsId);
  }

  /** Does any coding match the value set by code (verified, local or enabled unverified)? */
  matchCoding(vsId: string, coding: fhir4.Coding): Match | undefined {
    const set = this.set(vsId);
    if (typeof coding.code !== 'string' || typeof coding.system !== 'string') return undefined;
    const system = normalizeSystem(coding.system);
    const code = normalizeCode(system, coding.code);
    const by = set.codes.get(`${system}|${code}`);
    if (by) return { by, what: `${system}|${coding.code}` };
    for (const p of set.prefixes) if (p.system === system && code.startsWith(p.code)) return { by: p.by, what: `${system}|${coding.code}` };
    if (system === RXNORM) {
      const ingredient = this.rxMap.get(code);
      if (ingredient && set.codes.has(`${RXNORM}|${ingredient}`)) return { by: 'local', what: `${system}|${coding.code} (ingredient ${ingredient})` };
    }
    return undefined;
  }

  /**
   * Match one or more CodeableConcepts (or anything concept-like). Codes win over text; the text
   * fallback runs only when no coding of the concept matched this value set.
   */
  match(vsId: string, value: unknown): Match | undefined {
    const ccs = concepts(value);
    for (const cc of ccs) for (const c of codings(cc)) {
      const m = this.matchCoding(vsId, c);
      if (m) return m;
    }
    return this.matchText(vsId, ccs.map(conceptText).join(' | '));
  }

  matchText(vsId: string, text: string): Match | undefined {
    const set = this.set(vsId);
    if (!text || set.text.length === 0) return undefined;
    const re = set.text.find((r) => r.test(text));
    if (!re) return undefined;
    if (set.textRequiresContext && !this.matchText(set.textRequiresContext, text)) return undefined;
    return { by: 'text', what: text.length > 80 ? `${text.slice(0, 77)}...` : text };
  }

  /** Match by code only (no text fallback). */
  matchCode(vsId: string, value: unknown): Match | undefined {
    for (const cc of concepts(value)) for (const c of codings(cc)) {
      const m = this.matchCoding(vsId, c);
      if (m) return m;
    }
    return undefined;
  }

  private set(vsId: string): CompiledSet {
    const s = this.sets.get(vsId);
    if (!s) throw new Error(`unknown value set ${vsId}`);
    return s;
  }
}
