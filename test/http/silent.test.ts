/**
 * Silent mode: a site pilots rules (or a whole service) before go-live. Their cards are computed and
 * recorded as "would have fired", never returned, and they change nothing in the cards that are.
 */
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../src/app';
import { loadContent } from '../../src/content';
import { at } from '../fixtures/builder';
import { NOW_D5, situations } from '../fixtures/situations';
import { seqId, testConfig } from '../helpers';

const ADMIN = 'admin-token-0123456789';
const PV = '/cds-services/ttp-patient-view';

function appWith(silent: { rules?: string[]; services?: string[] }) {
  const content = loadContent({ site: { silent } });
  return createApp({
    config: testConfig({ ADMIN_TOKEN: ADMIN }),
    content,
    clock: () => at(NOW_D5),
    newId: seqId,
    logger: pino({ level: 'silent' }),
  });
}

async function stats(app: ReturnType<typeof appWith>['app']) {
  const res = await request(app).get('/governance/rules').set('Authorization', `Bearer ${ADMIN}`).expect(200);
  return Object.fromEntries(
    (res.body.rules as { ruleId: string; fired: number; silent: number }[]).map((r) => [r.ruleId, { fired: r.fired, silent: r.silent }]),
  );
}

test('a silent rule: its card is not returned but recorded as silent; the other cards are as they were', async () => {
  const built = appWith({ rules: ['TTP-CAPLA-DAY5'] });
  await built.ready;
  const res = await request(built.app).post(PV).send(situations['full-prefetch-non-responder']()).expect(200);
  expect(res.body.cards.map((c: { source: { topic: { code: string } } }) => c.source.topic.code)).toEqual(['TTP-REFRACTORY-2L']);
  // Without CAPLA-DAY5 shown, REFRACTORY-2L is the card that recommends caplacizumab (G7 ignores silent rules).
  expect(res.body.cards[0].detail).toContain('Add caplacizumab first');
  const s = await stats(built.app);
  expect(s['TTP-CAPLA-DAY5']).toEqual({ fired: 0, silent: 1 });
  expect(s['TTP-REFRACTORY-2L']).toEqual({ fired: 1, silent: 0 });
});

test('a silent service answers no card at all, and records every one as silent', async () => {
  const built = appWith({ services: ['ttp-patient-view'] });
  await built.ready;
  const res = await request(built.app).post(PV).send(situations['full-prefetch-non-responder']()).expect(200);
  expect(res.body).toEqual({ cards: [] });
  const s = await stats(built.app);
  expect(s['TTP-CAPLA-DAY5']).toEqual({ fired: 0, silent: 1 });
  expect(s['TTP-REFRACTORY-2L']).toEqual({ fired: 0, silent: 1 });
});

test('an unknown rule or service in silent mode stops the start-up', () => {
  expect(() => loadContent({ site: { silent: { rules: ['TTP-NOPE'] } } })).toThrow(/site silent.rules: unknown rule TTP-NOPE/);
  expect(() => loadContent({ site: { silent: { services: ['nope'] } } })).toThrow(/site silent.services: unknown service nope/);
});
