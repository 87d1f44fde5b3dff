import type { AnyResource } from '../fhir/read';
import { parseRef } from '../fhir/read';

/** Why a data key is missing or partial, so that cards can say what they could not see. */
export interface DataGap {
  key: string;
  reason: string;
  required: boolean;
}

/**
 * All FHIR resources the EHR gave (or the service fetched) for one call, de-duplicated by type/id.
 * De-duplication is lazy and per type (a type read for the first time is de-duplicated once), and
 * the id index is built only for types whose references are resolved: most resources are read once.
 */
export class PatientRecord {
  private readonly byType = new Map<string, AnyResource[]>();
  private readonly dirty = new Set<string>();
  private readonly index = new Map<string, Map<string, AnyResource>>();
  readonly gaps: DataGap[] = [];
  /** Keys whose data were not available at all (absent, failed): the rules treat them as unknown. */
  readonly unavailable = new Set<string>();
  private runType = '';
  private runList: AnyResource[] | undefined;
  private runDirty = false;

  add(resource: AnyResource): void {
    if (!resource || typeof resource.resourceType !== 'string') return;
    const type = resource.resourceType;
    // Bundles hold runs of one type: the run's list is reused without lookups. Reading (all, get)
    // ends the run, so an add after a read marks the type dirty and drops its index again.
    let list = this.runList;
    if (type !== this.runType || !list) {
      list = this.byType.get(type);
      if (!list) this.byType.set(type, (list = []));
      this.runType = type;
      this.runList = list;
      this.runDirty = false;
      this.index.delete(type);
    }
    list.push(resource);
    if (!this.runDirty && list.length > 1) {
      this.dirty.add(type);
      this.runDirty = true;
    }
  }

  all(type: string): AnyResource[] {
    this.runList = undefined;
    const list = this.byType.get(type);
    if (!list) return [];
    if (this.dirty.has(type)) {
      this.dirty.delete(type);
      const seen = new Set<string>();
      let w = 0;
      for (const r of list) {
        if (typeof r.id === 'string') {
          if (seen.has(r.id)) continue;
          seen.add(r.id);
        }
        list[w++] = r;
      }
      list.length = w;
    }
    return list;
  }

  get(type: string, id: string): AnyResource | undefined {
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
