/**
 * What a FHIR Bulk Data export is on disk, for `ttp-cds replay`: a folder (read recursively) of
 * `.ndjson` and `.ndjson.gz` files, one file, or the export's manifest (the status response of a
 * completed export, with its `output` array of local paths or `file:` URLs). Every file found is
 * either an input or a refusal that says why; nothing is skipped without a word.
 *
 * Lines are read as a stream (inflated as they come for `.gz`), each bounded in length, and each
 * file bounded in what it may inflate to: a line too long or a file past its bound is named by
 * file and line number, never by its content.
 */
import { createReadStream, existsSync, lstatSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';

export interface ExportFile {
  /** Where it is on disk. */
  path: string;
  /** How the summary names it: relative to the folder or manifest given. */
  name: string;
  gzip: boolean;
  /** The resource type its name or the manifest gives (`Observation.000.ndjson.gz`), if any. */
  type?: string;
  /** Bytes on disk. */
  bytes: number;
}

export interface Refusal {
  name: string;
  why: string;
}

/** A file name of an export: `Type.ndjson`, `Type.000.ndjson`, `Type.000.ndjson.gz`, or any other `.ndjson(.gz)`. */
const NDJSON = /\.ndjson(\.gz)?$/i;
const TYPED = /^([A-Z][A-Za-z]+)(?:[._-]\d+)*\.ndjson(?:\.gz)?$/;

function fileOf(path: string, name: string, type?: string): ExportFile {
  const gzip = /\.gz$/i.test(path);
  return { path, name, gzip, type: type ?? TYPED.exec(basename(path))?.[1], bytes: statSync(path).size };
}

/** Whether a JSON document is a Bulk Data export manifest (the completed status response). */
function isManifest(doc: unknown): doc is { output: unknown[]; error?: unknown[] } {
  return typeof doc === 'object' && doc !== null && Array.isArray((doc as { output?: unknown }).output);
}

/** The files of a manifest: its `output` entries, local paths (relative to the manifest) or `file:` URLs. */
function manifestFiles(path: string, doc: { output: unknown[]; error?: unknown[] }, shown: (p: string) => string) {
  const files: ExportFile[] = [];
  const refused: Refusal[] = [];
  const base = dirname(path);
  doc.output.forEach((o, i) => {
    const entry = o as { type?: unknown; url?: unknown };
    const label = `${shown(path)} output[${i}]`;
    if (typeof entry?.url !== 'string' || entry.url === '') return refused.push({ name: label, why: 'has no url' });
    let file: string;
    if (/^https?:/i.test(entry.url))
      return refused.push({ name: label, why: 'is a remote URL: replay reads local files (download the export first)' });
    try {
      file = entry.url.startsWith('file:') ? fileURLToPath(entry.url) : isAbsolute(entry.url) ? entry.url : resolve(base, entry.url);
    } catch {
      return refused.push({ name: label, why: 'is not a file URL or path' });
    }
    if (!existsSync(file)) return refused.push({ name: label, why: `names ${entry.url}, which does not exist` });
    files.push(fileOf(file, shown(file), typeof entry.type === 'string' ? entry.type : undefined));
    return undefined;
  });
  (doc.error ?? []).forEach((_e, i) =>
    refused.push({ name: `${shown(path)} error[${i}]`, why: 'is an error file of the export (OperationOutcome): not read' }),
  );
  return { files, refused };
}

/** The inputs of a replay: every NDJSON file under a folder, one file, or a manifest's outputs. */
export function exportInputs(input: string): { files: ExportFile[]; refused: Refusal[] } {
  const root = resolve(input);
  if (!existsSync(root)) throw new Error(`${input} does not exist`);
  const top = statSync(root).isDirectory() ? root : dirname(root);
  const shown = (p: string) => relative(top, p) || basename(p);
  const files: ExportFile[] = [];
  const refused: Refusal[] = [];
  const manifests: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const p = join(dir, entry);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) refused.push({ name: shown(p), why: 'is a symbolic link: not followed' });
      else if (st.isDirectory()) walk(p);
      else if (NDJSON.test(entry)) files.push(fileOf(p, shown(p)));
      else if (/\.json$/i.test(entry)) manifests.push(p);
      else refused.push({ name: shown(p), why: 'is not an NDJSON file (.ndjson or .ndjson.gz)' });
    }
  };
  const readManifest = (p: string, alone: boolean) => {
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(p, 'utf8'));
    } catch {
      return refused.push({ name: shown(p), why: 'is not JSON' });
    }
    if (!isManifest(doc))
      return refused.push({
        name: shown(p),
        why: alone ? 'is not a Bulk Data export manifest (no output array)' : 'is JSON but not an export manifest',
      });
    const m = manifestFiles(p, doc, shown);
    refused.push(...m.refused);
    // A manifest beside its files in the folder: each file is read once.
    for (const f of m.files) if (!files.some((x) => x.path === f.path)) files.push(f);
    return undefined;
  };
  const st = statSync(root);
  if (st.isDirectory()) {
    walk(root);
    for (const m of manifests) readManifest(m, false);
  } else if (NDJSON.test(root)) files.push(fileOf(root, shown(root)));
  else if (/\.json$/i.test(root)) readManifest(root, true);
  else refused.push({ name: shown(root), why: 'is not an NDJSON file (.ndjson or .ndjson.gz) nor a manifest (.json)' });
  return { files, refused };
}

export interface LineLimits {
  /** Longest line read, in bytes (decoded): a longer one is named and skipped. */
  maxLineBytes: number;
  /** What one gzip file may inflate to, as a multiple of its size on disk (a bomb stops there, named). */
  maxInflation: number;
}

export const LINE_LIMITS: LineLimits = { maxLineBytes: 16 * 1024 * 1024, maxInflation: 200 };

export type Line = { n: number; text: string } | { n: number; tooLong: number };

/**
 * The lines of one file, decoded, numbered from 1 (blank lines are counted, not given). `onBytes`
 * is told of the bytes read from disk, for a progress bar; `end.lines` is the count so far. Ends
 * early with `end.stopped` set when the file cannot be read further (a corrupt or truncated gzip,
 * past its inflation bound).
 */
export async function* lines(
  file: ExportFile,
  limits: LineLimits = LINE_LIMITS,
  onBytes: (n: number) => void = () => undefined,
  end: { stopped?: string; lines?: number } = {},
): AsyncGenerator<Line> {
  const raw = createReadStream(file.path);
  raw.on('data', (chunk) => onBytes(chunk.length));
  const decoded = file.gzip ? raw.pipe(createGunzip()) : raw;
  raw.on('error', (e) => decoded.destroy(e));
  const bound = file.gzip ? Math.max(64 * 1024 * 1024, file.bytes * limits.maxInflation) : Infinity;
  let n = 0;
  let total = 0;
  let parts: Buffer[] = [];
  let partBytes = 0;
  let skipping = 0;
  const finish = (buf: Buffer): Line | undefined => {
    end.lines = ++n;
    if (skipping || partBytes + buf.length > limits.maxLineBytes) {
      const long = (skipping || partBytes) + buf.length;
      skipping = 0;
      parts = [];
      partBytes = 0;
      return { n, tooLong: long };
    }
    let text = (parts.length ? Buffer.concat([...parts, buf]) : buf).toString('utf8');
    parts = [];
    partBytes = 0;
    if (text.endsWith('\r')) text = text.slice(0, -1);
    return text.trim() ? { n, text } : undefined;
  };
  try {
    for await (const chunk of decoded as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > bound) {
        end.stopped = `inflates past ${limits.maxInflation} times its size on disk (${Math.round(bound / 1048576)} MB): read up to line ${n}`;
        raw.destroy();
        return;
      }
      let from = 0;
      for (;;) {
        const nl = chunk.indexOf(10, from);
        if (nl < 0) break;
        const line = finish(chunk.subarray(from, nl));
        if (line) yield line;
        from = nl + 1;
      }
      const rest = chunk.subarray(from);
      if (skipping) skipping += rest.length;
      else if (partBytes + rest.length > limits.maxLineBytes) {
        skipping = partBytes + rest.length;
        parts = [];
        partBytes = 0;
      } else if (rest.length) {
        // A copy: the chunk's memory is reused by the stream.
        parts.push(Buffer.from(rest));
        partBytes += rest.length;
      }
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    end.stopped = `${/^Z_|ERR_ZLIB|ZLIB/.test(code) || file.gzip ? 'the gzip stream is truncated or corrupt' : 'cannot be read'} after line ${n}`;
    return;
  }
  // The last line, without a newline after it.
  if (partBytes || skipping) {
    const line = finish(Buffer.alloc(0));
    if (line) yield line;
  }
}
