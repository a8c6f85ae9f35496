// Optional per-client rate limiting (RATE_LIMIT_PER_MINUTE): a token bucket per key — the
// authenticated client id and user when there is one, else the peer IP — holding up to one minute's
// allowance and refilling continuously, so bursts are allowed but the average is capped.
// Memory is bounded: idle (full) buckets are swept, and the key table has a hard size.

interface Bucket { tokens: number; at: number }

export interface RateLimiterOptions {
  perMinute: number;
  /** Most keys tracked at once; beyond it the oldest are forgotten (default 100 000). */
  maxKeys?: number;
  now?: () => number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly capacity: number;
  private readonly perMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;
  private lastSweep: number;

  constructor(opts: RateLimiterOptions) {
    this.capacity = opts.perMinute;
    this.perMs = opts.perMinute / 60_000;
    this.maxKeys = opts.maxKeys ?? 100_000;
    this.now = opts.now ?? Date.now;
    this.lastSweep = this.now();
  }

  /** Takes one request from `key`'s allowance: 0 when allowed, else the seconds until it would be. */
  take(key: string): number {
    const now = this.now();
    if (now - this.lastSweep > 60_000) this.sweep(now);
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.maxKeys) this.evictOldest();
      b = { tokens: this.capacity, at: now };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(this.capacity, b.tokens + (now - b.at) * this.perMs);
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.perMs / 1000));
  }

  get size(): number { return this.buckets.size; }

  /** A bucket untouched for a minute is full again: forgetting it changes nothing. */
  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [k, b] of this.buckets) if (now - b.at >= 60_000) this.buckets.delete(k);
  }

  private evictOldest(): void {
    // Map iteration order is insertion order: the first keys are the oldest.
    let drop = Math.max(1, Math.floor(this.maxKeys / 10));
    for (const k of this.buckets.keys()) {
      this.buckets.delete(k);
      if (--drop <= 0) break;
    }
  }
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Who a request with a token is made for: the token's client id with its user (`sub`, else the
 * patient of a patient/ token), so one user of a shared app (a patient portal) cannot use up
 * everyone else's allowance. Undefined without a token.
 */
export function clientKey(auth: unknown): string | undefined {
  const a = typeof auth === 'object' && auth !== null ? auth as { clientId?: unknown; subject?: unknown; patient?: unknown } : {};
  const clientId = text(a.clientId);
  if (clientId === undefined) return undefined;
  const subject = text(a.subject);
  const patient = text(a.patient);
  const user = subject !== undefined ? ` user:${subject}` : patient !== undefined ? ` patient:${patient}` : '';
  return `client:${clientId}${user}`;
}

/** The key a request is limited under: its client and user (clientKey), else the peer address. */
export function rateLimitKey(auth: unknown, remoteAddress: string | undefined): string {
  return clientKey(auth) ?? `ip:${remoteAddress ?? 'unknown'}`;
}
