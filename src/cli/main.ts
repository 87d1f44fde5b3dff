#!/usr/bin/env node
/**
 * The command line (`npx ttp-cds ...` after `npm run build`):
 *   ttp-cds evaluate request.json                      a CDS Hooks request
 *   ttp-cds evaluate --hook patient-view bundle.json   a FHIR Bundle of one patient's record
 *   ttp-cds evaluate --example non-responder-d5        one of the catalogue's example patients
 *   ttp-cds replay DIR [--out results.csv] [--workers N]
 * `--json` prints the CDS Hooks response (evaluate) or the summary (replay) as JSON. The site's
 * SITE_CONFIG_FILE is read as the service reads it; nothing is recorded and nothing is fetched.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SITUATIONS, situationRequest } from '../examples/situations';
import { cliDeps } from './deps';
import { type Hook, SERVICE_OF, cardsText, evaluateFile } from './evaluate';
import { csvRow, replay } from './replay';
import { callService } from '../cds/service';
import { tooDeepAt, tooDeepMessage } from '../json-depth';

const USAGE = `Usage:
  ttp-cds evaluate [--hook patient-view|order-select|order-sign] [--json] FILE   a CDS Hooks request, or a FHIR Bundle of one patient
  ttp-cds evaluate --example ID [--json]                                         an example patient (${SITUATIONS.map((s) => s.id).join(', ')})
  ttp-cds replay [--out FILE.csv] [--workers N] [--json] DIR                     patient-view over a FHIR Bulk Data export (NDJSON)
`;

function args(argv: string[]): { flags: Record<string, string | true>; rest: string[] } {
  const flags: Record<string, string | true> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) rest.push(a);
    else if (['--json', '--help'].includes(a)) flags[a.slice(2)] = true;
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

async function runReplay(flags: Record<string, string | true>, rest: string[]): Promise<void> {
  const dir = rest[0] ?? fail('replay needs the folder of an NDJSON export');
  const workers = flags.workers ? Number(flags.workers) : 1;
  if (!Number.isInteger(workers) || workers < 1) fail('--workers must be a whole number of at least 1');
  const out = typeof flags.out === 'string' ? createWriteStream(flags.out) : undefined;
  out?.write('patient,resources,cards,error\n');
  const tty = process.stderr.isTTY === true;
  const summary = await replay(dir, {
    workers,
    makeDeps: () => cliDeps(),
    workerScript: join(__dirname, 'worker.js'),
    onPatients: (rows) => {
      for (const r of rows) out?.write(`${csvRow(r)}\n`);
    },
    onProgress: (done, total) => {
      if (!tty) return;
      const width = 30;
      const filled = total ? Math.round((width * done) / total) : width;
      process.stderr.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total} patients`);
    },
  });
  if (tty) process.stderr.write('\n');
  await new Promise<void>((res) => (out ? out.end(() => res()) : res()));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  const lines = [
    `${summary.patients} patients, ${summary.resources} resources in ${(summary.ms / 1000).toFixed(1)} s (${workers} worker${workers > 1 ? 's' : ''})${
      summary.unassigned ? `; ${summary.unassigned} lines without a patient were skipped` : ''
    }${summary.errors ? `; ${summary.errors} patients could not be evaluated (see --out)` : ''}`,
    '',
    'rule                      critical   warning      info   patients',
  ];
  for (const [rule, by] of Object.entries(summary.byRule).sort()) {
    const n = (k: string) => String(by[k] ?? 0).padStart(9);
    const total = Object.values(by).reduce((a, b) => a + b, 0);
    lines.push(`${rule.padEnd(24)} ${n('critical')} ${n('warning')} ${n('info')} ${String(total).padStart(10)}`);
  }
  if (Object.keys(summary.byRule).length === 0) lines.push('(no card for any patient)');
  process.stdout.write(`${lines.join('\n')}\n`);
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
