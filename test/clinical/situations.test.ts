/** The catalogue's example patients answer what they say they answer (the preview shows real engine output). */
import { SITUATIONS, situationRequest } from '../../src/examples/situations';
import { callService } from '../../src/cds/service';
import { deps } from '../helpers';

const SERVICE = { 'patient-view': 'ttp-patient-view', 'order-select': 'ttp-order-select', 'order-sign': 'ttp-order-sign' } as const;

test.each(SITUATIONS.map((s) => [s.id, s] as const))('%s', async (_id, s) => {
  const { body, now } = situationRequest(s);
  const { response } = await callService(SERVICE[s.hook], body, { ...deps(), clock: () => now });
  expect(response.cards.map((c) => `${c.source.topic.code}:${c.indicator}`)).toEqual(s.cards);
});
