/** The start-up warm-up: every service answers its synthetic call, and the non-responder fires. */
import { warmUp } from '../../src/cds/warmup';
import { deps } from '../helpers';

test('every service answers the synthetic call; the day-5 non-responder gets cards on each hook', async () => {
  const d = deps();
  const cards = await warmUp(d, 1);
  expect(Object.keys(cards).sort()).toEqual([...d.registry.services.keys()].sort());
  // patient-view: no caplacizumab by day 5 without response; order hooks: the platelet transfusion draft.
  for (const [, n] of Object.entries(cards)) expect(n).toBeGreaterThan(0);
});
