/**
 * Findings -> CDS Hooks cards. Card text comes from the rule's content (cards/<id>.json); the
 * renderer only fills placeholders (the finding's values, `{param.x}` from the parameters in force)
 * and appends the evidence, the notes and the rule version.
 * Everything that came from the EHR is escaped so that the markdown detail cannot carry raw HTML
 * (requirements item 10, "sanitize GFM detail").
 */
import { type Citation, type Content, type SiteConfig, PLACEHOLDER, formatParameter } from '../content';
import { isoDate } from '../fhir/time';
import type { Card, Suggestion } from '../cds/schemas';
import type { Finding, SuggestionSpec } from '../rules/types';

export interface RenderContext {
  content: Content;
  newId: () => string;
  now: number;
  patientId: string;
  encounterId?: string;
  userId?: string;
  /**
   * G7 (KB v3 change 35): the notes already shown by the cards rendered before this one in the same
   * answer; a note is shown once per answer (the notes a suggestion adds at rendering included).
   */
  notesShown?: Set<string>;
}

const MD_SPECIAL = /[\r\n&<>\\`*_[\]|#]|:\/\/|www\./i;
/** Escape text from the EHR for markdown: no HTML, no table breaks, no emphasis, no links of any kind. */
export function escapeMd(s: string): string {
  // Most evidence (numbers, dates, references) has nothing to escape.
  if (!MD_SPECIAL.test(s)) return s;
  return escapeOwn(s).replace(/([*_#])/g, '\\$1');
}

/**
 * Fill `{name}` placeholders from the finding and `{param.name}` from the parameters in force;
 * values lose any HTML unless `escape` is false (summaries are plain text).
 */
export function fill(template: string, params: Record<string, string | number>, content: Content, escape = true): string {
  return template.replace(PLACEHOLDER, (m, param: string | undefined, k: string) => {
    const v = param ? content.parameters[k] : params[k];
    if (v === undefined) return m;
    const s = param ? formatParameter(content.parameters[k]!) : String(v);
    return escape ? escapeOwn(s) : s;
  });
}

/**
 * Params and notes: rule-written text that may carry **bold**, and EHR text (a diagnosis' display,
 * a drug's name) inside it. Everything that makes a link, an image, raw HTML, code or a table is
 * neutralised; a bare URL is broken with a zero-width space so that GFM does not link it. Only
 * emphasis stays (phishing needs a link, and a link needs one of these).
 */
export function escapeOwn(s: string): string {
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`[\]|])/g, '\\$1')
    .replace(/\b([a-z][a-z0-9+.-]{1,31}):\/\//gi, '$1:\u200b//')
    .replace(/\bwww\./gi, 'www\u200b.');
}

/**
 * A resource copied from the EHR (a draft order to update) without its empty values: FHIR allows
 * no empty string, array or object, and a CDS card must not carry them (requests nest at most 64
 * levels: the walk is bounded).
 */
export function withoutEmpty(v: unknown): unknown {
  if (v === null || v === '') return undefined;
  if (Array.isArray(v)) {
    const a = v.map(withoutEmpty).filter((x) => x !== undefined);
    return a.length ? a : undefined;
  }
  if (typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const y = withoutEmpty(x);
      if (y !== undefined) o[k] = y;
    }
    return Object.keys(o).length ? o : undefined;
  }
  return v;
}

const SUMMARY_MAX = 139;

export function renderCard(finding: Finding, rc: RenderContext): Card {
  const { content } = rc;
  const text = content.rules[finding.ruleId];
  if (!text) throw new Error(`no card content for ${finding.ruleId}`);
  const summary = summaryOf(finding, rc);
  const primary = content.citations[text.primarySource]!;
  const notes: string[] = [];
  const integration: string[] = [...(finding.integration ?? [])];
  const suggestions = (finding.suggestions ?? [])
    .map((s) => renderSuggestion(finding, s, rc, integration))
    .filter((s): s is Suggestion => !!s);
  // G7: the info findings folded into this card, one line each.
  for (const x of finding.folded ?? []) notes.push(`Also (${x.ruleId}): ${summaryOf(x, rc)}`);
  const detail = renderDetail(
    { ...finding, notes: [...finding.notes, ...notes], integration },
    rc,
    text.details[finding.variant ?? 'default'] ?? text.details.default!,
    text.version,
  );
  const links = text.sources
    .filter((id) => id !== text.primarySource)
    .map((id) => content.citations[id]!)
    .filter((c): c is Citation & { url: string } => c.url !== undefined && c.url !== primary.url)
    .filter((c, i, all) => all.findIndex((x) => x.url === c.url) === i)
    .map((c) => ({ label: c.label, url: c.url, type: 'absolute' as const }));
  const reasons = [...text.overrideReasons].sort(
    (a, b) => Number(b.code === finding.overrideFirst) - Number(a.code === finding.overrideFirst),
  );
  const card: Card = {
    uuid: rc.newId(),
    summary,
    indicator: finding.indicator,
    detail,
    source: {
      label: primary.label,
      url: primary.url,
      topic: { system: content.ruleSystem, code: finding.ruleId, display: text.title },
      extension: { 'org.ttp-cds.content': { contentVersion: content.version, ruleVersion: text.version } },
    },
    overrideReasons: reasons.map((r) => ({ system: content.overrideReasonSystem, code: r.code, display: r.display })),
  };
  if (suggestions.length) {
    card.suggestions = suggestions;
    card.selectionBehavior = 'at-most-one';
  }
  if (links.length) card.links = links;
  return card;
}

/** A finding's summary, plain text under 140 characters. */
function summaryOf(finding: Finding, rc: RenderContext): string {
  const text = rc.content.rules[finding.ruleId]!;
  const summary = fill(text.summaries[finding.variant ?? 'default'] ?? text.summaries.default!, finding.params, rc.content, false)
    .replace(/\s+/g, ' ')
    .trim();
  return summary.length > SUMMARY_MAX ? `${summary.slice(0, SUMMARY_MAX - 3).trimEnd()}...` : summary;
}

function renderDetail(f: Finding, rc: RenderContext, template: string, version: string): string {
  const tz = rc.content.site.timezone;
  const parts = [fill(template, f.params, rc.content).trim()];
  if (f.evidence.length) {
    const rows = f.evidence.map(
      (e) =>
        `| ${escapeMd(e.label)} | ${escapeMd(e.value)} | ${e.time !== undefined ? isoDate(e.time, tz) : ''} | ${e.ref ? escapeMd(e.ref) : ''} |`,
    );
    parts.push(['**Evidence**', '', '| | Value | Date | Source |', '|---|---|---|---|', ...rows].join('\n'));
  }
  // Each note once per answer (G7), for the clinician; then what only the integration team needs, last.
  const once = (list: string[] | undefined) => {
    const out = [...new Set(list ?? [])].filter((n) => n.trim().length > 0 && !rc.notesShown?.has(n));
    for (const n of out) rc.notesShown?.add(n);
    return out;
  };
  const notes = once(f.notes);
  if (notes.length) parts.push(['**Notes**', '', ...notes.map((n) => `- ${escapeOwn(n)}`)].join('\n'));
  const integration = once(f.integration);
  if (integration.length) parts.push(['**For the integration team**', '', ...integration.map((n) => `- ${escapeOwn(n)}`)].join('\n'));
  parts.push(`Rule ${f.ruleId} v${version}.`);
  return parts.join('\n\n');
}

function renderSuggestion(f: Finding, spec: SuggestionSpec, rc: RenderContext, notes: string[]): Suggestion | undefined {
  const text = rc.content.rules[f.ruleId]!.suggestions?.[spec.key];
  if (!text) throw new Error(`${f.ruleId}: no suggestion ${spec.key} in cards/${f.ruleId}.json`);
  const label = fill(text.label, { ...f.params, ...(spec.params ?? {}) }, rc.content, false);
  let actions: Suggestion['actions'];
  if (spec.actions)
    actions = spec.actions
      .map((a) => ({ ...a, resource: a.resource ? (withoutEmpty(a.resource) as Record<string, unknown>) : undefined }))
      .map(dropUndefined);
  else
    actions = text.resources.map((key) => {
      const resource = instantiate(rc.content.suggestionTemplates[key]!, rc, notes);
      return { type: 'create' as const, description: describe(resource), resource };
    });
  if (!actions || actions.length === 0) return undefined;
  const s: Suggestion = { label, uuid: rc.newId(), actions };
  if (spec.isRecommended) s.isRecommended = true;
  return s;
}

function dropUndefined<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/**
 * A fresh copy of a template resource for this patient, encounter and user, coded with the site's
 * orderable when the site configures one (KB 4B "Orderables"); without it the card says so.
 */
function instantiate(template: Record<string, unknown>, rc: RenderContext, notes: string[]): Record<string, unknown> {
  const { $comment: _comment, $orderable: orderable, ...rest } = structuredClone(template);
  const r = rest as Record<string, unknown>;
  if (typeof orderable === 'string') {
    const codes = rc.content.site.orderables[orderable as keyof SiteConfig['orderables']];
    const field = r.resourceType === 'MedicationRequest' ? 'medicationCodeableConcept' : 'code';
    const concept = (r[field] ?? {}) as { coding?: unknown[]; text?: string };
    // The site's orderable first, the standard codes kept beside it.
    if (codes) r[field] = { ...concept, coding: [...codes.map((c) => ({ ...c })), ...(concept.coding ?? [])] };
    else
      notes.push(
        concept.coding?.length
          ? `The suggested ${concept.text ?? orderable} carries standard codes only, no site orderable (SITE_CONFIG_FILE orderables.${orderable}).`
          : `The suggested ${concept.text ?? orderable} is coded by text only (no site orderable: SITE_CONFIG_FILE orderables.${orderable}); the EHR may not turn it into an order as it is.`,
      );
  }
  r.subject = { reference: `Patient/${rc.patientId}` };
  if (rc.encounterId) r.encounter = { reference: `Encounter/${rc.encounterId}` };
  if (rc.userId && /^(Practitioner|PractitionerRole)\//.test(rc.userId)) r.requester = { reference: rc.userId };
  r.authoredOn = new Date(rc.now).toISOString();
  return r;
}

function describe(resource: Record<string, unknown>): string {
  const type = resource.resourceType === 'MedicationRequest' ? 'medication order' : 'order';
  const med = resource.medicationCodeableConcept as { text?: string } | undefined;
  const code = resource.code as { text?: string } | undefined;
  const dosage = (resource.dosageInstruction as { text?: string }[] | undefined)?.[0]?.text;
  return `Create draft ${type}: ${med?.text ?? code?.text ?? resource.resourceType}${dosage ? `, ${dosage}` : ''}`;
}
