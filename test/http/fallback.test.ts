/**
 * Prefetch fallback against a real FHIR server on loopback (medplum FhirRouter + MemoryRepository):
 * the same cards with full, half and no prefetch; the bearer token reaches the server; failures
 * give 412 in bounded time; a fhirServer outside the allow-list gets no call at all.
 */
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../src/app';
import { FhirFetcher } from '../../src/fhir/fetcher';
import type { FetchResult } from '../../src/cds/service';
import { loadContent } from '../../src/content';
import { at, day } from '../fixtures/builder';
import { startFhirServer, type FhirServerOptions, type TestFhirServer } from '../fixtures/fhirServer';
import { NOW_D5, nonResponderD5 } from '../fixtures/situations';
import { seqId, testConfig } from '../helpers';

const PV = '/cds-services/ttp-patient-view';
const TOKEN = 'tok-3f9a8c';
const scenario = nonResponderD5();
const content = loadContent();

/**
 * The fetch deadline is 5 s here unless a test sets it: the tests that compare cards must not depend
 * on a loopback fetch beating the 300 ms production default on a busy CI machine (one did not).
 * The deadline tests set theirs.
 */
function appWith(env: Record<string, string> = {}, logLines?: string[]) {
  const logger = logLines
    ? pino({ level: 'info' }, new Writable({ write: (chunk, _e, cb) => (logLines.push(String(chunk)), cb()) }))
    : pino({ level: 'silent' });
  return createApp({
    config: testConfig({ FHIR_TIMEOUT_MS: '5000', FHIR_ALLOWLIST: 'http://127.0.0.1:*', ...env }),
    content,
    clock: () => at(NOW_D5),
    newId: seqId,
    logger,
  }).app;
}

/** What identifies a card for comparison: rule, indicator, summary, detail (uuids differ by design). */
function shape(body: { cards: { source: { topic: { code: string } }; indicator: string; summary: string; detail?: string }[] }) {
  return body.cards.map((c) => ({ rule: c.source.topic.code, indicator: c.indicator, summary: c.summary, detail: c.detail }));
}

function body(server: TestFhirServer | { url: string }, keep: (key: string) => boolean, token = TOKEN) {
  const b = scenario.request('patient-view');
  const prefetch = b.prefetch as Record<string, unknown>;
  for (const k of Object.keys(prefetch)) if (!keep(k)) delete prefetch[k];
  b.fhirServer = server.url;
  b.fhirAuthorization = {
    access_token: token,
    token_type: 'Bearer',
    expires_in: 300,
    scope: 'patient/*.read',
    subject: 'ttp-cds',
    patient: scenario.patientId,
  };
  return b;
}

let server: TestFhirServer | undefined;
async function serve(opts: FhirServerOptions = {}) {
  server = await startFhirServer(scenario.resources, { token: TOKEN, ...opts });
  return server;
}
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('prefetch fallback', () => {
  test('the same cards with full prefetch, none, and half the keys missing', async () => {
    const s = await serve();
    const app = appWith();
    const full = await request(app)
      .post(PV)
      .send(body(s, () => true))
      .expect(200);
    expect(s.requests).toHaveLength(0);
    const none = await request(app)
      .post(PV)
      .send(body(s, () => false))
      .expect(200);
    const half = await request(app)
      .post(PV)
      .send(body(s, (k) => ['patient', 'labs', 'procedures'].includes(k)))
      .expect(200);
    expect(shape(full.body).map((c) => c.rule)).toEqual(['TTP-CAPLA-DAY5', 'TTP-REFRACTORY-2L']);
    expect(shape(none.body)).toEqual(shape(full.body));
    expect(shape(half.body)).toEqual(shape(full.body));
  });

  test('the two keys of knowledge base v3 are fetched too: a MedicationStatement and an AllergyIntolerance on the server change the cards', async () => {
    const d = await request(appWith()).get('/cds-services').expect(200);
    const pv = (d.body.services as { id: string; prefetch: Record<string, string> }[]).find((x) => x.id === 'ttp-patient-view')!;
    expect(pv.prefetch.medicationStatements).toBe('MedicationStatement?patient={{context.patientId}}');
    expect(pv.prefetch.allergies).toBe('AllergyIntolerance?patient={{context.patientId}}');
    const transfer = nonResponderD5()
      .statement({ text: 'Cablivi 11 mg SC daily' }, { start: day(1, '12:00'), source: 'Referring hospital' })
      .allergy({ text: 'Rituximab' });
    server = await startFhirServer(transfer.resources, { token: TOKEN });
    const b = transfer.request('patient-view');
    const prefetch = b.prefetch as Record<string, unknown>;
    delete prefetch.medicationStatements;
    delete prefetch.allergies;
    b.fhirServer = server.url;
    b.fhirAuthorization = {
      access_token: TOKEN,
      token_type: 'Bearer',
      expires_in: 300,
      scope: 'patient/*.read',
      subject: 'ttp-cds',
      patient: transfer.patientId,
    };
    const res = await request(appWith()).post(PV).send(b).expect(200);
    expect(server.requests.map((r) => r.path.split('?')[0]).sort()).toEqual(['/AllergyIntolerance', '/MedicationStatement']);
    expect(shape(res.body).map((c) => `${c.rule}:${c.indicator}`)).toEqual(['TTP-REFRACTORY-2L:warning', 'TTP-CAPLA-DAY5:info']);
  });

  test('the bearer token reaches the FHIR server on every call, and the tokens are filled', async () => {
    const s = await serve();
    await request(appWith())
      .post(PV)
      .send(body(s, (k) => k !== 'labs' && k !== 'patient'))
      .expect(200);
    expect(s.requests.map((r) => r.path.split('?')[0]).sort()).toEqual(['/Observation', '/Patient/pat-1']);
    expect(s.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(s.requests.find((r) => r.path.startsWith('/Observation'))!.path).toContain('patient=pat-1&category=laboratory');
  });

  test('a wrong token (401 from the server) gives 412 naming the keys; the reason is logged, not answered', async () => {
    const s = await serve();
    const lines: string[] = [];
    const res = await request(appWith({}, lines))
      .post(PV)
      .send(body(s, (k) => k !== 'labs', 'wrong-token'))
      .expect(412);
    expect(res.body.issue.map((i: { expression: string[] }) => i.expression[0])).toEqual(['prefetch.labs']);
    // The EHR learns that the key could not be fetched; the log says why.
    expect(res.body.issue[0].diagnostics).toContain('could not be fetched from fhirServer (the service log has the reason');
    expect(res.body.issue[0].diagnostics).not.toContain('401');
    expect(JSON.stringify(res.body)).not.toContain('wrong-token');
    expect(lines.join('')).toContain('fhirServer answered 401 (access was refused)');
    expect(lines.join('')).not.toContain('wrong-token');
  });

  test('a server that is down gives 412 in bounded time; a closed port and a slow one look the same to the caller', async () => {
    const s = await serve();
    const url = s.url;
    await s.close();
    server = undefined;
    const started = Date.now();
    const lines: string[] = [];
    const res = await request(appWith({ FHIR_TIMEOUT_MS: '300' }, lines))
      .post(PV)
      .send(body({ url }, (k) => k !== 'conditions'))
      .expect(412);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.body.issue[0].diagnostics).toMatch(/could not be fetched from fhirServer/);
    expect(res.body.issue[0].diagnostics).not.toMatch(/ECONNREFUSED|reach/);
    expect(lines.join('')).toMatch(/cannot reach fhirServer \(ECONNREFUSED\)/);
  });

  test('a server slower than the deadline gives 412 within about the deadline', async () => {
    const s = await serve({ delayMs: 3000 });
    const started = Date.now();
    const lines: string[] = [];
    const res = await request(appWith({ FHIR_TIMEOUT_MS: '250' }, lines))
      .post(PV)
      .send(body(s, (k) => k !== 'labs'))
      .expect(412);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(res.body.issue[0].diagnostics).toMatch(/could not be fetched from fhirServer/);
    expect(lines.join('')).toContain('250 ms deadline');
  });

  test('invalid JSON from the server gives 412', async () => {
    const s = await serve({ invalidJson: true });
    const lines: string[] = [];
    await request(appWith({}, lines))
      .post(PV)
      .send(body(s, (k) => k !== 'procedures'))
      .expect(412);
    expect(lines.join('')).toContain('not valid JSON');
  });

  test('a fhirServer outside the allow-list is refused without any outbound call', async () => {
    const s = await serve();
    const app = appWith({ FHIR_ALLOWLIST: 'https://ehr.hospital.example/fhir' });
    const res = await request(app)
      .post(PV)
      .send(body(s, (k) => k !== 'labs'))
      .expect(412);
    expect(res.body.issue[0].diagnostics).toContain('fhirServer is not allow-listed (FHIR_ALLOWLIST)');
    expect(s.requests).toHaveLength(0);
  });

  test('with no FHIR_ALLOWLIST (the default) nothing is fetched from anywhere, loopback included', async () => {
    const s = await serve();
    const app = createApp({ config: testConfig(), content, clock: () => at(NOW_D5), newId: seqId, logger: pino({ level: 'silent' }) }).app;
    const res = await request(app)
      .post(PV)
      .send(body(s, (k) => k !== 'labs'))
      .expect(412);
    expect(res.body.issue[0].diagnostics).toContain('fhirServer is not allow-listed');
    expect(s.requests).toHaveLength(0);
  });

  test('fhirAuthorization.patient must equal context.patientId (400, no call)', async () => {
    const s = await serve();
    const b = body(s, (k) => k !== 'labs');
    (b.fhirAuthorization as Record<string, unknown>).patient = 'another-patient';
    await request(appWith()).post(PV).send(b).expect(400);
    expect(s.requests).toHaveLength(0);
  });

  test('next links are followed; past the page cap the cards say data are partial', async () => {
    const s = await serve({ pageSize: 7 });
    const full = await request(appWith())
      .post(PV)
      .send(body(s, () => true))
      .expect(200);
    const paged = await request(appWith())
      .post(PV)
      .send(body(s, (k) => k !== 'labs'))
      .expect(200);
    expect(shape(paged.body)).toEqual(shape(full.body));
    expect(s.requests.filter((r) => r.path.startsWith('/Observation')).length).toBe(3);
    const capped = await request(appWith({ FHIR_MAX_PAGES: '1' }))
      .post(PV)
      .send(body(s, (k) => k !== 'labs'))
      .expect(200);
    expect(JSON.stringify(capped.body)).toContain('Data not available: labs (the Bundle has more pages than were read)');
  });

  test('an optional key that fails degrades the answer and the cards say what is missing', async () => {
    const s = await serve({ failPaths: /MedicationAdministration/ });
    const res = await request(appWith())
      .post(PV)
      .send(body(s, (k) => k !== 'medicationAdministrations'))
      .expect(200);
    const capla = res.body.cards.find((c: { source: { topic: { code: string } } }) => c.source.topic.code === 'TTP-CAPLA-DAY5');
    expect(capla.detail).toContain('Data not available: medicationAdministrations (could not be fetched from fhirServer');
  });

  test('null stays null: a key sent as null is not fetched', async () => {
    const s = await serve();
    const b = body(s, () => true);
    (b.prefetch as Record<string, unknown>).medicationAdministrations = null;
    await request(appWith()).post(PV).send(b).expect(200);
    expect(s.requests).toHaveLength(0);
  });

  test('logs say per key where the data came from and how long it took, without token or patient id', async () => {
    const s = await serve();
    const lines: string[] = [];
    await request(appWith({ LOG_LEVEL: 'info' }, lines))
      .post(PV)
      .send(body(s, (k) => k !== 'labs'))
      .expect(200);
    const call = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'cds call');
    expect(call.prefetch.labs).toMatchObject({ source: 'fetched', ms: expect.any(Number) });
    expect(call.prefetch.conditions).toMatchObject({ source: 'prefetch' });
    const all = lines.join('\n');
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(scenario.patientId);
  });
});

describe('a FHIR server that answers with another patient', () => {
  /** A loopback stub: GET /Patient/... answers Patient/someone-else; every search answers an empty searchset. */
  async function wrongServer(): Promise<{ url: string; paths: string[]; close: () => Promise<void> }> {
    const paths: string[] = [];
    const srv = createServer((req, res) => {
      paths.push(req.url ?? '');
      const body = (req.url ?? '').startsWith('/fhir/Patient/')
        ? { resourceType: 'Patient', id: 'someone-else', birthDate: '1980-01-01' }
        : { resourceType: 'Bundle', type: 'searchset', entry: [] };
      res.writeHead(200, { 'content-type': 'application/fhir+json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const { port } = srv.address() as { port: number };
    return { url: `http://127.0.0.1:${port}/fhir`, paths, close: () => new Promise((r) => srv.close(() => r())) };
  }

  test('a fetched Patient that is not context.patientId: 400 naming prefetch.patient, no cards', async () => {
    const stub = await wrongServer();
    try {
      const res = await request(appWith())
        .post(PV)
        .send(body(stub, (k) => k !== 'patient'))
        .expect(400);
      expect(stub.paths.some((p) => p.startsWith('/fhir/Patient/'))).toBe(true);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue.flatMap((i: { expression?: string[] }) => i.expression ?? [])).toContain('prefetch.patient');
      expect(JSON.stringify(res.body)).not.toContain('"cards"');
    } finally {
      await stub.close();
    }
  });
});

describe('the fallback reads bounded bytes', () => {
  test('a 1 MB gzip bomb (1 GB decoded) is cut at 20 MB of decoded bytes: 412-worthy, memory flat, the reason logged', async () => {
    // 1,024 gzip members of 1 MB of spaces each: 1 MB on the wire, 1 GB once inflated.
    const member = gzipSync(Buffer.alloc(1 << 20, 0x20));
    const bomb = Buffer.concat(Array.from({ length: 1024 }, () => member));
    const srv = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/fhir+json', 'Content-Encoding': 'gzip', 'Content-Length': bomb.length });
      res.end(bomb);
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) }));
    const fetcher = new FhirFetcher({ allowlist: ['http://127.0.0.1:*'], timeoutMs: 20_000, maxPages: 1, logger });
    const before = process.memoryUsage().rss;
    const out = await fetcher.fetchKeys({
      fhirServer: `http://127.0.0.1:${port}/fhir`,
      keys: [{ key: 'labs', url: 'Observation?patient=p' }],
      hookInstance: 'h',
    });
    const grew = process.memoryUsage().rss - before;
    srv.close();
    expect(out.get('labs')).toMatchObject({ ok: false, reason: expect.stringContaining('could not be fetched from fhirServer') });
    expect(lines.join('')).toContain(`the response is over ${20 * 1024 * 1024} bytes (decoded)`);
    // Reading it whole would take a gigabyte; the cap keeps the process within a few dozen MB of where it was.
    expect(grew).toBeLessThan(200 * 1024 * 1024);
  });
});

describe('one byte budget per call, across keys and pages', () => {
  /** A server whose every search answers one Observation of `pageBytes` and a next link, without end. */
  async function endless(pageBytes: number) {
    let requests = 0;
    let id = 0;
    const filler = 'x'.repeat(pageBytes);
    const srv = createServer((req, res) => {
      requests++;
      const url = new URL(req.url!, 'http://127.0.0.1');
      const page = Number(url.searchParams.get('page') ?? '0');
      url.searchParams.set('page', String(page + 1));
      res.writeHead(200, { 'Content-Type': 'application/fhir+json' });
      res.end(
        JSON.stringify({
          resourceType: 'Bundle',
          type: 'searchset',
          link: [{ relation: 'next', url: `http://127.0.0.1:${(srv.address() as { port: number }).port}${url.pathname}${url.search}` }],
          entry: [
            {
              resource: {
                resourceType: 'Observation',
                id: `o-${id++}`,
                status: 'final',
                code: { text: 'filler' },
                subject: { reference: 'Patient/p' },
                note: [{ text: filler }],
              },
            },
          ],
        }),
      );
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    return {
      url: `http://127.0.0.1:${(srv.address() as { port: number }).port}/fhir`,
      requests: () => requests,
      close: () => new Promise<void>((r) => srv.close(() => r())),
    };
  }
  const MB = 1024 * 1024;
  const keys = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, url: `Observation?patient=p&code=${i}` }));
  const resources = (r: FetchResult | undefined) => (r?.ok && r.state.kind === 'data' ? r.state.resources.length : 0);

  test('pages past the budget are not read: what was read is kept as partial data, the cards will say so', async () => {
    const srv = await endless(MB);
    try {
      const fetcher = new FhirFetcher({ allowlist: ['http://127.0.0.1:*'], timeoutMs: 20_000, maxPages: 5, maxCallBytes: 4.5 * MB });
      const out = await fetcher.fetchKeys({ fhirServer: srv.url, keys: keys(3), hookInstance: 'h' });
      const read = [...out.values()].reduce((n, r) => n + resources(r), 0);
      // Without the budget: 3 keys x 5 pages. With it: 4 pages of 1 MB fit in 4.5 MB.
      expect(read).toBe(4);
      for (const r of out.values()) expect(r).toMatchObject({ ok: true, state: { kind: 'data', next: 'truncated' } });
      expect(srv.requests()).toBeLessThanOrEqual(7);
    } finally {
      await srv.close();
    }
  });

  test("a key whose first page does not fit fails, naming the call's budget in the log", async () => {
    const srv = await endless(MB);
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) }));
    try {
      const fetcher = new FhirFetcher({
        allowlist: ['http://127.0.0.1:*'],
        timeoutMs: 20_000,
        maxPages: 1,
        maxCallBytes: 2.5 * MB,
        logger,
      });
      const out = await fetcher.fetchKeys({ fhirServer: srv.url, keys: keys(4), hookInstance: 'h' });
      const results = [...out.values()];
      expect(results.filter((r) => r.ok)).toHaveLength(2);
      expect(results.filter((r) => !r.ok)).toHaveLength(2);
      expect(lines.filter((l) => l.includes(`the call's responses together are over ${2.5 * MB} bytes (decoded)`))).toHaveLength(2);
    } finally {
      await srv.close();
    }
  });

  test('the default budget (32 MB): 19 MB pages with next links stay within it, and memory with them', async () => {
    const srv = await endless(19 * MB);
    try {
      const fetcher = new FhirFetcher({ allowlist: ['http://127.0.0.1:*'], timeoutMs: 60_000, maxPages: 5 });
      const before = process.memoryUsage().rss;
      const out = await fetcher.fetchKeys({ fhirServer: srv.url, keys: keys(3), hookInstance: 'h' });
      const grew = process.memoryUsage().rss - before;
      // One 19 MB page fits in 32 MB; the other first pages do not (15 pages, 285 MB, without the budget).
      expect([...out.values()].reduce((n, r) => n + resources(r), 0)).toBe(1);
      expect(grew).toBeLessThan(250 * MB);
    } finally {
      await srv.close();
    }
  }, 60_000);

  test('FHIR_MAX_MB_PER_CALL sets it (1-1024 MB)', () => {
    expect(testConfig({ FHIR_MAX_MB_PER_CALL: '8' }).fhirMaxBytesPerCall).toBe(8 * MB);
    expect(testConfig().fhirMaxBytesPerCall).toBe(32 * MB);
    expect(() => testConfig({ FHIR_MAX_MB_PER_CALL: '0' })).toThrow(/FHIR_MAX_MB_PER_CALL/);
  });
});
