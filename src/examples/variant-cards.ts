/**
 * Every card variant of every rule, rendered for the example patient that shows it (./variants):
 * what the catalogue puts under each variant's template, so that a reviewer reads the text filled
 * for a patient, never a template with empty slots. Pure: the engine and the renderer on fixed dates.
 */
import { withSite } from '../cds/deps';
import type { ServiceDeps } from '../cds/service';
import type { Card } from '../cds/schemas';
import { renderCard } from '../render/cards';
import { evaluate } from '../rules/engine';
import type { Finding } from '../rules/types';
import { setDay1 } from './builder';
import type { Situation } from './situations';
import { EXAMPLES } from './variants';

export interface VariantExample {
  situation: Situation;
  card: Card;
}

/** rule:variant -> the first example patient whose answer has it (a folded finding rendered on its own). */
export function variantExamples(deps: ServiceDeps, examples: Situation[] = EXAMPLES): Map<string, VariantExample> {
  const out = new Map<string, VariantExample>();
  let n = 0;
  for (const situation of examples) {
    setDay1('2026-03-02');
    const s = situation.build();
    const d = situation.site ? withSite(deps, situation.site) : deps;
    const drafts = s.drafts.map((r) => ({ resource: r, ref: `${r.resourceType}/${String(r.id)}`, selected: true }));
    const now = Date.parse(s.now);
    const ev = evaluate(situation.hook, s.record(), drafts, now, d);
    const findings: Finding[] = ev.findings.flatMap((f) => [f, ...(f.folded ?? [])]);
    for (const f of findings) {
      const key = `${f.ruleId}:${f.variant ?? 'default'}`;
      if (out.has(key)) continue;
      const card = renderCard(f, {
        content: d.content,
        newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
        now,
        patientId: s.patientId,
        encounterId: 'enc-1',
        userId: 'Practitioner/example',
      });
      out.set(key, { situation, card });
    }
  }
  return out;
}
