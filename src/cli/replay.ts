/**
 * `ttp-cds replay DIR`: patient-view over a FHIR Bulk Data export (NDJSON files, one resource type
 * per file, many patients), patient by patient, to tell a committee before go-live how many
 * patients would have seen which card. Memory does not grow with the export:
 * 1. each file is streamed line by line and every line is appended to one of P partition files on
 *    disk, chosen by its patient (P grows with the export: about 16 MB of NDJSON per partition);
 * 2. each partition is read whole (one partition at a time per worker), grouped by patient, and
 *    each patient's record goes through the engine; worker threads take partitions in parallel.
 * The result: per rule and indicator, how many patients got the card; optionally one CSV row per
 * patient (`--out`).
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readdirSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import { requestFromRecord } from '../cds/bundle';
import { type ServiceDeps, callService } from '../cds/service';
import type { AnyResource } from '../fhir/read';
import { parseRef } from '../fhir/read';
import { csvLine } from '../csv';

export interface PatientResult {
  patient: string;
  resources: number;
  /** `rule:indicator` of each card; or an error. */
  cards: string[];
  error?: string;
}

export interface ReplaySummary {
  patients: number;
  resources: number;
  /** rule -> indicator -> patients */
  byRule: Record<string, Record<string, number>>;
  errors: number;
  ms: number;
}

const PARTITION_BYTES = 8 * 1024 * 1024;
/** `"subject": {"reference": "Patient/x"` (or `"patient"`) in a line's text: no parse needed. */
const QUICK_REF = /"(?:subject|patient)"\s*:\s*\{\s*"reference"\s*:\s*"Patient\/([A-Za-z0-9\-.]{1,64})"/;

/** The patient a resource belongs to (Patient by id; the others by subject or patient). */
export function patientOf(r: AnyResource): string | undefined {
  if (r.resourceType === 'Patient') return typeof r.id === 'string' ? r.id : undefined;
  for (const field of ['subject', 'patient'] as const) {
    const ref = parseRef((r[field] as { reference?: unknown } | undefined)?.reference);
    if (ref?.type === 'Patient') return ref.id;
  }
  return undefined;
}

function bucket(patient: string, partitions: number): number {
  return createHash('sha1').update(patient).digest().readUInt32BE(0) % partitions;
}

/** Phase 1: every line of every NDJSON file into its patient's partition. */
export async function partition(
  dir: string,
  work: string,
  partitionBytes = PARTITION_BYTES,
): Promise<{ files: string[]; resources: number; patients: number; unassigned: number }> {
  const inputs = readdirSync(dir)
    .filter((f) => f.endsWith('.ndjson'))
    .map((f) => join(dir, f));
  const bytes = inputs.reduce((n, f) => n + statSync(f).size, 0);
  const count = Math.max(1, Math.ceil(bytes / partitionBytes));
  const files = Array.from({ length: count }, (_, i) => join(work, `part-${i}.ndjson`));
  const outs: WriteStream[] = files.map((f) => createWriteStream(f));
  let resources = 0;
  let unassigned = 0;
  const patients = new Set<string>();
  for (const file of inputs) {
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line.trim()) continue;
      // The patient from the line's text when it says it plainly (most lines); else from the parsed resource.
      let p: string | undefined;
      let isPatient = false;
      const quick = QUICK_REF.exec(line);
      if (quick && !line.startsWith('{"resourceType":"Patient"')) p = quick[1];
      else {
        let r: AnyResource;
        try {
          r = JSON.parse(line) as AnyResource;
        } catch {
          unassigned++;
          continue;
        }
        p = patientOf(r);
        isPatient = r.resourceType === 'Patient';
      }
      if (!p) {
        unassigned++;
        continue;
      }
      if (isPatient) patients.add(p);
      resources++;
      const out = outs[bucket(p, count)]!;
      if (!out.write(`${p}\t${line}\n`)) await new Promise<void>((res) => out.once('drain', () => res()));
    }
  }
  await Promise.all(outs.map((o) => new Promise((res) => o.end(res))));
  return { files, resources, patients: patients.size, unassigned };
}

/** Phase 2 for one partition: each patient's record through patient-view. */
export async function evaluatePartition(file: string, deps: ServiceDeps): Promise<PatientResult[]> {
  const byPatient = new Map<string, AnyResource[]>();
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (!line) continue;
    const tab = line.indexOf('\t');
    const p = line.slice(0, tab);
    let list = byPatient.get(p);
    if (!list) byPatient.set(p, (list = []));
    list.push(JSON.parse(line.slice(tab + 1)) as AnyResource);
  }
  const entry = deps.registry.get('ttp-patient-view')!;
  const out: PatientResult[] = [];
  for (const [patient, resources] of byPatient) {
    if (!resources.some((r) => r.resourceType === 'Patient')) continue; // resources of a patient not in the export
    try {
      const body = requestFromRecord(resources, entry, deps.content, { hookInstance: `replay-${out.length}` });
      const { response } = await callService('ttp-patient-view', body, deps);
      out.push({ patient, resources: resources.length, cards: response.cards.map((c) => `${c.source.topic.code}:${c.indicator}`) });
    } catch (e) {
      out.push({ patient, resources: resources.length, cards: [], error: (e as Error).message.slice(0, 200) });
    }
  }
  return out;
}

/** Adds patients' results to running counts (nothing per patient is kept). */
export function tally(into: ReplaySummary, results: PatientResult[]): void {
  for (const r of results) {
    into.patients++;
    if (r.error) into.errors++;
    for (const c of new Set(r.cards)) {
      const [rule, indicator] = c.split(':') as [string, string];
      into.byRule[rule] ??= {};
      into.byRule[rule][indicator] = (into.byRule[rule][indicator] ?? 0) + 1;
    }
  }
}

export function csvRow(r: PatientResult): string {
  return csvLine([r.patient, r.resources, r.cards.join(' '), r.error ?? '']);
}

/**
 * The whole replay. `workers` > 1 evaluates partitions in worker threads (each loads the content
 * and the engine once); `onProgress` is told after each partition.
 */
export async function replay(
  dir: string,
  opts: {
    workers: number;
    makeDeps: () => ServiceDeps;
    workerScript?: string;
    /** NDJSON bytes per partition (what one worker holds in memory at a time): 8 MB. */
    partitionBytes?: number;
    onProgress?: (done: number, total: number) => void;
    onPatients?: (rows: PatientResult[]) => void;
  },
): Promise<ReplaySummary & { unassigned: number; partitions: number }> {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'ttp-replay-'));
  try {
    const parts = await partition(dir, work, opts.partitionBytes);
    const summary: ReplaySummary = { patients: 0, resources: parts.resources, byRule: {}, errors: 0, ms: 0 };
    const take = (rows: PatientResult[]) => {
      tally(summary, rows);
      opts.onPatients?.(rows);
      opts.onProgress?.(summary.patients, parts.patients);
    };
    if (opts.workers <= 1 || !opts.workerScript || parts.files.length === 1) {
      const deps = opts.makeDeps();
      for (const f of parts.files) take(await evaluatePartition(f, deps));
    } else {
      const queue = [...parts.files];
      const runWorker = async () => {
        const w = new Worker(opts.workerScript!);
        try {
          for (;;) {
            const file = queue.shift();
            if (!file) break;
            const rows = await new Promise<PatientResult[]>((resolve, reject) => {
              w.once('message', resolve);
              w.once('error', reject);
              w.postMessage(file);
            });
            take(rows);
          }
        } finally {
          await w.terminate();
        }
      };
      await Promise.all(Array.from({ length: Math.min(opts.workers, parts.files.length) }, runWorker));
    }
    return { ...summary, ms: Date.now() - started, unassigned: parts.unassigned, partitions: parts.files.length };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
