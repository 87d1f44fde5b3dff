/**
 * `npm run bench:instructions`: instructions per request, counted by valgrind (callgrind), so that
 * the figure does not depend on what else the machine is doing (bench/README.md).
 *
 * Each figure is the difference between two runs of the same loop, of W and W + M requests, divided
 * by M: start-up, warm-up and JIT compilation cancel out. V8 runs single-threaded (its compiler and
 * GC helpers would otherwise run on other threads at moments that differ between runs), with fixed seeds
 * (--predictable) and no address-space randomisation (setarch -R).
 *   - `baseline`: what a bare server does with the body: JSON.parse, then JSON.stringify of one card;
 *   - `service`: JSON.parse, the service's call (validation, prefetch, facts, rules, cards), JSON.stringify.
 * Options (environment): BENCH_BODY (sixDay, thirtyDay, threeYear, orderSelect; default thirtyDay),
 * BENCH_WARM (W, default 600), BENCH_MEASURED (M, default 1200), BENCH_REPEAT (default 3; the median is printed), BENCH_MODES (default baseline,service).
 */
import { spawnSync } from 'node:child_process';
import { anchorNowAt } from '../test/fixtures/builder';
import { bodies } from './bodies';
import { buildDeps } from '../src/cds/deps';
import { loadConfig } from '../src/config';
import { callService } from '../src/cds/service';

const NOW = Date.parse('2026-12-02T12:00:00Z');
const CARD = {
  cards: [{ uuid: '6d1d8c59-3f1f-4b7a-9d59-1c1f2b4e9a10', summary: 'A fixed card.', indicator: 'info', source: { label: 'baseline' } }],
};

function body(name: string): { text: string; service: string } {
  anchorNowAt(name === 'sixDay' ? 6 : 30, NOW);
  const b =
    name === 'orderSelect'
      ? bodies.orderSelect()
      : name === 'sixDay'
        ? bodies.sixDay(6)
        : name === 'threeYear'
          ? bodies.threeYear()
          : bodies.thirtyDay();
  return { text: JSON.stringify(b), service: name === 'orderSelect' ? 'ttp-order-select' : 'ttp-patient-view' };
}

async function child(mode: string, name: string, n: number): Promise<void> {
  const { text, service } = body(name);
  const deps = buildDeps({ config: loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: ':memory:', CHECK_RESPONSES: 'off' }), clock: () => NOW });
  let out = 0;
  for (let i = 0; i < n; i++) {
    const parsed = JSON.parse(text) as unknown;
    out += mode === 'service' ? JSON.stringify((await callService(service, parsed, deps)).response).length : JSON.stringify(CARD).length;
  }
  if (out === 0) throw new Error('nothing was answered');
}

function instructions(mode: string, name: string, n: number): number {
  // Address-space randomisation off (setarch -R) and V8 in its predictable mode (one thread, fixed
  // seeds): the same count for the same request, run after run, within about 1%.
  const r = spawnSync(
    'setarch',
    [
      '-R',
      'valgrind',
      '--tool=callgrind',
      '--callgrind-out-file=/dev/null',
      '--smc-check=all-non-file',
      process.execPath,
      '--predictable',
      __filename,
      '--child',
      mode,
      name,
      String(n),
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const m = /Collected : (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`valgrind failed (is it installed?): ${r.stderr.slice(-2000)}`);
  return Number(m[1]);
}

function main(): void {
  const name = process.env.BENCH_BODY ?? 'thirtyDay';
  const w = Number(process.env.BENCH_WARM ?? 600);
  const m = Number(process.env.BENCH_MEASURED ?? 1200);
  const repeat = Number(process.env.BENCH_REPEAT ?? 3);
  console.log(`${name} body, ${body(name).text.length} bytes; instructions per request (W=${w}, M=${m})`);
  for (const mode of (process.env.BENCH_MODES ?? 'baseline,service').split(',')) {
    const runs: number[] = [];
    for (let i = 0; i < repeat; i++) runs.push(Math.round((instructions(mode, name, w + m) - instructions(mode, name, w)) / m));
    const median = [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
    console.log(
      `${mode.padEnd(9)} median ${(median / 1e6).toFixed(2)} M (runs: ${runs.map((x) => `${(x / 1e6).toFixed(2)} M`).join(', ')})`,
    );
  }
}

if (process.argv[2] === '--child') void child(process.argv[3]!, process.argv[4]!, Number(process.argv[5]));
else main();
