/**
 * Value-set membership as data: verified codes with their system URIs, site-local codes, the
 * KB's unverified candidates (only when the site enables them), an RxNorm product -> ingredient
 * map, and a text fallback. A match says how it was made, so that a card decided by a text match
 * can say so (KB section 4). Everything is compiled once at start-up; a lookup keeps nothing.
 */
import type { Content } from '../content';
import { conceptText, concepts } from '../fhir/read';

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

/** ICD-10 codes are compared without dots and in upper case (I60.9 = I609); other codes as sent, trimmed. */
function normalizeCode(code: string, icd: boolean): string {
  if (icd) return code.trim().replace(/\./g, '').toUpperCase();
  return code.length && code.charCodeAt(0) > 32 && code.charCodeAt(code.length - 1) > 32 ? code : code.trim();
}

interface Hit {
  vsId: string;
  match: Match;
}
export interface FirstMatch {
  index: number;
  match: Match;
}

interface CompiledSet {
  text: RegExp[];
  textRequiresContext?: string;
}

/** A concept's text as a human reads it: every concept's text and displays, joined. */
export function textOf(value: unknown): string {
  return concepts(value).map(conceptText).filter(Boolean).join(' | ');
}

export class Terminology {
  private readonly sets = new Map<string, CompiledSet>();
  private readonly rxMap: Map<string, string>;
  /** `system|code` -> value sets containing it, with how (code or local). */
  private readonly reverse = new Map<string, { vsId: string; by: MatchKind }[]>();
  /**
   * The systems the content names, spelled as the content (and so most EHRs) spell them, with
   * their URI and whether their codes are ICD-10: compiled once, so that the usual coding needs
   * no normalising.
   */
  private readonly knownSystems = new Map<string, { uri: string; icd: boolean }>();
  /** ICD category codes that match every code below them (I60 matches I60.9). */
  private readonly prefixes: { system: string; code: string; vsId: string; by: MatchKind }[] = [];

  constructor(content: Content) {
    const sys = content.terminology.systems;
    const uri = (s: string) => normalizeSystem(sys[s] ?? s);
    this.rxMap = new Map(Object.entries(content.site.rxnormProductToIngredient));
    for (const [id, vs] of Object.entries(content.terminology.valueSets)) {
      this.sets.set(id, { text: vs.text.map((t) => new RegExp(t, 'i')), textRequiresContext: vs.textRequiresContext });
      const add = (entries: { system: string; code: string; prefix?: boolean }[], by: MatchKind) => {
        for (const e of entries) {
          const system = uri(e.system);
          const code = normalizeCode(e.code, ICD.test(system));
          if (e.prefix) this.prefixes.push({ system, code, vsId: id, by });
          else {
            const key = `${system}|${code}`;
            const list = this.reverse.get(key) ?? [];
            // A code listed twice in one value set (e.g. verified and site-local) counts once, as last listed.
            const same = list.find((x) => x.vsId === id);
            if (same) same.by = by;
            else list.push({ vsId: id, by });
            this.reverse.set(key, list);
          }
        }
      };
      add(vs.codes, 'code');
      if (content.site.useUnverifiedCodes) add(vs.unverifiedCodes ?? [], 'code');
      add(content.site.localCodes[id] ?? [], 'local');
    }
    for (const uri of new Set([...Object.values(sys), ...[...this.reverse.keys()].map((k) => k.slice(0, k.indexOf('|')))]))
      if (normalizeSystem(uri) === uri) this.knownSystems.set(uri, { uri, icd: ICD.test(uri) });
  }

  /** The value sets one coding matches by code. */
  private codingHits(rawSystem: string, rawCode: string): Hit[] {
    const known = this.knownSystems.get(rawSystem);
    const system = known ? known.uri : normalizeSystem(rawSystem);
    const code = normalizeCode(rawCode, known ? known.icd : ICD.test(system));
    const what = `${system}|${rawCode}`;
    const hits: Hit[] = [];
    for (const h of this.reverse.get(`${system}|${code}`) ?? []) hits.push({ vsId: h.vsId, match: { by: h.by, what } });
    for (const p of this.prefixes) if (p.system === system && code.startsWith(p.code)) hits.push({ vsId: p.vsId, match: { by: p.by, what } });
    if (system === RXNORM) {
      const ingredient = this.rxMap.get(code);
      if (ingredient)
        for (const h of this.reverse.get(`${RXNORM}|${ingredient}`) ?? [])
          hits.push({ vsId: h.vsId, match: { by: 'local', what: `${what} (ingredient ${ingredient})` } });
    }
    return hits;
  }

  /** Every value set a concept, or a list of concepts, matches by code (the first match per value set). */
  private hitsOf(value: unknown): Hit[] {
    const out: Hit[] = [];
    const addCoding = (c: unknown) => {
      const x = c as { code?: unknown; system?: unknown } | null;
      if (!x || typeof x.code !== 'string' || typeof x.system !== 'string') return;
      for (const h of this.codingHits(x.system, x.code)) if (!out.some((y) => y.vsId === h.vsId)) out.push(h);
    };
    const addConcept = (cc: unknown) => {
      if (!cc || typeof cc !== 'object') return;
      const o = cc as { coding?: unknown; system?: unknown; code?: unknown };
      // A bare Coding where a CodeableConcept is due.
      if (typeof o.code === 'string' && typeof o.system === 'string' && o.coding === undefined) addCoding(o);
      else if (Array.isArray(o.coding)) o.coding.forEach(addCoding);
      else if (o.coding && typeof o.coding === 'object') addCoding(o.coding);
    };
    if (Array.isArray(value)) value.forEach(addConcept);
    else addConcept(value);
    return out;
  }

  private set(vsId: string): CompiledSet {
    const s = this.sets.get(vsId);
    if (!s) throw new Error(`unknown value set ${vsId}`);
    return s;
  }

  has(vsId: string): boolean {
    return this.sets.has(vsId);
  }

  /**
   * Match one or more CodeableConcepts (or anything concept-like). Codes win over text; the text
   * fallback runs only when no coding of the concept matched this value set.
   */
  match(vsId: string, value: unknown): Match | undefined {
    return this.matchEach([vsId], value)[0];
  }

  /** Match by code only (no text fallback). */
  matchCode(vsId: string, value: unknown): Match | undefined {
    return this.matchEach([vsId], value, false)[0];
  }

  matchText(vsId: string, text: string): Match | undefined {
    const set = this.set(vsId);
    if (!text || set.text.length === 0) return undefined;
    const hit = set.text.some((r) => r.test(text)) && (!set.textRequiresContext || !!this.matchText(set.textRequiresContext, text));
    return hit ? { by: 'text', what: text.length > 80 ? `${text.slice(0, 77)}...` : text } : undefined;
  }

  /**
   * Match one concept against several value sets at once (codings walked once, text built at most
   * once). With `text`, a value set without a code hit falls back to its text patterns.
   */
  matchEach(vsIds: readonly string[], value: unknown, text = true): (Match | undefined)[] {
    const hits = this.hitsOf(value);
    let joined: string | undefined;
    return vsIds.map((vsId) => {
      const set = this.set(vsId);
      const m = hits.find((h) => h.vsId === vsId)?.match;
      if (m || !text || set.text.length === 0) return m;
      joined ??= textOf(value);
      return this.matchText(vsId, joined);
    });
  }

  /** The first value set of `vsIds` the concept matches: by code across all the sets first, then by text. */
  firstMatch(vsIds: readonly string[], value: unknown): FirstMatch | undefined {
    const hits = this.hitsOf(value);
    for (let i = 0; i < vsIds.length; i++) {
      const h = hits.find((x) => x.vsId === vsIds[i]);
      if (h) return { index: i, match: h.match };
    }
    const text = textOf(value);
    if (!text) return undefined;
    for (let i = 0; i < vsIds.length; i++) {
      const m = this.matchText(vsIds[i]!, text);
      if (m) return { index: i, match: m };
    }
    return undefined;
  }
}
