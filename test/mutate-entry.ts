/**
 * The suites `npm run mutate` runs, loaded as one test file. Jest gives each test file its own
 * module registry, so 40 files reload zod, UCUM and the content 40 times for every mutant (about
 * 7 s); as one file they load once. Stryker's testMatch names only this file (stryker.config.mjs).
 * Left out: the property suites (random inputs; their strength is not measured this way) and the
 * unit suites of modules that are not mutated (HTTP schemas, configuration, logging, statistics).
 *
 * One failing test kills a mutant, so once a test has failed the others return at once (jest's own
 * bail works per file, and here there is one file): a killed mutant costs its first failure only.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

type Fn = (...args: unknown[]) => unknown;
let failed = false;
const guard = (fn: Fn) =>
  async function guarded(this: unknown, ...args: unknown[]) {
    if (failed) return;
    try {
      return await fn.apply(this, args);
    } catch (e) {
      failed = true;
      throw e;
    }
  };
const original = globalThis.test;
const wrapped = Object.assign((name: string, fn: Fn, timeout?: number) => original(name, guard(fn), timeout), original, {
  each:
    (...table: unknown[]) =>
    (name: string, fn: Fn, timeout?: number) =>
      (original.each as (...t: unknown[]) => (n: string, f: Fn, t?: number) => void)(...table)(name, guard(fn), timeout),
});
globalThis.test = wrapped as unknown as typeof test;
globalThis.it = wrapped as unknown as typeof it;

const SKIP = new Set([
  'properties.test.ts',
  'unreadable.property.test.ts',
  'shapes.property.test.ts',
  'config.test.ts',
  'logger.test.ts',
  'schemas.test.ts',
  'stats.test.ts',
  'time.test.ts',
]);
for (const dir of ['rules', 'clinical', 'unit'])
  for (const file of readdirSync(join(__dirname, dir)).sort())
    if (file.endsWith('.test.ts') && !SKIP.has(file)) require(join(__dirname, dir, file));
// The content contract (rules and logic in agreement, citations, site orderables); its tests that read
// the rule sources are skipped, since the sources are instrumented here (TTP_SKIP_SOURCE_TESTS).
require(join(__dirname, 'content', 'contract.test.ts'));
// KB v3 change 34: the suggestions' text against their coded dose, route and frequency.
require(join(__dirname, 'content', 'suggestion-text.test.ts'));
