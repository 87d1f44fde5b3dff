/**
 * `node dist/tools/synthetic-export.js DIR [PATIENTS] [--gzip] [--folder] [--manifest] [--medications]`: a
 * FHIR Bulk Data export (NDJSON files by resource type, gzipped, in a subfolder, with a manifest, with
 * Medication resources, as real exports come) of synthetic patients, for trying and measuring `ttp-cds replay`. Each patient is
 * one of the catalogue's patient-view example situations in turn, with its own ids, its dates moved
 * so that the situation's "now" is the time of generation.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SITUATIONS } from '../src/examples/situations';
import { setDay1 } from '../src/examples/builder';
import type { AnyResource } from '../src/fhir/read';

const ISO = /"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z)"/g;

export interface ExportShape {
  /** Files written as `Type.000.ndjson.gz` (as most servers and the Bulk Data client tools write them). */
  gzip?: boolean;
  /** The files in this subfolder (`output/`), the manifest beside it. */
  folder?: string;
  /** A Bulk Data manifest (`manifest.json`, the completed status response) naming each file. */
  manifest?: boolean;
  /** Resources per file: a type with more is split into `.000`, `.001`... */
  perFile?: number;
  /**
   * Medication requests and administrations name their drug by `medicationReference` to a
   * Medication resource of their own file (`Medication.000.ndjson`), as Synthea and many EHRs write them.
   */
  medicationResources?: boolean;
}

export function syntheticExport(
  dir: string,
  patients: number,
  now = Date.now(),
  shape: ExportShape = {},
): { resources: number; files: string[] } {
  const out = shape.folder ? join(dir, shape.folder) : dir;
  mkdirSync(out, { recursive: true });
  const kinds = SITUATIONS.filter((s) => s.hook === 'patient-view');
  const files = new Map<string, string[]>();
  const push = (type: string, text: string) => {
    const list = files.get(type) ?? [];
    list.push(text);
    files.set(type, list);
  };
  let resources = 0;
  for (let n = 0; n < patients; n++) {
    setDay1('2026-03-02');
    const situation = kinds[n % kinds.length]!;
    const s = situation.build();
    const shift = now - Date.parse(s.now);
    const id = `p${n}`;
    for (const r of s.resources as AnyResource[]) {
      let text = JSON.stringify(r)
        .replace(ISO, (m, t: string) => (Number.isNaN(Date.parse(t)) ? m : `"${new Date(Date.parse(t) + shift).toISOString()}"`))
        .replace(/"Patient\/pat-1"/g, `"Patient/${id}"`)
        .replace(/"id":"([^"]+)"/, (_m, x: string) => `"id":"${r.resourceType === 'Patient' ? id : `${id}-${x}`}"`)
        .replace(/"reference":"MedicationRequest\/([^"]+)"/g, (_m, x: string) => `"reference":"MedicationRequest/${id}-${x}"`);
      if (shape.medicationResources && (r.resourceType === 'MedicationRequest' || r.resourceType === 'MedicationAdministration')) {
        const parsed = JSON.parse(text) as AnyResource;
        if (parsed.medicationCodeableConcept) {
          const medId = `${parsed.id as string}-med`;
          push('Medication', JSON.stringify({ resourceType: 'Medication', id: medId, code: parsed.medicationCodeableConcept }));
          delete parsed.medicationCodeableConcept;
          parsed.medicationReference = { reference: `Medication/${medId}` };
          text = JSON.stringify(parsed);
          resources++;
        }
      }
      push(r.resourceType, text);
      resources++;
    }
  }
  const written: string[] = [];
  const output: { type: string; url: string; count: number }[] = [];
  for (const [type, lines] of files) {
    const per = shape.perFile ?? lines.length;
    for (let k = 0; k * per < lines.length; k++) {
      const name = `${type}.${String(k).padStart(3, '0')}.ndjson${shape.gzip ? '.gz' : ''}`;
      const chunk = lines.slice(k * per, (k + 1) * per);
      const body = `${chunk.join('\n')}\n`;
      writeFileSync(join(out, name), shape.gzip ? gzipSync(body) : body);
      written.push(join(out, name));
      output.push({ type, url: shape.folder ? `${shape.folder}/${name}` : name, count: chunk.length });
    }
  }
  if (shape.manifest) {
    const manifest = {
      transactionTime: new Date(now).toISOString(),
      request: 'https://ehr.example/fhir/$export',
      requiresAccessToken: false,
      output,
      error: [],
    };
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
    written.push(join(dir, 'manifest.json'));
  }
  return { resources, files: written };
}

if (require.main === module) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: node dist/tools/synthetic-export.js DIR [PATIENTS] [--gzip] [--folder] [--manifest] [--medications]\n');
    process.exit(2);
  }
  const flags = new Set(process.argv.slice(4));
  const { resources } = syntheticExport(dir, Number(process.argv[3] ?? 100), Date.now(), {
    gzip: flags.has('--gzip'),
    folder: flags.has('--folder') ? 'output' : undefined,
    manifest: flags.has('--manifest'),
    medicationResources: flags.has('--medications'),
  });
  process.stdout.write(`${resources} resources of ${Number(process.argv[3] ?? 100)} patients in ${dir}\n`);
}
