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
