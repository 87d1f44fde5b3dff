import type { AnyResource } from '../fhir/read';
import { parseRef } from '../fhir/read';

const NONE: readonly AnyResource[] = Object.freeze([]);

/** Why a data key is missing or partial, so that cards can say what they could not see. */
export interface DataGap {
  key: string;
  reason: string;
  required: boolean;
}

/**
 * All FHIR resources the EHR gave (or the service fetched) for one call, de-duplicated by type/id
 * as they are added (the first copy wins), so that a resource sent twice (in two prefetch keys,
 * or twice in one Bundle) is never counted twice. The id index is built only for types whose
 * references are resolved: most resources are read once.
 */
export class PatientRecord {
  private readonly byType = new Map<string, AnyResource[]>();
  /** type -> ids seen; created when a type gets its second resource. */
  private readonly seen = new Map<string, Set<string>>();
  private readonly index = new Map<string, Map<string, AnyResource>>();
  readonly gaps: DataGap[] = [];
  /** Keys whose data were not available at all (absent, failed): the rules treat them as unknown. */
  readonly unavailable = new Set<string>();
  // Bundles hold runs of one type: the run's list and id set are reused without lookups.
  private runType = '';
  private runList: AnyResource[] | undefined;
  private runIds: Set<string> | undefined;

  /** Adds a resource; `type` is its resourceType when the caller has read it already. */
  add(resource: AnyResource, type: string | undefined = resource?.resourceType): void {
    if (!resource || typeof type !== 'string') return;
    let list = this.runList;
    if (type !== this.runType || !list) {
      list = this.byType.get(type);
      if (!list) this.byType.set(type, (list = []));
      this.runType = type;
      this.runList = list;
      this.runIds = this.seen.get(type);
      this.index.delete(type);
    }
    const id = resource.id;
    if (typeof id === 'string' && list.length > 0) {
      let ids = this.runIds;
      if (!ids) {
        ids = new Set();
        for (const r of list) if (typeof r.id === 'string') ids.add(r.id);
        this.seen.set(type, ids);
        this.runIds = ids;
      }
      const before = ids.size;
      ids.add(id);
      if (ids.size === before) return;
    }
    list.push(resource);
  }

  all(type: string): readonly AnyResource[] {
    return this.byType.get(type) ?? NONE;
  }

  get(type: string, id: string): AnyResource | undefined {
    this.runList = undefined;
    this.runIds = undefined;
    let idx = this.index.get(type);
    if (!idx) {
      idx = new Map();
      for (const r of this.all(type)) if (typeof r.id === 'string') idx.set(r.id, r);
      this.index.set(type, idx);
    }
    return idx.get(id);
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
