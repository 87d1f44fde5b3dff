/**
 * HTTP fuzzing: a few thousand requests made from the fixtures by changing, deleting, repeating or
 * retyping any field (long and hostile strings, control characters, deep nesting, prototype keys)
 * and sent through the whole app. Whatever arrives:
 * - never a 5xx (the app runs with CHECK_RESPONSES=throw, so a card that breaks the CDS Hooks rules
 *   would be a 500 too), always a JSON body, an OperationOutcome on every 4xx;
 * - an answer bounded in size, not in time: at most one card per rule and draft, no card detail over
 *   32 KB (so no unbounded echo of what was sent), and nothing leaks onto Object.prototype.
 * FUZZ_RUNS sets the number of requests (default 1,500, about 20 s here).
 */
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

const junk: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(null, true, false, 0, -1, 1e308, [], {}, [[]], { __proto__: { polluted: 1 } }),
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
  if (e.kind === 'set') container[key] = e.value;
  else if (e.kind === 'delete') {
    if (Array.isArray(container)) container.splice(Number(key), 1);
    else delete container[key];
  } else if (Array.isArray(container))
    container.splice(Number(key), 0, ...Array.from({ length: e.times }, () => structuredClone(container[key])));
  else container[key] = Array.from({ length: e.times }, () => container[key]);
}

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
      { numRuns: RUNS },
    );
    // The requests must reach the rules, not only the validator: a good share is answered.
    const answered = statuses[200] ?? 0;
    expect(answered).toBeGreaterThan(RUNS * 0.2);
    statuses = {};
  }, 300_000);
});
