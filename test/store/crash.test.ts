/**
 * Durability: the service (a real process) acknowledges feedback, is killed with SIGKILL, and a
 * new process on the same DATA_DIR finds every acknowledged record.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { anchorNowAt } from '../fixtures/builder';
import { nonResponderD5 } from '../fixtures/situations';

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

async function start(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'server.js')], {
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
  // The test runs the built service, as deployed: build it first.
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
  // The server uses the real clock: place the scenario so that now is the evening of PE day 5.
  anchorNowAt(5);
}, 120_000);

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
