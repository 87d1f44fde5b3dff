/**
 * HTTP fuzzing: a few thousand requests made from the fixtures by changing, deleting, repeating or
 * retyping any field (long and hostile strings, control characters, deep nesting, prototype keys)
 * and sent through the whole app. Whatever arrives:
 * - never a 5xx (the app runs with CHECK_RESPONSES=throw, so a card that breaks the CDS Hooks rules
 *   would be a 500 too), always a JSON body, an OperationOutcome on every 4xx;
 * - an answer bounded in size, not in time: at most one card per rule and draft, no card detail over
 *   32 KB (so no unbounded echo of what was sent), and nothing leaks onto Object.prototype.
 * FUZZ_RUNS sets the number of requests (default 1,500, about 20 s here); FUZZ_SEED and FUZZ_PATH
 * replay a counterexample that fast-check printed; FUZZ_DUMP=FILE writes the body of a request that got a 5xx.
 */
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import request from 'supertest';
import { situations } from '../fixtures/situations';
import { NOW_D5 } from '../fixtures/situations';
import { testApp } from '../helpers';

const { app } = testApp({ now: NOW_D5 });
const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);
const RULES = 24;

const SEEDS = {
  '/cds-services/ttp-patient-view': [situations['full-prefetch-non-responder'], situations['stable-patient'], situations['odd-shapes']],
  '/cds-services/ttp-order-select': [situations['order-select-platelets'], situations['order-select-selection-alias']],
  '/cds-services/ttp-order-sign': [situations['order-sign-platelets']],
} as const;
const SERVICES = Object.keys(SEEDS) as (keyof typeof SEEDS)[];

/** Every path to a value in a JSON document. */
function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) paths((v as Record<string, unknown>)[k], [...at, k], out);
  return out;
}

/** A deep copy that keeps what JSON would lose here: symbol keys, a null prototype, __proto__ as an own key. */
function copy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copy);
  if (!v || typeof v !== 'object') return v;
  const out = (Object.getPrototypeOf(v) === null ? Object.create(null) : {}) as Record<PropertyKey, unknown>;
  for (const k of Reflect.ownKeys(v))
    Object.defineProperty(out, k, {
      value: copy((v as Record<PropertyKey, unknown>)[k]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return out;
}

function deep(n: number): unknown {
  let v: unknown = { text: 'deep' };
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { x: v };
  return v;
}

const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '__proto__',
    'constructor',
    'toString',
    'FINAL',
    'COMPLETED',
    '2026-13-45T25:61:00Z',
    '9999-12-31T23:59:59Z',
    '0000-01-01',
    'NaN',
    '-1e309',
    '[click](https://evil.example) ![i](https://evil.example/i.png) <script>alert(1)</script>',
    'adamts13 '.repeat(300),
    '1 x' + ' '.repeat(2000),
    'ttp immune '.repeat(200),
    'Patient/someone-else',
    'K/uL',
    '10*9/L {"level":60}\n',
    '\u0000\u001f\u2028\u2029',
  ),
  fc.integer({ min: 1, max: 5000 }).map((n) => 'x'.repeat(n)),
);

/**
 * Objects shaped like prototypes: a `toString` or `valueOf` that is no function makes `${x}` and
 * String(x) throw (an `id` of `{"toString": 1}` gave a 500), and Object keys that look like methods.
 */
const prototypeShaped: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    { toString: 1 },
    { valueOf: 'x' },
    { toString: null, valueOf: null },
    { toJSON: 1 },
    { [Symbol.toPrimitive as unknown as string]: 1 },
    { hasOwnProperty: 1 },
    { constructor: { prototype: { polluted: 1 } } },
    { length: 1e9 },
    { then: 1 },
  ),
  fc.dictionary(fc.constantFrom('toString', 'valueOf', 'toJSON', 'hasOwnProperty', 'isPrototypeOf', 'then', 'length'), junkLeaf(), {
    maxKeys: 3,
  }),
);

function junkLeaf(): fc.Arbitrary<unknown> {
  return fc.oneof(fc.constantFrom(1, 'x', null, true, [], {}), fc.string({ maxLength: 8 }));
}

const junk: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(null, true, false, 0, -1, 1e308, [], {}, [[]], { __proto__: { polluted: 1 } }),
  prototypeShaped,
  fc.double(),
  fc.integer(),
  fc.integer({ min: 1, max: 80 }).map(deep),
  fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'resourceType', 'coding', 'code', 'system', 'value', 'unit'), hostileString, {
    maxKeys: 3,
  }),
);

type Edit =
  { kind: 'set'; pick: number; value: unknown } | { kind: 'delete'; pick: number } | { kind: 'repeat'; pick: number; times: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('set' as const), pick: fc.nat(), value: junk }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeat' as const), pick: fc.nat(), times: fc.integer({ min: 2, max: 50 }) }) },
);

function apply(doc: Record<string, unknown>, e: Edit): void {
  const all = paths(doc).filter((p) => p.length > 0);
  const p = all[e.pick % all.length]!;
  let parent: unknown = doc;
  for (const k of p.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[k];
  const key = p[p.length - 1]!;
  const container = parent as Record<string | number, unknown>;
  // A copy: fast-check hands out the same constant objects again, and a later edit must not change them (or build a cycle).
  if (e.kind === 'set') container[key] = copy(e.value);
  else if (e.kind === 'delete') {
    if (Array.isArray(container)) container.splice(Number(key), 1);
    else delete container[key];
  } else if (Array.isArray(container))
    container.splice(Number(key), 0, ...Array.from({ length: e.times }, () => structuredClone(container[key])));
  else container[key] = Array.from({ length: e.times }, () => container[key]);
}

describe('ids that are not strings (issue: hostile input, second round, item 7)', () => {
  test.each([
    ['{"toString": 1}', { toString: 1 }],
    ['{"valueOf": "x"}', { valueOf: 'x' }],
    ['{"toString": null, "valueOf": null}', { toString: null, valueOf: null }],
    ['an array', [1, 2]],
    ['a number', 42],
  ])('an id of %s on every resource of the prefetch and on the drafts: 200 or a 4xx saying why, never a 500', async (_name, value) => {
    for (const service of SERVICES) {
      const doc = structuredClone(SEEDS[service][0]!()) as Record<string, unknown>;
      for (const p of paths(doc)) {
        if (p[p.length - 1] !== 'id') continue;
        let parent: unknown = doc;
        for (const k of p.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[k];
        (parent as Record<string, unknown>).id = value;
      }
      const res = await request(app).post(service).set('Content-Type', 'application/json').send(JSON.stringify(doc));
      expect({ service, status: res.status }).toEqual({ service, status: expect.any(Number) });
      expect({ service, below500: res.status < 500 }).toEqual({ service, below500: true });
      if (res.status >= 400) expect(res.body.resourceType).toBe('OperationOutcome');
    }
  });
});

describe('HTTP fuzzing', () => {
  test(`${RUNS} mutated requests: no 5xx, a JSON body, cards valid and bounded`, async () => {
    let statuses: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SERVICES),
        fc.nat(),
        fc.array(edit, { minLength: 1, maxLength: 4 }),
        async (service, seed, edits) => {
          const seeds = SEEDS[service];
          const doc = structuredClone(seeds[seed % seeds.length]!()) as Record<string, unknown>;
          for (const e of edits) apply(doc, e);
          let text: string;
          try {
            text = JSON.stringify(doc);
          } catch {
            return; // too deep for this process's JSON.stringify: not a request anyone can send
          }
          const res = await request(app).post(service).set('Content-Type', 'application/json').send(text);
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          if (res.status >= 500 && process.env.FUZZ_DUMP) writeFileSync(process.env.FUZZ_DUMP, text);
          expect(res.status).toBeLessThan(500);
          expect(res.headers['content-type']).toMatch(/json/);
          expect(typeof res.body).toBe('object');
          if (res.status >= 400) expect(res.body.resourceType).toBe('OperationOutcome');
          else {
            const drafts = ((doc.context as { draftOrders?: { entry?: unknown[] } } | undefined)?.draftOrders?.entry ?? []).length;
            expect(res.body.cards.length).toBeLessThanOrEqual(RULES + drafts);
            for (const c of res.body.cards as { detail?: string }[]) expect((c.detail ?? '').length).toBeLessThan(32 * 1024);
          }
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        },
      ),
      { numRuns: RUNS, ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED), path: process.env.FUZZ_PATH } : {}) },
    );
    // The requests must reach the rules, not only the validator: a good share is answered.
    const answered = statuses[200] ?? 0;
    expect(answered).toBeGreaterThan(RUNS * 0.2);
    statuses = {};
  }, 300_000);
});
