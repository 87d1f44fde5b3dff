/**
 * A clinician's card speaks to a clinician (the committee's review of the preview): what only the
 * integration team needs (how a concept is recognised, what the site configuration lacks) sits in a
 * final "For the integration team" section, after the notes; evidence rows use words, never the
 * knowledge base's definition codes (D2, D4...) or raw states (not-met). Checked on every golden answer.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const GOLDEN = join(__dirname, '..', 'golden');
const details = readdirSync(GOLDEN)
  .filter((f) => f.endsWith('.json'))
  .flatMap((f) => {
    const j = JSON.parse(readFileSync(join(GOLDEN, f), 'utf8')) as unknown;
    const cards = (Array.isArray(j) ? j : ((j as { cards?: unknown[] }).cards ?? [])) as {
      detail?: string;
      source?: { topic?: { code?: string } };
    }[];
    return cards.map((c) => ({ file: f, rule: c.source?.topic?.code ?? '', detail: c.detail ?? '' }));
  });

const section = (detail: string, title: string) => {
  const start = detail.indexOf(`**${title}**`);
  if (start < 0) return '';
  const rest = detail.slice(start + title.length + 4);
  const end = rest.search(/\n\n(\*\*|Rule TTP-)/);
  return end < 0 ? rest : rest.slice(0, end);
};

test('the golden answers are many enough to say something', () => {
  expect(details.length).toBeGreaterThan(60);
  expect(details.filter((d) => d.detail.includes('**For the integration team**')).length).toBeGreaterThan(10);
});

test.each(details.map((d) => [`${d.file} ${d.rule}`, d] as const))('%s', (_n, d) => {
  const notes = section(d.detail, 'Notes');
  // The configuration and the terminology are the integration team's, never the clinician's notes.
  expect(notes).not.toMatch(/SITE_CONFIG_FILE|site orderable|recognised by LOINC|no verified LOINC code/);
  const integration = section(d.detail, 'For the integration team');
  if (integration) {
    // Last, after the notes and the evidence, just before the rule's version line.
    expect(d.detail.indexOf('**For the integration team**')).toBeGreaterThan(
      Math.max(d.detail.indexOf('**Notes**'), d.detail.indexOf('**Evidence**')),
    );
    expect(d.detail.trimEnd()).toMatch(/\*\*For the integration team\*\*[\s\S]*\n\nRule TTP-[A-Z0-9-]+ v\d+\.\d+\.\d+\.$/);
  }
  const evidence = section(d.detail, 'Evidence');
  expect(evidence).not.toMatch(/\((D|G)\d+[a-z]?\)/);
  expect(evidence).not.toMatch(/\| (not-met|met|unknown|true|false) \|/);
  expect(evidence).not.toContain('ordered-and-active');
});
