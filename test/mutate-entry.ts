/**
 * The suites `npm run mutate` runs, loaded as one test file. Jest gives each test file its own
 * module registry, so 40 files reload zod, UCUM and the content 40 times for every mutant (about
 * 7 s); as one file they load once. Stryker's testMatch names only this file (stryker.config.mjs).
 * Left out: the property suites (random inputs; their strength is not measured this way) and the
 * unit suites of modules that are not mutated (HTTP schemas, configuration, logging, statistics).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const SKIP = new Set([
  'properties.test.ts',
  'unreadable.property.test.ts',
  'config.test.ts',
  'logger.test.ts',
  'schemas.test.ts',
  'stats.test.ts',
  'time.test.ts',
]);
for (const dir of ['rules', 'clinical', 'unit'])
  for (const file of readdirSync(join(__dirname, dir)).sort())
    if (file.endsWith('.test.ts') && !SKIP.has(file)) require(join(__dirname, dir, file));
