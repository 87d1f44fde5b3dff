/** Markdown escaping of EHR text in card details. */
import fc from 'fast-check';
import { escapeMd } from '../../src/render/cards';

/** The escaping as specified, applied to every string (no fast path). */
const reference = (s: string) =>
  s
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#])/g, '\\$1');

describe('escapeMd', () => {
  test('no HTML, no table breaks, no emphasis or links', () => {
    expect(escapeMd('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(escapeMd('a | b\nc')).toBe('a \\| b c');
    expect(escapeMd('**x** [y](z) #1 `c` a_b')).toBe('\\*\\*x\\*\\* \\[y\\](z) \\#1 \\`c\\` a\\_b');
    expect(escapeMd('12 x10^9/L on 2026-11-20')).toBe('12 x10^9/L on 2026-11-20');
  });

  test('the same as escaping every string, for any text (generated)', () => {
    const chars = fc.constantFrom(...'ab1 .-/\r\n&<>\\`*_[]|#()'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: chars })), (s) => expect(escapeMd(s)).toBe(reference(s))),
      { numRuns: 2000 },
    );
  });
});
