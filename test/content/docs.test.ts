/** What is generated from the content (docs/site-customisation.md, the README's example card) is what is committed. */
import { readFileSync } from 'node:fs';
import { generated } from '../../tools/docs';

test('docs/site-customisation.md and the README example card are what the content generates (npm run docs)', async () => {
  for (const f of await generated())
    expect({ file: f.path, upToDate: readFileSync(f.path, 'utf8') === f.text }).toEqual({ file: f.path, upToDate: true });
}, 30_000);

test('the site reference lists every parameter and every value set', async () => {
  const { loadContent } = await import('../../src/content');
  const content = loadContent();
  const doc = readFileSync(require.resolve('../../docs/site-customisation.md'), 'utf8');
  for (const p of Object.keys(content.parameterDefs)) expect(doc).toContain(`\`${p}\``);
  for (const vs of Object.keys(content.terminology.valueSets)) expect(doc).toContain(`### ${vs}:`);
});
