/**
 * A hung PostgreSQL (issue: hostile input and faults, second round, item 1): a database that
 * accepts connections and never answers, or stops answering on connections already open, never
 * stalls guidance. Every store access on a request path has a deadline (STORE_DEADLINE_MS); then a
 * valid client JWT passes with a log line (or, with JWT_REPLAY_CHECK=required, gets a 503), card
 * records wait, feedback gets a 503 and readiness says the store does not answer.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { type AddressInfo, type Server, type Socket, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { SignJWT, exportJWK, generateKeyPair, type KeyLike } from 'jose';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../src/app';
import { loadContent } from '../../src/content';
import { at } from '../fixtures/builder';
import { NOW_D5, nonResponderD5 } from '../fixtures/situations';
import { seqId, testConfig } from '../helpers';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const BASE = 'https://cds.hospital.example/ttp';
const PV = '/cds-services/ttp-patient-view';
const ISS = 'https://ehr.hospital.example';
const content = loadContent();

/** A TCP proxy in front of PostgreSQL that can stop answering: new and open connections then hear nothing. */
class Proxy {
  readonly server: Server;
  private readonly sockets = new Set<Socket>();
  hung = false;
  constructor(private readonly upstream?: { host: string; port: number }) {
    this.server = createServer((client) => {
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      client.on('error', () => undefined);
      if (this.hung || !this.upstream) return; // accepted, never answered
      const up = connect(this.upstream.port, this.upstream.host);
      this.sockets.add(up);
      up.on('error', () => client.destroy());
      client.on('data', (d) => !this.hung && up.write(d));
      up.on('data', (d) => !this.hung && client.write(d));
      client.on('close', () => up.destroy());
    });
  }
  async listen(): Promise<number> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return (this.server.address() as AddressInfo).port;
  }
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(r));
  }
}

let key: { privateKey: KeyLike; publicKey: KeyLike };
let trusted: string;
beforeAll(async () => {
  key = await generateKeyPair('ES384');
  const dir = mkdtempSync(join(tmpdir(), 'ttp-hung-'));
  trusted = join(dir, 'trusted.json');
  writeFileSync(
    trusted,
    JSON.stringify({ clients: [{ iss: ISS, jwks: { keys: [{ ...(await exportJWK(key.publicKey)), kid: 'k1', alg: 'ES384' }] } }] }),
  );
});

const token = (path = PV) =>
  new SignJWT({ jti: randomUUID() })
    .setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: 'k1' })
    .setIssuer(ISS)
    .setAudience(`${BASE}${path}`)
    .setIssuedAt()
    .setExpirationTime('2m')
    .sign(key.privateKey);

function appOn(port: number, env: Record<string, string> = {}) {
  const lines: string[] = [];
  const url = new URL(PG_URL);
  url.host = `127.0.0.1:${port}`;
  const built = createApp({
    config: testConfig({
      DATABASE_URL: url.toString(),
      CDS_TRUSTED_CLIENTS: trusted,
      PUBLIC_BASE_URL: BASE,
      STORE_DEADLINE_MS: '200',
      ...env,
    }),
    content,
    clock: () => at(NOW_D5),
    newId: seqId,
    logger: pino({ level: 'info' }, new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) })),
  });
  return { ...built, lines };
}

/** 24 calls at once, each with its own token: every one answers, and none waits much past the deadline. */
async function calls(app: ReturnType<typeof appOn>['app'], n = 24) {
  const body = nonResponderD5().request('patient-view');
  const started = Date.now();
  const results = await Promise.all(
    Array.from({ length: n }, async () => {
      const t0 = Date.now();
      const r = await request(app)
        .post(PV)
        .set('Authorization', `Bearer ${await token()}`)
        .send(body);
      return { status: r.status, ms: Date.now() - t0, body: r.body as { cards?: unknown[]; issue?: { diagnostics: string }[] } };
    }),
  );
  return { results, ms: Date.now() - started };
}

describe('a PostgreSQL that accepts connections and never answers', () => {
  let proxy: Proxy;
  beforeEach(async () => {
    proxy = new Proxy();
  });
  afterEach(async () => {
    await proxy.close();
  });

  test('every call is answered within the deadline: a valid token passes, with a log line saying replay was not checked', async () => {
    const { app, lines } = appOn(await proxy.listen());
    const { results, ms } = await calls(app);
    expect(results.map((r) => r.status)).toEqual(Array(24).fill(200));
    expect(results.every((r) => r.body.cards?.length === 2)).toBe(true);
    expect(ms).toBeLessThan(5000);
    expect(Math.max(...results.map((r) => r.ms))).toBeLessThan(3000);
    expect(lines.filter((l) => l.includes('client JWT accepted without the replay check')).length).toBe(24);
    expect(lines.join('\n')).toContain('did not answer within 200 ms');
  });

  test('JWT_REPLAY_CHECK=required: the same calls get a 503 that says why, in bounded time', async () => {
    const { app } = appOn(await proxy.listen(), { JWT_REPLAY_CHECK: 'required' });
    const { results } = await calls(app, 6);
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(503));
    expect(results[0]!.body.issue?.[0]?.diagnostics).toContain('JWT_REPLAY_CHECK=required');
    expect(Math.max(...results.map((r) => r.ms))).toBeLessThan(3000);
  });

  test('feedback gets a 503 (never acknowledged unstored) and readiness says the store does not answer, both in bounded time', async () => {
    const { app } = appOn(await proxy.listen());
    const t0 = Date.now();
    const fb = await request(app)
      .post(`${PV}/feedback`)
      .set('Authorization', `Bearer ${await token(`${PV}/feedback`)}`)
      .send({
        feedback: [
          {
            card: randomUUID(),
            outcome: 'accepted',
            acceptedSuggestions: [{ id: randomUUID() }],
            outcomeTimestamp: '2026-03-06T18:05:00Z',
          },
        ],
      });
    expect(fb.status).toBe(503);
    expect(fb.body.issue[0].diagnostics).toBe('Feedback could not be stored; retry later.');
    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(503);
    expect(Date.now() - t0).toBeLessThan(4000);
  });
});

// Needs a real PostgreSQL (test/global-setup.js): skipped, and reported as skipped, where none answers.
(process.env.TEST_PG === '1' ? describe : describe.skip)('a PostgreSQL that stops answering on connections already open', () => {
  let proxy: Proxy;
  afterEach(async () => {
    await proxy?.close();
  });

  test('calls on open connections still answer within the deadline', async () => {
    const url = new URL(PG_URL);
    proxy = new Proxy({ host: url.hostname, port: Number(url.port || 5432) });
    const built = appOn(await proxy.listen());
    await built.ready;
    // Warm: connections are open and the store answers.
    const warm = await calls(built.app, 4);
    expect(warm.results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(built.lines.some((l) => l.includes('without the replay check'))).toBe(false);
    proxy.hung = true;
    const { results } = await calls(built.app);
    expect(results.map((r) => r.status)).toEqual(Array(24).fill(200));
    expect(Math.max(...results.map((r) => r.ms))).toBeLessThan(3000);
    expect(built.lines.filter((l) => l.includes('client JWT accepted without the replay check')).length).toBe(24);
  });
});
