/**
 * Text matching in bounded time, whatever the input (no wall clock: the bound is in the sizes).
 * Every pattern runs on at most MAX_TEXT characters of a field; a pattern that could backtrack
 * catastrophically is refused at start-up; the value-string parser has no quadratic pair.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadContent, patternProblem } from '../../src/content';
import { parseValueString } from '../../src/facts/labs';
import { MAX_TEXT, concepts, parseRef } from '../../src/fhir/read';
import { TEXT_BUDGET, Terminology, TextScan } from '../../src/terminology';
import { Units } from '../../src/units';
import { parseDose } from '../../src/facts/drugs';
import { caplaDraft, fallAfterResponse, nonResponder, stableD3 } from '../fixtures/records';
import { cardFor, run } from '../helpers';

const content = loadContent();
const terminology = new Terminology(content);
const ROOT = join(__dirname, '..', '..');

describe('value-set text patterns', () => {
  test.each([
    ['caplacizumab', undefined],
    ['\\bplatelets?\\b.*\\btransfus', undefined],
    ['(a+)+$', 'can backtrack exponentially (nested repetition)'],
    ['(a|aa)+', 'repeats a group without bound (ambiguous repetition can backtrack exponentially)'],
    ['.*adamts.*inhibitor', 'has 2 unbounded repetitions (at most 1: matching must stay near-linear)'],
    ['x{2,}y*', 'has 2 unbounded repetitions (at most 1: matching must stay near-linear)'],
    ['(\\w+) \\1', 'uses a backreference'],
    ['[', 'is not a valid regular expression'],
    ['[*+]+ok', undefined],
  ])('%s: %s', (pattern, why) => {
    expect(patternProblem(pattern)).toBe(why);
  });

  test('every shipped pattern passes, and an unsafe one stops the start-up with its value set and why', () => {
    for (const [id, vs] of Object.entries(content.terminology.valueSets))
      for (const p of [...vs.text, ...(vs.textExcept ?? [])]) expect({ id, p, why: patternProblem(p) }).toEqual({ id, p, why: undefined });
    const dir = mkdtempSync(join(tmpdir(), 'ttp-content-'));
    cpSync(join(ROOT, 'hooks'), join(dir, 'hooks'), { recursive: true });
    cpSync(join(ROOT, 'cards'), join(dir, 'cards'), { recursive: true });
    const file = join(dir, 'hooks', 'terminology.json');
    const t = JSON.parse(readFileSync(file, 'utf8')) as { valueSets: Record<string, { text: string[] }> };
    t.valueSets['VS-CAPLA']!.text.push('(cabl|ivi)+x');
    writeFileSync(file, JSON.stringify(t));
    expect(() => loadContent({ root: dir })).toThrow(/VS-CAPLA text pattern \(cabl\|ivi\)\+x repeats a group without bound/);
  });
});

describe('text is cut to MAX_TEXT characters before any pattern runs', () => {
  test('a concept named after 2,000 characters of padding is not read; at the start it is', () => {
    const pad = 'x '.repeat(1000);
    expect(terminology.match('VS-CAPLA', { text: `${pad}caplacizumab` })).toBeUndefined();
    expect(terminology.match('VS-CAPLA', { text: `caplacizumab ${pad}` })?.by).toBe('text');
    expect(terminology.match('VS-CAPLA', { text: `${'y'.repeat(MAX_TEXT - 13)} caplacizumab` })?.by).toBe('text');
  });

  test('the inputs that took seconds before are cut: 200 KB of "adamts13 ", "platelet " or "ttp immune " read as 1 KB', () => {
    for (const [vs, unit] of [
      ['VS-A13INH', 'adamts13 '],
      ['VS-PLTX', 'platelet '],
      ['VS-ITTP-CONFIRMED-CODE', 'ttp immune '],
    ] as const) {
      const text = unit.repeat(Math.ceil(200_000 / unit.length));
      // The same answer as on the first MAX_TEXT characters alone: nothing beyond them is looked at.
      expect(terminology.match(vs, { text })).toEqual(terminology.match(vs, { text: text.slice(0, MAX_TEXT) }));
    }
  });

  test('ADAMTS13 activity and inhibitor tests are told apart by text (activity unless an inhibitor word is there)', () => {
    expect(terminology.match('VS-A13ACT', { text: 'ADAMTS13 activity' })?.by).toBe('text');
    expect(terminology.match('VS-A13ACT', { text: 'ADAMTS13 inhibitor (Bethesda)' })).toBeUndefined();
    expect(terminology.match('VS-A13INH', { text: 'ADAMTS13 inhibitor (Bethesda)' })?.by).toBe('text');
    expect(terminology.match('VS-A13INH', { text: 'Anti-ADAMTS13 IgG' })?.by).toBe('text');
    expect(terminology.match('VS-A13INH', { text: 'Factor VIII inhibitor' })).toBeUndefined();
  });
});

describe('text scanning is linear in the request, and bounded in all (issue: hostile input, second round, item 2)', () => {
  const withProcedures = (n: number, text: string) => {
    const s = nonResponder(5);
    for (let i = 0; i < n; i++)
      s.add({
        resourceType: 'Procedure',
        id: `p${i}`,
        status: 'completed',
        code: { text },
        performedDateTime: s.now.replace('18:00', '01:00'),
      });
    return s;
  };

  test('every negated match of a field ("no tpe " x 146) is checked against its own stretch of text: cue tests stay within twice the text', () => {
    const scan = new TextScan(TEXT_BUDGET);
    const t = terminology.forRequest(scan);
    const text = 'no tpe '.repeat(146);
    expect(t.matchText('VS-TPE', text)).toBeUndefined();
    expect(scan.used).toBe(text.length);
    expect(scan.cueChars).toBeLessThanOrEqual(2 * text.length);
    // One affirmed match among the negated ones is found, wherever it is.
    expect(t.matchText('VS-TPE', `${'no tpe '.repeat(70)}. tpe daily. ${'no tpe '.repeat(70)}`)).toBeDefined();
    expect(t.matchText('VS-TPE', 'Acquired TTP; plasma exchange ruled out')).toBeUndefined();
  });

  test('3,500 Procedures whose text repeats "no tpe ": the request scans at most its budget, skips the rest and every card says so', () => {
    const o = run(withProcedures(3500, 'no tpe '.repeat(146)));
    expect(o.byRule).toEqual({ 'TTP-CAPLA-DAY5': 'critical', 'TTP-REFRACTORY-2L': 'warning' });
    expect(cardFor(o, 'TTP-CAPLA-DAY5').detail).toMatch(
      /Could not be read: Text of the record: \d+ text match\(es\) were skipped: the request's text budget \(8000000 characters\) was used up/,
    );
    // A few such resources stay within the budget: nothing to say.
    expect(cardFor(run(withProcedures(20, 'no tpe '.repeat(146))), 'TTP-CAPLA-DAY5').detail).not.toContain('text budget');
  });

  test('a field longer than 1,024 characters is named as partly read; a shorter one is not', () => {
    const long = run(withProcedures(1, `${'x'.repeat(1030)} therapeutic plasma exchange`));
    expect(cardFor(long, 'TTP-CAPLA-DAY5').detail).toContain(
      'text match(es) ran on a field cut to its first 1024 characters (the rest was not read)',
    );
    expect(cardFor(run(withProcedures(1, 'x'.repeat(1000))), 'TTP-CAPLA-DAY5').detail).not.toContain('cut to its first');
  });

  test('order-select: "platelet transfusion" written after 1,030 characters is no silent loss: the answer says the draft was read in part', () => {
    const s = stableD3();
    s.draft({
      resourceType: 'ServiceRequest',
      id: 'draft-plt',
      status: 'draft',
      intent: 'order',
      code: { text: `${'Note: '.repeat(172)} platelet transfusion, 1 adult dose` },
      subject: { reference: 'Patient/pat-1' },
    });
    const o = run(s, 'order-select');
    expect(o.byRule).toEqual({ 'TTP-DATA-UNREADABLE': 'info' });
    expect(cardFor(o, 'TTP-DATA-UNREADABLE').detail).toContain('Text read by the rules (draft orders, planned procedures)');
    // Read in whole, the same draft is the platelet caution, and nothing else is said.
    const short = stableD3();
    short.draft({
      resourceType: 'ServiceRequest',
      id: 'draft-plt',
      status: 'draft',
      intent: 'order',
      code: { text: 'platelet transfusion, 1 adult dose' },
      subject: { reference: 'Patient/pat-1' },
    });
    expect(run(short, 'order-select').byRule).toEqual({ 'TTP-PLT-TXN': 'warning' });
  });
});

describe('the other parsers of EHR strings', () => {
  test('a value string: "<5 %", "15000 /uL", "12 thou"; "1 x" plus spaces is read without backtracking; over 64 characters is no number', () => {
    expect(parseValueString('<5 %')).toEqual({ comparator: '<', value: 5, unit: '%' });
    expect(parseValueString(' 15000 /uL ')).toEqual({ comparator: undefined, value: 15000, unit: '/uL' });
    expect(parseValueString('12,5 thou')).toEqual({ comparator: undefined, value: 12.5, unit: 'thou' });
    expect(parseValueString(`1 x${' '.repeat(50)}`)).toEqual({ comparator: undefined, value: 1, unit: 'x' });
    expect(parseValueString(`1 x${' '.repeat(100_000)}y`)).toBeUndefined();
    expect(parseValueString('abc')).toBeUndefined();
  });

  test('a reference longer than 512 characters is no reference', () => {
    expect(parseRef('Patient/pat-1')).toEqual({ type: 'Patient', id: 'pat-1' });
    expect(parseRef(`${'A'.repeat(600)}/x`)).toBeUndefined();
  });

  test('arrays nested in a CodeableConcept field are read one level deep, never recursively', () => {
    let deep: unknown = { text: 'caplacizumab' };
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(concepts(deep)).toEqual([]);
    expect(concepts([[{ text: 'a' }], { text: 'b' }])).toEqual([{ text: 'a' }, { text: 'b' }]);
  });
});

describe('units and codes named like Object methods are just unknown', () => {
  test('a dose in "constructor" or "__proto__" is no dose; a timing code "toString" is no frequency', () => {
    for (const unit of ['constructor', '__proto__', 'toString', 'hasOwnProperty'])
      expect(parseDose({ value: 11, unit, code: unit })).toEqual({ raw: `11 ${unit}` });
  });

  test('a platelet count in unit "constructor" is a named unknown, never NaN in a card', () => {
    const s = nonResponder(5);
    s.lab('plt', 16, s.now.replace('18:00', '07:00'), { unit: 'constructor', id: 'odd-unit' });
    const o = run(s);
    const text = JSON.stringify(o.cards);
    expect(text).not.toContain('NaN');
    expect(text).toContain('unit \\"constructor\\" not understood');
  });
});

describe('EHR text placed in a card is inert markdown', () => {
  const EVIL =
    'Sepsis [Sign in again](https://evil.example/login) ![x](https://evil.example/x.png) <img src=x> www.evil.example `code` | a | b |';

  test('a diagnosis display with a link, an image, HTML, a bare URL, code and a table row: none of them live in the detail', () => {
    // Another cause of thrombocytopenia, coded with that display, ends up bold in the exacerbation card.
    const s = fallAfterResponse(20).condition('', { text: EVIL });
    const card = cardFor(run(s), 'TTP-EXACERBATION');
    const detail = card.detail!;
    expect(detail).toContain('Sepsis');
    expect(detail).not.toMatch(/(^|[^\\])\[[^\]]*\]\(/); // no [text](url) left unescaped
    expect(detail).not.toContain('https://evil');
    expect(detail).not.toContain('www.evil');
    expect(detail).not.toContain('<img');
    expect(detail).not.toMatch(/(^|[^\\])`/);
  });

  test('empty values from an EHR draft are not copied into the suggestion that updates it', () => {
    const s = stableD3();
    const d = caplaDraft(s, { route: 'sc', perDay: 2 });
    Object.assign(s.drafts[s.drafts.length - 1]!, { note: [], text: { status: 'generated', div: '' }, extension: [{}] });
    const card = cardFor(run(s, 'order-select'), 'TTP-CAPLA-ORDER');
    const updated = card.suggestions![0]!.actions![0]!.resource as Record<string, unknown>;
    expect(updated.id).toBe(d.id);
    expect(updated).not.toHaveProperty('note');
    expect(updated).not.toHaveProperty('extension');
    expect(updated.text).toEqual({ status: 'generated' });
  });
});

describe('the UCUM library never writes to stdout', () => {
  test('a unit with blanks or a newline (a forged log line) is refused before UCUM sees it', () => {
    const units = new Units(content);
    const spy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(units.factorFor('platelets', '10*9/L {"level":60,"msg":"forged"}')).toBeUndefined();
      expect(units.factorFor('platelets', '10*9/L\n{"level":60}')).toBeUndefined();
      expect(units.factorFor('platelets', 'x'.repeat(65))).toBeUndefined();
      expect(spy).not.toHaveBeenCalled();
      expect(units.factorFor('platelets', '10*3/uL')).toBeCloseTo(1, 9);
    } finally {
      spy.mockRestore();
    }
  });
});
