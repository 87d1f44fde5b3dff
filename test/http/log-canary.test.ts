/**
 * The log canary (issue: hostile input, second round, item 5): a FHIR server whose OperationOutcome
 * echoes the call's access token (plain, as a bearer header, as `access_token=`, and a JWT), and
 * patient ids placed in URL paths. Every line of the log is searched: none of them appears.
 */
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import request from 'supertest';
import { createApp } from '../../src/app';
import { loadContent } from '../../src/content';
import { createLogger } from '../../src/logger';
import { redact } from '../../src/redact';
import { at } from '../fixtures/builder';
import { NOW_D5, nonResponderD5 } from '../fixtures/situations';
import { seqId, testConfig } from '../helpers';

const TOKEN = 'opaque-access-token-Zq81KcV3';
const JWT = 'eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlLWNhbmFyeQ';
const PATIENT = 'PATIENT-CANARY-7731';

let fhir: Server;
let fhirUrl: string;
beforeAll(async () => {
  const app = express();
  // Every search answers 200 with an OperationOutcome that echoes what it was sent.
  app.use((req, res) =>
    res.type('application/fhir+json').send(
      JSON.stringify({
        resourceType: 'OperationOutcome',
        issue: [
          {
            severity: 'error',
            code: 'security',
            diagnostics: `Invalid token ${TOKEN}; Authorization: ${req.headers.authorization}; retry with ?access_token=${TOKEN} or ${JWT}`,
          },
        ],
      }),
    ),
  );
  fhir = await new Promise((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  fhirUrl = `http://127.0.0.1:${(fhir.address() as AddressInfo).port}/fhir`;
});
afterAll(async () => {
  await new Promise((r) => fhir.close(r));
});

test('redact(): bearer tokens, access_token= (in a query or JSON), JWT shapes; nothing else changes', () => {
  expect(redact(`Authorization: Bearer ${TOKEN}`)).toBe('Authorization: Bearer [redacted]');
  expect(redact(`https://x/fhir?access_token=${TOKEN}&a=1`)).toBe('https://x/fhir?access_token=[redacted]&a=1');
  expect(redact(`{"access_token": "${TOKEN}"}`)).toBe('{"access_token": "[redacted]"}');
  expect(redact(`token ${JWT} here`)).toBe('token [jwt redacted] here');
  expect(redact('Observation 777-3 has code 53622-7')).toBe('Observation 777-3 has code 53622-7');
});

test('no log line holds the access token, a JWT, or a patient id placed in a URL path', async () => {
  const lines: string[] = [];
  const logger = createLogger('debug', new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }) as never);
  const { app } = createApp({
    config: testConfig({ FHIR_ALLOWLIST: 'http://127.0.0.1:*', FHIR_TIMEOUT_MS: '5000' }),
    content: loadContent(),
    clock: () => at(NOW_D5),
    newId: seqId,
    logger,
  });
  // A call whose keys are fetched: the server's outcome echoes the token every way it can.
  const body = nonResponderD5().request('patient-view');
  const prefetch = body.prefetch as Record<string, unknown>;
  for (const k of ['medicationAdministrations', 'medicationStatements', 'allergies']) delete prefetch[k];
  body.fhirServer = fhirUrl;
  body.fhirAuthorization = { access_token: TOKEN, token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'ttp-cds' };
  await request(app).post('/cds-services/ttp-patient-view').send(body).expect(200);
  // Patient ids where a route has a service id, or after it.
  await request(app).post(`/cds-services/${PATIENT}`).send(body).expect(404);
  await request(app).post(`/cds-services/ttp-patient-view/${PATIENT}/feedback`).send({}).expect(404);
  await request(app).get(`/cds-services/${PATIENT}?access_token=${TOKEN}`).expect(404);
  await request(app).get(`/${PATIENT}/${JWT}`).expect(404);
  await new Promise((r) => setTimeout(r, 50));
  const all = lines.join('');
  expect(lines.length).toBeGreaterThan(6);
  expect(all).toContain('prefetch key not fetched');
  expect(all).toContain('returned an OperationOutcome');
  for (const secret of [TOKEN, JWT, PATIENT]) expect({ secret, found: all.includes(secret) }).toEqual({ secret, found: false });
});

test('even a line a developer writes with outside text in its message is redacted', () => {
  const lines: string[] = [];
  const logger = createLogger('info', new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }) as never);
  logger.warn({ reason: `server said Bearer ${TOKEN}`, nested: { why: [`jwt ${JWT}`] } }, `upstream echoed access_token=${TOKEN}`);
  logger.error(new Error(`failed with ${JWT}`));
  const all = lines.join('');
  expect(all).not.toContain(TOKEN);
  expect(all).not.toContain(JWT);
  expect(all).toContain('Bearer [redacted]');
});
