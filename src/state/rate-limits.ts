// Request allowances per caller (RATE_LIMIT_PER_MINUTE): a token bucket per key holding up to one
// minute's allowance and refilling continuously, so bursts pass and the average is capped. Shared,
// the buckets count every instance's requests.

export interface RateLimits {
  /** Takes one request from `key`'s allowance: 0 when allowed, else the seconds until it would be. */
  take(key: string, perMinute: number): Promise<number>;
}
