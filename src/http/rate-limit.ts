// Optional per-client rate limiting (RATE_LIMIT_PER_MINUTE): whom a request counts against — the
// authenticated client id and user when there is one, else the peer IP. The buckets themselves
// live in the facade's state (src/state/rate-limits.ts), shared between instances when it is.

import type { RateLimits } from '../state/index.js';

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

export interface RateLimit {
  /** The buckets (in-process or shared). */
  limits: RateLimits;
  perMinute: number;
}
