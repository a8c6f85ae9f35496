// Circuit breaker per endpoint family (REST, and each SOAP service): after `failureThreshold`
// consecutive failures the family is "open" and callers are answered at once for `cooldownMs`;
// then one probe call is let through ("half-open"): success closes the circuit, failure re-opens it.

import { OscarUnavailableError } from '../errors.js';

export interface BreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
  now?: () => number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private state_: BreakerState = 'closed';
  private probing = false;
  private readonly now: () => number;

  constructor(readonly family: string, private readonly opts: BreakerOptions) {
    this.now = opts.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.state_ === 'open' && this.now() - this.openedAt >= this.opts.cooldownMs) this.state_ = 'half-open';
    return this.state_;
  }

  /** Throws OscarUnavailableError when the call must not go out; otherwise admits it. */
  admit(operation: string): void {
    const s = this.state;
    if (s === 'closed') return;
    if (s === 'half-open' && !this.probing) { this.probing = true; return; }
    const left = s === 'open' ? this.opts.cooldownMs - (this.now() - this.openedAt) : 1000; // a probe is under way
    throw new OscarUnavailableError(operation, 'circuit-open', { retryAfterSeconds: Math.max(1, Math.ceil(left / 1000)) });
  }

  /** OSCAR answered (even with an application-level fault): it is alive. */
  success(): void {
    this.failures = 0;
    this.probing = false;
    this.state_ = 'closed';
  }

  /** OSCAR did not answer properly (timeout, connection, 5xx, garbage). */
  failure(): void {
    this.failures++;
    if (this.probing || this.state_ === 'half-open' || this.failures >= this.opts.failureThreshold) {
      this.state_ = 'open';
      this.openedAt = this.now();
    }
    this.probing = false;
  }

  /** An admitted call ended without telling us anything about OSCAR's health (e.g. refused locally). */
  abandon(): void {
    this.probing = false;
  }
}
