/**
 * Golden answers: the whole cards of a situation (text, evidence, notes, suggestions, links,
 * override reasons), compared with a reviewed copy in test/golden/. A change of any card text or
 * evidence row shows up as a diff of that file, to be read before it is accepted:
 * `UPDATE_GOLDEN=1 npx jest` rewrites them. A missing file fails unless UPDATE_GOLDEN is set.
 * Plain JSON files rather than jest snapshots, so that `npm run mutate` (one test file) reads the
 * same copies.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Card } from '../src/cds/schemas';

const DIR = join(__dirname, 'golden');

/** Cards without what changes from run to run: uuids, and the digest of the content version. */
function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (typeof value === 'string') return value.replace(/(\d+\.\d+\.\d+)\+[0-9a-f]{8}\b/g, '$1+digest');
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (k !== 'uuid') out[k] = stable(v);
    return out;
  }
  return value;
}

export function expectGolden(name: string, cards: Card[]): void {
  const file = join(DIR, `${name.replace(/[^A-Za-z0-9.-]+/g, '_')}.json`);
  const actual = stable(cards);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(DIR, { recursive: true });
    writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
    return;
  }
  if (!existsSync(file)) throw new Error(`no golden answer ${file}: review the cards, then run UPDATE_GOLDEN=1 npx jest`);
  expect(actual).toEqual(JSON.parse(readFileSync(file, 'utf8')));
}
