/**
 * CDS Hooks 2.0 protocol checks against the Express app (supertest, no listening port):
 * discovery, CORS, validation with OperationOutcome bodies, prefetch semantics, spec-valid cards.
 */
import request from 'supertest';
import { responseSchema, findEmptyValues } from '../../src/cds/schemas';
import { ALLOWED_TOKENS } from '../../src/cds/registry';
import { Writable } from 'node:stream';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { createApp } from '../../src/app';
import { loadContent } from '../../src/content';
import { at } from '../fixtures/builder';
import { NOW_D5, situations } from '../fixtures/situations';
import { ruleVersion, testApp, testConfig } from '../helpers';
import { loadConfig } from '../../src/config';

const { app } = testApp({ now: NOW_D5 });
const PV = '/cds-services/ttp-patient-view';

function expectOutcome(body: unknown, expressions: string[]): void {
  const b = body as { resourceType: string; issue: { expression?: string[]; diagnostics?: string }[] };
  expect(b.resourceType).toBe('OperationOutcome');
  const named = b.issue.flatMap((i) => i.expression ?? []);
  for (const e of expressions) expect(named).toContain(e);
  expect(JSON.stringify(body)).not.toMatch(/\bat .*\.(ts|js):\d+/);
}

describe('discovery', () => {
  test('lists the three services with id, hook, title, description and prefetch', async () => {
    const res = await request(app).get('/cds-services').expect(200);
    expect(res.body.services.map((s: { id: string; hook: string }) => `${s.id}:${s.hook}`)).toEqual([
      'ttp-patient-view:patient-view',
      'ttp-order-select:order-select',
      'ttp-order-sign:order-sign',
    ]);
    for (const s of res.body.services) {
      expect(s.title).toEqual(expect.any(String));
      expect(s.description).toEqual(expect.any(String));
      expect(Object.keys(s.prefetch).length).toBeGreaterThan(3);
      expect(findEmptyValues(s)).toEqual([]);
    }
  });

  test('prefetch templates use only CDS Hooks 2.0 tokens', async () => {
    const res = await request(app).get('/cds-services').expect(200);
    for (const s of res.body.services)
      for (const q of Object.values<string>(s.prefetch))
        for (const m of q.matchAll(/\{\{([^}]*)\}\}/g)) expect(ALLOWED_TOKENS.has(m[1]!)).toBe(true);
  });

  test('prefetch is derived from the rules: order services ask for body measurements, patient-view does not', async () => {
    const res = await request(app).get('/cds-services').expect(200);
    const [pv, os] = res.body.services;
    expect(pv.prefetch.bodyMeasurements).toBeUndefined();
    expect(os.prefetch.bodyMeasurements).toBe(
      'Observation?patient={{context.patientId}}&code=http://loinc.org|8302-2,http://loinc.org|8306-3,http://loinc.org|3137-7,http://loinc.org|29463-7,http://loinc.org|3141-9',
    );
    expect(pv.prefetch.patient).toBe('Patient/{{context.patientId}}');
  });

  test('discovery and every card carry the content version (declared + digest of the content and site) and the rule versions', async () => {
    const d = await request(app).get('/cds-services').expect(200);
    const ext = d.body.services[0].extension['org.ttp-cds.service'];
    const declared = (JSON.parse(readFileSync(join(__dirname, '../../hooks/services.json'), 'utf8')) as { contentVersion: string })
      .contentVersion;
    expect(declared).toMatch(/^\d+\.\d+\.\d+$/);
    expect(ext.contentVersion).toMatch(new RegExp(`^${declared.replace(/\./g, '\\.')}\\+[0-9a-f]{8}$`));
    expect(ext.rules).toContainEqual({ id: 'TTP-CAPLA-DAY5', version: ruleVersion('TTP-CAPLA-DAY5') });
    const call = await request(app).post(PV).send(situations['full-prefetch-non-responder']()).expect(200);
    for (const c of call.body.cards)
      expect(c.source.extension['org.ttp-cds.content']).toEqual({
        contentVersion: ext.contentVersion,
        ruleVersion: expect.stringMatching(/^\d+\.\d+\.\d+$/),
      });
    // A site that changes a parameter runs other content: the digest says so.
    const site = await request(testApp({ now: NOW_D5, site: { parameters: { monitoringGapHours: 36 } } }).app)
      .get('/cds-services')
      .expect(200);
    expect(site.body.services[0].extension['org.ttp-cds.service'].contentVersion).not.toBe(ext.contentVersion);
  });

  test('healthz answers', async () => {
    const res = await request(app).get('/healthz').expect(200);
    expect(res.body.status).toBe('ok');
  });

  test('readyz is 200 while the store answers, 503 once it is gone (healthz stays alive)', async () => {
    const built = testApp();
    await built.ready;
    expect((await request(built.app).get('/readyz').expect(200)).body).toMatchObject({
      status: 'ready',
      store: 'sqlite',
      pendingCardRecords: 0,
    });
    await built.store.close();
    const res = await request(built.app).get('/readyz').expect(503);
    expect(res.body).toMatchObject({ status: 'not ready', reason: expect.stringContaining('the store does not answer') });
    await request(built.app).get('/healthz').expect(200);
  });
});

describe('CORS', () => {
  test('answers the browser preflight and allows the Authorization header', async () => {
    for (const path of ['/cds-services', PV, `${PV}/feedback`]) {
      const res = await request(app)
        .options(path)
        .set('Origin', 'https://sandbox.cds-hooks.org')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe('https://sandbox.cds-hooks.org');
      expect(res.headers['access-control-allow-headers']).toMatch(/Authorization/);
    }
  });

  test('does not allow an origin that is not configured', async () => {
    const res = await request(app).get('/cds-services').set('Origin', 'https://evil.example');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  test('origins are configurable', async () => {
    const other = testApp({ now: NOW_D5, env: { CORS_ORIGINS: 'https://ehr.hospital.example' } }).app;
    const res = await request(other).get('/cds-services').set('Origin', 'https://ehr.hospital.example');
    expect(res.headers['access-control-allow-origin']).toBe('https://ehr.hospital.example');
  });
});

describe('calling a service', () => {
  test('a full prefetch returns spec-valid cards with rule ids and evidence', async () => {
    const res = await request(app).post(PV).send(situations['full-prefetch-non-responder']()).expect(200);
    expect(responseSchema.safeParse(res.body).success).toBe(true);
    expect(findEmptyValues(res.body)).toEqual([]);
    expect(res.body.cards.map((c: { source: { topic: { code: string } } }) => c.source.topic.code)).toEqual([
      'TTP-CAPLA-DAY5',
      'TTP-REFRACTORY-2L',
    ]);
  });

  test('answers carry API security headers, no-store and no ETag', async () => {
    for (const res of [
      await request(app).post(PV).send(situations['full-prefetch-non-responder']()).expect(200),
      await request(app).post(PV).send('{').type('json').expect(400),
    ]) {
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers.etag).toBeUndefined();
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  test('duplicated-resources (every lab, session and drug twice) give the same cards', async () => {
    const plain = await request(app).post(PV).send(situations['full-prefetch-non-responder']()).expect(200);
    const dup = await request(app).post(PV).send(situations['duplicated-resources']()).expect(200);
    const view = (b: { cards: { summary: string; detail?: string }[] }) => b.cards.map((c) => [c.summary, c.detail]);
    expect(view(dup.body)).toEqual(view(plain.body));
    expect(dup.body.cards).toHaveLength(2);
  });

  test('labs-of-another-patient in the Bundle are ignored (the same labs for this patient are a response)', async () => {
    const ids = (b: { cards: { source: { topic: { code: string } } }[] }) => b.cards.map((c) => c.source.topic.code);
    const mixed = await request(app).post(PV).send(situations['labs-of-another-patient']()).expect(200);
    expect(ids(mixed.body)).toEqual(['TTP-CAPLA-DAY5', 'TTP-REFRACTORY-2L']);
    const own = await request(app).post(PV).send(situations['recovery-of-this-patient']()).expect(200);
    expect(ids(own.body)).not.toContain('TTP-CAPLA-DAY5');
  });

  test("this patient's own Patient inside the labs Bundle is ignored with a note; the cards stay", async () => {
    const res = await request(app).post(PV).send(situations['own-patient-in-labs']()).expect(200);
    const capla = (res.body.cards as { source: { topic: { code: string } }; detail: string }[]).find(
      (c) => c.source.topic.code === 'TTP-CAPLA-DAY5',
    )!;
    expect(capla.detail).toContain('prefetch.labs: 1 Patient resource(s), not of the types this key holds, were ignored.');
  });

  test('a stable, responding patient gets { "cards": [] }', async () => {
    const res = await request(app).post(PV).send(situations['stable-patient']()).expect(200);
    expect(res.body).toEqual({ cards: [] });
  });

  test('odd but legal shapes are read leniently', async () => {
    const res = await request(app).post(PV).send(situations['odd-shapes']()).expect(200);
    expect(res.body.cards.map((c: { source: { topic: { code: string } } }) => c.source.topic.code)).toEqual([
      'TTP-CAPLA-DAY5',
      'TTP-REFRACTORY-2L',
    ]);
  });

  test('order-select and order-sign run the ordering rules', async () => {
    const sel = await request(app).post('/cds-services/ttp-order-select').send(situations['order-select-platelets']()).expect(200);
    expect(sel.body.cards[0].source.topic.code).toBe('TTP-PLT-TXN');
    const sign = await request(app).post('/cds-services/ttp-order-sign').send(situations['order-sign-platelets']()).expect(200);
    expect(sign.body.cards[0].source.topic.code).toBe('TTP-PLT-TXN');
  });

  test('at most 500 draft orders and selections per call: 500 are answered, 501 are a 400 that says so', async () => {
    const withDrafts = (n: number) => {
      const body = situations['order-select-platelets']() as {
        context: { draftOrders: { entry: { resource: Record<string, unknown> }[] }; selections: string[] };
      };
      const template = body.context.draftOrders.entry[0]!.resource;
      body.context.draftOrders.entry = Array.from({ length: n }, (_, i) => ({ resource: { ...template, id: `d${i}` } }));
      body.context.selections = body.context.draftOrders.entry.map((e) => `ServiceRequest/${String(e.resource.id)}`);
      return body;
    };
    const ok = await request(app).post('/cds-services/ttp-order-select').send(withDrafts(500)).expect(200);
    expect(ok.body.cards.length).toBe(500);
    const res = await request(app).post('/cds-services/ttp-order-select').send(withDrafts(501)).expect(400);
    expect(JSON.stringify(res.body)).toContain('at most 500 draft orders per call');
  });

  test('the Logica `selection` alias is accepted', async () => {
    const res = await request(app).post('/cds-services/ttp-order-select').send(situations['order-select-selection-alias']()).expect(200);
    expect(res.body.cards[0].source.topic.code).toBe('TTP-PLT-TXN');
  });
});

describe('bad requests get a clear 4xx with an OperationOutcome', () => {
  test('malformed JSON: 400', async () => {
    const res = await request(app).post(PV).set('Content-Type', 'application/json').send('{"hook": "patient-view",').expect(400);
    expectOutcome(res.body, []);
    expect(res.body.issue[0].diagnostics).toMatch(/not valid JSON/);
  });

  test.each([
    'application/json',
    'application/fhir+json',
    'application/fhir+json; charset=utf-8',
    'Application/JSON;charset=UTF-8',
    'application/vnd.example+json',
  ])('a body sent as %s is read as JSON', async (type) => {
    await request(app).post(PV).set('Content-Type', type).send(JSON.stringify(situations['full-prefetch-non-responder']())).expect(200);
  });

  test.each(['text/plain', 'text/json', 'application/jsonp', 'application/xml', 'application/json-patch'])(
    'a body sent as %s is not read: 400',
    async (type) => {
      await request(app).post(PV).set('Content-Type', type).send(JSON.stringify(situations['full-prefetch-non-responder']())).expect(400);
    },
  );

  test('JSON in another charset than UTF-8: 415', async () => {
    await request(app)
      .post(PV)
      .set('Content-Type', 'application/json; charset=latin1')
      .send(JSON.stringify(situations['full-prefetch-non-responder']()))
      .expect(415);
  });

  test('not JSON at all: 400', async () => {
    const res = await request(app).post(PV).set('Content-Type', 'text/plain').send('hello').expect(400);
    expectOutcome(res.body, []);
  });

  test('a JSON array: 400', async () => {
    await request(app).post(PV).send([1, 2]).expect(400);
  });

  test.each([
    ['missing context.patientId: 400 naming the field', 'missing-patient-id', ['context.patientId']],
    ['a userId of the wrong type: 400 naming the field', 'bad-user-id', ['context.userId']],
    ['a hook that does not match the service: 400', 'wrong-hook', ['hook']],
    ['a prefetch value that is not a resource: 400 naming the key', 'prefetch-value-not-a-resource', ['prefetch.labs']],
    ['a prefetched Patient that is not context.patientId: 400', 'prefetch-for-another-patient', ['prefetch.patient']],
    ['a Patient of another id inside another key (labs): 400', 'stray-patient-in-labs', ['prefetch.labs']],
  ] as const)('%s', async (_name, situation, fields) => {
    const res = await request(app).post(PV).send(situations[situation]()).expect(400);
    expectOutcome(res.body, [...fields]);
  });

  test.each([
    ['a fhirServer that is not a URL', { fhirServer: 'ehr.example.org/fhir' }, 'fhirServer', /absolute http\(s\) URL/],
    ['a fhirServer of another scheme', { fhirServer: 'ftp://ehr.example.org/fhir' }, 'fhirServer', /absolute http\(s\) URL/],
    ['a prefetch that is a list', { prefetch: [] }, 'prefetch', /JSON object/],
    ['a prefetch that is a string', { prefetch: 'labs' }, 'prefetch', /JSON object/],
    ['an extension that is not an object', { extension: 3 }, 'extension', /JSON object/],
  ] as const)('%s: 400 naming the field', async (_name, change, field, message) => {
    const res = await request(app)
      .post(PV)
      .send({ ...situations['full-prefetch-non-responder'](), ...change })
      .expect(400);
    expectOutcome(res.body, [field]);
    expect(JSON.stringify(res.body)).toMatch(message);
  });

  test('a fhirServer with a port, a path and IPv6 loopback is accepted', async () => {
    for (const fhirServer of ['https://ehr.example.org:8443/fhir/r4', 'http://[::1]:8080/fhir', 'http://127.0.0.1:9/fhir?x=1'])
      await request(app)
        .post(PV)
        .send({ ...situations['full-prefetch-non-responder'](), fhirServer })
        .expect(200);
  });

  test('missing hookInstance and context: 400 naming both', async () => {
    const res = await request(app).post(PV).send({ hook: 'patient-view' }).expect(400);
    expectOutcome(res.body, ['hookInstance', 'context']);
  });

  test('fhirAuthorization without fhirServer: 400', async () => {
    const res = await request(app).post(PV).send(situations['fhir-authorization-without-server']()).expect(400);
    expectOutcome(res.body, ['fhirServer']);
    expect(JSON.stringify(res.body)).not.toContain('secret-token');
  });

  test('a selection that names no draft order: 400 saying which', async () => {
    const res = await request(app).post('/cds-services/ttp-order-select').send(situations['order-select-unknown-selection']()).expect(400);
    expectOutcome(res.body, ['context.selections[1]']);
    expect(res.body.issue[0].diagnostics).toContain('MedicationRequest/nope');
  });

  test('order-select without draftOrders: 400', async () => {
    const body = situations['order-select-platelets']();
    delete (body.context as Record<string, unknown>).draftOrders;
    const res = await request(app).post('/cds-services/ttp-order-select').send(body).expect(400);
    expectOutcome(res.body, ['context.draftOrders']);
  });

  test('unknown service: 404', async () => {
    const res = await request(app).post('/cds-services/nope').send(situations['full-prefetch-non-responder']()).expect(404);
    expectOutcome(res.body, []);
  });

  test('unknown route: 404 OperationOutcome', async () => {
    await request(app).get('/nothing-here').expect(404);
  });

  test('a body over the limit: 413', async () => {
    const small = testApp({ now: NOW_D5, env: { BODY_LIMIT: '10kb' } }).app;
    const res = await request(small).post(PV).send(situations['full-prefetch-non-responder']()).expect(413);
    expectOutcome(res.body, []);
  });

  test('9,500 arrays nested in a CodeableConcept: 400 naming where (not a 500); 50 levels in a code are read', async () => {
    const nested = (depth: number) => {
      const body = situations['full-prefetch-non-responder']() as { prefetch: { labs: { entry: { resource: { code: unknown } }[] } } };
      body.prefetch.labs.entry[0]!.resource.code = 'DEEP';
      return JSON.stringify(body).replace('"DEEP"', `${'['.repeat(depth)}{"text":"x"}${']'.repeat(depth)}`);
    };
    const res = await request(app).post(PV).set('Content-Type', 'application/json').send(nested(9500)).expect(400);
    expect(JSON.stringify(res.body)).toMatch(
      /nests objects or arrays more than 64 levels deep \(at prefetch\.labs\.entry\[0\]\.resource\.code/,
    );
    await request(app).post(PV).set('Content-Type', 'application/json').send(nested(50)).expect(200);
  });

  test('4.8 MB of nested brackets is refused before JSON.parse runs, on every route that parses JSON; brackets in strings do not count', async () => {
    const brackets = `${'['.repeat(2_400_000)}${']'.repeat(2_400_000)}`;
    const big = testApp({ now: NOW_D5, env: { BODY_LIMIT: '6mb' } }).app;
    for (const path of [PV, `${PV}/feedback`]) {
      const t0 = process.cpuUsage();
      const res = await request(big).post(path).set('Content-Type', 'application/json').send(brackets).expect(400);
      const cpu = process.cpuUsage(t0);
      expect(res.body.issue[0].diagnostics).toBe(
        'The request nests objects or arrays more than 64 levels deep (at [0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]).',
      );
      // A linear pass: far below the seconds JSON.parse took on this body.
      expect((cpu.user + cpu.system) / 1000).toBeLessThan(1500);
    }
    const inString = situations['full-prefetch-non-responder']() as { prefetch: { patient: { name?: unknown } } };
    inString.prefetch.patient.name = [{ text: '['.repeat(5000) }];
    await request(app).post(PV).send(inString).expect(200);
  });

  test('the depth check on the raw body names where: a key with a bracket or a colon in it is still one key', async () => {
    const { tooDeepAt } = await import('../../src/json-depth');
    expect(tooDeepAt('{"a:[":[1,2,{"b":[[[]]]}]}', 3)).toEqual({ at: 17, path: 'a:[[2].b' });
    expect(tooDeepAt('{"a":"[[[[[[["}', 3)).toBeUndefined();
    expect(tooDeepAt(Buffer.from('[[["\\"]]]'), 3)).toBeUndefined();
    expect(tooDeepAt(Buffer.from('[[[[]]]]'), 3)).toEqual({ at: 3, path: '[0][0][0]' });
  });

  test('hostile bodies never produce a 500', async () => {
    const hostile: unknown[] = [
      {
        hook: 'patient-view',
        hookInstance: 'x',
        context: { userId: 'Practitioner/1', patientId: 'p' },
        prefetch: { __proto__: { polluted: true }, patient: { resourceType: 'Patient', id: 'p', birthDate: 12 } },
      },
      { hook: 'patient-view', hookInstance: 'a'.repeat(500), context: {} },
      { hook: 'patient-view', hookInstance: 'x\n{"level":60}', context: { userId: 'Practitioner/1', patientId: 'p' } },
      {
        hook: 'patient-view',
        hookInstance: 'x',
        context: { userId: 'Practitioner/1', patientId: 'p' },
        prefetch: { conditions: { resourceType: 'Bundle', entry: 'nope' } },
      },
      { hook: 123, hookInstance: null, context: 'string' },
      {
        hook: 'patient-view',
        hookInstance: 'x',
        context: { userId: 'Practitioner/1', patientId: 'p' },
        prefetch: JSON.parse(
          '{"conditions": {"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Condition", "code": {"coding": "x"}, "onsetDateTime": "not a date"}}]}}',
        ),
      },
    ];
    for (const body of hostile) {
      const res = await request(app)
        .post(PV)
        .send(body as object);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });
});

describe('prefetch semantics', () => {
  test('missing-prefetch-keys without fhirServer: 412 naming the keys', async () => {
    const res = await request(app).post(PV).send(situations['missing-prefetch-keys']()).expect(412);
    expectOutcome(res.body, ['prefetch.labs', 'prefetch.conditions']);
    expect(res.body.issue).toHaveLength(2);
  });

  test('no prefetch at all and no fhirServer: 412 naming every required key', async () => {
    const res = await request(app).post(PV).send(situations['no-prefetch-at-all']()).expect(412);
    expectOutcome(res.body, [
      'prefetch.patient',
      'prefetch.conditions',
      'prefetch.procedures',
      'prefetch.labs',
      'prefetch.medicationRequests',
      'prefetch.serviceRequests',
    ]);
  });

  test('operation-outcome-in-prefetch is treated as a failed fetch: 412 naming the key', async () => {
    const res = await request(app).post(PV).send(situations['operation-outcome-in-prefetch']()).expect(412);
    expectOutcome(res.body, ['prefetch.labs']);
    expect(res.body.issue[0].diagnostics).toContain('lab system timed out');
  });

  test('null-prefetch-values are data ("nothing there"), not missing', async () => {
    const res = await request(app).post(PV).send(situations['null-prefetch-values']()).expect(200);
    const codes = res.body.cards.map((c: { source: { topic: { code: string } } }) => c.source.topic.code);
    expect(codes).toContain('TTP-CAPLA-DAY5');
    // No Patient: age unknown, and the cards say so rather than assume.
    expect(res.body.cards[0].detail).toContain('Age is not recorded');
  });

  test('an optional key that is missing degrades the cards, which say what is missing', async () => {
    const res = await request(app).post(PV).send(situations['optional-key-missing']()).expect(200);
    const capla = res.body.cards.find((c: { source: { topic: { code: string } } }) => c.source.topic.code === 'TTP-CAPLA-DAY5');
    expect(capla.detail).toContain('Data not available: medicationAdministrations');
  });

  test('a paginated Bundle that cannot be followed is read, and the cards say a page is missing', async () => {
    const res = await request(app).post(PV).send(situations['paginated-bundle']()).expect(200);
    expect(res.body.cards[0].detail).toContain('Data not available: labs (the Bundle has more pages than were read)');
  });
});

describe('response checks', () => {
  function withBrokenCitation(mode: string) {
    const content = loadContent();
    content.citations.ISTH20!.url = 'not a url'; // after the start-up checks, to simulate a bug
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
    return {
      app: createApp({
        config: testConfig({ CHECK_RESPONSES: mode }),
        content,
        clock: () => at(NOW_D5),
        newId: () => '00000000-0000-4000-8000-000000000001',
        logger,
      }).app,
      lines,
    };
  }

  test('log (the default): a card that breaks the spec is logged and still sent', async () => {
    const { app: a, lines } = withBrokenCitation('log');
    const res = await request(a).post(PV).send(situations['full-prefetch-non-responder']()).expect(200);
    expect(res.body.cards.length).toBe(2);
    expect(lines.some((l) => l.includes('broke the CDS Hooks card rules') && l.includes('source.url'))).toBe(true);
  });

  test('throw (the tests): the same bug is a 500 that says so, without a stack trace', async () => {
    const { app: a } = withBrokenCitation('throw');
    const res = await request(a).post(PV).send(situations['full-prefetch-non-responder']()).expect(500);
    expect(JSON.stringify(res.body)).not.toMatch(/\.ts:\d+/);
  });

  test('the default mode is log', () => {
    expect(testConfig({ CHECK_RESPONSES: 'log' }).checkResponses).toBe('log');
    expect(loadConfig({}).checkResponses).toBe('log');
  });
});
