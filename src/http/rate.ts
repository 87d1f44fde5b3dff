/**
 * A rate per client (hostile input, second round, item 9): a token bucket per key (the client's JWT
 * issuer, else its address) that refills `perMinute` tokens a minute up to `perMinute`. At most
 * `maxClients` buckets are kept; past that the one used longest ago is forgotten (a forgotten
 * client starts again with a full bucket, which is the generous side).
 */
export class RatePerClient {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly perMinute: number,
    private readonly clock: () => number,
    readonly maxClients = 10_000,
  ) {}

  /** Take `n` tokens for `key`: 0 when granted, else the seconds until they would be. */
  take(key: string, n: number): number {
    const now = this.clock();
    const b = this.buckets.get(key);
    let tokens = this.perMinute;
    if (b) {
      tokens = Math.min(this.perMinute, b.tokens + ((now - b.at) * this.perMinute) / 60_000);
      this.buckets.delete(key); // re-inserted below: the Map's order is the order of last use
    } else if (this.buckets.size >= this.maxClients) this.buckets.delete(this.buckets.keys().next().value!);
    if (n > this.perMinute) {
      this.buckets.set(key, { tokens, at: now });
      return 60;
    }
    if (tokens < n) {
      this.buckets.set(key, { tokens, at: now });
      return Math.max(1, Math.ceil(((n - tokens) * 60) / this.perMinute));
    }
    this.buckets.set(key, { tokens: tokens - n, at: now });
    return 0;
  }

  get clients(): number {
    return this.buckets.size;
  }
}
