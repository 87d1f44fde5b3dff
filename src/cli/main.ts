#!/usr/bin/env node
/**
 * The command line (`npx ttp-cds ...` after `npm run build`):
 *   ttp-cds evaluate request.json                      a CDS Hooks request
 *   ttp-cds evaluate --hook patient-view bundle.json   a FHIR Bundle of one patient's record
 *   ttp-cds evaluate --example non-responder-d5        one of the catalogue's example patients
 *   ttp-cds replay EXPORT [--out results.csv] [--rules A,B] [--as-of DATE | --every 24h --from DATE --to DATE] [--strict]
 * `--json` prints the CDS Hooks response (evaluate) or the summary (replay) as JSON. The site's
 * SITE_CONFIG_FILE is read as the service reads it; nothing is recorded and nothing is fetched.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { SITUATIONS, situationRequest } from '../examples/situations';
import { cliDeps } from './deps';
import { type Hook, SERVICE_OF, cardsText, evaluateFile } from './evaluate';
import { CSV_HEADER, type ReplaySummary, csvRows, replay, skippedAnything } from './replay';
import { callService } from '../cds/service';
import { tooDeepAt, tooDeepMessage } from '../json-depth';

const USAGE = `Usage:
  ttp-cds evaluate [--hook patient-view|order-select|order-sign] [--json] FILE   a CDS Hooks request, or a FHIR Bundle of one patient
  ttp-cds evaluate --example ID [--json]                                         an example patient (${SITUATIONS.map((s) => s.id).join(', ')})
  ttp-cds replay [--out FILE.csv] [--json] [--strict] [--rules A,B]
                 [--as-of DATE | --every 24h --from DATE --to DATE] EXPORT        patient-view over a FHIR Bulk Data export: a folder,
                                                                                 an .ndjson(.gz) file or the export manifest
`;

function args(argv: string[]): { flags: Record<string, string | true>; rest: string[] } {
  const flags: Record<string, string | true> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) rest.push(a);
    else if (['--json', '--help', '--strict'].includes(a)) flags[a.slice(2)] = true;
    else flags[a.slice(2)] = argv[++i] ?? '';
  }
  return { flags, rest };
}

function fail(message: string): never {
  process.stderr.write(`ttp-cds: ${message}\n${USAGE}`);
  process.exit(2);
}

async function evaluate(flags: Record<string, string | true>, rest: string[]): Promise<void> {
  const deps = cliDeps();
  let cards;
  if (typeof flags.example === 'string') {
    const s = SITUATIONS.find((x) => x.id === flags.example) ?? fail(`no example ${String(flags.example)}`);
    const { body, now } = situationRequest(s);
    cards = (await callService(SERVICE_OF[s.hook], body, { ...deps, clock: () => now })).response.cards;
  } else {
    const file = rest[0] ?? fail('evaluate needs a file');
    const hook = flags.hook as Hook | undefined;
    if (hook !== undefined && !(hook in SERVICE_OF)) fail(`--hook must be one of ${Object.keys(SERVICE_OF).join(', ')}`);
    let input: unknown;
    try {
      const text = readFileSync(file, 'utf8');
      const deep = tooDeepAt(text);
      if (deep !== undefined) throw new Error(tooDeepMessage(deep));
      input = JSON.parse(text);
    } catch (e) {
      fail(`${file}: ${(e as Error).message}`);
    }
    try {
      cards = (await evaluateFile(input, hook, deps)).cards;
    } catch (e) {
      const issues = (e as { issues?: { diagnostics: string }[] }).issues;
      fail(`${file}: ${issues ? issues.map((i) => i.diagnostics).join('; ') : (e as Error).message}`);
    }
  }
  process.stdout.write(flags.json ? `${JSON.stringify({ cards }, null, 2)}\n` : cardsText(cards, process.stdout.isTTY === true));
}

/** A time for --as-of, --from, --to: an instant, or a date (the end of that day, UTC: its data included). */
function timeFlag(name: string, v: string | true | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (
    typeof v !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(v) ||
    Number.isNaN(Date.parse(v))
  )
    fail(`--${name} must be a date (YYYY-MM-DD) or an instant (YYYY-MM-DDThh:mm:ssZ)`);
  return v.length === 10 ? Date.parse(`${v}T23:59:59.999Z`) : Date.parse(v);
}

/** The evaluation times of a replay: now, --as-of, or --every over --from..--to. */
function replayTimes(flags: Record<string, string | true>): {
  times?: number[];
  period?: { from: number; to: number; everyHours: number };
} {
  const asOf = timeFlag('as-of', flags['as-of']);
  const from = timeFlag('from', flags.from);
  const to = timeFlag('to', flags.to);
  if (flags.every === undefined) {
    if (from !== undefined || to !== undefined) fail('--from and --to go with --every (for example --every 24h)');
    return asOf === undefined ? {} : { times: [asOf] };
  }
  if (asOf !== undefined) fail('--as-of and --every exclude each other');
  const m = typeof flags.every === 'string' ? /^(\d{1,4})(h|d)$/.exec(flags.every) : null;
  if (!m || Number(m[1]) === 0) fail('--every must be hours or days, for example 24h or 1d');
  const everyHours = Number(m[1]) * (m[2] === 'd' ? 24 : 1);
  if (from === undefined || to === undefined) fail('--every needs --from and --to');
  if (to < from) fail('--to is before --from');
  const times: number[] = [];
  for (let t = from; t <= to; t += everyHours * 3_600_000) times.push(t);
  if (times.length > 3660) fail(`--every ${flags.every} from --from to --to is ${times.length} evaluations per patient; at most 3,660`);
  return { times, period: { from, to, everyHours } };
}

async function runReplay(flags: Record<string, string | true>, rest: string[]): Promise<void> {
  const input = rest[0] ?? fail('replay needs an export: a folder, an NDJSON file or the export manifest');
  if (flags.workers !== undefined)
    process.stderr.write('ttp-cds: --workers is gone (one thread was as fast on two cores, for less CPU and memory): ignored\n');
  const deps = cliDeps();
  let rules: string[] | undefined;
  if (flags.rules !== undefined) {
    rules =
      typeof flags.rules === 'string'
        ? flags.rules
            .split(',')
            .map((r) => r.trim())
            .filter(Boolean)
        : [];
    const unknown = rules.filter((r) => !deps.content.rules[r]);
    if (rules.length === 0 || unknown.length) fail(`--rules: ${unknown.join(', ') || '(none)'} is not a rule of this content`);
  }
  const { times, period } = replayTimes(flags);
  const out = typeof flags.out === 'string' ? createWriteStream(flags.out) : undefined;
  out?.write(`${CSV_HEADER}\n`);
  const tty = process.stderr.isTTY === true;
  let summary;
  try {
    summary = await replay(input, {
      makeDeps: () => deps,
      rules,
      times,
      period,
      onPatients: (rows) => {
        for (const r of rows) for (const line of csvRows(r)) out?.write(`${line}\n`);
      },
      onProgress: progressBar(tty),
    });
  } catch (e) {
    fail(`${input}: ${(e as Error).message}`);
  }
  if (tty) process.stderr.write('\n');
  await new Promise<void>((res) => (out ? out.end(() => res()) : res()));
  process.stdout.write(flags.json ? `${JSON.stringify(summary, null, 2)}\n` : replayText(summary));
  if (summary.resources === 0) {
    process.stderr.write(`ttp-cds: nothing was read from ${input}: no resource of a type the rules read\n`);
    process.exitCode = 1;
  } else if (flags.strict && skippedAnything(summary)) {
    process.stderr.write('ttp-cds: --strict: files or lines were skipped (see the summary)\n');
    process.exitCode = 3;
  }
}

/** The progress on stderr: bytes while reading, patients while evaluating (a terminal only). */
function progressBar(tty: boolean) {
  let last = 0;
  return (phase: 'reading' | 'evaluating', done: number, total: number) => {
    if (!tty) return;
    const now = Date.now();
    if (now - last < 100 && done < total) return;
    last = now;
    const width = 30;
    const filled = total ? Math.min(width, Math.round((width * done) / total)) : width;
    const what =
      phase === 'reading'
        ? `read ${(done / 1048576).toFixed(1)} of ${(total / 1048576).toFixed(1)} MB`
        : `${done}/${total} patients evaluated`;
    process.stderr.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${what}   `);
  };
}

function replayText(s: ReplaySummary): string {
  const when =
    'at' in s.evaluatedAt
      ? `at ${s.evaluatedAt.at}`
      : `every ${s.evaluatedAt.everyHours} h from ${s.evaluatedAt.from} to ${s.evaluatedAt.to} (${s.evaluatedAt.times} times)`;
  const lines = [
    `${s.patients} patients, ${s.resources} resources, evaluated ${when} in ${(s.ms / 1000).toFixed(1)} s (reading ${(s.readMs / 1000).toFixed(1)} s); engine ${s.engine}, content ${s.contentVersion}`,
  ];
  if (s.patientsWithoutPatientResource)
    lines.push(`${s.patientsWithoutPatientResource} patients have resources but no Patient resource in the export: not evaluated`);
  if (s.errors) lines.push(`${s.errors} patients could not be evaluated (see --out)`);
  const width = Math.max(24, ...s.files.map((f) => f.name.length));
  lines.push('', `${'file'.padEnd(width)}     lines      read  not needed   skipped`);
  for (const f of s.files) {
    const skipped = Object.values(f.skipped).reduce((n, x) => n + x.count, 0);
    lines.push(
      `${f.name.padEnd(width)} ${String(f.lines).padStart(9)} ${String(f.resources + f.medications).padStart(9)} ${String(f.notNeeded).padStart(11)} ${String(skipped).padStart(9)}`,
    );
    for (const [why, x] of Object.entries(f.skipped))
      lines.push(`  ${x.count} ${why}: line${x.count > 1 ? 's' : ''} ${x.lines.join(', ')}${x.count > x.lines.length ? ', ...' : ''}`);
    if (f.stopped) lines.push(`  not read to its end: ${f.stopped}`);
  }
  for (const r of s.refused) lines.push(`refused: ${r.name} ${r.why}`);
  if (s.files.length === 0) lines.push('(no NDJSON file)');
  const days = 'from' in s.evaluatedAt;
  lines.push('', `rule                      critical   warning      info   patients    silent${days ? '   days shown  days silent' : ''}`);
  const ids = [...new Set([...Object.keys(s.byRule), ...Object.keys(s.silentByRule)])].sort();
  for (const rule of ids) {
    const by = s.byRule[rule] ?? {};
    const n = (k: string) => String(by[k] ?? 0).padStart(9);
    const total = Object.values(by).reduce((a, b) => a + b, 0);
    const silent = Object.values(s.silentByRule[rule] ?? {}).reduce((a, b) => a + b, 0);
    const d = s.patientDays[rule];
    lines.push(
      `${rule.padEnd(24)} ${n('critical')} ${n('warning')} ${n('info')} ${String(total).padStart(10)} ${String(silent).padStart(9)}${days ? `${String(d?.shown ?? 0).padStart(13)}${String(d?.silent ?? 0).padStart(13)}` : ''}`,
    );
  }
  if (ids.length === 0) lines.push('(no card for any patient)');
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const [command, ...argv] = process.argv.slice(2);
  const { flags, rest } = args(argv);
  if (!command || command === '--help' || flags.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (command === 'evaluate') return evaluate(flags, rest);
  if (command === 'replay') return runReplay(flags, rest);
  fail(`unknown command ${command}`);
}

void main();
