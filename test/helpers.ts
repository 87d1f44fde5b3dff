import { loadContent, type Content } from '../src/content';
import type { createApp } from '../src/app';
import { buildDeps } from '../src/cds/deps';
import type { Config } from '../src/config';
import { loadConfig } from '../src/config';
import type { ServiceDeps } from '../src/cds/service';
import { checkResponse } from '../src/cds/service';
import { evaluate } from '../src/rules/engine';
import type { Finding } from '../src/rules/types';
import { renderCard } from '../src/render/cards';
import type { Card } from '../src/cds/schemas';
import { type Scenario, at } from './fixtures/builder';

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ LOG_LEVEL: 'silent', CHECK_RESPONSES: 'throw', DATA_DIR: ':memory:', ...env });
}

/** A rule's version as its content declares it (tests name the version in force, never a literal). */
export function ruleVersion(id: string): string {
  return loadContent().rules[id]!.version;
}

let counter = 0;
export const seqId = () => {
  counter++;
  return `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
};

const depsCache = new Map<string, ServiceDeps>();
export function deps(site: unknown = {}): ServiceDeps {
  const key = JSON.stringify(site);
  let d = depsCache.get(key);
  if (!d) {
    const content: Content = loadContent({ site });
    d = buildDeps({ config: testConfig(), content, newId: seqId });
    depsCache.set(key, d);
  }
  return d;
}

export function testApp(
  opts: { now?: string; site?: unknown; env?: Record<string, string>; fetcher?: Parameters<typeof createApp>[0]['fetcher'] } = {},
) {
  // Loaded here, not at the top: the rule and clinical suites never load Express, the store or the
  // logger (each mutant of `npm run mutate` reloads every suite's imports).
  /* eslint-disable @typescript-eslint/no-require-imports */
  const app = require('../src/app') as typeof import('../src/app');
  const pino = require('pino') as typeof import('pino');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const config = testConfig(opts.env);
  const content = loadContent({ site: opts.site ?? {} });
  return app.createApp({
    config,
    content,
    clock: () => (opts.now ? at(opts.now) : Date.now()),
    newId: seqId,
    logger: pino({ level: 'silent' }),
    fetcher: opts.fetcher,
  });
}

export interface Outcome {
  findings: Finding[];
  cards: Card[];
  ids: string[];
  /** rule id -> indicator, for the cards shown */
  byRule: Record<string, string>;
  /** rule id of a finding folded into another card (G7) -> the rule id of that card */
  folded: Record<string, string>;
  gate?: string;
}

/** Evaluate a scenario for a hook, render every card and check it against the strict card schema. */
export function run(
  s: Scenario,
  hook: 'patient-view' | 'order-select' | 'order-sign' = 'patient-view',
  opts: { site?: unknown; selections?: string[]; content?: Content } = {},
): Outcome {
  const d = opts.content ? buildDeps({ config: testConfig(), content: opts.content, newId: seqId }) : deps(opts.site);
  const drafts = s.drafts.map((r) => {
    const ref = `${r.resourceType}/${r.id}`;
    return {
      resource: r,
      ref,
      selected: hook === 'order-sign' || (opts.selections ?? s.drafts.map((x) => `${x.resourceType}/${x.id}`)).includes(ref),
    };
  });
  const ev = evaluate(hook, s.record(), drafts, at(s.now), d);
  const notesShown = new Set<string>();
  const cards = ev.findings.map((f) =>
    renderCard(f, {
      content: d.content,
      newId: seqId,
      now: at(s.now),
      patientId: s.patientId,
      encounterId: 'enc-1',
      userId: 'Practitioner/prac-1',
      notesShown,
    }),
  );
  checkResponse({ cards });
  expectNotesOnce(cards);
  const byRule: Record<string, string> = {};
  const folded: Record<string, string> = {};
  for (const f of ev.findings) {
    byRule[f.ruleId] = f.indicator;
    for (const x of f.folded ?? []) folded[x.ruleId] = f.ruleId;
  }
  return { findings: ev.findings, cards, ids: ev.findings.map((f) => f.ruleId), byRule, folded, gate: ev.gate };
}

/** G7 (KB v3 change 35): one note never appears twice in one answer. Checked on every answer the tests render. */
export function expectNotesOnce(cards: Card[]): void {
  const seen = new Map<string, string>();
  for (const c of cards) {
    const notes = (c.detail ?? '').split('**Notes**')[1] ?? '';
    for (const line of notes.split('\n').filter((l) => l.startsWith('- '))) {
      const first = seen.get(line);
      if (first !== undefined && first !== c.uuid)
        throw new Error(`the note "${line}" appears twice in one answer (${c.source.topic?.code})`);
      seen.set(line, c.uuid);
    }
  }
}

/** The rule's indicator when its finding is a card or was folded into one (G7), else undefined. */
export function fired(o: Outcome, ruleId: string): string | undefined {
  if (o.byRule[ruleId]) return o.byRule[ruleId];
  const host = o.folded[ruleId];
  return host ? o.findings.find((x) => x.ruleId === host)!.folded!.find((x) => x.ruleId === ruleId)!.indicator : undefined;
}

export function cardFor(o: Outcome, ruleId: string): Card {
  const c = o.cards.find((x) => x.source.topic.code === ruleId);
  if (!c) throw new Error(`no card for ${ruleId}; got ${o.ids.join(', ') || 'none'}`);
  return c;
}
