// Slowing down when OSCAR asks (variants B8, §7.6): Juno's integrator REST answers 503 after 50
// requests in 10 s, and OSCAR or a proxy may answer 429, or 503 with Retry-After. Such an answer
// says nothing about OSCAR's health (the circuit breaker does not count it) and the request was
// not served: every call of that family waits until the time asked when the wait fits its budget,
// and is refused at once with 503 + Retry-After when it does not.

import { OscarFaultError } from '../errors.js';

/** A Retry-After header (delta-seconds or an HTTP-date) as ms from `now`; undefined when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, now: number): number | undefined {
  const v = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * How long `e` asks us to wait before the next call, or undefined when it is no slow-down answer.
 * `attempt` (1, 2…) grows the wait when the answer names none; `rateLimited503` says a bare 503
 * means "slow down" on this backend (Juno's REST sends no Retry-After, variants B8).
 */
export function askedWaitMs(e: unknown, attempt: number, rateLimited503: boolean): number | undefined {
  if (!(e instanceof OscarFaultError) || e.faultCode !== undefined) return undefined;
  const status = e.upstreamStatus;
  if (status !== 429 && status !== 503) return undefined;
  if (e.retryAfterMs !== undefined) return e.retryAfterMs;
  if (status === 503 && !rateLimited503) return undefined; // a proxy's plain 503: a sick OSCAR (guard/retry.ts)
  return 1000 * 2 ** Math.max(0, attempt - 1);
}

/** Per family (breaker family), the time before which no call is sent. */
export class Throttle {
  private readonly until = new Map<string, number>();
  constructor(private readonly now: () => number) {}

  /** How long calls of `family` must still wait (0: none). */
  remainingMs(family: string): number {
    const t = this.until.get(family);
    if (t === undefined) return 0;
    const left = t - this.now();
    if (left <= 0) this.until.delete(family);
    return Math.max(0, left);
  }

  /** Calls of `family` wait `ms` from now; a shorter hold never cuts an earlier, longer one. */
  hold(family: string, ms: number): void {
    const t = this.now() + ms;
    if (t > (this.until.get(family) ?? 0)) this.until.set(family, t);
  }
}
