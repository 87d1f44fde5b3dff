/**
 * Feedback and governance over HTTP: cards issued are recorded (with a salted patient hash, never
 * the id), feedback is validated and idempotent, and /governance/rules reports per-rule override
 * rates behind the admin token.
 */
import request from 'supertest';
import pino from 'pino';
import { createApp } from '../../src/app';
import { loadContent } from '../../src/content';
import { SqliteStore } from '../../src/store/sqlite';
import { at } from '../fixtures/builder';
import { NOW_D5, nonResponderD5 } from '../fixtures/situations';
import { seqId, testConfig } from '../helpers';

const PV = '/cds-services/ttp-patient-view';
const ADMIN = 'admin-token-0123456789';
const content = loadContent();

function make(env: Record<string, string> = { ADMIN_TOKEN: ADMIN }) {
  const store = new SqliteStore(':memory:');
  return {
    ...createApp({ config: testConfig(env), content, clock: () => at(NOW_D5), newId: seqId, logger: pino({ level: 'silent' }), store }),
    store,
  };
}

async function issueCards(app: ReturnType<typeof make>['app']) {
  const res = await request(app).post(PV).send(nonResponderD5().request('patient-view')).expect(200);
  return res.body.cards as { uuid: string; source: { topic: { code: string } }; suggestions?: { uuid: string }[] }[];
}

const rules = async (app: ReturnType<typeof make>['app']) =>
  (await request(app).get('/governance/rules').set('Authorization', `Bearer ${ADMIN}`).expect(200)).body.rules as {
    ruleId: string;
    fired: number;
    accepted: number;
    overridden: number;
    overrideReasons: Record<string, number>;
  }[];

describe('feedback and governance', () => {
  test('accepted and overridden feedback joins back to its rule; duplicates count once', async () => {
    const { app } = make();
    const [capla, refr] = await issueCards(app);
    expect(capla!.source.topic.code).toBe('TTP-CAPLA-DAY5');
    const items = [
      {
        card: capla!.uuid,
        outcome: 'accepted',
        outcomeTimestamp: '2026-03-06T18:01:00Z',
        acceptedSuggestions: [{ id: capla!.suggestions![0]!.uuid }],
      },
      {
        card: refr!.uuid,
        outcome: 'overridden',
        outcomeTimestamp: '2026-03-06T18:02:00Z',
        overrideReason: {
          reason: { system: 'urn:ttp-cds:override-reason', code: 'specialist-consulted', display: 'TTP specialist consulted' },
          userComment: 'Discussed with Dr X for patient John',
        },
      },
    ];
    await request(app).post(`${PV}/feedback`).send({ feedback: items }).expect(200);
    await request(app).post(`${PV}/feedback`).send({ feedback: items }).expect(200);
    const r = await rules(app);
    expect(r.find((x) => x.ruleId === 'TTP-CAPLA-DAY5')).toMatchObject({ fired: 1, accepted: 1, overridden: 0 });
    expect(r.find((x) => x.ruleId === 'TTP-REFRACTORY-2L')).toMatchObject({
      fired: 1,
      accepted: 0,
      overridden: 1,
      overrideReasons: { 'specialist-consulted': 1 },
    });
    expect(r.find((x) => x.ruleId === 'TTP-PLT-TXN')).toMatchObject({ fired: 0, accepted: 0, overridden: 0 });
    const text = JSON.stringify(r);
    expect(text).not.toContain('pat-1');
    expect(text).not.toContain('John');
  });

  test.each([
    ['no feedback array', {}, 'feedback'],
    ['empty feedback array', { feedback: [] }, 'feedback'],
    ['card not a uuid', { feedback: [{ card: 'x', outcome: 'overridden', outcomeTimestamp: '2026-03-06T18:01:00Z' }] }, 'feedback[0].card'],
    [
      'unknown outcome',
      { feedback: [{ card: '00000000-0000-4000-8000-000000000001', outcome: 'ignored', outcomeTimestamp: '2026-03-06T18:01:00Z' }] },
      'feedback[0].outcome',
    ],
    [
      'accepted without acceptedSuggestions',
      { feedback: [{ card: '00000000-0000-4000-8000-000000000001', outcome: 'accepted', outcomeTimestamp: '2026-03-06T18:01:00Z' }] },
      'feedback[0].acceptedSuggestions',
    ],
    [
      'timestamp not RFC 3339',
      { feedback: [{ card: '00000000-0000-4000-8000-000000000001', outcome: 'overridden', outcomeTimestamp: 'yesterday' }] },
      'feedback[0].outcomeTimestamp',
    ],
    [
      'overrideReason with neither reason nor comment',
      {
        feedback: [
          {
            card: '00000000-0000-4000-8000-000000000001',
            outcome: 'overridden',
            outcomeTimestamp: '2026-03-06T18:01:00Z',
            overrideReason: {},
          },
        ],
      },
      'feedback[0].overrideReason',
    ],
  ])('400 naming the field: %s', async (_n, body, field) => {
    const { app } = make();
    const res = await request(app).post(`${PV}/feedback`).send(body).expect(400);
    expect(res.body.issue.flatMap((i: { expression?: string[] }) => i.expression ?? [])).toContain(field);
  });

  test('feedback for an unknown service: 404', async () => {
    const { app } = make();
    await request(app)
      .post('/cds-services/nope/feedback')
      .send({
        feedback: [{ card: '00000000-0000-4000-8000-000000000001', outcome: 'overridden', outcomeTimestamp: '2026-03-06T18:01:00Z' }],
      })
      .expect(404);
  });

  test('a store that fails is a 503: nothing is acknowledged that was not stored', async () => {
    const { app, store } = make();
    await store.close();
    await request(app)
      .post(`${PV}/feedback`)
      .send({
        feedback: [{ card: '00000000-0000-4000-8000-000000000001', outcome: 'overridden', outcomeTimestamp: '2026-03-06T18:01:00Z' }],
      })
      .expect(503);
    // ...while cards still go out to the clinician.
    const res = await request(app).post(PV).send(nonResponderD5().request('patient-view')).expect(200);
    expect(res.body.cards.length).toBe(2);
  });

  test('governance needs the admin token and is disabled without ADMIN_TOKEN', async () => {
    const { app } = make();
    await request(app).get('/governance/rules').expect(401);
    await request(app).get('/governance/rules').set('Authorization', 'Bearer wrong-token-0123456789').expect(401);
    const off = make({});
    await request(off.app).get('/governance/rules').set('Authorization', `Bearer ${ADMIN}`).expect(404);
  });

  test('cards are recorded with a salted hash of the patient id, never the id', async () => {
    const { app, store } = make();
    await issueCards(app);
    const db = (store as unknown as { db: { prepare(s: string): { all(): { patient_hash: string; rule_id: string }[] } } }).db;
    const rows = db.prepare('SELECT patient_hash, rule_id FROM cards').all();
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r.patient_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(r.patient_hash).not.toContain('pat-1');
    }
  });
});

/**
 * Feedback only about cards this service issued and showed (hostile input, second round, item 9):
 * fabricated card ids with any reason code and any length grew the database by 305 MB in 14 s.
 */
describe('feedback is about cards the service issued', () => {
  const OS = '/cds-services/ttp-order-select';
  const overridden = (card: string, extra: Record<string, unknown> = {}, at = '2026-03-06T18:01:00Z') => ({
    card,
    outcome: 'overridden',
    outcomeTimestamp: at,
    overrideReason: { reason: { system: 'urn:ttp-cds:override-reason', code: 'bleeding-risk' } },
    ...extra,
  });
  const feedbackRows = (store: SqliteStore) =>
    (store as unknown as { db: { prepare(s: string): { get(): { n: number } } } }).db.prepare('SELECT count(*) AS n FROM feedback').get().n;
  const fields = (res: request.Response) => res.body.issue.map((i: { expression?: string[] }) => i.expression?.[0]);
  const diagnostics = (res: request.Response) => res.body.issue.map((i: { diagnostics: string }) => i.diagnostics).join(' | ');

  test('a card id the service never issued: 400 naming the item, nothing stored', async () => {
    const { app, store } = make();
    const [capla] = await issueCards(app);
    const res = await request(app)
      .post(`${PV}/feedback`)
      .send({ feedback: [overridden(capla!.uuid), overridden('00000000-0000-4000-8000-00000000abcd')] })
      .expect(400);
    expect(fields(res)).toEqual(['feedback[1].card']);
    expect(diagnostics(res)).toBe('is not a card this service issued');
    // The whole request is refused: the valid item is not stored half-way either.
    expect(feedbackRows(store)).toBe(0);
    await request(app)
      .post(`${PV}/feedback`)
      .send({ feedback: [overridden(capla!.uuid)] })
      .expect(200);
    expect(feedbackRows(store)).toBe(1);
  });

  test('1,000 requests about fabricated cards store nothing', async () => {
    const { app, store } = make({ ADMIN_TOKEN: ADMIN, FEEDBACK_RATE_PER_MINUTE: '100000' });
    for (let i = 0; i < 1000; i += 100) {
      const batch = Array.from({ length: 100 }, (_, k) =>
        overridden(`00000000-0000-4000-8000-${String(i + k).padStart(12, '0')}ff`.slice(0, 36)),
      );
      await request(app).post(`${PV}/feedback`).send({ feedback: batch }).expect(400);
    }
    expect(feedbackRows(store)).toBe(0);
  });

  test('a card of another service, posted to this one: 400', async () => {
    const { app } = make();
    const [capla] = await issueCards(app);
    const res = await request(app)
      .post(`${OS}/feedback`)
      .send({ feedback: [overridden(capla!.uuid)] })
      .expect(400);
    expect(diagnostics(res)).toBe('was issued by another service (ttp-patient-view)');
  });

  test('a card computed in silent mode was never shown: 400', async () => {
    const store = new SqliteStore(':memory:');
    const { app } = createApp({
      config: testConfig({ ADMIN_TOKEN: ADMIN }),
      content: loadContent({ site: { silent: { rules: ['TTP-CAPLA-DAY5'] } } }),
      clock: () => at(NOW_D5),
      newId: seqId,
      logger: pino({ level: 'silent' }),
      store,
    });
    await request(app).post(PV).send(nonResponderD5().request('patient-view')).expect(200);
    const db = (store as unknown as { db: { prepare(s: string): { get(): { card_uuid: string } } } }).db;
    const silent = db.prepare(`SELECT card_uuid FROM cards WHERE silent = 1`).get().card_uuid;
    const res = await request(app)
      .post(`${PV}/feedback`)
      .send({ feedback: [overridden(silent)] })
      .expect(400);
    expect(diagnostics(res)).toBe('was computed in silent mode and never shown');
  });

  test("an override reason the card did not offer, or another system: 400 naming the card's reasons", async () => {
    const { app } = make();
    const [capla, refr] = await issueCards(app);
    const res = await request(app)
      .post(`${PV}/feedback`)
      .send({
        feedback: [
          overridden(capla!.uuid, { overrideReason: { reason: { system: 'urn:ttp-cds:override-reason', code: 'specialist-consulted' } } }),
          overridden(refr!.uuid, { overrideReason: { reason: { system: 'http://example.org/reasons', code: 'specialist-consulted' } } }),
        ],
      })
      .expect(400);
    expect(fields(res)).toEqual(['feedback[0].overrideReason.reason.code', 'feedback[1].overrideReason.reason.system']);
    expect(diagnostics(res)).toContain(
      'is not one of the override reasons of TTP-CAPLA-DAY5 (alternative-diagnosis, bleeding-risk, unavailable, patient-declined, hematology-plan',
    );
    expect(diagnostics(res)).toContain("is not this service's override-reason system (urn:ttp-cds:override-reason)");
    // A code without a system is the card's own when the card offered it.
    await request(app)
      .post(`${PV}/feedback`)
      .send({ feedback: [overridden(capla!.uuid, { overrideReason: { reason: { code: 'unavailable' } } })] })
      .expect(200);
    // A comment alone is an override reason too (cds-fb-3).
    await request(app)
      .post(`${PV}/feedback`)
      .send({ feedback: [overridden(capla!.uuid, { overrideReason: { userComment: 'discussed' } }, '2026-03-06T18:05:00Z')] })
      .expect(200);
  });

  test.each([
    ['101 items', (card: string) => ({ feedback: Array.from({ length: 101 }, () => overridden(card)) }), 'feedback'],
    [
      'a comment of 4,001 characters',
      (card: string) => ({ feedback: [overridden(card, { overrideReason: { userComment: 'x'.repeat(4001) } })] }),
      'feedback[0].overrideReason.userComment',
    ],
    [
      'a reason code of 65 characters',
      (card: string) => ({ feedback: [overridden(card, { overrideReason: { reason: { code: 'c'.repeat(65) } } })] }),
      'feedback[0].overrideReason.reason.code',
    ],
    [
      'a display of 257 characters',
      (card: string) => ({
        feedback: [overridden(card, { overrideReason: { reason: { code: 'unavailable', display: 'd'.repeat(257) } } })],
      }),
      'feedback[0].overrideReason.reason.display',
    ],
    [
      '11 accepted suggestions',
      (card: string) => ({
        feedback: [
          {
            card,
            outcome: 'accepted',
            outcomeTimestamp: '2026-03-06T18:01:00Z',
            acceptedSuggestions: Array.from({ length: 11 }, (_, i) => ({ id: `s-${i}` })),
          },
        ],
      }),
      'feedback[0].acceptedSuggestions',
    ],
    [
      'a suggestion id of 129 characters',
      (card: string) => ({
        feedback: [{ card, outcome: 'accepted', outcomeTimestamp: '2026-03-06T18:01:00Z', acceptedSuggestions: [{ id: 's'.repeat(129) }] }],
      }),
      'feedback[0].acceptedSuggestions[0].id',
    ],
  ])('bounded: %s is a 400 naming the field', async (_n, body, field) => {
    const { app } = make();
    const [capla] = await issueCards(app);
    const res = await request(app).post(`${PV}/feedback`).send(body(capla!.uuid)).expect(400);
    expect(fields(res)).toContain(field);
  });

  test.each([
    ['100 items', 100],
    ['a comment of 4,000 characters', 1],
  ])('bounded on the other side: %s is accepted', async (_n, n) => {
    const { app } = make({ ADMIN_TOKEN: ADMIN, FEEDBACK_RATE_PER_MINUTE: '1000' });
    const issued = await Promise.all(Array.from({ length: 100 }, () => issueCards(app)));
    const cards = issued.map(([capla]) => capla!.uuid);
    const feedback = Array.from({ length: n }, (_, i) =>
      overridden(cards[i]!, n === 1 ? { overrideReason: { userComment: 'x'.repeat(4000) } } : {}),
    );
    await request(app).post(`${PV}/feedback`).send({ feedback }).expect(200);
  });

  test('at most 20 feedback items per card: the 20th is stored, the 21st refused', async () => {
    const { app, store } = make();
    const [capla] = await issueCards(app);
    const item = (i: number) => overridden(capla!.uuid, {}, `2026-03-06T18:${String(i).padStart(2, '0')}:00Z`);
    await request(app)
      .post(`${PV}/feedback`)
      .send({ feedback: Array.from({ length: 19 }, (_, i) => item(i)) })
      .expect(200);
    // Two more in one request: counted together with what is stored.
    const two = await request(app)
      .post(`${PV}/feedback`)
      .send({ feedback: [item(19), item(20)] })
      .expect(400);
    expect(fields(two)).toEqual(['feedback[1].card']);
    expect(diagnostics(two)).toBe('the card already has 19 feedback items (at most 20 per card)');
    await request(app)
      .post(`${PV}/feedback`)
      .send({ feedback: [item(19)] })
      .expect(200);
    expect(feedbackRows(store)).toBe(20);
    await request(app)
      .post(`${PV}/feedback`)
      .send({ feedback: [item(20)] })
      .expect(400);
    expect(feedbackRows(store)).toBe(20);
  });

  test('a card whose record still waits in the retry queue is a card the service issued', async () => {
    const store = new SqliteStore(':memory:');
    store.recordCards = () => Promise.reject(new Error('disk full'));
    const { app } = createApp({
      config: testConfig({ ADMIN_TOKEN: ADMIN }),
      content,
      clock: () => at(NOW_D5),
      newId: seqId,
      logger: pino({ level: 'silent' }),
      store,
    });
    const [capla] = await issueCards(app);
    await request(app)
      .post(`${PV}/feedback`)
      .send({ feedback: [overridden(capla!.uuid)] })
      .expect(200);
    expect(feedbackRows(store)).toBe(1);
  });

  test('a rate per client: FEEDBACK_RATE_PER_MINUTE items, then 429 with Retry-After; refilled as the minute passes', async () => {
    let now = at(NOW_D5);
    const store = new SqliteStore(':memory:');
    const { app } = createApp({
      config: testConfig({ ADMIN_TOKEN: ADMIN, FEEDBACK_RATE_PER_MINUTE: '6' }),
      content,
      clock: () => now,
      newId: seqId,
      logger: pino({ level: 'silent' }),
      store,
    });
    const [capla] = await issueCards(app);
    const item = (i: number) => overridden(capla!.uuid, {}, `2026-03-06T18:${String(i).padStart(2, '0')}:00Z`);
    await request(app)
      .post(`${PV}/feedback`)
      .send({ feedback: [0, 1, 2, 3, 4].map(item) })
      .expect(200);
    await request(app)
      .post(`${PV}/feedback`)
      .send({ feedback: [item(5)] })
      .expect(200);
    const refused = await request(app)
      .post(`${PV}/feedback`)
      .send({ feedback: [item(6)] })
      .expect(429);
    expect(refused.headers['retry-after']).toBe('10');
    expect(diagnostics(refused)).toBe('More than 6 feedback items a minute from this client; retry in 10 s.');
    now += 9_000;
    await request(app)
      .post(`${PV}/feedback`)
      .send({ feedback: [item(6)] })
      .expect(429);
    now += 1_000;
    await request(app)
      .post(`${PV}/feedback`)
      .send({ feedback: [item(6)] })
      .expect(200);
    expect(feedbackRows(store)).toBe(7);
  });
});
