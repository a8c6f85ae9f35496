// Juno's RateLimitFilter (variants B8): one queue of request times for the whole v1 server, 50
// per 10 s by default (rate_limit_filter.*). Every request — refused ones too — is queued; once
// the queue holds the limit the request is refused, so the 50th request inside the window is the
// first 503, answered by RateLimitExceptionMapper.
import { failure } from './response.js';

export const RATE_LIMIT = 50;
export const RATE_PERIOD_MS = 10_000;

export class RateLimiter {
  private readonly times: number[] = [];

  constructor(private readonly limit = RATE_LIMIT, private readonly periodMs = RATE_PERIOD_MS) {}

  /** Records a request at `now`; the error body when it is over the limit, else null. */
  admit(now: number): unknown {
    const expiry = now - this.periodMs;
    while (this.times.length > 0 && (this.times[0] ?? 0) < expiry) this.times.shift();
    if (this.times.length >= this.limit) this.times.shift();
    this.times.push(now);
    if (this.times.length < this.limit) return null;
    const oldest = this.times[0] ?? now;
    return failure({
      message: `The maximum request rate of ${this.limit}/${this.periodMs}ms was exceeded.`,
      currentRequestCount: this.times.length, requestLimit: this.limit, resetPeriod: this.periodMs, timeToReset: oldest - expiry,
    });
  }
}
