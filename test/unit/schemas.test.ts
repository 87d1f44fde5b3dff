/** The request envelope's hand-written checks against what they replace. */
import fc from 'fast-check';
import { isHttpUrl, findEmptyValues } from '../../src/cds/schemas';

describe('isHttpUrl (fhirServer and card links)', () => {
  test('every string it accepts parses as an http(s) URL', () => {
    // Shaped like a URL (scheme, host, port, path) from characters that URL parsing refuses in places.
    const part = (chars: string, maxLength: number) => fc.string({ unit: fc.constantFrom(...chars.split('')), maxLength });
    const shaped = fc
      .tuple(
        fc.constantFrom('http://', 'https://', 'http:/', 'ftp://'),
        part('az09%.-_~[]:@', 12),
        fc.option(fc.integer({ min: 0, max: 999999 })),
        part('/?#az%. ', 8),
      )
      .map(([scheme, host, port, rest]) => `${scheme}${host}${port === null ? '' : `:${port}`}${rest}`);
    // Hosts built from the pieces URL parsing treats specially: numeric labels (IPv4, octal, hex), IDNA prefixes, IPv6.
    const label = fc.constantFrom(
      'a',
      'Z',
      '9',
      '09',
      '255',
      '999',
      '0x',
      '0x1g',
      '0xff',
      'xn--',
      'XN--zz',
      'xn--bcher-kva',
      '-',
      '_',
      '~',
      '',
    );
    const hosty = fc.oneof(
      fc.array(label, { minLength: 1, maxLength: 5 }).map((ls) => ls.join('.')),
      part('0123456789abcdefABCDEF:.', 10).map((h) => `[${h}]`),
    );
    const hosted = fc
      .tuple(fc.constantFrom('http://', 'https://'), hosty, fc.constantFrom('', '/', ':80/x', '?q', '#f'))
      .map((p) => p.join(''));
    const urlish = fc.oneof(
      shaped,
      hosted,
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.string({ unit: fc.constantFrom(...'htps:/[]@%?#.-_~ 0123456789abcdefABCDEF\\'.split('')), maxLength: 30 }).map((x) => `http${x}`),
      fc.string(),
    );
    fc.assert(
      fc.property(urlish, (s) => {
        if (!isHttpUrl(s)) return;
        const u = new URL(s);
        expect(['http:', 'https:']).toContain(u.protocol);
        expect(u.hostname.length).toBeGreaterThan(0);
      }),
      { numRuns: 3000 },
    );
  });

  test('it accepts the URLs EHRs send', () => {
    const accepted = fc.webUrl({ withQueryParameters: true, withFragments: true, authoritySettings: { withPort: true } });
    fc.assert(
      fc.property(accepted, (s) => expect(isHttpUrl(s)).toBe(true)),
      { numRuns: 500 },
    );
    for (const s of ['https://ehr.example.org/fhir/r4', 'http://localhost:8080/fhir', 'http://[::1]:3000/fhir', 'https://a.b/c?x=1#y'])
      expect(isHttpUrl(s)).toBe(true);
  });

  test('hosts that URL parsing reads as numbers, IDNA or IPv6 are checked by parsing (regression: http://.9 was accepted)', () => {
    for (const s of [
      'http://.9',
      'http://999.1',
      'http://a.09',
      'http://a.0x',
      'http://08',
      'http://xn--zz',
      'http://a.XN--zz/',
      'http://[:]',
      'http://[1:2]/',
    ])
      expect([s, isHttpUrl(s)]).toEqual([s, false]);
    for (const s of [
      'http://1.2.3.4:8080/fhir',
      'http://10.0.0.1.',
      'http://a.0x1g',
      'http://[::ffff:1.2.3.4]/',
      'http://xn--bcher-kva.org/',
      'http://a.b.',
    ])
      expect([s, isHttpUrl(s)]).toEqual([s, true]);
  });

  test('it refuses what is not an absolute http(s) URL', () => {
    for (const s of [
      '',
      'ehr.example.org/fhir',
      'ftp://x.org',
      'https://',
      'https:// x.org',
      'https://x.org/a b',
      'javascript:alert(1)',
      'http:/x.org',
      'https://user@x.org',
      'http://%zz/',
      'http://a:99999/',
      'http://[zz]/',
    ])
      expect(isHttpUrl(s)).toBe(false);
  });
});

describe('findEmptyValues (spec: no null, "", [] or {} in a response)', () => {
  test('names the path of every empty value, and allows only the top-level cards: []', () => {
    expect(findEmptyValues({ cards: [] })).toEqual([]);
    expect(
      findEmptyValues({
        cards: [
          {
            summary: '',
            source: { label: 'x', topic: {} },
            suggestions: [{ actions: [] }],
            links: [{ url: null }],
            detail: undefined,
            n: 0,
            ok: false,
          },
          { cards: [] },
        ],
        extra: {},
      }),
    ).toEqual([
      'cards[0].summary',
      'cards[0].source.topic',
      'cards[0].suggestions[0].actions',
      'cards[0].links[0].url',
      'cards[1].cards',
      'extra',
    ]);
    expect(findEmptyValues(null)).toEqual(['(root)']);
  });

  test('a response built of non-empty values has none (generated)', () => {
    const leaf = fc.oneof(fc.string({ minLength: 1 }), fc.integer(), fc.boolean());
    const tree = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('node'), { minLength: 1, maxLength: 4 }),
        fc.dictionary(fc.string({ minLength: 1 }), tie('node'), { minKeys: 1, maxKeys: 4 }),
      ),
    })).node;
    fc.assert(
      fc.property(tree, (t) => expect(findEmptyValues({ cards: [t] })).toEqual([])),
      { numRuns: 300 },
    );
  });
});
