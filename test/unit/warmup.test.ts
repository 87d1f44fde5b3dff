/** The start-up warm-up: every service answers its synthetic call, and the non-responder fires. */
import request from 'supertest';
import { warmUp, warmUpApp } from '../../src/cds/warmup';
import { deps, testApp } from '../helpers';

test('every service answers the synthetic call; the day-5 non-responder gets cards on each hook', async () => {
  const d = deps();
  const cards = await warmUp(d, 1);
  expect(Object.keys(cards).sort()).toEqual([...d.registry.services.keys()].sort());
  // patient-view: no caplacizumab by day 5 without response; order hooks: the platelet transfusion draft.
  for (const [, n] of Object.entries(cards)) expect(n).toBeGreaterThan(0);
});

test('the HTTP warm-up answers 200 through every service and stores nothing', async () => {
  const admin = 'warm-up-admin-token-0123456789';
  const built = testApp({ env: { ADMIN_TOKEN: admin } });
  await built.ready;
  const done = await warmUpApp(built);
  expect(done.http).toEqual(Object.fromEntries([...built.deps.registry.services.keys()].map((id) => [id, 200])));
  expect(done.jwtChecks).toBeUndefined();
  // A patient without data: no card, so no governance record.
  const rules = (await request(built.app).get('/governance/rules').set('Authorization', `Bearer ${admin}`).expect(200)).body.rules as { fired: number }[];
  expect(rules.length).toBeGreaterThan(0);
  expect(rules.every((r) => r.fired === 0)).toBe(true);
  await built.close();
});
