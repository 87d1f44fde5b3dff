/**
 * What an operator sees: Prometheus metrics behind METRICS_TOKEN, an access log line per request
 * with its X-Request-Id (accepted or generated, echoed back), and refused CORS origins logged once.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../src/app';
import { loadContent } from '../../src/content';
import { at } from '../fixtures/builder';
import { NOW_D5, situations } from '../fixtures/situations';
import { ruleVersion, seqId, testConfig } from '../helpers';

const TOKEN = 'metrics-token-0123456789';
const PV = '/cds-services/ttp-patient-view';
const content = loadContent();

function appWith(env: Record<string, string> = {}) {
  const lines: string[] = [];
  const built = createApp({
    config: testConfig({ METRICS_TOKEN: TOKEN, ...env }),
    content,
    clock: () => at(NOW_D5),
    newId: seqId,
    logger: pino({ level: 'info' }, new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) })),
  });
  return { ...built, lines, logs: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('metrics', () => {
  test('404 without METRICS_TOKEN, 401 with a wrong token, the Prometheus text with the right one', async () => {
    const off = createApp({ config: testConfig(), content, logger: pino({ level: 'silent' }) });
    await request(off.app).get('/metrics').expect(404);
    const { app } = appWith();
    await request(app).get('/metrics').expect(401);
    await request(app).get('/metrics').set('Authorization', 'Bearer wrong-token-wrong-token').expect(401);
    const res = await request(app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.text).toContain('ttp_cds_process_cpu_user_seconds_total');
  });

  test('calls and latency per service, cards per rule, version and indicator, 4xx counted with their status', async () => {
    const { app } = appWith();
    await request(app).post(PV).send(situations['full-prefetch-non-responder']()).expect(200);
    await request(app).post(PV).send({}).expect(400);
    await request(app).post('/cds-services/no-such-service').send({}).expect(404);
    const m = (await request(app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`)).text;
    expect(m).toContain('ttp_cds_calls_total{service="ttp-patient-view",status="200"} 1');
    expect(m).toContain('ttp_cds_calls_total{service="ttp-patient-view",status="400"} 1');
    expect(m).toContain('ttp_cds_calls_total{service="unknown",status="404"} 1');
    expect(m).toContain('ttp_cds_call_duration_seconds_count{service="ttp-patient-view"} 2');
    expect(m).toContain(`ttp_cds_cards_total{rule="TTP-CAPLA-DAY5",version="${ruleVersion('TTP-CAPLA-DAY5')}",indicator="critical"} 1`);
    expect(m).toContain(
      `ttp_cds_cards_total{rule="TTP-REFRACTORY-2L",version="${ruleVersion('TTP-REFRACTORY-2L')}",indicator="warning"} 1`,
    );
    expect(m).toContain('ttp_cds_card_records_pending 0');
  });

  test('prefetch fallback fetches refused by the allow-list are counted per key', async () => {
    const { app } = appWith();
    const body = situations['full-prefetch-non-responder']() as { prefetch: Record<string, unknown>; fhirServer: string };
    delete body.prefetch.labs;
    await request(app).post(PV).send(body).expect(412);
    const m = (await request(app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`)).text;
    expect(m).toContain('ttp_cds_prefetch_fetches_total{key="labs",outcome="refused"} 1');
  });
});

describe('access log and request id', () => {
  test('every route gets a line with its request id; a safe X-Request-Id is kept and echoed, an unsafe one replaced', async () => {
    const { app, logs } = appWith();
    const kept = await request(app).get('/healthz').set('X-Request-Id', 'ehr-req-42').expect(200);
    expect(kept.headers['x-request-id']).toBe('ehr-req-42');
    const replaced = await request(app).get('/nope').set('X-Request-Id', 'bad id {"level":60}').expect(404);
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const generated = await request(app).get('/cds-services').expect(200);
    const pv = await request(app).post(PV).send(situations['full-prefetch-non-responder']()).expect(200);
    const lines = logs().filter((l) => l.msg === 'request');
    // Routes as templates: a path that is no route, or what a path holds beyond its route, is never logged.
    expect(lines.map((l) => [l.method, l.route, l.status, l.reqId])).toEqual([
      ['GET', '/healthz', 200, 'ehr-req-42'],
      ['GET', '(no route)', 404, replaced.headers['x-request-id']],
      ['GET', '/cds-services', 200, generated.headers['x-request-id']],
      ['POST', '/cds-services/:id', 200, pv.headers['x-request-id']],
    ]);
    // The CDS call's own line carries the same id; no line holds the patient id or a body.
    expect(logs().find((l) => l.msg === 'cds call')!.reqId).toBe(pv.headers['x-request-id']);
    const all = logs()
      .map((l) => JSON.stringify(l))
      .join('\n');
    expect(all).not.toContain('pat-1');
    expect(all).not.toContain('resourceType');
  });
});

describe('CORS', () => {
  test('a refused origin is logged once (and counted each time), an allowed one is not', async () => {
    const { app, logs } = appWith({ CORS_ORIGINS: 'https://sandbox.cds-hooks.org' });
    for (let i = 0; i < 3; i++)
      await request(app).options(PV).set('Origin', 'http://localhost:8080').set('Access-Control-Request-Method', 'POST');
    await request(app).options(PV).set('Origin', 'https://sandbox.cds-hooks.org').set('Access-Control-Request-Method', 'POST');
    const refused = logs().filter((l) => String(l.msg).startsWith('CORS: origin not in CORS_ORIGINS'));
    expect(refused.map((l) => l.origin)).toEqual(['http://localhost:8080']);
    const m = (await request(app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`)).text;
    expect(m).toContain('ttp_cds_cors_refused_total 3');
  });
});
