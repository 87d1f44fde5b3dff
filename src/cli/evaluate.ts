/**
 * `ttp-cds evaluate`: one request (a CDS Hooks request, or a FHIR Bundle of one patient's record
 * with --hook) through the engine, printed for a terminal: indicator, summary, the detail with its
 * evidence table, suggestions and override reasons; --json prints the CDS Hooks response instead.
 */
import type { Card } from '../cds/schemas';
import { requestFromRecord, resourcesOf } from '../cds/bundle';
import { type ServiceDeps, callService } from '../cds/service';

export const SERVICE_OF = {
  'patient-view': 'ttp-patient-view',
  'order-select': 'ttp-order-select',
  'order-sign': 'ttp-order-sign',
} as const;
export type Hook = keyof typeof SERVICE_OF;

const COLOR = { critical: '\u001b[41;97m', warning: '\u001b[43;30m', info: '\u001b[44;97m' } as const;
const RESET = '\u001b[0m';
const BOLD = '\u001b[1m';

/** The cards as a terminal shows them (colours only on a terminal). */
export function cardsText(cards: Card[], color: boolean): string {
  if (cards.length === 0) return 'No card.\n';
  return cards
    .map((c) => {
      const tag = ` ${c.indicator.toUpperCase()} `;
      const head = color
        ? `${COLOR[c.indicator]}${tag}${RESET} ${BOLD}${c.summary}${RESET}`
        : `[${c.indicator.toUpperCase()}] ${c.summary}`;
      const lines = [
        head,
        `  ${c.source.topic.code} · ${c.source.label}`,
        '',
        ...(c.detail ?? '').split('\n').map((l) => (l ? `  ${l.replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&')}` : '')),
        '',
        ...(c.suggestions ?? []).map((s) => `  > ${s.label}${s.isRecommended ? ' (recommended)' : ''}`),
        `  Override reasons: ${(c.overrideReasons ?? []).map((r) => r.display).join(' · ')}`,
      ];
      return lines.join('\n');
    })
    .join(`\n\n${'-'.repeat(72)}\n\n`)
    .concat('\n');
}

/** A parsed file as a request for `hook`: a CDS Hooks request as it is, a record built into one. */
export function asRequest(input: unknown, hook: Hook | undefined, deps: ServiceDeps): { service: string; body: unknown } {
  const o = input as { hook?: unknown; context?: unknown };
  if (typeof o?.hook === 'string' && o.context && o.hook in SERVICE_OF) return { service: SERVICE_OF[o.hook as Hook], body: input };
  const h: Hook = hook ?? 'patient-view';
  const all = resourcesOf(input);
  const drafts = h === 'patient-view' ? [] : all.filter((r) => r.status === 'draft');
  const entry = deps.registry.get(SERVICE_OF[h])!;
  return {
    service: SERVICE_OF[h],
    body: requestFromRecord(
      all.filter((r) => !drafts.includes(r)),
      entry,
      deps.content,
      { drafts },
    ),
  };
}

export async function evaluateFile(input: unknown, hook: Hook | undefined, deps: ServiceDeps): Promise<{ cards: Card[] }> {
  const { service, body } = asRequest(input, hook, deps);
  return (await callService(service, body, deps)).response;
}
