/**
 * Value-set membership as data: verified codes with their system URIs, site-local codes, the
 * KB's unverified candidates (only when the site enables them), an RxNorm product -> ingredient
 * map, and a text fallback. A match says how it was made, so that a card decided by a text match
 * can say so (KB section 4). Everything is compiled once at start-up; a lookup keeps nothing.
 */
import type { Content } from '../content';
import { clip, conceptText, concepts, table } from '../fhir/read';

export type MatchKind = 'code' | 'local' | 'text';
export interface Match {
  by: MatchKind;
  /** What matched: `system|code` or the text that matched. */
  what: string;
}

/** Systems as real EHRs spell them (OIDs, http/https, trailing slashes) mapped to one URI. */
const SYSTEM_ALIASES = table({
  'urn:oid:2.16.840.1.113883.6.1': 'http://loinc.org',
  'urn:oid:2.16.840.1.113883.6.96': 'http://snomed.info/sct',
  'urn:oid:2.16.840.1.113883.6.88': 'http://www.nlm.nih.gov/research/umls/rxnorm',
  'urn:oid:2.16.840.1.113883.6.90': 'http://hl7.org/fhir/sid/icd-10-cm',
  'urn:oid:2.16.840.1.113883.6.3': 'http://hl7.org/fhir/sid/icd-10',
  'urn:oid:2.16.840.1.113883.6.4': 'http://www.cms.gov/Medicare/Coding/ICD10',
  'urn:oid:2.16.840.1.113883.6.12': 'http://www.ama-assn.org/go/cpt',
  'http://snomed.info/sct/': 'http://snomed.info/sct',
  'https://loinc.org': 'http://loinc.org',
});
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

const NO_HITS: readonly Hit[] = Object.freeze([]);

interface CompiledSet {
  text: RegExp[];
  /** All the set's patterns in one expression: most texts match none, and one test says so. */
  any?: RegExp;
  /** Text that rules the concept out (content `textExcept`). */
  except?: RegExp;
  textRequiresContext?: string;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A concept's text as a human reads it: every concept's text and displays, joined. */
export function textOf(value: unknown): string {
  return concepts(value).map(conceptText).filter(Boolean).join(' | ');
}

interface Entry {
  vsId: string;
  by: MatchKind;
}

/** One code system's codes, as the value sets list them. */
interface SystemCodes {
  icd: boolean;
  /** code -> value sets containing it, with how (code or local). */
  codes: Map<string, Entry[]>;
  /** ICD category codes that match every code below them (I60 matches I60.9). */
  prefixes: { code: string; entry: Entry }[];
}

/**
 * The text scanning of one request: a budget of characters that text fallbacks may scan in all
 * (past it they are skipped), and what was read only in part (fields longer than MAX_TEXT). The
 * facts layer names both, so that a skipped or cut text is never an absence.
 */
export class TextScan {
  used = 0;
  /** Text fallbacks not run because the budget was used up. */
  skipped = 0;
  /** Text fallbacks run on a field cut to MAX_TEXT characters. */
  cut = 0;
  /** Characters tested for negation cues (G6): at most about twice the characters scanned, whatever the text. */
  cueChars = 0;
  constructor(readonly budget: number) {}

  take(chars: number): boolean {
    if (this.used + chars > this.budget) {
      this.skipped++;
      return false;
    }
    this.used += chars;
    return true;
  }

  partlyRead(): void {
    this.cut++;
  }
}

/**
 * Characters of text fallback one request may scan (each field is cut to MAX_TEXT first): about 40
 * times what the 10-year record of the benchmark needs, and a few hundred milliseconds of matching
 * at worst.
 */
export const TEXT_BUDGET = 8_000_000;

export class Terminology {
  private readonly sets = new Map<string, CompiledSet>();
  /** This request's scan, on a per-request view (forRequest); none on the shared instance. */
  protected scan?: TextScan;
  private readonly rxMap: Map<string, string>;
  /** System URI -> its codes in the value sets. */
  private readonly systems = new Map<string, SystemCodes>();
  /** G6 negation cues, compiled from the content (hooks/terminology.json `negation`). */
  private readonly negation: { before: RegExp; after: RegExp; clauseEnds: string[] };

  constructor(content: Content) {
    const sys = content.terminology.systems;
    const neg = content.terminology.negation;
    const cues = (list: string[]) => new RegExp(`(?:^|[^a-z0-9/])(?:${list.map(escapeRegExp).join('|')})(?=$|[^a-z0-9/])`, 'i');
    this.negation = { before: cues(neg.before), after: cues(neg.after), clauseEnds: [...neg.clauseEnds, ' but '] };
    this.rxMap = new Map(Object.entries(content.site.rxnormProductToIngredient));
    for (const [id, vs] of Object.entries(content.terminology.valueSets)) {
      this.sets.set(id, {
        text: vs.text.map((t) => new RegExp(t, 'gi')),
        any: vs.text.length ? new RegExp(vs.text.map((t) => `(?:${t})`).join('|'), 'i') : undefined,
        except: vs.textExcept?.length ? new RegExp(vs.textExcept.map((t) => `(?:${t})`).join('|'), 'i') : undefined,
        textRequiresContext: vs.textRequiresContext,
      });
      const add = (entries: { system: string; code: string; prefix?: boolean }[], by: MatchKind) => {
        for (const e of entries) {
          const sc = this.systemCodes(normalizeSystem(sys[e.system] ?? e.system), true)!;
          const code = normalizeCode(e.code, sc.icd);
          if (e.prefix) {
            sc.prefixes.push({ code, entry: { vsId: id, by } });
            continue;
          }
          const list = sc.codes.get(code) ?? [];
          // A code listed twice in one value set (e.g. verified and site-local) counts once, as last listed.
          const same = list.find((x) => x.vsId === id);
          if (same) same.by = by;
          else list.push({ vsId: id, by });
          sc.codes.set(code, list);
        }
      };
      add(vs.codes, 'code');
      if (content.site.useUnverifiedCodes) add(vs.unverifiedCodes ?? [], 'code');
      add(content.site.localCodes[id] ?? [], 'local');
    }
  }

  /** A view of this terminology for one request, counting its text scanning against `scan`. */
  forRequest(scan: TextScan): Terminology {
    const view = Object.create(this) as Terminology;
    view.scan = scan;
    return view;
  }

  /** The scan of the request this view belongs to. */
  get textScan(): TextScan | undefined {
    return this.scan;
  }

  private systemCodes(uri: string, create = false): SystemCodes | undefined {
    let sc = this.systems.get(uri);
    if (!sc && create) this.systems.set(uri, (sc = { icd: ICD.test(uri), codes: new Map(), prefixes: [] }));
    return sc;
  }

  /** The value sets one coding matches by code. */
  private codingHits(rawSystem: string, rawCode: string): readonly Hit[] {
    // Most EHRs spell a system as the content does: then no normalising is needed.
    let sc = this.systems.get(rawSystem);
    const system = sc ? rawSystem : normalizeSystem(rawSystem);
    sc ??= this.systems.get(system);
    const code = normalizeCode(rawCode, sc ? sc.icd : ICD.test(system));
    const entries: Entry[] = [];
    if (sc) {
      for (const e of sc.codes.get(code) ?? []) entries.push(e);
      for (const p of sc.prefixes) if (code.startsWith(p.code)) entries.push(p.entry);
    }
    if (entries.length === 0 && system !== RXNORM) return NO_HITS;
    const what = `${system}|${rawCode}`;
    const hits = entries.map((e) => ({ vsId: e.vsId, match: { by: e.by, what } }));
    if (system === RXNORM) {
      const ingredient = this.rxMap.get(code);
      if (ingredient)
        for (const e of sc?.codes.get(ingredient) ?? [])
          hits.push({ vsId: e.vsId, match: { by: 'local', what: `${what} (ingredient ${ingredient})` } });
    }
    return hits;
  }

  /** Every value set a concept, or a list of concepts, matches by code (the first match per value set). */
  private hitsOf(value: unknown): readonly Hit[] {
    if (!Array.isArray(value)) return this.conceptHits(value, NO_HITS);
    let acc: readonly Hit[] = NO_HITS;
    for (const v of value) acc = this.conceptHits(v, acc);
    return acc;
  }

  private conceptHits(cc: unknown, acc: readonly Hit[]): readonly Hit[] {
    if (!cc || typeof cc !== 'object') return acc;
    const o = cc as { coding?: unknown; system?: unknown; code?: unknown };
    // A bare Coding where a CodeableConcept is due.
    if (o.coding === undefined) return this.codingInto(o, acc);
    if (!Array.isArray(o.coding)) return this.codingInto(o.coding, acc);
    for (const c of o.coding) acc = this.codingInto(c, acc);
    return acc;
  }

  /** acc plus the hits of one coding in value sets acc has no hit in yet (acc itself is never changed). */
  private codingInto(c: unknown, acc: readonly Hit[]): readonly Hit[] {
    const x = c as { code?: unknown; system?: unknown } | null;
    if (!x || typeof x.code !== 'string' || typeof x.system !== 'string') return acc;
    const hits = this.codingHits(x.system, x.code);
    if (hits.length === 0) return acc;
    if (acc.length === 0) return hits;
    const more = hits.filter((h) => !acc.some((y) => y.vsId === h.vsId));
    return more.length ? [...acc, ...more] : acc;
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

  /** A text match of the value set's patterns that is not inside a negated phrase (G6). */
  matchText(vsId: string, fullText: string): Match | undefined {
    const set = this.set(vsId);
    // Patterns run on at most MAX_TEXT characters: bounded work per field, whatever is sent; a longer
    // field is read in part, and the request's scan says so. The request's text budget bounds the
    // sum over all fields: past it, text fallbacks are skipped and named.
    const text = clip(fullText);
    const scan = this.scan;
    if (scan && text) {
      if (fullText.length > text.length) scan.partlyRead();
      if (!scan.take(text.length)) return undefined;
    }
    if (!text || !set.any?.test(text) || set.except?.test(text)) return undefined;
    const hit = this.affirmed(set, text) && (!set.textRequiresContext || !!this.matchText(set.textRequiresContext, text));
    return hit ? { by: 'text', what: text.length > 80 ? `${text.slice(0, 77)}...` : text } : undefined;
  }

  /**
   * G6: does one match of the set stand outside a negation? A cue before the match, or after it, in
   * the same clause negates it; another match of the same set between the cue and the concept ends
   * the cue's reach ("Acquired TTP, hereditary TTP ruled out": only the second TTP is ruled out).
   * Linear in the text: the clause ends are found once, each match finds its clause by a forward
   * sweep and a binary search, and the text between two matches is tested for a cue at most twice.
   */
  private affirmed(set: CompiledSet, text: string): boolean {
    const matches: { start: number; end: number }[] = [];
    for (const r of set.text) for (const m of text.matchAll(r)) matches.push({ start: m.index, end: m.index + Math.max(1, m[0].length) });
    if (matches.length === 0) return false;
    matches.sort((a, b) => a.start - b.start);
    const lower = text.toLowerCase();
    // Every clause end in the text, by where it starts.
    const cuts: { start: number; end: number }[] = [];
    for (const c of this.negation.clauseEnds)
      for (let at = lower.indexOf(c); at >= 0; at = lower.indexOf(c, at + 1)) cuts.push({ start: at, end: at + c.length });
    cuts.sort((a, b) => a.start - b.start);
    let k = 0;
    let clauseStart = 0;
    for (let i = 0; i < matches.length; i++) {
      const m = matches[i]!;
      // The clause starts after the last clause end that starts before the match.
      while (k < cuts.length && cuts[k]!.start < m.start) clauseStart = Math.max(clauseStart, cuts[k++]!.end);
      // It ends at the first clause end at or after the match's end.
      let lo = 0;
      let hi = cuts.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cuts[mid]!.start < m.end) lo = mid + 1;
        else hi = mid;
      }
      const clauseEnd = lo < cuts.length ? cuts[lo]!.start : lower.length;
      const from = Math.max(clauseStart, matches[i - 1]?.end ?? 0);
      const to = Math.min(clauseEnd, matches[i + 1]?.start ?? lower.length);
      const before = from < m.start ? lower.slice(from, m.start) : '';
      const after = m.end < to ? lower.slice(m.end, to) : '';
      if (this.scan) this.scan.cueChars += before.length + after.length;
      if (!this.negation.before.test(before) && !this.negation.after.test(after)) return true;
    }
    return false;
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
