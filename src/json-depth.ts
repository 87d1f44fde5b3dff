/**
 * Nesting depth of a JSON text, counted in one linear pass over its characters before JSON.parse
 * runs (a body of 4.8 MB of brackets took JSON.parse 4-6 s; this pass takes milliseconds): brackets
 * inside strings do not count. The pass keeps the path it is on (keys and array indices), so that the
 * answer says where the text nests too deep. FHIR resources inside a CDS request nest about a
 * dozen levels.
 */
export const MAX_JSON_DEPTH = 64;

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
/** Keys longer than this are cut in the path a message shows. */
const KEY_MAX = 64;

export interface TooDeep {
  /** Offset of the bracket that opens the level past the maximum. */
  at: number;
  /** Where: `prefetch.labs.entry[0].resource.code[0]...`. */
  path: string;
}

/** Where the text first nests deeper than `max`, or undefined. */
export function tooDeepAt(text: string | Uint8Array, max = MAX_JSON_DEPTH): TooDeep | undefined {
  const n = text.length;
  const code = typeof text === 'string' ? (i: number) => text.charCodeAt(i) : (i: number) => text[i]!;
  // Per open level: an array (its current index) or an object (its current key).
  const isArray: boolean[] = [];
  const index: number[] = [];
  const key: string[] = [];
  let inString = false;
  let stringStart = 0;
  let lastString = '';
  for (let i = 0; i < n; i++) {
    const c = code(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) {
        inString = false;
        const end = Math.min(i, stringStart + KEY_MAX);
        lastString =
          typeof text === 'string'
            ? text.slice(stringStart, end)
            : Buffer.from(text.buffer, text.byteOffset + stringStart, end - stringStart).toString();
      }
    } else if (c === QUOTE) {
      inString = true;
      stringStart = i + 1;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (isArray.length >= max) return { at: i, path: pathOf(isArray, index, key) };
      isArray.push(c === OPEN_ARRAY);
      index.push(0);
      key.push('');
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      isArray.pop();
      index.pop();
      key.pop();
    } else if (c === COLON && isArray.length && !isArray[isArray.length - 1]) key[key.length - 1] = lastString;
    else if (c === COMMA && isArray.length && isArray[isArray.length - 1]) index[index.length - 1]!++;
  }
  return undefined;
}

function pathOf(isArray: boolean[], index: number[], key: string[]): string {
  let out = '';
  for (let d = 0; d < isArray.length; d++) out = isArray[d] ? `${out}[${index[d]}]` : out ? `${out}.${key[d]}` : key[d]!;
  return out || '(root)';
}

/** The message a caller gets for a text nested too deep. */
export function tooDeepMessage(deep: TooDeep, max = MAX_JSON_DEPTH): string {
  return `The request nests objects or arrays more than ${max} levels deep (at ${deep.path}).`;
}
