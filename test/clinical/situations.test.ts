/**
 * The example patients answer what they say they answer (the preview shows real engine output), and
 * there is one for every rule and for every variant of every rule's card (the catalogue fills each
 * variant's text from one).
 */
import { SITUATIONS, situationRequest } from '../../src/examples/situations';
import { EXAMPLES, VARIANT_SITUATIONS } from '../../src/examples/variants';
import { callService } from '../../src/cds/service';
import { withSite } from '../../src/cds/deps';
import { loadContent } from '../../src/content';
import { setDay1 } from '../../src/examples/builder';
import { deps, run } from '../helpers';

const SERVICE = { 'patient-view': 'ttp-patient-view', 'order-select': 'ttp-order-select', 'order-sign': 'ttp-order-sign' } as const;

test.each(EXAMPLES.map((s) => [s.id, s] as const))('%s', async (_id, s) => {
  const { body, now } = situationRequest(s);
  const d = s.site ? withSite(deps(), s.site) : deps();
  const { response } = await callService(SERVICE[s.hook], body, { ...d, clock: () => now });
  expect(response.cards.map((c) => `${c.source.topic.code}:${c.indicator}`)).toEqual(s.cards);
});

/** rule:variant of every finding of every example (a folded one too), with the examples that show it. */
function shown(): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  for (const s of EXAMPLES) {
    setDay1('2026-03-02');
    const o = run(s.build(), s.hook, s.site ? { site: s.site } : {});
    for (const f of o.findings.flatMap((x) => [x, ...(x.folded ?? [])])) {
      const k = `${f.ruleId}:${f.variant ?? 'default'}`;
      seen.set(k, [...(seen.get(k) ?? []), s.id]);
    }
  }
  return seen;
}

describe('an example patient for every rule and every variant', () => {
  const content = loadContent();
  const seen = shown();
  test('every rule has at least one example patient', () => {
    const rules = new Set([...seen.keys()].map((k) => k.split(':')[0]));
    expect(Object.keys(content.rules).filter((id) => !rules.has(id))).toEqual([]);
  });
  test('every variant of every card has one', () => {
    const variants = Object.values(content.rules).flatMap((r) =>
      [...new Set([...Object.keys(r.summaries), ...Object.keys(r.details)])].map((v) => `${r.id}:${v}`),
    );
    expect(variants.filter((v) => !seen.has(v))).toEqual([]);
  });
  test.each(VARIANT_SITUATIONS.map((s) => [s.id, s.shows] as const))('%s shows %s', (id, variant) => {
    expect(seen.get(variant)).toContain(id);
  });
  test('ids are unique and the knowledge-base scenarios come first', () => {
    expect(new Set(EXAMPLES.map((s) => s.id)).size).toBe(EXAMPLES.length);
    expect(EXAMPLES.slice(0, SITUATIONS.length)).toEqual(SITUATIONS);
  });
});
