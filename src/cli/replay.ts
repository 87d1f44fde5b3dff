/**
 * `ttp-cds replay EXPORT`: patient-view over a FHIR Bulk Data export, patient by patient, to tell a
 * committee before go-live how many patients would have seen which card, and how often. EXPORT is
 * a folder (read recursively), one NDJSON file, or the export's manifest (src/cli/export.ts).
 * Memory does not grow with the export:
 * 1. each file is streamed line by line (inflated as it comes for `.ndjson.gz`); every resource of
 *    a type a rule reads goes to one of P partition files on disk, chosen by its patient (its own
 *    `subject` or `patient`, never a contained resource's); Medication resources, which belong to
 *    no patient, go to an index that the requests and administrations referencing them are
 *    joined to, as if they were contained;
 * 2. each partition is read whole (one at a time), grouped by patient, and each patient's record
 *    goes through the engine, at one time (now, or `--as-of`) or day by day (`--every 24h --from --to`).
 * Every file and every line is accounted for: read, not needed (a type no rule reads), or skipped
 * and named by file and line number, never by its content.
 */
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { requestFromRecord } from '../cds/bundle';
import { type ServiceDeps, callService } from '../cds/service';
import type { AnyResource } from '../fhir/read';
import { obj, parseRef, periodStart } from '../fhir/read';
import { parseTime } from '../fhir/time';
import { csvLine } from '../csv';
import { LINE_LIMITS, type LineLimits, type Refusal, exportInputs, lines } from './export';

/** One patient's answer over the evaluation times: per rule, how many times it was shown and how many silent. */
export interface PatientResult {
  patient: string;
  resources: number;
  rules: { rule: string; version: string; indicator: string; shown: number; silent: number }[];
  error?: string;
}

export interface FileReport {
  name: string;
  type?: string;
  /** Lines in the file (blank ones included). */
  lines: number;
  /** Resources given to a patient's record. */
  resources: number;
  /** Medication resources indexed for the join. */
  medications: number;
  /** Lines of a resource type no rule reads. */
  notNeeded: number;
  /** Lines that could not be used, by why, with the first line numbers of each. */
  skipped: Record<string, { count: number; lines: number[] }>;
  /** Why the file was not read to its end, when it was not. */
  stopped?: string;
}

type Counts = Record<string, number>;

export interface ReplaySummary {
  engine: string;
  contentVersion: string;
  /** Rule id -> version of the content that ran. */
  ruleVersions: Record<string, string>;
  /** When the patients were evaluated: one instant, or each day of a period. */
  evaluatedAt: { at: string } | { from: string; to: string; everyHours: number; times: number };
  files: FileReport[];
  refused: Refusal[];
  patients: number;
  /** Patients whose resources are in the export but whose Patient resource is not (not evaluated). */
  patientsWithoutPatientResource: number;
  resources: number;
  /** rule -> indicator -> patients who were shown the card (the most urgent indicator they got). */
  byRule: Record<string, Counts>;
  /** The same for rules this site runs silent: computed, never shown. */
  silentByRule: Record<string, Counts>;
  /** rule -> evaluations (patient-days with --every) in which it was shown, and silent. */
  patientDays: Record<string, { shown: number; silent: number }>;
  errors: number;
  partitions: number;
  /** Reading and partitioning, then all of it. */
  readMs: number;
  ms: number;
}

const PARTITION_BYTES = 8 * 1024 * 1024;
/** Partition files open at once while reading (each a file handle). */
const MAX_PARTITIONS = 256;
/** How many line numbers each kind of skipped line keeps (the counts are whole). */
const KEEP_LINES = 10;
const RANK: Record<string, number> = { info: 1, warning: 2, critical: 3 };

/** The patient a resource belongs to: a Patient by its id; the others by their own subject or patient (never a contained resource's). */
export function patientOf(r: AnyResource): string | undefined {
  if (r.resourceType === 'Patient') return typeof r.id === 'string' && r.id !== '' ? r.id : undefined;
  for (const field of ['subject', 'patient'] as const) {
    const ref = parseRef(obj(r[field])?.reference);
    if (ref?.type === 'Patient') return ref.id;
  }
  return undefined;
}

/** The earliest clinical time a resource states, for `--as-of` (a resource without one is always known). */
export function clinicalTime(r: AnyResource): number | undefined {
  const times = [
    parseTime(r.effectiveDateTime),
    parseTime(r.effectiveInstant),
    periodStart(r.effectivePeriod),
    parseTime(r.performedDateTime),
    periodStart(r.performedPeriod),
    parseTime(r.occurrenceDateTime),
    periodStart(r.occurrencePeriod),
    parseTime(r.authoredOn),
    parseTime(r.onsetDateTime),
    periodStart(r.onsetPeriod),
    parseTime(r.recordedDate),
    parseTime(r.dateAsserted),
    parseTime(r.issued),
  ].filter((t): t is number => t !== undefined);
  return times.length ? Math.min(...times) : undefined;
}

const size = (bytes: number) => (bytes >= 1048576 ? `${Math.round(bytes / 1048576)} MB` : `${Math.round(bytes / 1000)} KB`);

/** The partition of a patient: FNV-1a of the id (a spread, not a secret; a cryptographic hash cost a tenth of phase 1). */
export function bucket(patient: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < patient.length; i++) h = Math.imul(h ^ patient.charCodeAt(i), 0x01000193);
  return (h >>> 0) % partitions;
}

/** Lines to a file, written in blocks of about 64 KB (a write per line cost a fifth of phase 1). */
class BlockWriter {
  private pending: string[] = [];
  private size = 0;
  constructor(private readonly out: WriteStream) {}
  async write(text: string): Promise<void> {
    this.pending.push(text);
    this.size += text.length;
    if (this.size >= 65_536) await this.flush();
  }
  async flush(): Promise<void> {
    if (!this.pending.length) return;
    const block = this.pending.join('');
    this.pending = [];
    this.size = 0;
    if (!this.out.write(block)) await new Promise<void>((res) => this.out.once('drain', () => res()));
  }
  async end(): Promise<void> {
    await this.flush();
    await new Promise((res) => this.out.end(res));
  }
}

/** Phase 1: every line of every file accounted for; the resources the rules read into their patient's partition. */
export async function partition(
  input: string,
  work: string,
  readTypes: ReadonlySet<string>,
  opts: { partitionBytes?: number; limits?: LineLimits; onBytes?: (done: number, total: number) => void } = {},
): Promise<{ parts: string[]; medications: string; files: FileReport[]; refused: Refusal[]; resources: number; patients: number }> {
  const { files: inputs, refused } = exportInputs(input);
  const totalBytes = inputs.reduce((n, f) => n + f.bytes, 0);
  // Partitions by the bytes the export will inflate to (gzip: a guess of 10 times); a partition that
  // turns out much larger is split again before it is evaluated (resplit), so the guess only sizes them.
  const target = opts.partitionBytes ?? PARTITION_BYTES;
  const guess = inputs.reduce((n, f) => n + (f.gzip ? 10 : 1) * f.bytes, 0);
  const count = Math.min(MAX_PARTITIONS, Math.max(1, Math.ceil(guess / target)));
  const parts = Array.from({ length: count }, (_, i) => join(work, `part-${i}.ndjson`));
  const outs = parts.map((f) => new BlockWriter(createWriteStream(f)));
  const medications = join(work, 'medications.ndjson');
  const meds = new BlockWriter(createWriteStream(medications));
  const patients = new Set<string>();
  let resources = 0;
  let bytesRead = 0;
  const reports: FileReport[] = [];
  for (const file of inputs) {
    const report: FileReport = { name: file.name, type: file.type, lines: 0, resources: 0, medications: 0, notNeeded: 0, skipped: {} };
    reports.push(report);
    const skip = (why: string, n: number) => {
      const s = (report.skipped[why] ??= { count: 0, lines: [] });
      s.count++;
      if (s.lines.length < KEEP_LINES) s.lines.push(n);
    };
    // A file of a type no rule reads is counted, not parsed.
    const unread = file.type !== undefined && !readTypes.has(file.type) && file.type !== 'Medication';
    const end: { stopped?: string; lines?: number } = {};
    for await (const line of lines(file, opts.limits ?? LINE_LIMITS, (n) => opts.onBytes?.((bytesRead += n), totalBytes), end)) {
      if ('tooLong' in line) {
        skip(`longer than ${size((opts.limits ?? LINE_LIMITS).maxLineBytes)}`, line.n);
        continue;
      }
      if (unread) {
        report.notNeeded++;
        continue;
      }
      let r: AnyResource;
      try {
        r = JSON.parse(line.text) as AnyResource;
      } catch {
        skip('not JSON (cut or corrupt)', line.n);
        continue;
      }
      if (!obj(r) || typeof r.resourceType !== 'string') {
        skip('not a FHIR resource (no resourceType)', line.n);
        continue;
      }
      if (r.resourceType === 'Medication') {
        if (typeof r.id !== 'string' || r.id === '') skip('a Medication without an id', line.n);
        else {
          report.medications++;
          await meds.write(`${JSON.stringify(r.id)}\t${line.text}\n`);
        }
        continue;
      }
      if (!readTypes.has(r.resourceType)) {
        report.notNeeded++;
        continue;
      }
      const p = patientOf(r);
      if (p === undefined) {
        skip(r.resourceType === 'Patient' ? 'a Patient without an id' : 'no subject or patient that is a Patient reference', line.n);
        continue;
      }
      if (r.resourceType === 'Patient') patients.add(p);
      resources++;
      report.resources++;
      // The patient as JSON: an id with a tab or a newline cannot break the partition's lines.
      await outs[bucket(p, count)]!.write(`${JSON.stringify(p)}\t${line.text}\n`);
    }
    report.lines = end.lines ?? 0;
    report.stopped = end.stopped;
  }
  await Promise.all([...outs, meds].map((o) => o.end()));
  const sized: string[] = [];
  for (const part of parts) sized.push(...(await resplit(part, target)));
  return { parts: sized, medications, files: reports, refused, resources, patients: patients.size };
}

/** A partition more than twice its target size, split by patient into parts of about the target (each patient whole in one). */
async function resplit(file: string, target: number): Promise<string[]> {
  const bytes = statSync(file).size;
  if (bytes <= 2 * target) return [file];
  const k = Math.ceil(bytes / target);
  const names = Array.from({ length: k }, (_, i) => `${file}.${i}`);
  const outs = names.map((f) => new BlockWriter(createWriteStream(f)));
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (!line) continue;
    // A second hash (the id salted), so that the patients of one partition spread over its parts.
    await outs[bucket(`${line.slice(0, line.indexOf('\t'))}#`, k)]!.write(`${line}\n`);
  }
  await Promise.all(outs.map((o) => o.end()));
  rmSync(file);
  return names;
}

/** The Medication index of an export (id -> its line), loaded once per replay. */
const medicationIndexes = new Map<string, Map<string, string>>();
function medicationIndex(file: string): Map<string, string> {
  let index = medicationIndexes.get(file);
  if (!index) {
    index = new Map();
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const tab = line.indexOf('\t');
      if (tab > 0) index.set(JSON.parse(line.slice(0, tab)) as string, line.slice(tab + 1));
    }
    medicationIndexes.set(file, index);
  }
  return index;
}

/** The Medications a patient's resources reference (not contained, not already in the record). */
function joinMedications(resources: AnyResource[], index: Map<string, string>): AnyResource[] {
  const have = new Set(resources.filter((r) => r.resourceType === 'Medication').map((r) => r.id));
  const out: AnyResource[] = [];
  for (const r of resources) {
    const ref = parseRef(obj(r.medicationReference)?.reference);
    if (ref?.type !== 'Medication' || ref.contained || have.has(ref.id)) continue;
    const line = index.get(ref.id);
    if (!line) continue;
    have.add(ref.id);
    out.push(JSON.parse(line) as AnyResource);
  }
  return out;
}

export interface EvaluateOptions {
  /** The times to evaluate each patient at (epoch ms); undefined: now, with the whole record. */
  times?: number[];
  /** Only these rules are counted (all when undefined). */
  rules?: string[];
  /** The Medication index file of phase 1. */
  medications?: string;
}

/** Phase 2 for one partition: each patient's record through patient-view, at each time. */
export async function evaluatePartition(file: string, deps: ServiceDeps, opts: EvaluateOptions = {}): Promise<PatientResult[]> {
  const byPatient = new Map<string, AnyResource[]>();
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (!line) continue;
    const tab = line.indexOf('\t');
    const p = JSON.parse(line.slice(0, tab)) as string;
    let list = byPatient.get(p);
    if (!list) byPatient.set(p, (list = []));
    list.push(JSON.parse(line.slice(tab + 1)) as AnyResource);
  }
  const entry = deps.registry.get('ttp-patient-view')!;
  const index = opts.medications ? medicationIndex(opts.medications) : new Map<string, string>();
  const keep = opts.rules ? new Set(opts.rules) : undefined;
  const version = (rule: string) => deps.content.rules[rule]?.version ?? 'unknown';
  const out: PatientResult[] = [];
  for (const [patient, own] of byPatient) {
    if (!own.some((r) => r.resourceType === 'Patient')) {
      out.push({ patient, resources: own.length, rules: [], error: 'no Patient resource in the export' });
      continue;
    }
    const resources = [...own, ...joinMedications(own, index)];
    const acc = new Map<string, PatientResult['rules'][number]>();
    const count = (rule: string, indicator: string, as: 'shown' | 'silent') => {
      if (keep && !keep.has(rule)) return;
      let a = acc.get(rule);
      if (!a) acc.set(rule, (a = { rule, version: version(rule), indicator, shown: 0, silent: 0 }));
      a[as]++;
      if ((RANK[indicator] ?? 0) > (RANK[a.indicator] ?? 0)) a.indicator = indicator;
    };
    try {
      const times = opts.times ?? [undefined];
      const dated = opts.times ? resources.map((r) => ({ r, t: clinicalTime(r) })) : [];
      for (const t of times) {
        // At a time of the past, the record as it stood then: what is dated later was not yet there.
        const record = t === undefined ? resources : dated.filter((x) => x.t === undefined || x.t <= t).map((x) => x.r);
        const body = requestFromRecord(record, entry, deps.content, { hookInstance: `replay-${out.length}` });
        const { response, meta } = await callService('ttp-patient-view', body, t === undefined ? deps : { ...deps, clock: () => t });
        for (const c of response.cards) count(c.source.topic.code, c.indicator, 'shown');
        for (const c of meta.silentCards ?? []) count(c.source.topic.code, c.indicator, 'silent');
      }
      out.push({ patient, resources: resources.length, rules: [...acc.values()] });
    } catch (e) {
      out.push({ patient, resources: resources.length, rules: [], error: (e as Error).message.slice(0, 200) });
    }
  }
  return out;
}

/** Adds patients' results to running counts (nothing per patient is kept). */
export function tally(into: ReplaySummary, results: PatientResult[]): void {
  for (const r of results) {
    if (r.error === 'no Patient resource in the export') {
      into.patientsWithoutPatientResource++;
      continue;
    }
    into.patients++;
    if (r.error) into.errors++;
    for (const x of r.rules) {
      if (x.shown) {
        const by = (into.byRule[x.rule] ??= {});
        by[x.indicator] = (by[x.indicator] ?? 0) + 1;
      } else {
        const by = (into.silentByRule[x.rule] ??= {});
        by[x.indicator] = (by[x.indicator] ?? 0) + 1;
      }
      const d = (into.patientDays[x.rule] ??= { shown: 0, silent: 0 });
      d.shown += x.shown;
      d.silent += x.silent;
    }
  }
}

export const CSV_HEADER = 'patient,resources,rule,rule_version,indicator,shown,silent,error';

/** One row per patient and rule (a patient without a card: one row with no rule). */
export function csvRows(r: PatientResult): string[] {
  if (r.rules.length === 0) return [csvLine([r.patient, r.resources, '', '', '', 0, 0, r.error ?? ''])];
  return r.rules.map((x) => csvLine([r.patient, r.resources, x.rule, x.version, x.indicator, x.shown, x.silent, r.error ?? '']));
}

export interface ReplayOptions extends EvaluateOptions {
  makeDeps: () => ServiceDeps;
  /** NDJSON bytes per partition (what one worker holds in memory at a time): 8 MB. */
  partitionBytes?: number;
  limits?: LineLimits;
  /** Reading: bytes read of all; evaluating: patients done of all. */
  onProgress?: (phase: 'reading' | 'evaluating', done: number, total: number) => void;
  onPatients?: (rows: PatientResult[]) => void;
  /** For the summary: how the times were chosen. */
  period?: { from: number; to: number; everyHours: number };
}

/**
 * The whole replay, in one thread: worker threads were tried (engine 0.2-0.3) and removed, since on
 * two cores two workers took as long (5.4 s against 5.3 s for 10,000 patients) for 30% more CPU
 * and 75% more memory.
 */
export async function replay(input: string, opts: ReplayOptions): Promise<ReplaySummary> {
  const started = Date.now();
  const deps = opts.makeDeps();
  const readTypes = new Set(Object.values(deps.content.data).flatMap((d) => d.resourceTypes));
  const work = mkdtempSync(join(tmpdir(), 'ttp-replay-'));
  try {
    const p1 = await partition(input, work, readTypes, {
      partitionBytes: opts.partitionBytes,
      limits: opts.limits,
      onBytes: (done, total) => opts.onProgress?.('reading', done, total),
    });
    const evaluatedAt: ReplaySummary['evaluatedAt'] = opts.period
      ? {
          from: new Date(opts.period.from).toISOString(),
          to: new Date(opts.period.to).toISOString(),
          everyHours: opts.period.everyHours,
          times: opts.times?.length ?? 0,
        }
      : { at: new Date(opts.times?.[0] ?? deps.clock()).toISOString() };
    const summary: ReplaySummary = {
      engine: deps.version,
      contentVersion: deps.content.version,
      ruleVersions: Object.fromEntries(Object.values(deps.content.rules).map((r) => [r.id, r.version])),
      evaluatedAt,
      files: p1.files,
      refused: p1.refused,
      patients: 0,
      patientsWithoutPatientResource: 0,
      resources: p1.resources,
      byRule: {},
      silentByRule: {},
      patientDays: {},
      errors: 0,
      partitions: p1.parts.length,
      readMs: Date.now() - started,
      ms: 0,
    };
    const evaluation: EvaluateOptions = { times: opts.times, rules: opts.rules, medications: p1.medications };
    const take = (rows: PatientResult[]) => {
      tally(summary, rows);
      opts.onPatients?.(rows);
      opts.onProgress?.('evaluating', summary.patients, p1.patients);
    };
    for (const f of p1.parts) take(await evaluatePartition(f, deps, evaluation));
    summary.ms = Date.now() - started;
    return summary;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Whether anything was left unread: a refused file, a skipped line, a file not read to its end, a patient without a Patient. */
export function skippedAnything(s: ReplaySummary): boolean {
  return (
    s.refused.length > 0 ||
    s.patientsWithoutPatientResource > 0 ||
    s.files.some((f) => f.stopped !== undefined || Object.keys(f.skipped).length > 0)
  );
}
