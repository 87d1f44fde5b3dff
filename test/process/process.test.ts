/**
 * The built service as a real process:
 * - durability: it acknowledges feedback, is killed with SIGKILL, and a new process on the same
 *   DATA_DIR finds every acknowledged record;
 * - an honest start: every start-up failure ends with exit code 1 and a message naming the cause,
 *   and workers that die before listening are not restarted forever.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { anchorNowAt } from '../fixtures/builder';
import { nonResponderD5 } from '../fixtures/situations';
import { ruleVersion } from '../helpers';

const ROOT = join(__dirname, '..', '..');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
const ADMIN = 'crash-admin-token-0123';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function start(dataDir: string, nodeArgs: string[] = []): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'dist', 'src', 'server.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ADMIN_TOKEN: ADMIN,
      LOG_LEVEL: 'silent',
      NODE_ENV: 'production',
    },
    stdio: 'ignore',
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { child, url };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  child.kill('SIGKILL');
  throw new Error('server did not start');
}

beforeAll(() => {
  // The test runs the built service, as deployed: build it first (into a fresh folder, swapped in: no stale module).
  execFileSync(process.execPath, [join(ROOT, 'tools', 'build.mjs')], { stdio: 'inherit' });
  // The server uses the real clock: place the scenario so that now is the evening of PE day 5.
  anchorNowAt(5);
}, 120_000);

describe('the build', () => {
  test('a rebuild never pulls dist/ from under a running server, and the command line stays executable', async () => {
    const { child, url } = await start(mkdtempSync(join(tmpdir(), 'ttp-build-')));
    try {
      const rebuild = spawnSync(process.execPath, [join(ROOT, 'tools', 'build.mjs')], { encoding: 'utf8' });
      expect(rebuild.status).toBe(0);
      // The server started from the old folder answers, including a page it had not loaded yet.
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/catalogue`)).status).toBe(200);
      expect(statSync(join(ROOT, 'dist', 'src', 'cli', 'main.js')).mode & 0o111).toBe(0o111);
      expect(readdirSync(ROOT).filter((f) => f.startsWith('.dist-'))).toEqual([]);
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);

  test('--if-stale (npm start) compiles nothing when dist/ is newer than every source', () => {
    const before = readFileSync(join(ROOT, 'dist', '.build-stamp'), 'utf8');
    const started = Date.now();
    const r = spawnSync(process.execPath, [join(ROOT, 'tools', 'build.mjs'), '--if-stale'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(readFileSync(join(ROOT, 'dist', '.build-stamp'), 'utf8')).toBe(before);
  });
});

test('kill -9 after acknowledgements loses nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ttp-crash-'));
  const first = await start(dir);
  const issued: string[] = [];
  for (let i = 0; i < 15; i++) {
    const body = nonResponderD5().request('patient-view', { hookInstance: `crash-${i}-${Date.now()}` });
    const res = await fetch(`${first.url}/cds-services/ttp-patient-view`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    for (const c of ((await res.json()) as { cards: { uuid: string }[] }).cards) issued.push(c.uuid);
  }
  expect(issued.length).toBeGreaterThanOrEqual(15);

  const acked: string[] = [];
  let killed = false;
  await new Promise<void>((resolve) => {
    let settled = 0;
    for (const uuid of issued) {
      const feedback = {
        feedback: [
          {
            card: uuid,
            outcome: 'overridden',
            outcomeTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
            overrideReason: { reason: { system: 'urn:ttp-cds:override-reason', code: 'bleeding-risk' } },
          },
        ],
      };
      fetch(`${first.url}/cds-services/ttp-patient-view/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(feedback),
      })
        .then((r) => {
          if (r.status === 200 && !killed) acked.push(uuid);
          if (acked.length >= 12 && !killed) {
            killed = true;
            first.child.kill('SIGKILL');
          }
        })
        .catch(() => undefined)
        .finally(() => {
          if (++settled === issued.length) resolve();
        });
    }
  });
  await new Promise((r) => (first.child.exitCode !== null || first.child.signalCode !== null ? r(null) : first.child.once('exit', r)));
  expect(first.child.signalCode).toBe('SIGKILL');
  expect(acked.length).toBeGreaterThanOrEqual(12);

  const second = await start(dir);
  try {
    const res = await fetch(`${second.url}/governance/rules`, { headers: { authorization: `Bearer ${ADMIN}` } });
    const { rules } = (await res.json()) as { rules: { ruleId: string; fired: number; overridden: number }[] };
    const fired = rules.reduce((n, r) => n + r.fired, 0);
    const overridden = rules.reduce((n, r) => n + r.overridden, 0);
    expect(fired).toBe(issued.length);
    expect(overridden).toBeGreaterThanOrEqual(acked.length);
    const db = new Database(join(dir, 'ttp-cds.sqlite'), { readonly: true });
    const stored = new Set((db.prepare('SELECT card_uuid FROM feedback').all() as { card_uuid: string }[]).map((r) => r.card_uuid));
    db.close();
    for (const uuid of acked) expect(stored.has(uuid)).toBe(true);
  } finally {
    second.child.kill('SIGTERM');
  }
}, 60_000);

/** Runs the built server with `env` until it exits (or `ms` pass): its exit code and what it wrote. */
async function runToExit(env: Record<string, string>, ms = 20_000): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'server.js')], {
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'info', DATA_DIR: mkdtempSync(join(tmpdir(), 'ttp-start-')), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += String(c)));
  child.stderr!.on('data', (c: Buffer) => (err += String(c)));
  const code = await new Promise<number | null>((resolve) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(null);
    }, ms);
    child.once('exit', (c) => {
      clearTimeout(t);
      resolve(c);
    });
  });
  return { code, out, err };
}

test('a stream of unique 1 MB strings (code, system, drug text, unit) leaves memory flat: nothing keeps request strings', async () => {
  // A 64 MB heap: 150 requests that each left 1 MB behind would kill the process.
  const srv = await start(mkdtempSync(join(tmpdir(), 'ttp-mem-')), ['--max-old-space-size=64']);
  try {
    expect((await fetch(`${srv.url}/healthz`)).ok).toBe(true);
    for (let i = 0; i < 150; i++) {
      const big = `${i}-${'x'.repeat(1 << 20)}`;
      const body = nonResponderD5().request('patient-view', { hookInstance: `mem-${i}` }) as {
        prefetch: Record<string, { entry: { resource: Record<string, unknown> }[] }>;
      };
      const lab = body.prefetch.labs!.entry[0]!.resource as {
        code: { coding: { system: string; code: string }[] };
        valueQuantity: { unit: string; code: string };
      };
      if (i % 4 === 0) lab.code.coding[0]!.code = big;
      if (i % 4 === 1) lab.code.coding[0]!.system = big;
      if (i % 4 === 2)
        (body.prefetch.medicationRequests!.entry[0]!.resource as { medicationCodeableConcept: unknown }).medicationCodeableConcept = {
          text: big,
        };
      if (i % 4 === 3) lab.valueQuantity = { ...lab.valueQuantity, unit: big, code: big };
      const res = await fetch(`${srv.url}/cds-services/ttp-patient-view`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    expect((await fetch(`${srv.url}/healthz`)).ok).toBe(true);
    expect(srv.child.exitCode).toBeNull();
  } finally {
    srv.child.kill('SIGTERM');
  }
}, 120_000);

describe('an honest start', () => {
  test('a port already in use: exit 1 saying so, never "listening" and exit 0', async () => {
    const busy = createServer();
    const port = await new Promise<number>((r) => busy.listen(0, '127.0.0.1', () => r((busy.address() as { port: number }).port)));
    try {
      const r = await runToExit({ PORT: String(port) });
      expect(r.code).toBe(1);
      expect(r.err).toContain(`cannot listen on 127.0.0.1:${port}`);
      expect(r.err).toContain('EADDRINUSE');
      expect(r.out).not.toContain('listening on');
    } finally {
      busy.close();
    }
  }, 30_000);

  test('PORT="" is refused (it listened on a random port)', async () => {
    const r = await runToExit({ PORT: '' });
    expect(r.code).toBe(1);
    expect(r.err).toContain('PORT="": is not a port number (0-65535)');
  }, 30_000);

  test('DATA_DIR on a file: exit 1 naming the path', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ttp-datadir-')), 'not-a-folder');
    writeFileSync(file, 'x');
    const r = await runToExit({ PORT: '0', DATA_DIR: file });
    expect(r.code).toBe(1);
    expect(r.err).toContain(`DATA_DIR ${file} cannot hold the store`);
  }, 30_000);

  test('a site unit alias that is not a UCUM unit: exit 1 naming it', async () => {
    const site = join(mkdtempSync(join(tmpdir(), 'ttp-site-')), 'site.json');
    writeFileSync(site, JSON.stringify({ unitAliases: { 'PLT/nL': 'not-a-unit' } }));
    const r = await runToExit({ PORT: '0', SITE_CONFIG_FILE: site });
    expect(r.code).toBe(1);
    expect(r.err).toContain('unit alias "PLT/nL" -> "not-a-unit" (site)');
  }, 30_000);

  test('WEB_CONCURRENCY=2 with a missing trusted-clients file: a few retries with back-off, then exit 1 (not 107 restarts)', async () => {
    const missing = join(tmpdir(), `no-such-trusted-clients-${process.pid}.json`);
    const r = await runToExit(
      { PORT: '0', WEB_CONCURRENCY: '2', CDS_TRUSTED_CLIENTS: missing, PUBLIC_BASE_URL: 'https://cds.example' },
      40_000,
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain('workers keep dying before they listen');
    expect(r.err).toContain(`CDS_TRUSTED_CLIENTS ${missing}`);
    const exits = r.out.split('\n').filter((l) => l.includes('"worker exited"')).length;
    expect(exits).toBeGreaterThanOrEqual(4);
    expect(exits).toBeLessThanOrEqual(6);
  }, 60_000);
});

describe('stopping', () => {
  /** A FHIR server on loopback that answers an empty Bundle after `ms`. */
  async function slowFhir(ms: number) {
    const srv = createHttpServer((_req, res) => {
      setTimeout(
        () =>
          res.writeHead(200, { 'Content-Type': 'application/fhir+json' }).end('{"resourceType":"Bundle","type":"searchset","entry":[]}'),
        ms,
      );
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    return { srv, url: `http://127.0.0.1:${(srv.address() as { port: number }).port}/fhir` };
  }

  async function stopDuringACall(graceMs: number): Promise<string> {
    const fhir = await slowFhir(1500);
    const port = await freePort();
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'server.js')], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'ttp-stop-')),
        LOG_LEVEL: 'info',
        FHIR_ALLOWLIST: 'http://127.0.0.1:*',
        FHIR_TIMEOUT_MS: '5000',
        SHUTDOWN_GRACE_MS: String(graceMs),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += String(c)));
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 200 && !out.includes('listening on'); i++) await new Promise((r) => setTimeout(r, 50));
    const body = nonResponderD5().request('patient-view') as { prefetch: Record<string, unknown>; fhirServer: string };
    delete body.prefetch.medicationAdministrations; // optional key: fetched from the slow server
    body.fhirServer = fhir.url;
    const call = fetch(`${url}/cds-services/ttp-patient-view`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(
      (r) => r.status,
      () => 'cut',
    );
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    fhir.srv.close();
    expect(code).toBe(0);
    return `${out}\n${String(await call)}`;
  }

  test('SIGTERM waits for the request in progress within SHUTDOWN_GRACE_MS, then says it completed it', async () => {
    const out = await stopDuringACall(10_000);
    expect(out).toContain('stopped: 1 request(s) completed, none cut');
    expect(out.trim().endsWith('200')).toBe(true);
  }, 30_000);

  test('past the grace period the request is cut, and the log says how many', async () => {
    const out = await stopDuringACall(200);
    expect(out).toContain('stopped: 0 request(s) completed, 1 cut after the grace period');
  }, 30_000);
});

describe('the command line', () => {
  const CLI = () => join(ROOT, 'dist', 'src', 'cli', 'main.js');
  const cli = (args: string[]) =>
    execFileSync(process.execPath, [CLI(), ...args], { encoding: 'utf8', env: { ...process.env, SITE_CONFIG_FILE: '' } });

  test('evaluate: a CDS Hooks request, the same record as a FHIR Bundle with --hook, and --json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ttp-cli-'));
    const s = nonResponderD5();
    const request = s.request('patient-view');
    writeFileSync(join(dir, 'request.json'), JSON.stringify(request));
    writeFileSync(
      join(dir, 'bundle.json'),
      JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: s.resources.map((resource) => ({ resource })) }),
    );
    const text = cli(['evaluate', join(dir, 'request.json')]);
    expect(text).toMatch(/\[CRITICAL\] iTTP: no response by TPE day \d and caplacizumab not started\./);
    expect(text).toContain('| Platelets, latest | 16 10^9/L |');
    expect(text).toContain('> Order caplacizumab 11 mg IV before next TPE, then 11 mg SC daily (recommended)');
    const fromBundle = JSON.parse(cli(['evaluate', '--hook', 'patient-view', '--json', join(dir, 'bundle.json')])) as {
      cards: { source: { topic: { code: string } }; indicator: string }[];
    };
    expect(fromBundle.cards.map((c) => `${c.source.topic.code}:${c.indicator}`)).toEqual([
      'TTP-CAPLA-DAY5:critical',
      'TTP-REFRACTORY-2L:warning',
    ]);
  });

  test('evaluate: a file that is no request says why and exits 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ttp-cli-'));
    writeFileSync(join(dir, 'bad.json'), '{"resourceType": "Bundle", "entry": []}');
    const r = spawnSync(process.execPath, [CLI(), 'evaluate', join(dir, 'bad.json')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('A record holds exactly one Patient with an id; this one holds 0.');
  });

  test('replay: per rule, how many patients got which card; the CSV has a row per patient and rule; partitions change nothing', async () => {
    const { syntheticExport } = await import('../../tools/synthetic-export');
    const dir = mkdtempSync(join(tmpdir(), 'ttp-export-'));
    syntheticExport(dir, 64);
    const csv = `${dir}.csv`;
    const one = JSON.parse(cli(['replay', '--json', '--out', csv, dir])) as {
      patients: number;
      byRule: Record<string, Record<string, number>>;
    };
    expect(one.patients).toBe(64);
    // 16 patient-view situations in turn, 4 patients each: the day-5 non-responder, the panels, the plasma
    // before the sample and the caplacizumab anaphylaxis get the critical card; the transfer on caplacizumab its info.
    expect(one.byRule['TTP-CAPLA-DAY5']).toEqual({ critical: 16, info: 4 });
    expect(one.byRule['TTP-RELAPSE']).toEqual({ warning: 4 });
    const rows = readFileSync(csv, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('patient,resources,rule,rule_version,indicator,shown,silent,error');
    // One row per patient and rule, a patient without a card in one row of its own: every patient is there.
    expect(new Set(rows.slice(1).map((r) => r.split(',')[0])).size).toBe(64);
    const capla = rows.filter((r) => r.split(',')[2] === 'TTP-CAPLA-DAY5');
    expect(capla).toHaveLength(20);
    expect(capla[0]!.split(',').slice(3, 7)).toEqual([ruleVersion('TTP-CAPLA-DAY5'), 'critical', '1', '0']);
    // --workers is gone (two took as long on two cores): still accepted, with a note.
    const old = spawnSync(process.execPath, [CLI(), 'replay', '--workers', '2', '--json', dir], {
      encoding: 'utf8',
      env: { ...process.env, SITE_CONFIG_FILE: '' },
    });
    expect(old.stderr).toContain('--workers is gone');
    expect((JSON.parse(old.stdout) as { byRule: unknown }).byRule).toEqual(one.byRule);
    // Small partitions (what a big export gets): the same answer, one partition in memory at a time.
    const { replay } = await import('../../src/cli/replay');
    const { cliDeps } = await import('../../src/cli/deps');
    const small = await replay(dir, { makeDeps: () => cliDeps({}), partitionBytes: 64 * 1024 });
    expect(small.partitions).toBeGreaterThan(5);
    expect(small.byRule).toEqual(one.byRule);
  }, 60_000);

  const run = (args: string[]) =>
    spawnSync(process.execPath, [CLI(), ...args], { encoding: 'utf8', env: { ...process.env, SITE_CONFIG_FILE: '' } });

  test('replay of a gzipped, foldered export through its manifest: the same counts; every file named with its lines', async () => {
    const { syntheticExport } = await import('../../tools/synthetic-export');
    const plain = mkdtempSync(join(tmpdir(), 'ttp-export-'));
    const real = mkdtempSync(join(tmpdir(), 'ttp-export-'));
    syntheticExport(plain, 32);
    syntheticExport(real, 32, Date.now(), { gzip: true, folder: 'output', manifest: true, medicationResources: true, perFile: 100 });
    const a = JSON.parse(cli(['replay', '--json', plain])) as { byRule: unknown };
    const r = run(['replay', '--json', '--strict', join(real, 'manifest.json')]);
    expect(r.status).toBe(0);
    const b = JSON.parse(r.stdout) as { byRule: unknown; files: { name: string; lines: number }[] };
    expect(b.byRule).toEqual(a.byRule);
    expect(b.files.map((f) => f.name)).toContain('output/Observation.000.ndjson.gz');
    expect(b.files.find((f) => f.name === 'output/Observation.001.ndjson.gz')!.lines).toBeGreaterThan(0);
    const text = run(['replay', real]).stdout;
    expect(text).toMatch(/output\/Medication\.000\.ndjson\.gz +\d+ +\d+ +0 +0/);
  }, 60_000);

  test('replay exits 1 when nothing was read, 3 with --strict when something was skipped, and prints no resource text', () => {
    const empty = mkdtempSync(join(tmpdir(), 'ttp-export-'));
    writeFileSync(join(empty, 'README.txt'), 'not an export');
    const none = run(['replay', empty]);
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('nothing was read');
    expect(none.stdout).toContain('refused: README.txt is not an NDJSON file (.ndjson or .ndjson.gz)');
    const dir = mkdtempSync(join(tmpdir(), 'ttp-export-'));
    const s = nonResponderD5();
    writeFileSync(
      join(dir, 'all.ndjson'),
      `${s.resources.map((x) => JSON.stringify(x)).join('\n')}\n{"resourceType":"Observation","id":"cut","subject":{"reference":"Patient/pat-1"},"note":[{"text":"SECRET-TEXT`,
    );
    const lenient = run(['replay', dir]);
    expect(lenient.status).toBe(0);
    expect(lenient.stdout).toContain(`1 not JSON (cut or corrupt): line ${s.resources.length + 1}`);
    const strict = run(['replay', '--strict', dir]);
    expect(strict.status).toBe(3);
    for (const out of [lenient.stdout, lenient.stderr, strict.stdout, strict.stderr]) expect(out).not.toContain('SECRET-TEXT');
  });
});
