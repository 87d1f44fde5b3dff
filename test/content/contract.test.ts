/**
 * The content contract: rules, parameters and card text agree, so that a site override or a
 * content change cannot leave a stale number or a parameter nobody reads.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { citationProblem, formatParameter, loadContent, ruleTexts } from '../../src/content';
import { compileRules } from '../../src/rules/engine';
import { RULE_MODULES } from '../../src/rules';
import { Registry } from '../../src/cds/registry';
import { DRUGS, day, recoveredAfterTpe } from '../fixtures/builder';
import { cardFor, run, type Outcome } from '../helpers';
import { nonResponder } from '../fixtures/records';

const content = loadContent();
const ROOT = join(__dirname, '..', '..');

/**
 * Numbers in card text that equal a parameter of the rule yet are facts, not the parameter: the
 * sentence stays true whatever a site sets. Each with its reason.
 */
const LITERAL_FACTS: { rule: string; text: string; why: string }[] = [
  { rule: 'TTP-CAPLA-DAY5', text: 'from 49% to 12%', why: 'the HERCULES result' },
  { rule: 'TTP-CAPLA-ORDER', text: 'Labelled dose: 11 mg (EU: 10 mg)', why: 'the labels, which caplaDosesMg accepts but does not define' },
  { rule: 'TTP-REFRACTORY-2L', text: 'cyclosporine 5 mg/kg/day', why: 'a published dose' },
  { rule: 'TTP-RTX-DOSE', text: 'gave a median of 4', why: 'the Spanish series [SA]' },
  { rule: 'TTP-PE-STOP-EARLY', text: 'UK practice continues >= 2 days after platelets > 150', why: 'the Oxford protocol' },
  {
    rule: 'TTP-MP-PULSE',
    text: 'methylprednisolone 1 g IV daily x3',
    why: 'the regimen the suggestion orders (its template), not the threshold',
  },
];

/** The numbers of a text, leaving out unit notations (10^9/L) and placeholders. */
function numbers(text: string): string[] {
  const t = text.replace(/x?10\^9\/L|10\*9\/L|10\^9/g, '').replace(/\{[^}]*\}/g, '');
  return [...t.matchAll(/(?<![A-WYZa-wyz0-9.^*/-])(\d+(?:\.\d+)?)(?![0-9]|\.\d)/g)].map((m) => m[1]!);
}

describe('card text', () => {
  test.each(Object.keys(content.rules))('%s: no number equal to one of its parameters is written out (use {param.name})', (id) => {
    const rule = content.rules[id]!;
    const values = new Map<number, string>();
    for (const p of rule.parameters) for (const v of [content.parameters[p]!].flat()) if (typeof v === 'number') values.set(v, p);
    const stale: string[] = [];
    for (const { where, text } of ruleTexts(rule)) {
      const cleaned = LITERAL_FACTS.filter((x) => x.rule === id).reduce((t, x) => t.replace(x.text, ''), text);
      for (const n of numbers(cleaned)) if (values.has(Number(n))) stale.push(`${where}: ${n} (${values.get(Number(n))})`);
    }
    expect(stale).toEqual([]);
  });

  test('every literal fact listed above is still in its rule (the list cannot go stale)', () => {
    for (const x of LITERAL_FACTS) expect(ruleTexts(content.rules[x.rule]!).some((t) => t.text.includes(x.text))).toBe(true);
  });

  test('a site override reaches the card text', () => {
    // On caplacizumab after a response, TPE stopped on day 8, no ADAMTS13 since before TPE.
    const f = {
      build: () =>
        recoveredAfterTpe(22).med(DRUGS.caplacizumab, {
          doseMg: 11,
          route: 'sc',
          perDay: 1,
          start: day(1, '09:00'),
          givenAt: [day(21, '12:00')],
        }),
    };
    expect(cardFor(run(f.build()), 'TTP-ADAMTS13-MONITOR').summary).toContain('in 7 days');
    const site = { parameters: { adamts13MonitorDays: 6 } };
    expect(cardFor(run(f.build(), 'patient-view', { site }), 'TTP-ADAMTS13-MONITOR').summary).toContain('in 6 days');
  });

  test('formatParameter writes numbers as they are and lists with "or"', () => {
    expect(formatParameter(1.5)).toBe('1.5');
    expect(formatParameter([10, 11])).toBe('10 or 11');
  });
});

// These read the rule sources, which `npm run mutate` instruments: skipped there (TTP_SKIP_SOURCE_TESTS).
const describeSources = process.env.TTP_SKIP_SOURCE_TESTS === '1' ? describe.skip : describe;

describeSources('parameters', () => {
  const sources = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(join(ROOT, dir, f), 'utf8'));
  const read = (src: string) =>
    new Set([...src.matchAll(/(?:param|flag|list|p)\('([A-Za-z0-9]+)'\)|num\(content, '([A-Za-z0-9]+)'\)/g)].map((m) => m[1] ?? m[2]!));

  test('every parameter of hooks/parameters.json is read by a rule or the facts layer', () => {
    const used = new Set(sources('src').flatMap((s) => [...read(s)]));
    expect(Object.keys(content.parameterDefs).filter((p) => !used.has(p))).toEqual([]);
  });

  test.each(readdirSync(join(ROOT, 'src', 'rules')).filter((f) => f.startsWith('ttp-')))(
    '%s reads only the parameters its content lists',
    (file) => {
      const src = readFileSync(join(ROOT, 'src', 'rules', file), 'utf8');
      const id = /const ID = '([A-Z0-9-]+)'/.exec(src)![1]!;
      const declared = new Set(content.rules[id]!.parameters);
      expect([...read(src)].filter((p) => !declared.has(p))).toEqual([]);
    },
  );

  test('a text naming a parameter its rule does not list stops the start-up', () => {
    const rules = { ...content.rules };
    expect(() => {
      const r = { ...rules['TTP-MON-DAILY']!, summaries: { default: 'Gap of {param.episodeGapDays} days.' } };
      // The check runs in loadContent; call it through a content root with this one rule changed.
      const dir = mkdtempSync(join(tmpdir(), 'ttp-content-'));
      cpSync(join(ROOT, 'hooks'), join(dir, 'hooks'), { recursive: true });
      cpSync(join(ROOT, 'cards'), join(dir, 'cards'), { recursive: true });
      writeFileSync(join(dir, 'cards', 'TTP-MON-DAILY.json'), JSON.stringify(r));
      loadContent({ root: dir });
    }).toThrow(/TTP-MON-DAILY.json: summaries.default uses \{param.episodeGapDays\}/);
  });
});

describe('every parameter says what it means and where it comes from', () => {
  const withParameters = (edit: (params: Record<string, Record<string, unknown>>) => void) => {
    const dir = mkdtempSync(join(tmpdir(), 'ttp-content-'));
    cpSync(join(ROOT, 'hooks'), join(dir, 'hooks'), { recursive: true });
    cpSync(join(ROOT, 'cards'), join(dir, 'cards'), { recursive: true });
    const file = join(dir, 'hooks', 'parameters.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { parameters: Record<string, Record<string, unknown>> };
    edit(doc.parameters);
    writeFileSync(file, JSON.stringify(doc));
    return () => loadContent({ root: dir });
  };

  test('each has a one-line meaning, and sources that exist, or is a service parameter marked for sign-off', () => {
    for (const [name, p] of Object.entries(content.parameterDefs)) {
      expect({ name, meaning: p.description.length > 20 && !p.description.includes('\n') }).toEqual({ name, meaning: true });
      for (const e of p.evidence) expect({ name, e, known: !!content.citations[e] }).toEqual({ name, e, known: true });
      if (p.evidence.length === 0) expect({ name, signOff: p.signOff }).toEqual({ name, signOff: true });
    }
  });

  test('a parameter without a meaning, citing an unknown source, or without a source and not for sign-off stops the start-up', () => {
    expect(withParameters((ps) => delete ps.responsePlatelets!.description)).toThrow(/hooks\/parameters.json/);
    expect(withParameters((ps) => (ps.responsePlatelets!.evidence = ['NOPE']))).toThrow(/responsePlatelets cites unknown source NOPE/);
    expect(withParameters((ps) => (ps.responsePlatelets!.evidence = []))).toThrow(
      /responsePlatelets has no source and is not marked signOff/,
    );
    expect(withParameters(() => undefined)).not.toThrow();
  });
});

describe('rules and their logic', () => {
  test('every rule file has a module and each module logic for exactly its hooks', () => {
    expect(() => compileRules(content)).not.toThrow();
    expect(RULE_MODULES.map((m) => m.id).sort()).toEqual(Object.keys(content.rules).sort());
  });

  test('a rule without logic, logic without a rule, or logic for a hook the rule does not name stops the start-up', () => {
    const withoutDay5 = RULE_MODULES.filter((m) => m.id !== 'TTP-CAPLA-DAY5');
    expect(() => compileRules(content, withoutDay5)).toThrow(/cards\/TTP-CAPLA-DAY5.json has no logic/);
    expect(() => compileRules(content, [...RULE_MODULES, { id: 'TTP-NEW', patientView: () => undefined }])).toThrow(/TTP-NEW has logic/);
    const pvOnly = {
      ...content,
      rules: { ...content.rules, 'TTP-CAPLA-DAY5': { ...content.rules['TTP-CAPLA-DAY5']!, hooks: ['patient-view' as const] } },
    };
    expect(() => compileRules(pvOnly)).toThrow(/TTP-CAPLA-DAY5 has orders logic/);
    const noPv = {
      ...content,
      rules: { ...content.rules, 'TTP-PLT-TXN': { ...content.rules['TTP-PLT-TXN']!, hooks: ['patient-view' as const] } },
    };
    expect(() => compileRules(noPv)).toThrow(/runs on patient-view, but its module has no patientView logic/);
  });

  test('discovery describes each service by the titles of the rules it runs, and its prefetch by their data needs', () => {
    const reg = new Registry(content);
    const pv = reg.get('ttp-patient-view')!;
    for (const r of Object.values(content.rules).filter((x) => x.hooks.includes('patient-view'))) {
      expect(pv.description).toContain(r.title);
      for (const k of r.data.required) expect(pv.required).toContain(k);
    }
    expect(reg.get('ttp-order-sign')!.description).not.toContain(content.rules['TTP-RTX-MISSING']!.title);
  });
});

describe('citations (KB section 0: an article or a label, never a search page or a homepage)', () => {
  test.each([
    ['https://doi.org/10.1111/jth.15010', undefined],
    ['https://pubmed.ncbi.nlm.nih.gov/33881463/', undefined],
    ['https://www.accessdata.fda.gov/drugsatfda_docs/label/2019/761112s000lbl.pdf', undefined],
    ['https://pubmed.ncbi.nlm.nih.gov/?term=caplacizumab', 'has a query string (a search page?)'],
    ['https://www.isth.org/', 'is a homepage'],
    ['https://doi.org/search', 'is not a DOI'],
    ['https://pubmed.ncbi.nlm.nih.gov/trials/', 'is not a PubMed record'],
    ['https://www.ema.europa.eu/en/medicines/human/EPAR/cablivi', 'is not a label document'],
    ['https://hcp.understandingttp.com/diagnosis', "is neither a DOI, a PubMed record nor a regulator's label"],
    ['not a url', 'is not a URL'],
  ])('%s', (url, why) => {
    expect(citationProblem(url)).toBe(why);
  });

  test('every citation the content ships passes, and a search page stops the start-up', () => {
    for (const c of Object.values(content.citations))
      if (c.url) expect({ url: c.url, why: citationProblem(c.url) }).toEqual({ url: c.url, why: undefined });
    const dir = mkdtempSync(join(tmpdir(), 'ttp-content-'));
    cpSync(join(ROOT, 'hooks'), join(dir, 'hooks'), { recursive: true });
    cpSync(join(ROOT, 'cards'), join(dir, 'cards'), { recursive: true });
    const file = join(dir, 'cards', 'citations.json');
    const c = JSON.parse(readFileSync(file, 'utf8')) as { citations: Record<string, { url?: string }> };
    c.citations.ISTH20!.url = 'https://pubmed.ncbi.nlm.nih.gov/?term=TTP+guideline';
    writeFileSync(file, JSON.stringify(c));
    expect(() => loadContent({ root: dir })).toThrow(/ISTH20 https:\/\/pubmed.ncbi.nlm.nih.gov\/\?term=TTP\+guideline has a query string/);
  });
});

describe('site orderables (KB 4B): the drafts carry them; without them the card says the draft is coded by text only', () => {
  const capla = (o: Outcome) => cardFor(o, 'TTP-CAPLA-DAY5');
  const draft = (o: Outcome) =>
    capla(o).suggestions![0]!.actions![0]!.resource as { medicationCodeableConcept: { coding?: { code: string }[] } };

  test('without a site orderable: text only, and the card says so', () => {
    const o = run(nonResponder(5));
    expect(draft(o).medicationCodeableConcept.coding).toBeUndefined();
    expect(capla(o).detail).toContain('is coded by text only (no site orderable: SITE_CONFIG_FILE orderables.caplacizumab)');
  });

  test('with one: the draft carries the site code and the note is gone', () => {
    const site = { orderables: { caplacizumab: [{ system: 'urn:oid:1.2.3.4.5', code: 'CAPLA11', display: 'Caplacizumab 11 mg vial' }] } };
    const o = run(nonResponder(5), 'patient-view', { site });
    expect(draft(o).medicationCodeableConcept.coding).toEqual([
      { system: 'urn:oid:1.2.3.4.5', code: 'CAPLA11', display: 'Caplacizumab 11 mg vial' },
    ]);
    expect(capla(o).detail).not.toContain('no site orderable');
  });

  test('a standard-coded draft keeps its standard code beside the site orderable', () => {
    const site = { orderables: { rituximab: [{ system: 'urn:oid:1.2.3.4.5', code: 'RTX500' }] } };
    const o = run(nonResponder(5, { skip: ['rtx'] }), 'patient-view', { site });
    const r = cardFor(o, 'TTP-RTX-MISSING').suggestions![0]!.actions![0]!.resource as {
      medicationCodeableConcept: { coding: { code: string }[] };
    };
    expect(r.medicationCodeableConcept.coding.map((c) => c.code)).toEqual(['RTX500', '121191']);
  });
});

describe('CHANGELOG.md', () => {
  test('its newest section names this engine version, the content version and every rule at its current version', () => {
    const log = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');
    const newest = log.split(/^## /m)[1]!;
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(newest.split('\n')[0]).toContain(`engine ${pkg.version}, clinical content ${content.version.split('+')[0]}`);
    for (const r of Object.values(content.rules))
      expect({
        rule: r.id,
        listed: new RegExp(`\\|\\s*\`${r.id}\`\\s*\\|\\s*${r.version.replace(/\./g, '\\.')}\\s*\\|`).test(newest),
      }).toEqual({ rule: r.id, listed: true });
  });
});
