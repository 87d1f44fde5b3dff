/**
 * A CDS service call, from a parsed JSON body to a response: validate, resolve prefetch (fetching
 * what is missing when a fetcher is configured), evaluate the rules, render the cards.
 * No Express here: HTTP stays in ../http.
 */
import type { z } from 'zod';
import type { HookName } from '../content';
import { HttpError, badRequest, notFound, preconditionFailed, type Issue } from '../errors';
import { PatientRecord } from '../facts/record';
import { type AnyResource, obj, parseRef } from '../fhir/read';
import { evaluate, type EngineDeps } from '../rules/engine';
import type { DraftOrder } from '../rules/types';
import { renderCard } from '../render/cards';
import { type KeyState, classify, fillTemplate } from './prefetch';
import type { Registry, ServiceEntry } from './registry';
import { type Card, type CdsRequest, type CdsResponse, requestSchemas, responseSchema, findEmptyValues, formatPath } from './schemas';

/** Fetches prefetch keys the EHR did not provide (issue: prefetch fallback). */
export interface PrefetchFetcher {
  fetchKeys(args: {
    fhirServer: string;
    accessToken?: string;
    keys: { key: string; url: string }[];
    hookInstance: string;
  }): Promise<Map<string, FetchResult>>;
}
export type FetchResult = { ok: true; state: KeyState; ms: number } | { ok: false; reason: string; ms: number };

export interface ServiceDeps extends EngineDeps {
  registry: Registry;
  clock: () => number;
  newId: () => string;
  fetcher?: PrefetchFetcher;
  /** Check responses against the strict card schema: throw (tests), log (default) or off. */
  checkResponses: 'throw' | 'log' | 'off';
  /** Where `log` mode reports a violation. */
  onInvalidResponse?: (problems: string) => void;
  version: string;
}

/** What a call did, for the log line and the card records (never PHI). */
export interface CallMeta {
  service: string;
  hook: string;
  hookInstance?: string;
  patientId?: string;
  rules: string[];
  indicators: string[];
  gate?: string;
  keys: Record<string, { source: 'prefetch' | 'fetched' | 'missing' | 'null'; ms?: number; resources?: number }>;
  /** Silent mode: the cards that would have been returned (recorded, never sent). */
  silentCards?: Card[];
}

function zodIssues(error: z.ZodError, prefix = ''): Issue[] {
  return error.issues.map((i) => {
    const path = formatPath(i.path, prefix);
    const missing = i.code === 'invalid_type' && /received undefined/.test(i.message);
    return {
      code: missing ? 'required' : 'value',
      diagnostics: missing ? `${path || 'body'} is required` : `${path || 'body'}: ${i.message}`,
      expression: path || undefined,
    };
  });
}

/** FHIR resources inside a CDS request are a dozen levels deep; far beyond this, a request is not data. */
export const MAX_DEPTH = 64;

/**
 * Whether `value` nests objects or arrays `max` levels deep or more, walked without recursion (a
 * deeper body would overflow the recursive code further on): objects and arrays only are stacked,
 * with no allocation per value.
 */
function deeperThan(value: unknown, max: number): boolean {
  if (!value || typeof value !== 'object') return false;
  const stack: object[] = [value];
  const depths: number[] = [0];
  while (stack.length) {
    const v = stack.pop()!;
    const depth = depths.pop()!;
    if (depth >= max) return true;
    if (Array.isArray(v)) {
      for (const x of v)
        if (x && typeof x === 'object') {
          stack.push(x);
          depths.push(depth + 1);
        }
    } else
      for (const k in v) {
        const x = (v as Record<string, unknown>)[k];
        if (x && typeof x === 'object') {
          stack.push(x);
          depths.push(depth + 1);
        }
      }
  }
  return false;
}

/** The path of a value nested deeper than `max` levels, or undefined (the path is worked out only then). */
export function tooDeep(value: unknown, max = MAX_DEPTH): string | undefined {
  if (!deeperThan(value, max)) return undefined;
  const path: (string | number)[] = [];
  let v = value as object;
  // At each level, the first child that still reaches the remaining depth.
  while (path.length < max) {
    const left = max - path.length - 1;
    const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
    const next = entries.find(([, x]) => deeperThan(x, left));
    if (!next) break;
    path.push(next[0]);
    v = next[1] as object;
  }
  return formatPath(path) || '(root)';
}

export function validateRequest(entry: ServiceEntry, body: unknown): CdsRequest {
  const o = obj(body);
  if (!o)
    throw badRequest('body-not-object', [
      { code: 'structure', diagnostics: 'The request body must be a JSON object (Content-Type: application/json).' },
    ]);
  const deep = tooDeep(o);
  if (deep)
    throw badRequest('too-deep', [
      {
        code: 'structure',
        diagnostics: `The request nests objects or arrays more than ${MAX_DEPTH} levels deep (at ${deep}).`,
        expression: deep,
      },
    ]);
  if (typeof o.hook === 'string' && o.hook !== entry.def.hook)
    throw badRequest('hook-mismatch', [
      { code: 'value', diagnostics: `Service ${entry.def.id} answers the ${entry.def.hook} hook, not ${o.hook}.`, expression: 'hook' },
    ]);
  const r = requestSchemas[entry.def.hook].safeParse(o);
  if (!r.success) throw badRequest('invalid-request', zodIssues(r.error));
  const req = r.data as CdsRequest;
  if (req.fhirAuthorization && !req.fhirServer)
    throw badRequest('fhir-authorization-without-server', [
      { code: 'required', diagnostics: 'fhirServer is required when fhirAuthorization is present (cds-r-1).', expression: 'fhirServer' },
    ]);
  const ctx = req.context as { patientId: string };
  if (req.fhirAuthorization?.patient !== undefined && req.fhirAuthorization.patient !== ctx.patientId)
    throw badRequest('token-patient-mismatch', [
      {
        code: 'value',
        diagnostics: 'fhirAuthorization.patient does not match context.patientId.',
        expression: 'fhirAuthorization.patient',
      },
    ]);
  return req;
}

function draftOrders(req: CdsRequest, hook: HookName): DraftOrder[] {
  if (hook === 'patient-view') return [];
  const ctx = req.context as { draftOrders: { entry?: { resource?: unknown }[] }; selections?: string[]; patientId: string };
  const drafts: DraftOrder[] = [];
  const issues: Issue[] = [];
  (ctx.draftOrders.entry ?? []).forEach((e, i) => {
    const r = obj(e?.resource);
    if (!r || typeof r.resourceType !== 'string') return;
    const subject = parseRef(obj(r.subject)?.reference);
    if (subject?.type === 'Patient' && subject.id !== ctx.patientId)
      issues.push({
        code: 'value',
        diagnostics: `draft order for another patient (Patient/${subject.id}), context.patientId is ${ctx.patientId}`,
        expression: `context.draftOrders.entry[${i}].resource.subject`,
      });
    const ref = `${r.resourceType}/${typeof r.id === 'string' ? r.id : `(entry ${i})`}`;
    drafts.push({ resource: r as AnyResource, ref, selected: false });
  });
  if (issues.length) throw badRequest('draft-for-other-patient', issues);
  if (hook === 'order-select') {
    // One lookup per selection (40k drafts with 40k selections took 8 s with a scan each).
    const byRef = new Map<string, DraftOrder>();
    for (const d of drafts) if (!byRef.has(d.ref)) byRef.set(d.ref, d);
    (ctx.selections ?? []).forEach((s, i) => {
      const d = byRef.get(s);
      if (d) d.selected = true;
      else
        issues.push({
          code: 'value',
          diagnostics: `selection ${s} names no resource in context.draftOrders`,
          expression: `context.selections[${i}]`,
        });
    });
    if (issues.length) throw badRequest('selection-not-in-draft-orders', issues);
  }
  return drafts;
}

/** A subject or patient reference that names another Patient than `patientId`. */
/**
 * Whether a subject or patient field names another patient: 'other', 'case' when its id differs from
 * the context's only in letter case (FHIR ids are case-sensitive, so it is not read, but it is named:
 * it is most likely this patient's, mangled), or false. A full URL counts by its type and id.
 */
function namesOtherPatient(field: unknown, patientId: string, ownRef: string): 'other' | 'case' | false {
  const reference = obj(field)?.reference;
  if (reference === undefined || reference === ownRef) return false;
  const ref = parseRef(reference);
  if (ref?.type !== 'Patient' || ref.id === patientId) return false;
  return ref.id.toLowerCase() === patientId.toLowerCase() ? 'case' : 'other';
}

/** Resources not read because they name another patient: how many, and how many only by letter case (with one such id). */
interface Dropped {
  other: number;
  caseOnly: number;
  caseId?: string;
}

/**
 * Puts a key's resources into the record. A Patient other than the context's anywhere is an error
 * (G4); a resource of a type the key does not hold (a Patient inside labs) is ignored with a note;
 * resources naming another patient by subject or patient are dropped, never mixed in, and counted.
 */
function addResources(
  record: PatientRecord,
  key: string,
  resources: AnyResource[],
  patientId: string,
  types: string[],
  dropped: Dropped,
): void {
  const unexpected = new Map<string, number>();
  const ownRef = `Patient/${patientId}`;
  for (const r of resources) {
    if (r.resourceType === 'Patient' && r.id !== undefined && r.id !== patientId)
      throw badRequest('prefetch-patient-mismatch', [
        {
          code: 'value',
          diagnostics: `prefetch.${key} holds another Patient than Patient/${patientId} (context.patientId)`,
          expression: `prefetch.${key}`,
        },
      ]);
    if (!types.includes(r.resourceType)) {
      unexpected.set(r.resourceType, (unexpected.get(r.resourceType) ?? 0) + 1);
      continue;
    }
    const other = namesOtherPatient(r.subject, patientId, ownRef) || namesOtherPatient(r.patient, patientId, ownRef);
    if (other === 'other') {
      dropped.other++;
      continue;
    }
    if (other === 'case') {
      dropped.caseOnly++;
      dropped.caseId ??= parseRef(obj(r.subject)?.reference ?? obj(r.patient)?.reference)?.id;
      continue;
    }
    record.add(r);
  }
  for (const [type, n] of unexpected)
    record.notes.push(`prefetch.${key}: ${n} ${type} resource(s), not of the types this key holds, were ignored.`);
}

export async function resolvePrefetch(req: CdsRequest, entry: ServiceEntry, deps: ServiceDeps, meta: CallMeta): Promise<PatientRecord> {
  const record = new PatientRecord();
  const prefetch = (req.prefetch ?? {}) as Record<string, unknown>;
  const patientId = (req.context as { patientId: string }).patientId;
  const dropped: Dropped = { other: 0, caseOnly: 0 };
  const add = (key: string, resources: AnyResource[]) => {
    addResources(record, key, resources, patientId, deps.content.data[key]!.resourceTypes, dropped);
  };
  const states = new Map<string, KeyState>();
  const invalid: Issue[] = [];
  for (const key of entry.keys) {
    const st = classify(Object.prototype.hasOwnProperty.call(prefetch, key), prefetch[key], deps.content.data[key]!.resourceTypes);
    if (st.kind === 'invalid')
      invalid.push({ code: 'structure', diagnostics: `prefetch.${key} ${st.reason}`, expression: `prefetch.${key}` });
    else if (st.kind === 'data') meta.keys[key] = { source: 'prefetch', resources: st.resources.length };
    states.set(key, st);
  }
  if (invalid.length) throw badRequest('invalid-prefetch', invalid);
  // Checked before any fetch, and again once fetched keys are in.
  for (const [key, st] of states) if (st.kind === 'data') add(key, st.resources);

  // Keys to fetch: absent or OperationOutcome (the EHR failed); paginated bundles follow `next`.
  const toFetch = [...states].filter(([, s]) => s.kind === 'absent' || s.kind === 'outcome').map(([k]) => k);
  const failures = new Map<string, string>();
  if (toFetch.length && deps.fetcher && req.fhirServer) {
    const keys: { key: string; url: string }[] = [];
    for (const key of toFetch) {
      const url = fillTemplate(entry.prefetch[key]!, { context: req.context as Record<string, unknown> });
      if (url) keys.push({ key, url });
      else failures.set(key, 'its prefetch template has a token without a value');
    }
    const results = await deps.fetcher.fetchKeys({
      fhirServer: req.fhirServer,
      accessToken: req.fhirAuthorization?.access_token,
      keys,
      hookInstance: req.hookInstance,
    });
    for (const { key } of keys) {
      const r = results.get(key);
      if (r?.ok) {
        states.set(key, r.state);
        meta.keys[key] = { source: 'fetched', ms: r.ms, resources: r.state.kind === 'data' ? r.state.resources.length : undefined };
      } else failures.set(key, r ? r.reason : 'not fetched');
    }
  } else {
    for (const key of toFetch) {
      const st = states.get(key)!;
      failures.set(
        key,
        st.kind === 'outcome'
          ? `the EHR could not prefetch it (${st.diagnostics}) and no fhirServer is available to fetch it`
          : 'not prefetched and no fhirServer to fetch it from',
      );
    }
  }
  const requiredFailures = entry.required.filter((k) => failures.has(k));
  if (requiredFailures.length)
    throw preconditionFailed(
      'required-data-unavailable',
      requiredFailures.map((k) => ({
        code: 'incomplete',
        diagnostics: `prefetch.${k} (${entry.prefetch[k]}): ${failures.get(k)}`,
        expression: `prefetch.${k}`,
      })),
    );
  for (const [key, reason] of failures) {
    record.gaps.push({ key, reason, required: false });
    meta.keys[key] = { ...meta.keys[key], source: 'missing' };
  }
  for (const [key, st] of states) {
    if (st.kind === 'null') meta.keys[key] ??= { source: 'null' };
    if (st.kind !== 'data') continue;
    if (st.next) record.gaps.push({ key, reason: 'the Bundle has more pages than were read', required: entry.required.includes(key) });
    if (meta.keys[key]?.source === 'fetched') add(key, st.resources);
  }
  if (dropped.other)
    record.gaps.push({ key: 'prefetch', reason: `${dropped.other} resource(s) for another patient were ignored`, required: false });
  if (dropped.caseOnly)
    record.gaps.push({
      key: 'prefetch-case',
      reason: `${dropped.caseOnly} resource(s) name Patient/${dropped.caseId}, which differs from this patient's id (${patientId}) only in letter case: not read, as FHIR ids are case-sensitive; correct the references in the EHR`,
      required: false,
    });
  return record;
}

/** The body's hookInstance when it is a safe correlation id for logs, else undefined. */
export function hookInstanceOf(body: unknown): string | undefined {
  const hi = obj(body)?.hookInstance;
  return typeof hi === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(hi) ? hi : undefined;
}

/** One call of a service: its response, and what it did (for the log and the card records). */
export async function callService(serviceId: string, body: unknown, deps: ServiceDeps): Promise<{ response: CdsResponse; meta: CallMeta }> {
  const meta: CallMeta = { service: serviceId, hook: '', hookInstance: hookInstanceOf(body), rules: [], indicators: [], keys: {} };
  return { response: await call(serviceId, body, deps, meta), meta };
}

async function call(serviceId: string, body: unknown, deps: ServiceDeps, meta: CallMeta): Promise<CdsResponse> {
  const entry = deps.registry.get(serviceId);
  if (!entry) throw notFound('unknown-service', `No CDS service with id ${serviceId}. See GET /cds-services.`);
  meta.hook = entry.def.hook;
  const req = validateRequest(entry, body);
  const drafts = draftOrders(req, entry.def.hook);
  const record = await resolvePrefetch(req, entry, deps, meta);
  const now = deps.clock();
  const ev = evaluate(entry.def.hook, record, drafts, now, deps);
  meta.gate = ev.gate;
  const ctx = req.context as { patientId: string; encounterId?: string; userId: string };
  meta.patientId = ctx.patientId;
  // One answer says each note once (G7): the cards shown share what they have said, the silent ones apart.
  const render = (notesShown: Set<string>) => (f: (typeof ev.findings)[number]) =>
    renderCard(f, {
      content: deps.content,
      newId: deps.newId,
      now,
      patientId: ctx.patientId,
      encounterId: ctx.encounterId,
      userId: ctx.userId,
      notesShown,
    });
  // Silent mode: a silent service shows nothing; a silent rule's cards are kept apart. Both are
  // recorded as "would have fired" (meta.silentCards) and never returned.
  const serviceSilent = deps.content.site.silent.services.includes(serviceId);
  const shown = serviceSilent ? [] : ev.findings;
  const cards = shown.map(render(new Set()));
  meta.silentCards = [...(serviceSilent ? ev.findings : []), ...ev.silent].map(render(new Set()));
  meta.rules = shown.map((f) => f.ruleId);
  meta.indicators = cards.map((c) => c.indicator);
  const response: CdsResponse = { cards };
  if (deps.checkResponses === 'throw') checkResponse(response);
  else if (deps.checkResponses === 'log' && cards.length) {
    try {
      checkResponse(response);
    } catch (e) {
      deps.onInvalidResponse?.((e as Error).message);
    }
  }
  return response;
}

/** Strict response check: a violation is a bug in the service, reported as such. */
export function checkResponse(response: unknown): void {
  const r = responseSchema.safeParse(response);
  const empty = findEmptyValues(response);
  if (!r.success || empty.length) {
    const detail = [
      ...(r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)),
      ...empty.map((p) => `${p}: empty value`),
    ];
    throw new HttpError(500, 'invalid-response', [
      { code: 'exception', diagnostics: `response failed the CDS Hooks card checks: ${detail.join('; ')}` },
    ]);
  }
}
