import { atLeast, medianInterval } from '../../bench/stats';

describe('bench statistics: the median interval of the rounds', () => {
  test('five rounds: the whole range, at 1 - 2/32 = 93.75%', () => {
    const i = medianInterval([0.83, 1.12, 0.84, 1.11, 0.74]);
    expect(i).toEqual({ lo: 0.74, hi: 1.12, coverage: 0.9375 });
  });

  test('nine rounds: the 2nd lowest to the 2nd highest, at 1 - 2 x 10/512', () => {
    const i = medianInterval([9, 1, 8, 2, 7, 3, 6, 4, 5]);
    expect(i.lo).toBe(2);
    expect(i.hi).toBe(8);
    expect(i.coverage).toBeCloseTo(1 - 20 / 512, 12);
  });

  test('a higher level widens the interval; too few rounds give the range with the coverage they have', () => {
    expect(medianInterval([9, 1, 8, 2, 7, 3, 6, 4, 5], 0.99)).toEqual({ lo: 1, hi: 9, coverage: 1 - 2 / 512 });
    expect(medianInterval([0.7, 0.9, 0.8])).toEqual({ lo: 0.7, hi: 0.9, coverage: 0.75 });
    expect(medianInterval([0.8]).coverage).toBe(0);
    expect(medianInterval([]).coverage).toBe(0);
  });

  test('the coverage is what it claims: in simulated rounds the interval holds the true median that often', () => {
    // A seeded generator; rounds drawn from a skewed distribution whose median is known (ln 2 for an exponential).
    let seed = 42;
    const rand = () => {
      // mulberry32
      seed = (seed + 0x6d2b79f5) | 0;
      let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return (((x ^ (x >>> 14)) >>> 0) + 0.5) / 2 ** 32;
    };
    const trueMedian = Math.LN2;
    for (const n of [5, 9]) {
      let held = 0;
      let claimed = 0;
      const trials = 20_000;
      for (let t = 0; t < trials; t++) {
        const rounds = Array.from({ length: n }, () => -Math.log(rand()));
        const i = medianInterval(rounds);
        claimed = i.coverage;
        if (i.lo <= trueMedian && trueMedian <= i.hi) held++;
      }
      expect(Math.abs(held / trials - claimed)).toBeLessThan(0.01);
    }
  });

  test('the verdict: met, NOT met, or undecided when the rounds straddle the threshold', () => {
    expect(atLeast([0.81, 0.85, 0.83, 0.9, 0.82], 0.8).verdict).toBe('met');
    expect(atLeast([0.61, 0.75, 0.7, 0.79, 0.72], 0.8).verdict).toBe('NOT met');
    expect(atLeast([0.83, 1.12, 0.84, 1.11, 0.74], 0.8).verdict).toBe('undecided');
    // The threshold itself counts as reached (at least 0.8x).
    expect(atLeast([0.8, 0.8, 0.8, 0.8, 0.8], 0.8).verdict).toBe('met');
  });
});
