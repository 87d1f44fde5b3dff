/**
 * Golden answers: the whole cards of a situation (text, evidence, notes, suggestions, links,
 * override reasons), compared with a reviewed copy in test/golden/. They keep the rendering; what
 * a rule decides is specified by the rule tests. A changed answer is written beside its golden as
 * `NAME.new.json` and the test fails until a person has read the difference and moved the file
 * over the golden (`mv test/golden/NAME.new.json test/golden/NAME.json`): nothing rewrites the
 * goldens wholesale. A missing golden is written as `.new.json` the same way. Plain JSON files
 * rather than jest snapshots, so that `npm run mutate` (one test file) reads the same copies.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
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
  const base = join(DIR, name.replace(/[^A-Za-z0-9.-]+/g, '_'));
  const file = `${base}.json`;
  const proposed = `${base}.new.json`;
  const text = `${JSON.stringify(stable(cards), null, 2)}\n`;
  const got = JSON.parse(text) as unknown;
  const want = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as unknown) : undefined;
  if (want !== undefined && isDeepStrictEqual(want, got)) {
    // Agreed again: a proposal left from an earlier run is stale.
    if (existsSync(proposed)) rmSync(proposed);
    return;
  }
  mkdirSync(DIR, { recursive: true });
  writeFileSync(proposed, text);
  if (want === undefined) throw new Error(`no golden answer for ${name}: review ${proposed}, then move it to ${file}`);
  try {
    expect(got).toEqual(want);
  } catch (e) {
    (e as Error).message =
      `the answer of ${name} changed: if the change is right, move ${proposed} over ${file}\n\n${(e as Error).message}`;
    throw e;
  }
}
