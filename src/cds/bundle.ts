/**
 * A FHIR Bundle (or a plain list of resources) of one patient's record as a CDS Hooks request: the
 * catalogue's preview and the command line take a record as a file or a paste, and the replay takes
 * one patient of a bulk export. Each prefetch key of the service gets the resources of its types.
 */
import { randomUUID } from 'node:crypto';
import type { Content } from '../content';
import { badRequest } from '../errors';
import { type AnyResource, arr, asText, obj } from '../fhir/read';
import type { ServiceEntry } from './registry';

/** The resources of a Bundle (its entries), of an array, or the one resource given. */
export function resourcesOf(input: unknown): AnyResource[] {
  const o = obj(input);
  const list = Array.isArray(input) ? input : o?.resourceType === 'Bundle' ? arr<unknown>(o.entry).map((e) => obj(e)?.resource) : [input];
  return list.filter((r): r is AnyResource => !!obj(r) && typeof (r as { resourceType?: unknown }).resourceType === 'string');
}

export function requestFromRecord(
  resources: AnyResource[],
  entry: ServiceEntry,
  content: Content,
  opts: { hookInstance?: string; userId?: string; drafts?: AnyResource[] } = {},
): Record<string, unknown> {
  const patients = resources.filter((r) => r.resourceType === 'Patient');
  if (patients.length !== 1 || typeof patients[0]!.id !== 'string')
    throw badRequest('record-patient', [
      { code: 'value', diagnostics: `A record holds exactly one Patient with an id; this one holds ${patients.length}.` },
    ]);
  const patient = patients[0]!;
  const prefetch: Record<string, unknown> = {};
  for (const key of entry.keys) {
    const types = content.data[key]?.resourceTypes ?? [];
    if (types.includes('Patient')) prefetch[key] = patient;
    else
      prefetch[key] = {
        resourceType: 'Bundle',
        type: 'searchset',
        entry: resources.filter((r) => types.includes(r.resourceType)).map((resource) => ({ resource })),
      };
  }
  const context: Record<string, unknown> = { userId: opts.userId ?? 'Practitioner/preview', patientId: patient.id };
  if (entry.def.hook !== 'patient-view') {
    const drafts = opts.drafts ?? [];
    context.draftOrders = { resourceType: 'Bundle', type: 'collection', entry: drafts.map((resource) => ({ resource })) };
    if (entry.def.hook === 'order-select') context.selections = drafts.map((d) => `${d.resourceType}/${asText(d.id)}`);
  }
  return { hook: entry.def.hook, hookInstance: opts.hookInstance ?? randomUUID(), context, prefetch };
}
