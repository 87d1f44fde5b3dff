/** The per-client rate of feedback (src/http/rate.ts): a token bucket per client, a bounded number of clients. */
import { RatePerClient } from '../../src/http/rate';

describe('RatePerClient', () => {
  test('a full bucket at first; refills perMinute a minute, never above perMinute', () => {
    let now = 0;
    const r = new RatePerClient(60, () => now);
    expect(r.take('a', 60)).toBe(0);
    expect(r.take('a', 1)).toBe(1); // one token a second
    now += 1000;
    expect(r.take('a', 1)).toBe(0);
    expect(r.take('a', 2)).toBe(2);
    now += 10 * 60_000; // long idle: the bucket is full, not 600 tokens
    expect(r.take('a', 60)).toBe(0);
    expect(r.take('a', 1)).toBe(1);
  });

  test('clients are apart', () => {
    const r = new RatePerClient(2, () => 0);
    expect(r.take('a', 2)).toBe(0);
    expect(r.take('a', 1)).toBeGreaterThan(0);
    expect(r.take('b', 2)).toBe(0);
  });

  test('more than a minute of tokens at once is never granted: retry in 60 s', () => {
    const r = new RatePerClient(5, () => 0);
    expect(r.take('a', 6)).toBe(60);
    expect(r.take('a', 5)).toBe(0); // the refused request took nothing
  });

  test('a refused request takes nothing: the wait shrinks as time passes', () => {
    let now = 0;
    const r = new RatePerClient(6, () => now);
    expect(r.take('a', 6)).toBe(0);
    expect(r.take('a', 3)).toBe(30);
    now += 20_000;
    expect(r.take('a', 3)).toBe(10);
    now += 10_000;
    expect(r.take('a', 3)).toBe(0);
  });

  test('at most maxClients buckets: the one used longest ago is forgotten first', () => {
    let now = 0;
    const r = new RatePerClient(1, () => now, 3);
    for (const k of ['a', 'b', 'c']) expect(r.take(k, 1)).toBe(0);
    now += 1;
    expect(r.take('a', 1)).toBeGreaterThan(0); // 'a' is now the most recently used
    expect(r.take('d', 1)).toBe(0); // forgets 'b'
    expect(r.clients).toBe(3);
    expect(r.take('c', 1)).toBeGreaterThan(0); // 'c' remembered
    expect(r.take('b', 1)).toBe(0); // 'b' was forgotten: a full bucket again
    expect(r.clients).toBe(3);
  });
});
