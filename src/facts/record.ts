import type { AnyResource } from '../fhir/read';
import { parseRef } from '../fhir/read';

/** Why a data key is missing or partial, so that cards can say what they could not see. */
export interface DataGap {
  key: string;
  reason: string;
  required: boolean;
}

/** All FHIR resources the EHR gave (or the service fetched) for one call, de-duplicated by type/id. */
export class PatientRecord {
  private readonly byType = new Map<string, AnyResource[]>();
  private readonly byRef = new Map<string, AnyResource>();
  readonly gaps: DataGap[] = [];
  /** Keys whose data were not available at all (absent, failed): the rules treat them as unknown. */
  readonly unavailable = new Set<string>();

  add(resource: AnyResource): void {
    if (!resource || typeof resource.resourceType !== 'string') return;
    const key = resource.id ? `${resource.resourceType}/${resource.id}` : undefined;
    if (key) {
      if (this.byRef.has(key)) return;
      this.byRef.set(key, resource);
    }
    let list = this.byType.get(resource.resourceType);
    if (!list) this.byType.set(resource.resourceType, (list = []));
    list.push(resource);
  }

  all(type: string): AnyResource[] {
    return this.byType.get(type) ?? [];
  }

  get(type: string, id: string): AnyResource | undefined {
    return this.byRef.get(`${type}/${id}`);
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
