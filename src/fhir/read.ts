/**
 * Lenient readers for FHIR R4 JSON as real EHRs send it: a `category` object where an array is
 * due, a bare string where a CodeableConcept is due, extra fields. Nothing here throws on odd
 * shapes; what cannot be read is simply absent, and the rules treat absent as unknown.
 */
import type * as fhir4 from 'fhir/r4';
import { parseTime } from './time';

export type AnyResource = { resourceType: string; id?: string; [k: string]: unknown };

/**
 * The longest EHR text any pattern is run on (a concept's text and displays, a route, a timing, a
 * value string): longer text is cut to this before matching, so that matching costs at most a
 * constant per field whatever the request holds (README, Security).
 */
export const MAX_TEXT = 1024;

/**
 * A lookup table keyed by strings from the EHR: no prototype, so that a key such as `constructor`
 * or `__proto__` finds nothing instead of an Object method.
 */
export function table<T>(entries: Record<string, T>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}

/** A text cut to MAX_TEXT characters for matching. */
export function clip(text: string, max = MAX_TEXT): string {
  return text.length > max ? text.slice(0, max) : text;
}

export function arr<T = unknown>(v: unknown): T[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]) as T[];
}

export function obj(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

export function numOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return undefined;
}

/** CodeableConcepts from a field that may hold one, an array of them, or a bare string. */
export function concepts(v: unknown): fhir4.CodeableConcept[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    const one = concept(v);
    return one ? [one] : [];
  }
  const out: fhir4.CodeableConcept[] = [];
  // FHIR never nests arrays: one level of nesting is read leniently, deeper ones are not concepts.
  for (const c of v)
    for (const x of Array.isArray(c) ? c : [c]) {
      const one = Array.isArray(x) ? undefined : concept(x);
      if (one) out.push(one);
    }
  return out;
}

function concept(c: unknown): fhir4.CodeableConcept | undefined {
  if (typeof c === 'string') return { text: c };
  if (!c || typeof c !== 'object') return undefined;
  const o = c as Record<string, unknown>;
  // A bare Coding where a CodeableConcept is due.
  if (typeof o.code === 'string' && typeof o.system === 'string' && !o.coding) return { coding: [o as fhir4.Coding] };
  return o as fhir4.CodeableConcept;
}

export function codings(cc: fhir4.CodeableConcept): fhir4.Coding[] {
  return arr<fhir4.Coding>(cc.coding).filter((c) => obj(c) !== undefined);
}

/** Text a human would read for a concept: its text and every coding's display. */
export function conceptText(cc: fhir4.CodeableConcept): string {
  let out = typeof cc.text === 'string' ? cc.text : '';
  const list = cc.coding as unknown;
  if (Array.isArray(list)) {
    for (const c of list) if (c && typeof c.display === 'string') out = out ? `${out} | ${c.display}` : c.display;
  } else if (list && typeof list === 'object' && typeof (list as fhir4.Coding).display === 'string') {
    out = out ? `${out} | ${(list as fhir4.Coding).display}` : (list as fhir4.Coding).display!;
  }
  return out;
}

export function firstCode(v: unknown): string | undefined {
  for (const cc of concepts(v)) for (const c of codings(cc)) if (typeof c.code === 'string') return c.code;
  return undefined;
}

/** Status-like code from `clinicalStatus` / `verificationStatus` (CodeableConcept or bare string). */
export function statusCode(v: unknown): string | undefined {
  if (typeof v === 'string') return v.toLowerCase();
  return firstCode(v)?.toLowerCase();
}

export function periodStart(v: unknown): number | undefined {
  return parseTime(obj(v)?.start);
}
export function periodEnd(v: unknown): number | undefined {
  return parseTime(obj(v)?.end);
}

/**
 * A string from the EHR for use as a key or in text: a string as it is, a number or boolean
 * written out, anything else empty. String(x) throws on an object whose `toString` and `valueOf`
 * are not functions ({"toString": 1}), and a request is no place for a 500.
 */
export function asText(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

/** `Type/id` of a resource, for evidence (an id that is not a string is no id). */
export function refOf(r: AnyResource): string {
  return `${asText(r.resourceType)}/${typeof r.id === 'string' ? r.id : '(no id)'}`;
}

/** Parse a reference string into type and id (relative `Type/id`, absolute URL or `#contained`). */
export function parseRef(reference: unknown): { type?: string; id: string; contained?: boolean } | undefined {
  if (typeof reference !== 'string' || reference.length === 0 || reference.length > 512) return undefined;
  if (reference.startsWith('#')) return { id: reference.slice(1, 65), contained: true };
  const m = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(reference);
  if (m) return { type: m[1], id: m[2]! };
  return undefined;
}
