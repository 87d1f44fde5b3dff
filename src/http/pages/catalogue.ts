/**
 * The rule catalogue (GET /catalogue, open like discovery): what a CDS committee reviews before it
 * turns a rule on, generated from the content this process loaded (so it cannot drift from what
 * runs): each rule's trigger and indicator logic with the parameters in force (site values marked),
 * its card text, suggestions, override reasons and evidence links; the value sets with their codes,
 * the site's own included.
 */
import { type Content, type RuleContent, PLACEHOLDER, formatParameter } from '../../content';
import type { VariantExample } from '../../examples/variant-cards';
import { h } from './html';
import { cardHtml } from './preview';

/** Rule text with `{param.x}` filled from the parameters in force and `{name}` left as a visible slot. */
function filled(text: string, content: Content): string {
  return text.replace(PLACEHOLDER, (m, param: string | undefined, k: string) => (param ? formatParameter(content.parameters[k]!) : m));
}

/** A source id as the catalogue shows it: its label, linked when it has an article. */
function cite(content: Content, id: string): string {
  const c = content.citations[id];
  if (!c) return h(id);
  return c.url
    ? `<a href="${h(c.url)}" rel="noopener noreferrer" title="${h(c.label)}">${h(id)}</a>`
    : `<span title="${h(c.label)}">${h(id)}</span>`;
}

function parameterRows(rule: RuleContent, content: Content): string {
  return rule.parameters
    .map((name) => {
      const def = content.parameterDefs[name]!;
      const site = content.site.parameters[name];
      const value = formatParameter(content.parameters[name]!);
      const sources = def.evidence.length
        ? def.evidence.map((e) => cite(content, e)).join(', ')
        : '<span class="tag">service parameter: needs sign-off</span>';
      return `<tr data-parameter="${h(name)}"><td><code>${h(name)}</code></td><td class="num">${h(formatParameter(def.value))}</td><td class="num">${
        site !== undefined ? `<span class="tag site">site</span> ${h(value)}` : h(value)
      }</td><td>${h(def.unit)}</td><td class="meaning">${h(def.description)}${
        def.signOff && def.evidence.length ? ' <span class="tag">hematology sign-off</span>' : ''
      }</td><td class="sources">${sources}${def.source ? ` <span class="meta">(KB ${h(def.source)})</span>` : ''}</td></tr>`;
    })
    .join('');
}

function ruleSection(rule: RuleContent, content: Content, examples: Map<string, VariantExample>): string {
  const cite = (id: string) => {
    const c = content.citations[id];
    if (!c) return h(id);
    return c.url ? `<a href="${h(c.url)}" rel="noopener noreferrer">${h(c.label)}</a>` : `${h(c.label)} (named, not linked)`;
  };
  const variants = [...new Set([...Object.keys(rule.summaries), ...Object.keys(rule.details)])];
  // Each variant as a clinician reads it, filled for the example patient that shows it; the template behind it for the reviewer.
  const texts = variants
    .map((v) => {
      const ex = examples.get(`${rule.id}:${v}`);
      const template = `<details class="template"><summary>Template of this variant (for the content reviewer)</summary><p><strong>${h(
        filled(rule.summaries[v] ?? rule.summaries.default!, content),
      )}</strong></p><pre>${h(filled(rule.details[v] ?? rule.details.default!, content))}</pre></details>`;
      const head = `<h4>${v === 'default' ? 'Card' : `Variant <code>${h(v)}</code>`}</h4>`;
      if (!ex) return `${head}<p class="meta">No example patient shows this variant yet.</p>${template}`;
      return `${head}<p class="meta">Example patient: <a href="/catalogue/preview?situation=${h(ex.situation.id)}">${h(ex.situation.title)}</a></p>
${cardHtml(ex.card, false, v)}${template}`;
    })
    .join('');
  const suggestions = Object.entries(rule.suggestions ?? {})
    .map(
      ([, s]) =>
        `<li>${h(filled(s.label, content))} <span class="meta">(${s.resources.map((r) => `<code>${h(r)}</code>`).join(', ')})</span></li>`,
    )
    .join('');
  return `<section class="rule" id="${h(rule.id)}">
<h3>${h(rule.id)} · ${h(rule.title)}</h3>
<p class="meta">Version ${h(rule.version)} · hooks ${rule.hooks.map((x) => `<code>${h(x)}</code>`).join(' ')} · runs on ${h(
    {
      ittp: 'an active iTTP',
      'any-ttp': 'TTP of any kind',
      'subtype-conflict': 'a subtype conflict',
      unreadable: 'what no other card names',
    }[rule.scope],
  )}${rule.silencedByG3b ? ' · held back by a pre-treatment ADAMTS13 above the negative threshold (G3b)' : ''}${rule.foldable ? ' · folded into a higher card (G7)' : ''}${
    rule.supersedes.length ? ` · supersedes ${rule.supersedes.map((x) => `<a href="#${h(x)}">${h(x)}</a>`).join(', ')}` : ''
  }${content.site.silent.rules.includes(rule.id) ? ' · <span class="tag site">silent at this site</span>' : ''}</p>
<p><strong>When it fires.</strong> ${h(filled(rule.trigger, content))}</p>
<p><strong>Indicator.</strong> ${h(filled(rule.indicators, content))}</p>
${rule.parameters.length ? `<div class="wide"><table class="parameters"><thead><tr><th>parameter</th><th class="num">default</th><th class="num">in force</th><th>unit</th><th>meaning</th><th>source</th></tr></thead><tbody>${parameterRows(rule, content)}</tbody></table></div>` : ''}
${texts}
${suggestions ? `<details class="template"><summary>Suggestion templates (labels with their slots, and the resources they create)</summary><ul>${suggestions}</ul></details>` : ''}
<h4>Override reasons</h4><p>${rule.overrideReasons.map((r) => `<span class="tag">${h(r.display)}</span>`).join(' ')}</p>
<h4>Evidence</h4><ul>${[rule.primarySource, ...rule.sources].map((id) => `<li>${cite(id)}</li>`).join('')}</ul>
</section>`;
}

function valueSets(content: Content): string {
  const sys = (s: string) => content.terminology.systems[s] ?? s;
  const rows = Object.entries(content.terminology.valueSets).map(([id, vs]) => {
    const codes = vs.codes.map((c) => `<code>${h(c.code)}</code>${c.prefix ? '*' : ''} <span class="meta">${h(sys(c.system))}</span>`);
    const unverified = (vs.unverifiedCodes ?? []).map((c) => `<code>${h(c.code)}</code> <span class="meta">${h(sys(c.system))}</span>`);
    const local = (content.site.localCodes[id] ?? []).map(
      (c) => `<span class="tag site">site</span><code>${h(c.code)}</code> <span class="meta">${h(c.system)}</span>`,
    );
    return `<tr id="${h(id)}"><td><code>${h(id)}</code><br>${h(vs.title)}</td><td>${[...codes, ...local].join('<br>') || '<span class="meta">none verified</span>'}${
      unverified.length
        ? `<br><span class="meta">unverified${content.site.useUnverifiedCodes ? ' (in use at this site)' : ' (off)'}:</span> ${unverified.join(', ')}`
        : ''
    }</td><td>${vs.text.map((t) => `<code>${h(t)}</code>`).join(' ')}${
      vs.textExcept?.length ? `<br><span class="meta">not with:</span> ${vs.textExcept.map((t) => `<code>${h(t)}</code>`).join(' ')}` : ''
    }</td></tr>`;
  });
  return `<table><thead><tr><th>value set</th><th>codes</th><th>text fallback (a card decided by text says so)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function cataloguePage(content: Content, examples: Map<string, VariantExample> = new Map()): string {
  const rules = Object.values(content.rules);
  const overridden = Object.keys(content.site.parameters);
  return `<p class="lead">Content version <code>${h(content.version)}</code> · ${rules.length} rules · ${Object.keys(content.terminology.valueSets).length} value sets${
    overridden.length
      ? ` · this site overrides ${overridden.map((p) => `<code>${h(p)}</code>`).join(', ')}`
      : ' · no site override of a parameter'
  }. Generated from the content this service runs. Every variant of every card is shown filled for an example patient (open the template under it to review the text with its slots).</p>
<h2>Rules</h2>
<div class="toc">${rules.map((r) => `<div><a href="#${h(r.id)}">${h(r.id)}</a> · ${h(r.title)}</div>`).join('')}</div>
${rules.map((r) => ruleSection(r, content, examples)).join('\n')}
<h2 id="value-sets">Value sets</h2>
${valueSets(content)}`;
}
