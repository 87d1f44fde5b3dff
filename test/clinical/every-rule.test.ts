/** Every rule has its test file (test/rules/<id>.test.ts), and that file runs the checks every rule must pass. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadContent } from '../../src/content';

test.each(Object.keys(loadContent().rules))('%s has its test file in test/rules, which calls ruleContract', (id) => {
  const file = join(__dirname, '..', 'rules', `${id}.test.ts`);
  expect(existsSync(file)).toBe(true);
  expect(readFileSync(file, 'utf8')).toContain(`ruleContract('${id}',`);
});
