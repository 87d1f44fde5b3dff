/**
 * `node dist/tools/synthetic-export.js DIR [PATIENTS]`: a FHIR Bulk Data export (one NDJSON file per
 * resource type) of synthetic patients, for trying and measuring `ttp-cds replay`. Each patient is
 * one of the catalogue's patient-view example situations in turn, with its own ids, its dates moved
 * so that the situation's "now" is the time of generation.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SITUATIONS } from '../src/examples/situations';
import { setDay1 } from '../src/examples/builder';
import type { AnyResource } from '../src/fhir/read';

const ISO = /"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z)"/g;

export function syntheticExport(dir: string, patients: number, now = Date.now()): { resources: number } {
  mkdirSync(dir, { recursive: true });
  const kinds = SITUATIONS.filter((s) => s.hook === 'patient-view');
  const files = new Map<string, string[]>();
  let resources = 0;
  for (let n = 0; n < patients; n++) {
    setDay1('2026-03-02');
    const situation = kinds[n % kinds.length]!;
    const s = situation.build();
    const shift = now - Date.parse(s.now);
    const id = `p${n}`;
    for (const r of s.resources as AnyResource[]) {
      const text = JSON.stringify(r)
        .replace(ISO, (m, t: string) => (Number.isNaN(Date.parse(t)) ? m : `"${new Date(Date.parse(t) + shift).toISOString()}"`))
        .replace(/"Patient\/pat-1"/g, `"Patient/${id}"`)
        .replace(/"id":"([^"]+)"/, (_m, x: string) => `"id":"${r.resourceType === 'Patient' ? id : `${id}-${x}`}"`)
        .replace(/"reference":"MedicationRequest\/([^"]+)"/g, (_m, x: string) => `"reference":"MedicationRequest/${id}-${x}"`);
      const list = files.get(r.resourceType) ?? [];
      list.push(text);
      files.set(r.resourceType, list);
      resources++;
    }
  }
  for (const [type, lines] of files) writeFileSync(join(dir, `${type}.ndjson`), `${lines.join('\n')}\n`);
  return { resources };
}

if (require.main === module) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: node dist/tools/synthetic-export.js DIR [PATIENTS]\n');
    process.exit(2);
  }
  const { resources } = syntheticExport(dir, Number(process.argv[3] ?? 100));
  process.stdout.write(`${resources} resources of ${Number(process.argv[3] ?? 100)} patients in ${dir}\n`);
}
