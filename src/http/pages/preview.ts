/**
 * Card preview (GET/POST /catalogue/preview): the knowledge base's situations as example patients,
 * each sent through the real engine and shown as an EHR shows cards; and a form to paste a CDS Hooks
 * request or a FHIR Bundle of one patient. Nothing previewed is recorded in governance: the preview
 * calls the service function directly, never the route that records cards.
 */
import type { Card } from '../../cds/schemas';
import { requestFromRecord, resourcesOf } from '../../cds/bundle';
import { type ServiceDeps, callService } from '../../cds/service';
import { HttpError, badRequest } from '../../errors';
import { tooDeepAt, tooDeepMessage } from '../../json-depth';
import { SITUATIONS, type Situation, situationRequest } from '../../examples/situations';
import { EXAMPLES, VARIANT_SITUATIONS } from '../../examples/variants';
import { withSite } from '../../cds/deps';
import type { AnyResource } from '../../fhir/read';
import { h, markdown } from './html';

const SERVICE = { 'patient-view': 'ttp-patient-view', 'order-select': 'ttp-order-select', 'order-sign': 'ttp-order-sign' } as const;
type Hook = keyof typeof SERVICE;

/** The cards as an EHR shows them; those held back by silent mode after them, greyed and marked (the EHR never sees them). */
export function cardsHtml(cards: Card[], silent: Card[] = []): string {
  const shown =
    cards.length === 0
      ? `<p class="nocard">No card${silent.length ? ' shown' : ''}: nothing for the clinician to act on.</p>`
      : cards.map((c) => cardHtml(c, false)).join('\n');
  if (!silent.length) return shown;
  return `${shown}
<h3 class="silent-head">Held back by silent mode at this site (computed and counted, never sent to the EHR)</h3>
${silent.map((c) => cardHtml(c, true)).join('\n')}`;
}

export function cardHtml(c: Card, silent = false, variant?: string): string {
  return `<article class="card ${h(c.indicator)}${silent ? ' silent' : ''}" data-rule="${h(c.source.topic.code)}"${variant ? ` data-variant="${h(variant)}"` : ''}${silent ? ' aria-label="silent at this site"' : ''}>
<div class="summary">${silent ? '<span class="tag silent">silent at this site</span>' : ''}<span class="ind">${h(c.indicator)}</span>${h(c.summary)}</div>
${c.detail ? `<div class="detail">${markdown(c.detail)}</div>` : ''}
${
  c.suggestions?.length
    ? `<div class="actions">${c.suggestions
        .map(
          (s) =>
            `<span class="suggestion${s.isRecommended ? ' recommended' : ''}" title="${h((s.actions ?? []).map((a) => a.description).join('; '))}">${h(s.label)}</span>`,
        )
        .join('')}</div>`
    : ''
}
<div class="foot">${h(c.source.topic.code)} · ${c.source.url ? `<a href="${h(c.source.url)}" rel="noopener noreferrer">${h(c.source.label)}</a>` : h(c.source.label)}${
    c.links?.length ? ` · ${c.links.map((l) => `<a href="${h(l.url)}" rel="noopener noreferrer">${h(l.label)}</a>`).join(' · ')}` : ''
  }${c.overrideReasons?.length ? `<br>Override: ${c.overrideReasons.map((r) => `<span class="tag">${h(r.display)}</span>`).join('')}` : ''}</div>
</article>`;
}

async function run(deps: ServiceDeps, hook: Hook, body: unknown, now?: number): Promise<{ cards: Card[]; silent: Card[] }> {
  const { response, meta } = await callService(SERVICE[hook], body, now === undefined ? deps : { ...deps, clock: () => now });
  return { cards: response.cards, silent: meta.silentCards ?? [] };
}

function form(csrf: string, pasted = '', hook: Hook = 'patient-view', note?: string): string {
  const opt = (v: Hook) => `<option value="${v}"${v === hook ? ' selected' : ''}>${v}</option>`;
  return `<h2>Preview a request or a record</h2>
<p class="lead">Paste a CDS Hooks request, or a FHIR Bundle of one patient's record (for order hooks, the draft orders are its resources with status <code>draft</code>). It is evaluated now, shown here, and recorded nowhere.</p>
${note ? `<p class="meta">${h(note)}</p>` : ''}
<form class="paste" method="post" action="/catalogue/preview">
<input type="hidden" name="csrf" value="${h(csrf)}">
<textarea name="request" aria-label="CDS Hooks request or FHIR Bundle" spellcheck="false">${h(pasted)}</textarea>
<div class="row"><label>Hook (for a Bundle)<select name="hook">${opt('patient-view')}${opt('order-select')}${opt('order-sign')}</select></label><button type="submit">Show the cards</button></div>
</form>`;
}

/** The engine under an example's own site settings (made once per example). */
const siteDeps = new WeakMap<ServiceDeps, Map<string, ServiceDeps>>();
function depsFor(deps: ServiceDeps, s: Situation): ServiceDeps {
  if (!s.site) return deps;
  let byId = siteDeps.get(deps);
  if (!byId) siteDeps.set(deps, (byId = new Map()));
  let d = byId.get(s.id);
  if (!d) byId.set(s.id, (d = withSite(deps, s.site)));
  return d;
}

export async function previewPage(deps: ServiceDeps, selected: string | undefined, csrf: string, note?: string): Promise<string> {
  const chosen = EXAMPLES.find((s) => s.id === selected) ?? EXAMPLES[0]!;
  const { body, now } = situationRequest(chosen);
  const { cards, silent } = await run(depsFor(deps, chosen), chosen.hook, body, now);
  const link = (s: Situation) =>
    `<a href="/catalogue/preview?situation=${h(s.id)}"${s === chosen ? ' aria-current="true"' : ''}>${h(s.title)}<span class="expect">${h(s.hook)} · expected: ${h(s.expect)}</span></a>`;
  return `<p class="lead">Example patients, each sent through the engine this service runs. The dates are fixed (TPE day 1 = 2026-03-02); the cards are what an EHR would show.</p>
<h2>The knowledge base's scenarios</h2>
<nav class="situations" aria-label="Scenarios of the knowledge base">${SITUATIONS.map(link).join('')}</nav>
<details class="more"${VARIANT_SITUATIONS.includes(chosen as (typeof VARIANT_SITUATIONS)[number]) ? ' open' : ''}><summary>One example for every card variant (${VARIANT_SITUATIONS.length})</summary>
<nav class="situations" aria-label="One example per card variant">${VARIANT_SITUATIONS.map(link).join('')}</nav></details>
<h2 id="situation">${h(chosen.title)}</h2>
<p class="meta">Hook <code>${h(chosen.hook)}</code> · expected: ${h(chosen.expect)}${
    chosen.site ? ` · with the site setting ${h(JSON.stringify(chosen.site))}` : ''
  }</p>
${cardsHtml(cards, silent)}
${form(csrf, '', 'patient-view', note)}`;
}

/** The cards of a pasted request or record, or the reason it could not be evaluated. */
export async function pastedPage(deps: ServiceDeps, text: string, hook: string, csrf: string, note?: string): Promise<string> {
  const chosenHook: Hook = hook in SERVICE ? (hook as Hook) : 'patient-view';
  let result: string;
  try {
    const deep = tooDeepAt(text);
    if (deep !== undefined) throw badRequest('too-deep', [{ code: 'structure', diagnostics: tooDeepMessage(deep) }]);
    const json = JSON.parse(text) as unknown;
    const o = json as { hook?: unknown; context?: unknown };
    let body: unknown = json;
    let asHook = chosenHook;
    if (typeof o?.hook === 'string' && o.hook in SERVICE && o.context) asHook = o.hook as Hook;
    else {
      const all = resourcesOf(json);
      const drafts = asHook === 'patient-view' ? [] : all.filter((r) => r.status === 'draft');
      const record: AnyResource[] = all.filter((r) => !drafts.includes(r));
      body = requestFromRecord(record, deps.registry.get(SERVICE[asHook])!, deps.content, { hookInstance: 'preview-pasted', drafts });
    }
    const { cards, silent } = await run(deps, asHook, body);
    result = `<h2>Cards</h2>${cardsHtml(cards, silent)}`;
  } catch (e) {
    const why =
      e instanceof HttpError
        ? e.issues.map((i) => i.diagnostics).join(' ')
        : e instanceof SyntaxError
          ? `Not JSON: ${e.message}`
          : 'It could not be evaluated.';
    result = `<div class="error"><strong>Not evaluated.</strong> ${h(why)}</div>`;
  }
  return `${result}\n${form(csrf, text, chosenHook, note)}`;
}
