import type { AnyResource } from '../fhir/read';
import { parseRef } from '../fhir/read';

/** Why a data key is missing or partial, so that cards can say what they could not see. */
export interface DataGap {
  key: string;
  reason: string;
  required: boolean;
}

/**
 * All FHIR resources the EHR gave (or the service fetched) for one call, de-duplicated by type/id
 * as they are added (the first copy wins), so that a resource sent twice (in two prefetch keys,
 * or twice in one Bundle) is never counted twice.
 */
export class PatientRecord {
  private readonly byType = new Map<string, AnyResource[]>();
  private readonly ids = new Map<string, Set<string>>();
  readonly gaps: DataGap[] = [];
  /** What the prefetch itself tells every card (resources ignored for their type, conflicting copies). */
  readonly notes: string[] = [];
  /** `Type/id` of resources sent twice with different content: the first copy was used. */
  readonly conflicts: string[] = [];

  add(resource: AnyResource): void {
    const type = resource?.resourceType;
    if (typeof type !== 'string') return;
    if (typeof resource.id === 'string') {
      let ids = this.ids.get(type);
      if (!ids) this.ids.set(type, (ids = new Set()));
      const before = ids.size;
      ids.add(resource.id);
      if (ids.size === before) {
        // Seen already: the same copy (two prefetch keys) is fine; a different one is named.
        const first = this.get(type, resource.id);
        if (first !== resource && JSON.stringify(first) !== JSON.stringify(resource)) this.conflicts.push(`${type}/${resource.id}`);
        return;
      }
    }
    let list = this.byType.get(type);
    if (!list) this.byType.set(type, (list = []));
    list.push(resource);
  }

  all(type: string): readonly AnyResource[] {
    return this.byType.get(type) ?? [];
  }

  get(type: string, id: string): AnyResource | undefined {
    return this.ids.get(type)?.has(id) ? this.all(type).find((r) => r.id === id) : undefined;
  }

  resolve(reference: unknown, container?: AnyResource): AnyResource | undefined {
    const r = parseRef(reference);
    if (!r) return undefined;
    if (r.contained) {
      const contained = Array.isArray(container?.contained) ? (container!.contained as AnyResource[]) : [];
      return contained.find((c) => c && c.id === r.id);
    }
    return r.type ? this.get(r.type, r.id) : undefined;
  }
}
