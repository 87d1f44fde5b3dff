/**
 * Lenient readers for FHIR R4 JSON as real EHRs send it: a `category` object where an array is
 * due, a bare string where a CodeableConcept is due, extra fields. Nothing here throws on odd
 * shapes; what cannot be read is simply absent, and the rules treat absent as unknown.
 */
import type * as fhir4 from 'fhir/r4';

export type AnyResource = { resourceType: string; id?: string; [k: string]: unknown };

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
  for (const c of v) {
    if (Array.isArray(c)) out.push(...concepts(c));
    else {
      const one = concept(c);
      if (one) out.push(one);
    }
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

/** Two ASCII digits at `i` as a number, or -1. */
function d2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil): no Date object. */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

/**
 * Milliseconds since the epoch for a FHIR date/dateTime/instant (YYYY, YYYY-MM, YYYY-MM-DD, or
 * YYYY-MM-DDThh:mm[:ss[.fff]][Z|+hh:mm]). A date without time is read as UTC midnight, a time
 * without offset as UTC. Anything else, or an impossible date (2026-02-30), gives undefined.
 * Hand-parsed with integer arithmetic: it runs for every resource of every request.
 */
export function parseTime(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const len = v.length;
  if (len < 4) return undefined;
  const y1 = d2(v, 0);
  const y2 = d2(v, 2);
  if (y1 < 0 || y2 < 0) return undefined;
  const y = y1 * 100 + y2;
  if (len === 4) return daysFromCivil(y, 1, 1) * DAY_MS;
  if (v.charCodeAt(4) !== 45 /* - */ || len < 7) return undefined;
  const mo = d2(v, 5);
  if (mo < 1 || mo > 12) return undefined;
  if (len === 7) return daysFromCivil(y, mo, 1) * DAY_MS;
  if (v.charCodeAt(7) !== 45 || len < 10) return undefined;
  const d = d2(v, 8);
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (d < 1 || d > (mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1]!)) return undefined;
  const day = daysFromCivil(y, mo, d) * DAY_MS;
  if (len === 10) return day;
  if (v.charCodeAt(10) !== 84 /* T */ || len < 16 || v.charCodeAt(13) !== 58 /* : */) return undefined;
  const h = d2(v, 11);
  const mi = d2(v, 14);
  if (h < 0 || h > 23 || mi < 0 || mi > 59) return undefined;
  let i = 16;
  let sec = 0;
  let ms = 0;
  if (i < len && v.charCodeAt(i) === 58) {
    if (i + 3 > len) return undefined;
    sec = d2(v, i + 1);
    if (sec < 0 || sec > 60) return undefined;
    i += 3;
    if (i < len && v.charCodeAt(i) === 46 /* . */) {
      let k = i + 1;
      let scale = 100;
      while (k < len) {
        const c = v.charCodeAt(k) - 48;
        if (c < 0 || c > 9) break;
        ms += c * scale;
        scale /= 10;
        k++;
      }
      if (k === i + 1) return undefined;
      ms = Math.floor(ms);
      i = k;
    }
  }
  const t = day + ((h * 60 + mi) * 60 + sec) * 1000 + ms;
  if (i === len) return t;
  const z = v.charCodeAt(i);
  if (z === 90 /* Z */ && i + 1 === len) return t;
  if ((z === 43 || z === 45) && len === i + 6 && v.charCodeAt(i + 3) === 58) {
    const oh = d2(v, i + 1);
    const om = d2(v, i + 4);
    if (oh < 0 || om < 0 || oh > 14 || om > 59) return undefined;
    return t - (z === 45 ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  return undefined;
}

export function periodStart(v: unknown): number | undefined {
  return parseTime(obj(v)?.start);
}
export function periodEnd(v: unknown): number | undefined {
  return parseTime(obj(v)?.end);
}

/** `Type/id` of a resource, for evidence. */
export function refOf(r: AnyResource): string {
  return `${r.resourceType}/${r.id ?? '(no id)'}`;
}

/** Parse a reference string into type and id (relative `Type/id`, absolute URL or `#contained`). */
export function parseRef(reference: unknown): { type?: string; id: string; contained?: boolean } | undefined {
  if (typeof reference !== 'string' || reference.length === 0) return undefined;
  if (reference.startsWith('#')) return { id: reference.slice(1), contained: true };
  const m = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(reference);
  if (m) return { type: m[1], id: m[2]! };
  return undefined;
}
