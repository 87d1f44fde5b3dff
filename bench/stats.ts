/**
 * Statistics of the benchmark's rounds. Pure functions, unit-tested (test/unit/stats.test.ts).
 */

/** C(n, k) for the small n of benchmark rounds. */
function choose(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

export interface MedianInterval {
  lo: number;
  hi: number;
  /** The probability that [lo, hi] holds the median of what was sampled. */
  coverage: number;
}

/**
 * A distribution-free confidence interval for the median of what the values sample (here, the
 * service/baseline ratio of one round): between the k-th lowest and the k-th highest value, it
 * holds the median with probability 1 - 2 P(Binomial(n, 1/2) < k), whatever the distribution.
 * k is the largest that still reaches `level`; with too few values for the level (n < 5 at 0.9),
 * the whole range is returned with the coverage it has. Five rounds give the range, at 93.75%.
 */
export function medianInterval(values: readonly number[], level = 0.9): MedianInterval {
  const n = values.length;
  if (n === 0) return { lo: NaN, hi: NaN, coverage: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const coverageAt = (k: number) => {
    let below = 0;
    for (let i = 0; i < k; i++) below += choose(n, i);
    return 1 - (2 * below) / 2 ** n;
  };
  let k = 1;
  while (k + 1 <= n - k && coverageAt(k + 1) >= level) k++;
  return { lo: sorted[k - 1]!, hi: sorted[n - k]!, coverage: coverageAt(k) };
}

export type Verdict = 'met' | 'NOT met' | 'undecided';

/**
 * Whether the median of the sampled values is at least `threshold`, as far as these rounds can
 * tell: met when the whole interval is at or above it, NOT met when it is all below, undecided
 * when the interval straddles it (the machine moved more than the margin between rounds).
 */
export function atLeast(values: readonly number[], threshold: number, level = 0.9): { verdict: Verdict; interval: MedianInterval } {
  const interval = medianInterval(values, level);
  const verdict = interval.lo >= threshold ? 'met' : interval.hi < threshold ? 'NOT met' : 'undecided';
  return { verdict, interval };
}
