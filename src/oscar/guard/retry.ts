// Which failures are worth another attempt, and how long to wait before it. Only idempotent reads
// are ever retried (design principle 5); client.ts decides idempotency per operation.

import { OscarError, OscarFaultError, OscarUnavailableError } from '../errors.js';

/** Failures that say nothing about the request itself: the same call may well succeed again. */
export function isTransient(e: unknown): boolean {
  if (!(e instanceof OscarError)) return false;
  if (e.kind === 'timeout') return true;
  if (e instanceof OscarUnavailableError) return e.reason === 'connection';
  // An HTTP 5xx without a SOAP fault (REST error page, proxy 502/503); SOAP faults are answers.
  if (e instanceof OscarFaultError) return e.faultCode === undefined && (e.upstreamStatus ?? 0) >= 500;
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
