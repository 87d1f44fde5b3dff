/**
 * Value-set membership as data: verified codes with their system URIs, site-local codes, the
 * KB's unverified candidates (only when the site enables them), an RxNorm product -> ingredient
 * map, and a text fallback. A match says how it was made, so that a card decided by a text match
 * can say so (KB section 4).
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

const systemCache = new Map<string, string>();
export function normalizeSystem(system: string): string {
  let out = systemCache.get(system);
  if (out === undefined) {
    const s = system.trim().replace(/\/+$/, '');
    out = SYSTEM_ALIASES[s] ?? SYSTEM_ALIASES[`${s}/`] ?? s;
    if (systemCache.size < 1000) systemCache.set(system, out);
  }
  return out;
}
const icdSystems = new Map<string, boolean>();
function normalizeCode(system: string, code: string): string {
  let icd = icdSystems.get(system);
  if (icd === undefined) {
    icd = ICD.test(system);
    if (icdSystems.size < 1000) icdSystems.set(system, icd);
  }
  return icd ? code.trim().replace(/\./g, '').toUpperCase() : code.length && code.charCodeAt(0) > 32 && code.charCodeAt(code.length - 1) > 32 ? code : code.trim();
}

/** What one concept (or list of concepts) matches by code, and its text: computed once per object. */
interface Hit {
  vsId: string;
  match: Match;
}
const NO_HITS: readonly Hit[] = Object.freeze([]);
export interface FirstMatch {
  index: number;
  match: Match;
}
interface CodingEntry {
  rawSystem: string;
  hits: readonly Hit[];
  /** Another system spelling with the same code. */
  next: CodingEntry | undefined;
  /** The last `firstMatch` value-set list asked about, and its answer by code (null: none). */
  firstSets: readonly string[] | undefined;
  first: FirstMatch | null;
  /** The last `classify` call on a concept of this one coding: its inputs and answer. */
  each?: { vsIds: readonly string[]; text: unknown; display: unknown; result: Classified };
}
/** A concept matched against several value sets, and the text a human reads for it. */
export interface Classified {
  matches: readonly (Match | undefined)[];
  text: string;
}
function firstByCode(hits: readonly Hit[], vsIds: readonly string[]): FirstMatch | null {
  for (let i = 0; i < vsIds.length; i++) for (const h of hits) if (h.vsId === vsIds[i]) return { index: i, match: h.match };
  return null;
}

/** A string that identifies a concept (or list of concepts) by its codes and texts. */
export function conceptKey(value: unknown): string {
  let k = '';
  const one = (v: unknown) => {
    if (typeof v === 'string') {
      k += `t:${v}\u0001`;
      return;
    }
    if (!v || typeof v !== 'object') return;
    const cc = v as { text?: unknown; coding?: unknown; system?: unknown; code?: unknown; display?: unknown };
    if (typeof cc.text === 'string') k += `t:${cc.text}\u0001`;
    const list = Array.isArray(cc.coding) ? cc.coding : cc.coding ? [cc.coding] : typeof cc.code === 'string' ? [cc] : [];
    for (const c of list as { system?: unknown; code?: unknown; display?: unknown }[]) if (c) k += `c:${String(c.system)}|${String(c.code)}|${String(c.display)}\u0001`;
    k += '\u0002';
  };
  if (Array.isArray(value)) value.forEach(one);
  else one(value);
  return k;
}
function merge(acc: readonly Hit[], more: readonly Hit[]): readonly Hit[] {
  if (more.length === 0) return acc;
  if (acc.length === 0) return more;
  return [...acc, ...more.filter((x) => !acc.some((y) => y.vsId === x.vsId))];
}
const TEXT_CACHE_MAX = 5000;

interface CompiledSet {
  codes: Map<string, MatchKind>;
  prefixes: { system: string; code: string; by: MatchKind }[];
  text: RegExp[];
  textRequiresContext?: string;
}

export class Terminology {
  private readonly sets = new Map<string, CompiledSet>();
  private readonly rxMap: Map<string, string>;
  /** `system|code` -> value sets containing it, with how (code or local): built once at start-up. */
  private readonly reverse = new Map<string, { vsId: string; by: MatchKind }[]>();
  private readonly prefixes: { system: string; code: string; vsId: string; by: MatchKind }[] = [];
  private readonly prefixSystems = new Set<string>();
  /**
   * raw code -> entries (one per raw system spelling, chained), shared across requests (codes
   * repeat); bounded. Keyed by the code alone: only the short code string is hashed per lookup.
   */
  private readonly codingCache = new Map<string, CodingEntry>();
  private codingCacheSize = 0;
  /** text -> value set -> matched: texts (lab and drug names) repeat across requests. Bounded. */
  private readonly textCache = new Map<string, Map<string, boolean>>();
  /** value-set list -> concept text -> classification, for concepts of text only. Bounded. */
  private readonly textClassified = new Map<readonly string[], Map<string, Classified>>();

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
      for (const [key, by] of set.codes) {
        let list = this.reverse.get(key);
        if (!list) this.reverse.set(key, (list = []));
        list.push({ vsId: id, by });
      }
      for (const p of set.prefixes) {
        this.prefixes.push({ ...p, vsId: id });
        this.prefixSystems.add(p.system);
      }
    }
  }

  /** The value sets one coding matches by code. */
  private codingHits(rawSystem: string, rawCode: string): readonly Hit[] {
    return this.codingEntry(rawSystem, rawCode).hits;
  }

  /** The cache entry of one coding (by its raw system and code). */
  private codingEntry(rawSystem: string, rawCode: string): CodingEntry {
    const head = this.codingCache.get(rawCode);
    let chain = 0;
    for (let e = head; e; e = e.next, chain++) if (e.rawSystem === rawSystem) return e;
    const system = normalizeSystem(rawSystem);
    const code = normalizeCode(system, rawCode);
    const what = `${system}|${rawCode}`;
    const hits: Hit[] = [];
    for (const h of this.reverse.get(`${system}|${code}`) ?? []) hits.push({ vsId: h.vsId, match: { by: h.by, what } });
    if (this.prefixSystems.has(system))
      for (const p of this.prefixes) if (p.system === system && code.startsWith(p.code)) hits.push({ vsId: p.vsId, match: { by: p.by, what } });
    if (system === RXNORM) {
      const ingredient = this.rxMap.get(code);
      if (ingredient) for (const h of this.reverse.get(`${RXNORM}|${ingredient}`) ?? []) hits.push({ vsId: h.vsId, match: { by: 'local', what: `${what} (ingredient ${ingredient})` } });
    }
    if (this.codingCacheSize > 20_000) {
      this.codingCache.clear();
      this.codingCacheSize = 0;
    }
    const out: CodingEntry = { rawSystem, hits: hits.length ? hits : NO_HITS, firstSets: undefined, first: null, next: this.codingCache.get(rawCode) };
    // One code under many system spellings is not real data: past a few, answers are not kept
    // (a request of thousands would otherwise make every lookup walk a long chain).
    if (chain < 8) {
      this.codingCache.set(rawCode, out);
      this.codingCacheSize++;
    } else out.next = undefined;
    return out;
  }

  /** The code hits of one CodeableConcept-like object (no allocation in the common case). */
  private conceptHits(cc: unknown, acc: readonly Hit[]): readonly Hit[] {
    if (!cc || typeof cc !== 'object') return acc;
    const o = cc as { coding?: unknown; system?: unknown; code?: unknown };
    // A bare Coding where a CodeableConcept is due.
    if (typeof o.code === 'string' && typeof o.system === 'string' && o.coding === undefined) return merge(acc, this.codingHits(o.system, o.code));
    const list = o.coding;
    if (Array.isArray(list)) {
      for (const c of list) if (c && typeof c.code === 'string' && typeof c.system === 'string') acc = merge(acc, this.codingHits(c.system, c.code));
    } else if (list && typeof list === 'object') {
      const c = list as { code?: unknown; system?: unknown };
      if (typeof c.code === 'string' && typeof c.system === 'string') acc = merge(acc, this.codingHits(c.system, c.code));
    }
    return acc;
  }

  /** Every value set a concept, or a list of concepts, matches by code. */
  private hitsOf(value: unknown): readonly Hit[] {
    if (Array.isArray(value)) {
      let acc: readonly Hit[] = NO_HITS;
      for (const v of value) acc = this.conceptHits(v, acc);
      return acc;
    }
    return this.conceptHits(value, NO_HITS);
  }

  private byCode(hits: readonly Hit[], vsId: string): Match | undefined {
    for (const h of hits) if (h.vsId === vsId) return h.match;
    return undefined;
  }

  has(vsId: string): boolean {
    return this.sets.has(vsId);
  }

  /**
   * Match one or more CodeableConcepts (or anything concept-like). Codes win over text; the text
   * fallback runs only when no coding of the concept matched this value set.
   */
  match(vsId: string, value: unknown): Match | undefined {
    this.set(vsId);
    const m = this.byCode(this.hitsOf(value), vsId);
    if (m) return m;
    return this.set(vsId).text.length ? this.matchText(vsId, concepts(value).map(conceptText).filter(Boolean).join(' | ')) : undefined;
  }

  matchText(vsId: string, text: string): Match | undefined {
    const set = this.set(vsId);
    if (!text || set.text.length === 0) return undefined;
    let perText = this.textCache.get(text);
    let hit = perText?.get(vsId);
    if (hit === undefined) {
      hit = set.text.some((r) => r.test(text)) && (!set.textRequiresContext || !!this.matchText(set.textRequiresContext, text));
      if (!perText) {
        if (this.textCache.size >= TEXT_CACHE_MAX) this.textCache.clear();
        if (text.length <= 300) this.textCache.set(text, (perText = new Map()));
      }
      perText?.set(vsId, hit);
    }
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
      const m = this.byCode(hits, vsId);
      if (m || !text || set.text.length === 0) return m;
      joined ??= concepts(value).map(conceptText).filter(Boolean).join(' | ');
      return this.matchText(vsId, joined);
    });
  }

  /**
   * The first value set of `vsIds` the concept matches: by code across all the sets first, then by
   * text (cached per text). For a concept of one coding (the usual lab) the code answer is kept
   * in the coding's cache entry, so a repeated code costs two lookups and allocates nothing.
   */
  firstMatch(vsIds: readonly string[], value: unknown): FirstMatch | undefined {
    const single = this.singleCoding(value);
    if (single) {
      if (single.firstSets !== vsIds) {
        single.first = firstByCode(single.hits, vsIds);
        single.firstSets = vsIds;
      }
      if (single.first) return single.first;
    } else {
      const hits = this.hitsOf(value);
      const r = hits.length ? firstByCode(hits, vsIds) : null;
      if (r) return r;
    }
    const text = concepts(value).map(conceptText).filter(Boolean).join(' | ');
    if (!text) return undefined;
    for (let i = 0; i < vsIds.length; i++) {
      const m = this.matchText(vsIds[i]!, text);
      if (m) return { index: i, match: m };
    }
    return undefined;
  }

  /**
   * matchEach (with the text fallback) for one concept, plus its text. For a concept of one coding
   * the answer is kept on the coding's cache entry and reused while the concept's text and
   * display are the same: orders and administrations repeat one medication many times.
   */
  classify(vsIds: readonly string[], value: unknown): Classified {
    const single = this.singleCoding(value);
    if (!single) {
      // A concept of text only (no coding, as for drugs without a verified code): memo by text.
      const o = value as { text?: unknown; coding?: unknown; code?: unknown } | null;
      if (o && typeof o === 'object' && typeof o.text === 'string' && o.coding === undefined && o.code === undefined && !Array.isArray(o)) {
        let perSets = this.textClassified.get(vsIds);
        if (!perSets) this.textClassified.set(vsIds, (perSets = new Map()));
        let r = perSets.get(o.text);
        if (!r) {
          r = { matches: this.matchEach(vsIds, value), text: o.text };
          if (perSets.size >= TEXT_CACHE_MAX) perSets.clear();
          perSets.set(o.text, r);
        }
        return r;
      }
      return { matches: this.matchEach(vsIds, value), text: concepts(value).map(conceptText).find(Boolean) ?? '' };
    }
    const o = value as { text?: unknown; coding?: { display?: unknown }[]; display?: unknown };
    const text = o.text;
    const display = o.coding ? o.coding[0]!.display : o.display;
    const memo = single.each;
    if (memo && memo.vsIds === vsIds && memo.text === text && memo.display === display) return memo.result;
    const result: Classified = { matches: this.matchEach(vsIds, value), text: concepts(value).map(conceptText).find(Boolean) ?? '' };
    single.each = { vsIds, text, display, result };
    return result;
  }

  /** The cache entry of a concept's only coding, if it has exactly one (or is a bare Coding). */
  private singleCoding(value: unknown): CodingEntry | undefined {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const o = value as { coding?: unknown; system?: unknown; code?: unknown };
    const list = o.coding;
    if (list === undefined) return typeof o.code === 'string' && typeof o.system === 'string' ? this.codingEntry(o.system, o.code) : undefined;
    if (!Array.isArray(list) || list.length !== 1) return undefined;
    const c = list[0] as { system?: unknown; code?: unknown } | null;
    return c && typeof c.code === 'string' && typeof c.system === 'string' ? this.codingEntry(c.system, c.code) : undefined;
  }

  /**
   * Runs every text pattern twice on a dummy text: V8 compiles a regular expression at its first
   * run and its native code at a later one, which otherwise happens in a clinician's call (about
   * 2-4 ms in the first call with drugs matched by text). For the start-up warm-up.
   */
  compilePatterns(): number {
    let n = 0;
    for (const set of this.sets.values())
      for (const r of set.text) {
        r.test('warm-up');
        r.test('warm-up');
        n++;
      }
    return n;
  }

  /** Match by code only (no text fallback). */
  matchCode(vsId: string, value: unknown): Match | undefined {
    this.set(vsId);
    return this.byCode(this.hitsOf(value), vsId);
  }

  private set(vsId: string): CompiledSet {
    const s = this.sets.get(vsId);
    if (!s) throw new Error(`unknown value set ${vsId}`);
    return s;
  }
}
