/**
 * `npm run docs`: writes what is generated from the content, so that it cannot drift from what runs:
 * docs/site-customisation.md (parameters, value sets, units, orderables) and the example card in the
 * README (a day-5 non-responder's critical card, as a clinician sees it). `--check` fails instead of
 * writing when a file differs (the tests run the same check).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadContent } from '../src/content';
import { siteCustomisation } from '../src/content/docs';
import { projectRoot } from '../src/content/paths';
import { buildDeps } from '../src/cds/deps';
import { loadConfig } from '../src/config';
import { callService } from '../src/cds/service';
import type { Card } from '../src/cds/schemas';
import { at, dailyHb, ittpDefaults, setDay1 } from '../test/fixtures/builder';

const START = '<!-- example-card:start (npm run docs) -->\n<!-- prettier-ignore-start -->';
const END = '<!-- prettier-ignore-end -->\n<!-- example-card:end -->';

/** The example card as an EHR shows it: indicator, summary, the markdown detail, suggestions, overrides, links. */
export function cardMarkdown(card: Card): string {
  const lines = [
    `**${card.indicator.toUpperCase()}** · ${card.summary}`,
    '',
    card.detail ?? '',
    '',
    ...(card.suggestions ?? []).map((s) => `[ ${s.label} ]${s.isRecommended ? ' (recommended)' : ''}`),
    '',
    `Override reasons: ${(card.overrideReasons ?? []).map((r) => r.display).join(' · ')}`,
    '',
    `Source: [${card.source.label}](${card.source.url}) · ${(card.links ?? []).map((l) => `[${l.label}](${l.url})`).join(' · ')}`,
  ];
  return lines
    .flatMap((l) => l.split('\n'))
    .map((l) => (l ? `> ${l}` : '>'))
    .join('\n');
}

/** The README's example: the KB section 5 scenario 1 patient, on fixed dates (PE day 1 = 2026-03-02). */
export async function exampleCard(): Promise<string> {
  setDay1('2026-03-02');
  const s = dailyHb(ittpDefaults(5).series('plt', [12, 14, 15, 18, 16]).series('ldh', [1400, 1380, 1350, 1320, 1300]), 1, 5);
  let n = 0;
  const deps = buildDeps({
    config: loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: ':memory:' }),
    clock: () => at(s.now),
    newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  });
  const { response } = await callService('ttp-patient-view', s.request('patient-view'), deps);
  return cardMarkdown(response.cards[0]!);
}

export async function generated(): Promise<{ path: string; text: string }[]> {
  const root = projectRoot();
  const readmePath = join(root, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md has no ${START} ... ${END} region`);
  const withCard = `${readme.slice(0, a + START.length)}\n\n${await exampleCard()}\n\n${readme.slice(b)}`;
  // The formatter leaves both alone (.prettierignore, prettier-ignore-start/end around the card).
  return [
    { path: join(root, 'docs', 'site-customisation.md'), text: siteCustomisation(loadContent()) },
    { path: readmePath, text: withCard },
  ];
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const f of await generated()) {
    let now = '';
    try {
      now = readFileSync(f.path, 'utf8');
    } catch {
      /* not there yet */
    }
    if (now === f.text) continue;
    if (check) {
      stale++;
      process.stderr.write(`${f.path} is not what the content generates: run npm run docs\n`);
    } else writeFileSync(f.path, f.text);
  }
  process.exit(stale ? 1 : 0);
}

if (require.main === module) void main();
