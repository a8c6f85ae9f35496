// Which failures are worth another attempt, and how long to wait before it. Only idempotent reads
// are ever retried (design principle 5); client.ts decides idempotency per operation.

import { OscarError, OscarFaultError, OscarUnavailableError } from '../errors.js';

/** Failures that say nothing about the request itself: the same call may well succeed again. */
export function isTransient(e: unknown): boolean {
  if (!(e instanceof OscarError)) return false;
  if (e.kind === 'timeout') return true;
  if (e instanceof OscarUnavailableError) return e.reason === 'connection';
  // A gateway or overload answer (proxy 502/503/504) without a SOAP fault. OSCAR's own HTTP 500
  // error page is an answer about this request (contract 1.6, 7.23: a partial birth date, a
  // missing record, no privilege): retrying it adds load, and counting it against the breaker
  // would let one bad record shut OSCAR off for everyone.
  if (e instanceof OscarFaultError) return e.faultCode === undefined && [502, 503, 504].includes(e.upstreamStatus ?? 0);
  return false;
}

/** Failures that count against OSCAR's health in the circuit breaker. */
export function isUpstreamFailure(e: unknown): boolean {
  if (!(e instanceof OscarError)) return false;
  if (e.kind === 'protocol') return true;
  return isTransient(e);
}

/** Full-jitter exponential backoff: random in [0, base·2^attempt], capped. */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(capMs, baseMs * 2 ** attempt));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
