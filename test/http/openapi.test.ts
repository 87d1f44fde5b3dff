/**
 * The HTTP API described (GET /openapi.json): a valid OpenAPI 3.1 document, generated from the zod
 * schemas; every route the app serves is in it, and what the service answers matches its schemas.
 */
import { spawnSync } from 'node:child_process';
import type { Router } from 'express';
import request from 'supertest';
import { createApp } from '../../src/app';
import { loadContent } from '../../src/content';
import { discoverySchema, healthSchema, operationOutcomeSchema, readySchema, ruleStatsSchema } from '../../src/http/openapi';
import pino from 'pino';
import { at } from '../fixtures/builder';
import { NOW_D5, nonResponderD5 } from '../fixtures/situations';
import { seqId, testConfig } from '../helpers';

const ADMIN = 'admin-token-0123456789';
const content = loadContent();
const built = createApp({
  config: testConfig({ ADMIN_TOKEN: ADMIN, METRICS_TOKEN: 'metrics-token-0123456789' }),
  content,
  clock: () => at(NOW_D5),
  newId: seqId,
  logger: pino({ level: 'silent' }),
});
const app = built.app;

/** Every method and path the app routes, as Express holds them (nested routers included). */
function routes(router: Router, out: string[] = []): string[] {
  for (const layer of (router as unknown as { stack: { route?: { path: string; methods: Record<string, boolean> }; handle: Router }[] })
    .stack) {
    if (layer.route) for (const m of Object.keys(layer.route.methods)) out.push(`${m.toUpperCase()} ${layer.route.path}`);
    else if ((layer.handle as unknown as { stack?: unknown }).stack) routes(layer.handle, out);
  }
  return out;
}

describe('GET /openapi.json', () => {
  let doc: { openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
  beforeAll(async () => {
    doc = (await request(app).get('/openapi.json').expect(200).expect('Content-Type', /json/)).body;
  });

  test('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    // The validator is an ES module (jest runs CommonJS): it runs in a Node process of its own.
    const r = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import { Validator } from '@seriousme/openapi-schema-validator'; let s = ''; process.stdin.on('data', (c) => (s += c)).on('end', async () => { const r = await new Validator().validate(JSON.parse(s)); process.stdout.write(JSON.stringify(r)); });",
      ],
      { input: JSON.stringify(doc), encoding: 'utf8' },
    );
    const result = JSON.parse(r.stdout) as { valid: boolean; errors?: unknown };
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  test('every route the app serves is in it (a path parameter matches the paths it stands for)', () => {
    const served = [...new Set(routes((app as unknown as { router: Router }).router))];
    expect(served.length).toBeGreaterThan(15);
    if (process.env.SHOW_ROUTES) console.log(served.join('\n'));
    const missing = served.filter((r) => {
      const [method, path] = r.split(' ') as [string, string];
      const re = new RegExp(`^${path.replace(/:[A-Za-z]+/g, '[^/]+')}$`);
      return !Object.entries(doc.paths).some(
        ([p, ops]) => (re.test(p) || p.replace(/\{[^}]+\}/g, ':x') === path.replace(/:[A-Za-z]+/g, ':x')) && method.toLowerCase() in ops,
      );
    });
    expect(missing).toEqual([]);
  });

  test('the request and response schemas are the ones the service validates with, per hook', () => {
    for (const s of content.services) {
      const op = doc.paths[`/cds-services/${s.id}`]!.post as {
        requestBody: { content: { 'application/json': { schema: { $ref: string } } } };
      };
      expect(op.requestBody.content['application/json'].schema.$ref).toBe(`#/components/schemas/Request-${s.hook}`);
    }
    // zod's own output: the hook's required context fields are there.
    const pv = doc.components.schemas['Request-patient-view'] as { properties: { context: { required: string[] } } };
    expect(pv.properties.context.required).toEqual(expect.arrayContaining(['userId', 'patientId']));
    const card = JSON.stringify(doc.components.schemas.Response);
    expect(card).toContain('"indicator"');
    expect(card).toContain('"critical"');
  });
});

describe('what the service answers matches the schemas of the document', () => {
  test('discovery, health, readiness, statistics and an OperationOutcome', async () => {
    await built.ready;
    expect(discoverySchema.safeParse((await request(app).get('/cds-services').expect(200)).body).success).toBe(true);
    expect(healthSchema.safeParse((await request(app).get('/healthz').expect(200)).body).success).toBe(true);
    expect(readySchema.safeParse((await request(app).get('/readyz').expect(200)).body).success).toBe(true);
    await request(app).post('/cds-services/ttp-patient-view').send(nonResponderD5().request('patient-view')).expect(200);
    const stats = (await request(app).get('/governance/rules').set('Authorization', `Bearer ${ADMIN}`).expect(200)).body;
    const parsed = ruleStatsSchema.safeParse(stats);
    expect(parsed.error?.issues ?? []).toEqual([]);
    const bad = (await request(app).post('/cds-services/ttp-patient-view').send({ hook: 'patient-view' }).expect(400)).body;
    expect(operationOutcomeSchema.safeParse(bad).success).toBe(true);
  });
});
