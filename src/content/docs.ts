/**
 * Reference documents generated from the content the service loads, so that they cannot drift
 * from what runs: the site customisation reference (parameters, value sets with their codes and
 * text patterns, unit aliases, orderables). `npm run docs` writes it to docs/site-customisation.md;
 * a test fails when the committed file differs.
 */
import { type Content, formatParameter } from './index';
import { ORDERABLES } from './schema';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function siteCustomisation(content: Content): string {
  const out: string[] = [];
  out.push('# Customising ttp-cds for a site');
  out.push('');
  out.push(
    'Generated from the content the service loads (`npm run docs`); a test fails when this file differs from it. A site changes nothing here: it writes a `SITE_CONFIG_FILE` (README, Configuration) whose fields are below, and the service checks it at start-up.',
  );
  out.push('');
  out.push(`Content version: ${content.version.split('+')[0]} (the service adds a digest of the files and of the site configuration).`);
  out.push('');
  out.push('## Parameters (`parameters`)');
  out.push('');
  out.push(
    'Thresholds and windows. A site value replaces the default and card text that names the parameter shows the site value. Parameters marked for sign-off are service choices the knowledge base asks hematology to confirm.',
  );
  out.push('');
  out.push('| parameter | default | unit | meaning | sources | knowledge base | sign-off |');
  out.push('| --- | --- | --- | --- | --- | --- | --- |');
  for (const [name, p] of Object.entries(content.parameterDefs))
    out.push(
      `| \`${name}\` | ${cell(formatParameter(p.value))} | ${cell(p.unit)} | ${cell(p.description)} | ${
        p.evidence.length ? p.evidence.join(', ') : 'service parameter'
      } | ${cell(p.source ?? '')} | ${p.signOff ? 'yes' : ''} |`,
    );
  out.push('');
  out.push('## Value sets (`localCodes`)');
  out.push('');
  out.push(
    'How each concept is recognised: verified codes (with their system), unverified candidates (used only with `useUnverifiedCodes: true`), and text patterns (the fallback; a card decided by a text match says so). A site adds its own codes per value set under `localCodes`, e.g. `{"VS-A13ACT": [{"system": "urn:oid:1.2.3.4", "code": "ADAM13"}]}`.',
  );
  out.push('');
  for (const [id, vs] of Object.entries(content.terminology.valueSets)) {
    out.push(`### ${id}: ${vs.title}`);
    out.push('');
    const sys = (s: string) => content.terminology.systems[s] ?? s;
    if (vs.codes.length)
      out.push(`- Codes: ${vs.codes.map((c) => `\`${c.code}\`${c.prefix ? ' (and codes below it)' : ''} (${sys(c.system)})`).join(', ')}`);
    else out.push('- Codes: none verified');
    if (vs.unverifiedCodes?.length)
      out.push(`- Unverified: ${vs.unverifiedCodes.map((c) => `\`${c.code}\` (${sys(c.system)})`).join(', ')}`);
    if (vs.text.length) out.push(`- Text: ${vs.text.map((t) => `\`${t}\``).join(', ')}`);
    if (vs.textExcept?.length) out.push(`- Not when the text also has: ${vs.textExcept.map((t) => `\`${t}\``).join(', ')}`);
    if (vs.textRequiresContext) out.push(`- A text match counts only with ${vs.textRequiresContext} in the same concept`);
    const local = content.site.localCodes[id];
    if (local?.length) out.push(`- This site adds: ${local.map((c) => `\`${c.code}\` (${c.system})`).join(', ')}`);
    out.push('');
  }
  out.push('## Units (`unitAliases`)');
  out.push('');
  out.push(
    'Each analyte is compared in one unit; values in other UCUM units are converted (a unit of the same scale, such as `10*3/uL` for `10*9/L`, by exactly 1), then rounded to the precision a laboratory reports before any threshold is applied. A value outside what a result can be (the plausible range) is corrupt: it is named as unreadable, never compared. Aliases map the non-UCUM spellings a laboratory system sends to a UCUM unit; every alias must convert to its analyte unit or the service does not start. A site adds aliases, or removes a default one with `null`.',
  );
  out.push('');
  out.push('| analyte | compared in | precision | plausible | default aliases |');
  out.push('| --- | --- | --- | --- | --- |');
  const plausible = (p: (typeof content.units.analytes)[string]['plausible']) =>
    p ? `${p.above !== undefined ? `> ${p.above}` : `>= ${p.atLeast}`} and <= ${p.atMost}` : '';
  for (const [name, a] of Object.entries(content.units.analytes))
    out.push(
      `| ${cell(a.label)} (\`${name}\`) | ${a.anyUnit ? 'any (not converted)' : `\`${a.unit}\``} | ${a.precision ?? ''} | ${plausible(a.plausible)} | ${Object.entries(
        a.aliases ?? {},
      )
        .map(([k, v]) => `\`${cell(k)}\` -> \`${v}\``)
        .join(', ')} |`,
    );
  out.push('');
  out.push('## Orderables (`orderables`)');
  out.push('');
  out.push(
    'The site orderable codes the suggested drafts carry, beside their standard codes. Without them a card says its draft is coded by text only (or by standard codes only): an EHR usually cannot turn an uncoded draft into an order.',
  );
  out.push('');
  out.push('| orderable | drafts that use it |');
  out.push('| --- | --- |');
  for (const o of ORDERABLES) {
    const templates = Object.entries(content.suggestionTemplates)
      .filter(([, t]) => t.$orderable === o)
      .map(([k]) => `\`${k}\``);
    out.push(`| \`${o}\` | ${templates.join(', ')} |`);
  }
  out.push('');
  return out.join('\n');
}
