// Circuit breaker per endpoint family (REST, and each SOAP service): after `failureThreshold`
// consecutive failures the family is "open" and callers are answered at once for `cooldownMs`;
// then one probe call is let through ("half-open"): success closes the circuit, failure re-opens it.
// Calls arriving while the probe is out wait for its verdict (a FHIR read fans out into parallel
// calls of one family; failing the siblings of a probe would fail every first read after recovery).

import { OscarUnavailableError } from '../errors.js';

export interface BreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
  now?: () => number;
  /** Calls that may wait for a probe's verdict; beyond it they are refused at once (default 0: none wait). */
  maxProbeWaiters?: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

interface ProbeWaiter { resolve: () => void; reject: (e: Error) => void; operation: string }

export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private state_: BreakerState = 'closed';
  private probing = false;
  private waiters: ProbeWaiter[] = [];
  private readonly now: () => number;

  constructor(readonly family: string, private readonly opts: BreakerOptions) {
    this.now = opts.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.state_ === 'open' && this.now() - this.openedAt >= this.opts.cooldownMs) this.state_ = 'half-open';
    return this.state_;
  }

  /**
   * Admits the call (returns undefined), refuses it (throws OscarUnavailableError 'circuit-open'),
   * or — while a probe is out — returns a promise settled by the probe's verdict.
   */
  admit(operation: string): Promise<void> | undefined {
    const s = this.state;
    if (s === 'closed') return undefined;
    if (s === 'half-open') {
      if (!this.probing) { this.probing = true; return undefined; }
      if (this.waiters.length < (this.opts.maxProbeWaiters ?? 0)) {
        return new Promise((resolve, reject) => { this.waiters.push({ resolve, reject, operation }); });
      }
    }
    throw this.openError(operation);
  }

  /** OSCAR answered (even with an application-level fault): it is alive. */
  success(): void {
    this.failures = 0;
    this.probing = false;
    this.state_ = 'closed';
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w.resolve();
  }

  /** OSCAR did not answer properly (timeout, connection, 5xx, garbage). */
  failure(): void {
    this.failures++;
    if (this.probing || this.state_ === 'half-open' || this.failures >= this.opts.failureThreshold) {
      this.state_ = 'open';
      this.openedAt = this.now();
    }
    this.probing = false;
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w.reject(this.openError(w.operation));
  }

  /** An admitted call ended without telling us anything about OSCAR's health (e.g. refused locally). */
  abandon(): void {
    this.probing = false;
    // The next waiter, if any, becomes the probe.
    const next = this.waiters.shift();
    if (next && this.state === 'half-open') { this.probing = true; next.resolve(); } else if (next) this.waiters.unshift(next);
  }

  private openError(operation: string): OscarUnavailableError {
    const left = this.state_ === 'open' ? this.opts.cooldownMs - (this.now() - this.openedAt) : 1000; // a probe is under way
    return new OscarUnavailableError(operation, 'circuit-open', { retryAfterSeconds: Math.max(1, Math.ceil(left / 1000)) });
  }
}
