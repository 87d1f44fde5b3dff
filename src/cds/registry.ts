/**
 * One registry of service definitions (hooks/services.json); discovery, the prefetch templates and
 * the descriptions are derived from it and from the rules each service runs (their data needs and
 * titles in cards/TTP-*.json, the queries in hooks/data.json), never kept in two places.
 */
import { type Content, type ServiceDef, rulesOn } from '../content';
import { normalizeSystem } from '../terminology';

export interface ServiceEntry {
  def: ServiceDef;
  /** The discovery description: the titles of the rules the service runs. */
  description: string;
  rules: string[];
  /** Data keys whose absence makes a call fail with 412 (when they cannot be fetched). */
  required: string[];
  /** Data keys whose absence degrades the cards. */
  optional: string[];
  /** required then optional: every key a call reads, listed once. */
  keys: string[];
  prefetch: Record<string, string>;
}

/** CDS Hooks 2.0 prefetch tokens (spec "Prefetch tokens"): root context fields marked as tokens, and the user* tokens. */
export const ALLOWED_TOKENS = new Set([
  'context.patientId',
  'context.userId',
  'context.encounterId',
  'userPractitionerId',
  'userPractitionerRoleId',
  'userPatientId',
  'userRelatedPersonId',
]);

function expandValueSets(query: string, content: Content): string {
  return query.replace(/\{\{valueset:([A-Z0-9,-]+)\}\}/g, (_m, list: string) => {
    const codes: string[] = [];
    for (const id of list.split(',')) {
      const vs = content.terminology.valueSets[id];
      if (!vs) throw new Error(`hooks/data.json: unknown value set ${id}`);
      for (const c of [...vs.codes, ...(content.site.localCodes[id] ?? [])]) {
        const system = normalizeSystem(content.terminology.systems[c.system] ?? c.system);
        codes.push(`${system}|${c.code}`);
      }
    }
    return codes.join(',');
  });
}

export class Registry {
  readonly services = new Map<string, ServiceEntry>();

  constructor(private readonly content: Content) {
    for (const def of content.services) {
      const rules = rulesOn(content, def.hook);
      const required = new Set<string>();
      const optional = new Set<string>();
      for (const r of rules) {
        r.data.required.forEach((k) => required.add(k));
        r.data.optional.forEach((k) => optional.add(k));
      }
      for (const k of required) optional.delete(k);
      const prefetch: Record<string, string> = {};
      for (const k of [...required, ...optional].sort()) {
        const q = expandValueSets(content.data[k]!.query, content);
        for (const m of q.matchAll(/\{\{([^}]*)\}\}/g)) {
          if (!ALLOWED_TOKENS.has(m[1]!.trim())) throw new Error(`hooks/data.json: ${k} uses ${m[0]}, not a CDS Hooks 2.0 prefetch token`);
        }
        prefetch[k] = q;
      }
      const req = [...required].sort();
      const opt = [...optional].sort();
      const description = `For adults with acquired (immune) TTP: ${rules.map((r) => r.title).join('; ')}.`;
      this.services.set(def.id, {
        def,
        description,
        rules: rules.map((r) => r.id),
        required: req,
        optional: opt,
        keys: [...req, ...opt],
        prefetch,
      });
    }
  }

  get(id: string): ServiceEntry | undefined {
    return this.services.get(id);
  }

  discovery(version: string) {
    return {
      services: [...this.services.values()].map((s) => ({
        hook: s.def.hook,
        id: s.def.id,
        title: s.def.title,
        description: s.description,
        prefetch: s.prefetch,
        usageRequirements:
          "Needs read access to the patient's Patient, Condition, Procedure, ServiceRequest, Observation, MedicationRequest, MedicationAdministration, MedicationStatement and AllergyIntolerance (SMART patient/*.read or user/*.read). Keys not prefetched are fetched from fhirServer with fhirAuthorization when the deployment allows that server.",
        extension: {
          'org.ttp-cds.service': {
            version,
            contentVersion: this.content.version,
            rules: s.rules.map((id) => ({ id, version: this.content.rules[id]!.version })),
            requiredPrefetch: s.required,
            optionalPrefetch: s.optional,
          },
        },
      })),
    };
  }
}
