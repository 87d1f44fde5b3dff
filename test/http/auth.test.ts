/**
 * Trusting CDS clients: real ES384 and RS384 keys generated here, every rejection path, and a jku
 * JWKS served on loopback. Rejections are 401 without detail.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import express from 'express';
import { SignJWT, exportJWK, generateKeyPair, type KeyLike } from 'jose';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../src/app';
import { loadContent } from '../../src/content';
import { at } from '../fixtures/builder';
import { NOW_D5, nonResponderD5 } from '../fixtures/situations';
import { seqId, testConfig } from '../helpers';

const BASE = 'https://cds.hospital.example/ttp';
const PV = '/cds-services/ttp-patient-view';
const ISS = 'https://ehr.hospital.example';
const ISS_RS = 'https://other-ehr.example';
const ISS_JKU = 'https://jku-ehr.example';
const content = loadContent();

let es: { privateKey: KeyLike; publicKey: KeyLike };
let rs: { privateKey: KeyLike; publicKey: KeyLike };
let rogue: { privateKey: KeyLike; publicKey: KeyLike };
let jkuKeys: { privateKey: KeyLike; publicKey: KeyLike };
let jwksServer: Server;
let jwksUrl: string;
let app: ReturnType<typeof createApp>['app'];
const logLines: string[] = [];
let trustedFile: string;

beforeAll(async () => {
  es = await generateKeyPair('ES384');
  rs = await generateKeyPair('RS384');
  rogue = await generateKeyPair('ES384');
  jkuKeys = await generateKeyPair('ES384');
  const jwksApp = express();
  const jkuJwk = { ...(await exportJWK(jkuKeys.publicKey)), kid: 'jku-1', alg: 'ES384', use: 'sig' };
  jwksApp.get('/jwks.json', (_req, res) => res.json({ keys: [jkuJwk] }));
  jwksServer = await new Promise((resolve) => {
    const s = jwksApp.listen(0, '127.0.0.1', () => resolve(s));
  });
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
  const dir = mkdtempSync(join(tmpdir(), 'ttp-auth-'));
  const file = join(dir, 'trusted.json');
  trustedFile = file;
  writeFileSync(
    file,
    JSON.stringify({
      clients: [
        { iss: ISS, jwks: { keys: [{ ...(await exportJWK(es.publicKey)), kid: 'es-1', alg: 'ES384' }] } },
        { iss: ISS_RS, jwks: { keys: [{ ...(await exportJWK(rs.publicKey)), kid: 'rs-1', alg: 'RS384' }] } },
        { iss: ISS_JKU, jku: [jwksUrl] },
      ],
    }),
  );
  const built = createApp({
    config: testConfig({ CDS_TRUSTED_CLIENTS: file, PUBLIC_BASE_URL: BASE, CORS_ORIGINS: 'https://sandbox.cds-hooks.org' }),
    content,
    clock: () => at(NOW_D5),
    newId: seqId,
    logger: pino({ level: 'warn' }, new Writable({ write: (c, _e, cb) => (logLines.push(String(c)), cb()) })),
  });
  app = built.app;
});
afterAll(async () => {
  await new Promise((r) => jwksServer.close(r));
});

interface TokenOpts {
  iss?: string;
  aud?: string | string[];
  alg?: string;
  kid?: string;
  key?: KeyLike;
  exp?: number;
  iat?: number;
  jti?: string;
  jku?: string;
  typ?: string;
}

async function token(path: string, o: TokenOpts = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const alg = o.alg ?? 'ES384';
  const header: Record<string, string> = { alg, kid: o.kid ?? (alg === 'RS384' ? 'rs-1' : 'es-1'), typ: o.typ ?? 'JWT' };
  if (o.jku) header.jku = o.jku;
  return new SignJWT({})
    .setProtectedHeader(header as never)
    .setIssuer(o.iss ?? ISS)
    .setAudience(o.aud ?? `${BASE}${path}`)
    .setIssuedAt(o.iat ?? now)
    .setExpirationTime(o.exp ?? now + 300)
    .setJti(o.jti ?? randomUUID())
    .sign(o.key ?? (alg === 'RS384' ? rs.privateKey : es.privateKey));
}

function unsigned(path: string, alg: string): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${enc({ alg, typ: 'JWT', kid: 'es-1' })}.${enc({ iss: ISS, aud: `${BASE}${path}`, iat: now, exp: now + 300, jti: randomUUID() })}.`;
}

async function hs256(path: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: 'es-1' })
    .setIssuer(ISS)
    .setAudience(`${BASE}${path}`)
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .setJti(randomUUID())
    .sign(new TextEncoder().encode('a-shared-secret-that-is-long-enough'));
}

const body = () => nonResponderD5().request('patient-view');

function expectNoDetail(res: request.Response): void {
  expect(res.status).toBe(401);
  expect(res.headers['www-authenticate']).toBe('Bearer');
  expect(JSON.stringify(res.body)).not.toMatch(/diagnostics|expired|issuer|signature|jti|aud/i);
}

describe('trusting CDS clients', () => {
  test('ES384 from a trusted issuer: discovery and a call succeed', async () => {
    await request(app)
      .get('/cds-services')
      .set('Authorization', `Bearer ${await token('/cds-services')}`)
      .expect(200);
    const res = await request(app)
      .post(PV)
      .set('Authorization', `Bearer ${await token(PV)}`)
      .send(body())
      .expect(200);
    expect(res.body.cards.length).toBeGreaterThan(0);
  });

  test('RS384 from another trusted issuer succeeds; aud may be an array holding the URL', async () => {
    await request(app)
      .post(PV)
      .set('Authorization', `Bearer ${await token(PV, { iss: ISS_RS, alg: 'RS384' })}`)
      .send(body())
      .expect(200);
    await request(app)
      .post(PV)
      .set('Authorization', `Bearer ${await token(PV, { aud: ['https://x.example', `${BASE}${PV}`] })}`)
      .send(body())
      .expect(200);
  });

  test('a key from an allow-listed jku is fetched and used', async () => {
    const t = await token(PV, { iss: ISS_JKU, jku: jwksUrl, kid: 'jku-1', key: jkuKeys.privateKey });
    await request(app).post(PV).set('Authorization', `Bearer ${t}`).send(body()).expect(200);
  });

  const rejections: [string, RegExp, () => Promise<string | undefined>][] = [
    ['no token', /no Authorization header/, async () => undefined],
    ['not a JWT', /not a Bearer JWT/, async () => 'Bearer not-a-jwt'],
    ['wrong aud (another service)', /claim aud failed/, async () => `Bearer ${await token('/cds-services/ttp-order-sign')}`],
    ['wrong aud (another host)', /claim aud failed/, async () => `Bearer ${await token(PV, { aud: `https://evil.example${PV}` })}`],
    [
      'expired',
      /expired/,
      async () => `Bearer ${await token(PV, { iat: Math.floor(Date.now() / 1000) - 200, exp: Math.floor(Date.now() / 1000) - 120 })}`,
    ],
    [
      'issued in the future',
      /claim iat failed|iat is in the future/,
      async () => `Bearer ${await token(PV, { iat: Math.floor(Date.now() / 1000) + 600, exp: Math.floor(Date.now() / 1000) + 900 })}`,
    ],
    [
      'too old (iat beyond max age)',
      /claim iat failed|expired/,
      async () => `Bearer ${await token(PV, { iat: Math.floor(Date.now() / 1000) - 3600, exp: Math.floor(Date.now() / 1000) + 300 })}`,
    ],
    ['unknown issuer', /issuer not trusted/, async () => `Bearer ${await token(PV, { iss: 'https://stranger.example' })}`],
    ['wrong key (same kid)', /bad signature/, async () => `Bearer ${await token(PV, { key: rogue.privateKey })}`],
    ['alg none', /never accepted/, async () => `Bearer ${unsigned(PV, 'none')}`],
    ['HS256', /never accepted/, async () => `Bearer ${await hs256(PV)}`],
    [
      'RS384 from an issuer configured for ES384 keys only',
      /no key matches kid|verification failed/,
      async () => `Bearer ${await token(PV, { alg: 'RS384', kid: 'es-1' })}`,
    ],
    [
      'jku not allow-listed',
      /jku not allow-listed/,
      async () =>
        `Bearer ${await token(PV, { iss: ISS_JKU, jku: 'https://evil.example/jwks.json', kid: 'jku-1', key: jkuKeys.privateKey })}`,
    ],
    ['typ not JWT', /typ/, async () => `Bearer ${await token(PV, { typ: 'at+jwt' })}`],
    ['an empty jti', /jti must be a non-empty string|claim jti|jti/, async () => `Bearer ${await token(PV, { jti: '' })}`],
    [
      'a lifetime over 5 minutes plus skew (exp - iat = 331 s)',
      /token lifetime 331 s is over 330 s/,
      async () => `Bearer ${await token(PV, { iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 331 })}`,
    ],
    [
      'a kid that is no inline key, with a jku that is not allow-listed',
      /jku not allow-listed for https:\/\/ehr.hospital.example, and no inline key has kid other/,
      async () => `Bearer ${await token(PV, { kid: 'other', jku: 'https://sandbox.cds-hooks.org/.well-known/jwks.json' })}`,
    ],
  ];
  test.each(rejections)('401 without detail: %s', async (_name, reason, make) => {
    const auth = await make();
    const r = request(app).post(PV);
    if (auth) r.set('Authorization', auth);
    logLines.length = 0;
    expectNoDetail(await r.send(body()));
    const rejected = logLines.map((l) => JSON.parse(l)).find((l) => l.msg === 'client JWT rejected');
    expect(rejected?.reason).toMatch(reason);
    if (auth) expect(logLines.join('')).not.toContain(auth.slice(7, 40));
  });

  test('a token shaped as the CDS Hooks sandbox sends it (ES384, kid, jku to an unreachable URL) verifies against the inline key', async () => {
    const t = await token(PV, { kid: 'es-1', jku: 'https://sandbox.cds-hooks.org/.well-known/jwks.json' });
    expect(JSON.parse(Buffer.from(t.split('.')[0]!, 'base64url').toString())).toMatchObject({
      alg: 'ES384',
      kid: 'es-1',
      jku: expect.any(String),
    });
    await request(app).post(PV).set('Authorization', `Bearer ${t}`).send(body()).expect(200);
  });

  test('the Authorization scheme is case-insensitive ("bearer", "BEARER")', async () => {
    await request(app)
      .post(PV)
      .set('Authorization', `bearer ${await token(PV)}`)
      .send(body())
      .expect(200);
    await request(app)
      .post(PV)
      .set('Authorization', `BEARER ${await token(PV)}`)
      .send(body())
      .expect(200);
  });

  test('a replayed jti is refused by another worker or after a restart: the claim lives in the store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ttp-replay-'));
    const make = () =>
      createApp({
        config: testConfig({ CDS_TRUSTED_CLIENTS: trustedFile, PUBLIC_BASE_URL: BASE, DATA_DIR: dir }),
        content,
        clock: () => at(NOW_D5),
        newId: seqId,
        logger: pino({ level: 'silent' }),
      });
    const first = make();
    const second = make();
    await Promise.all([first.ready, second.ready]);
    const t = await token(PV, { jti: 'shared-once' });
    await request(first.app).post(PV).set('Authorization', `Bearer ${t}`).send(body()).expect(200);
    expectNoDetail(await request(second.app).post(PV).set('Authorization', `Bearer ${t}`).send(body()));
    await first.close();
    await second.close();
    const restarted = make();
    await restarted.ready;
    expectNoDetail(await request(restarted.app).post(PV).set('Authorization', `Bearer ${t}`).send(body()));
    await restarted.close();
  });

  test('a replayed jti is refused the second time', async () => {
    const t = await token(PV, { jti: 'once-only' });
    await request(app).post(PV).set('Authorization', `Bearer ${t}`).send(body()).expect(200);
    expectNoDetail(await request(app).post(PV).set('Authorization', `Bearer ${t}`).send(body()));
  });

  test('feedback requires the JWT too, with its own URL as aud', async () => {
    const issued = await request(app)
      .post(PV)
      .set('Authorization', `Bearer ${await token(PV)}`)
      .send(body())
      .expect(200);
    const capla = (issued.body.cards as { uuid: string; source: { topic: { code: string } } }[]).find(
      (c) => c.source.topic.code === 'TTP-CAPLA-DAY5',
    )!;
    const fb = {
      feedback: [
        {
          card: capla.uuid,
          outcome: 'overridden',
          outcomeTimestamp: '2026-03-06T18:00:00Z',
          overrideReason: { reason: { code: 'bleeding-risk', system: 'urn:ttp-cds:override-reason' } },
        },
      ],
    };
    expectNoDetail(await request(app).post(`${PV}/feedback`).send(fb));
    expectNoDetail(
      await request(app)
        .post(`${PV}/feedback`)
        .set('Authorization', `Bearer ${await token(PV)}`)
        .send(fb),
    );
    await request(app)
      .post(`${PV}/feedback`)
      .set('Authorization', `Bearer ${await token(`${PV}/feedback`)}`)
      .send(fb)
      .expect(200);
  });

  test('an unauthenticated body is not even parsed (malformed JSON still gets 401)', async () => {
    const res = await request(app).post(PV).set('Content-Type', 'application/json').send('{not json');
    expectNoDetail(res);
  });

  test('browser preflight needs no token; healthz says JWT is on', async () => {
    await request(app)
      .options(PV)
      .set('Origin', 'https://sandbox.cds-hooks.org')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization')
      .expect(204);
    const h = await request(app).get('/healthz').expect(200);
    expect(h.body.auth).toBe('jwt');
  });

  test('a preflight from an origin not in CORS_ORIGINS is a CORS refusal (403 naming CORS_ORIGINS), not a token problem', async () => {
    const res = await request(app)
      .options(PV)
      .set('Origin', 'https://elsewhere.example')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization')
      .expect(403);
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.body.issue[0]).toMatchObject({ code: 'security', diagnostics: expect.stringContaining('CORS_ORIGINS') });
    // A plain OPTIONS without a preflight's headers is not a CORS question.
    await request(app).options(PV).set('Origin', 'https://elsewhere.example').expect(401);
  });

  test('a refused token is logged with the route template it was sent to, never "/"', async () => {
    logLines.length = 0;
    await request(app).post(PV).set('Authorization', 'Bearer nope').send(body()).expect(401);
    await request(app).get('/cds-services').expect(401);
    const refused = logLines.map((l) => JSON.parse(l) as { msg: string; route?: string }).filter((l) => l.msg === 'client JWT rejected');
    expect(refused.map((l) => l.route)).toEqual(['/cds-services/:id', '/cds-services']);
  });

  test('without CDS_TRUSTED_CLIENTS the service runs open and says so', async () => {
    const open = createApp({ config: testConfig(), content, clock: () => at(NOW_D5), newId: seqId, logger: pino({ level: 'silent' }) });
    const h = await request(open.app).get('/healthz').expect(200);
    expect(h.body).toMatchObject({ auth: 'open', warning: expect.stringContaining('authentication is off') });
  });

  test('PUBLIC_BASE_URL is required with CDS_TRUSTED_CLIENTS', () => {
    expect(() => testConfig({ CDS_TRUSTED_CLIENTS: '/nonexistent.json' })).toThrow(/PUBLIC_BASE_URL is required/);
  });

  test('a trusted-clients file with a private or symmetric key is refused at start-up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ttp-auth-bad-'));
    const file = join(dir, 'trusted.json');
    writeFileSync(file, JSON.stringify({ clients: [{ iss: ISS, jwks: { keys: [{ ...(await exportJWK(es.privateKey)), kid: 'x' }] } }] }));
    expect(() =>
      createApp({ config: testConfig({ CDS_TRUSTED_CLIENTS: file, PUBLIC_BASE_URL: BASE }), content, logger: pino({ level: 'silent' }) }),
    ).toThrow(/public key/);
  });
});
