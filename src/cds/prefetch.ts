/**
 * Prefetch semantics (CDS Hooks 2.0 "Prefetch Template", requirements items 17-20):
 * - absent: the client chose not to, or could not, fill the key -> the service must fetch it or 412;
 * - null: "nothing there" for a read -> data (no resources);
 * - OperationOutcome: the client's fetch failed -> as absent;
 * - a Bundle (possibly paginated) or a resource -> data.
 */
import type { AnyResource } from '../fhir/read';
import { arr, obj } from '../fhir/read';

export type KeyState =
  | { kind: 'absent' }
  | { kind: 'null' }
  | { kind: 'outcome'; diagnostics: string }
  | { kind: 'data'; resources: AnyResource[]; next?: string; total?: number }
  | { kind: 'invalid'; reason: string };

/** Classify one prefetch value. `present` is false when the key is not in the object at all. */
export function classify(present: boolean, value: unknown, expectedTypes: string[]): KeyState {
  if (!present || value === undefined) return { kind: 'absent' };
  if (value === null) return { kind: 'null' };
  const o = obj(value);
  if (!o || typeof o.resourceType !== 'string')
    return { kind: 'invalid', reason: 'is not a FHIR resource, Bundle, OperationOutcome or null' };
  if (o.resourceType === 'OperationOutcome') {
    const diag = arr<Record<string, unknown>>(o.issue)
      .map((i) => (typeof i?.diagnostics === 'string' ? i.diagnostics : typeof i?.code === 'string' ? i.code : ''))
      .filter(Boolean)
      .join('; ');
    return { kind: 'outcome', diagnostics: diag.slice(0, 200) || 'OperationOutcome' };
  }
  if (o.resourceType === 'Bundle') {
    const resources: AnyResource[] = [];
    for (const e of arr<unknown>(o.entry)) {
      const r = obj(e)?.resource as AnyResource | undefined;
      // A searchset may carry OperationOutcome entries (search mode "outcome"): not data.
      if (!obj(r) || typeof r!.resourceType !== 'string' || r!.resourceType === 'OperationOutcome') continue;
      resources.push(r!);
    }
    const next = arr<Record<string, unknown>>(o.link).find((l) => l?.relation === 'next' && typeof l.url === 'string')?.url as
      string | undefined;
    return { kind: 'data', resources, next, total: typeof o.total === 'number' ? o.total : undefined };
  }
  if (!expectedTypes.includes(o.resourceType))
    return { kind: 'invalid', reason: `holds a ${o.resourceType}, expected ${expectedTypes.join(' or ')} (or a Bundle of them)` };
  return { kind: 'data', resources: [o as AnyResource] };
}

export interface TokenContext {
  context: Record<string, unknown>;
}

/**
 * Fill a prefetch template's tokens. user* tokens derive from `context.userId` (`Practitioner/123`
 * gives userPractitionerId 123). Returns undefined when a token has no value (e.g. no encounterId),
 * in which case the key cannot be fetched.
 */
export function fillTemplate(template: string, tc: TokenContext): string | undefined {
  const userId = typeof tc.context.userId === 'string' ? tc.context.userId : '';
  const [userType, userIdPart] = userId.split('/');
  const values: Record<string, string | undefined> = {
    userPractitionerId: userType === 'Practitioner' ? userIdPart : undefined,
    userPractitionerRoleId: userType === 'PractitionerRole' ? userIdPart : undefined,
    userPatientId: userType === 'Patient' ? userIdPart : undefined,
    userRelatedPersonId: userType === 'RelatedPerson' ? userIdPart : undefined,
  };
  let missing = false;
  const out = template.replace(/\{\{\s*([^}\s]+)\s*\}\}/g, (_m, token: string) => {
    let v: unknown;
    if (token.startsWith('context.')) v = tc.context[token.slice('context.'.length)];
    else v = values[token];
    if (typeof v !== 'string' || v.length === 0) {
      missing = true;
      return '';
    }
    return encodeURIComponent(v);
  });
  return missing ? undefined : out;
}
