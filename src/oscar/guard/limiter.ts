// Bounded concurrency toward OSCAR (design principle 5): at most `maxInFlight` calls at once, a
// bounded FIFO of waiters, and a bounded wait. Beyond either bound the caller is told at once
// that OSCAR is busy instead of piling more load on a clinical system. One caller (a client, see
// caller.ts) may hold at most `maxPerCaller` of the slots and places in the queue together, so a
// client that fans out cannot fill the queue and get every other client a 503.

import { OscarUnavailableError } from '../errors.js';
import { currentCaller } from './caller.js';

export interface LimiterOptions {
  maxInFlight: number;
  maxQueue: number;
  /** Longest a caller may wait for a slot (ms). */
  maxWaitMs: number;
  /** Most calls one caller may have in flight and waiting at once (default: no per-caller bound). */
  maxPerCaller?: number;
}

interface Waiter { grant: () => void; timer: NodeJS.Timeout }

export class Limiter {
  private active = 0;
  private readonly queue: Waiter[] = [];
  /** Calls in flight or waiting, per caller that has any. */
  private readonly held = new Map<string, number>();

  constructor(private readonly opts: LimiterOptions) {}

  get inFlight(): number { return this.active; }
  get queued(): number { return this.queue.length; }

  /** Resolves to a release function once a slot is free. */
  acquire(operation: string): Promise<() => void> {
    const caller = currentCaller();
    const max = this.opts.maxPerCaller;
    if (caller !== undefined && max !== undefined && (this.held.get(caller) ?? 0) >= max) {
      return Promise.reject(new OscarUnavailableError(operation, 'caller-budget', { retryAfterSeconds: 1 }));
    }
    if (this.active < this.opts.maxInFlight) {
      this.active++;
      return Promise.resolve(this.releaser(this.hold(caller)));
    }
    if (this.queue.length >= this.opts.maxQueue) {
      return Promise.reject(new OscarUnavailableError(operation, 'queue-full', { retryAfterSeconds: 1 }));
    }
    const unhold = this.hold(caller);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => { clearTimeout(waiter.timer); resolve(this.releaser(unhold)); },
        timer: setTimeout(() => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          unhold();
          reject(new OscarUnavailableError(operation, 'queue-timeout', { retryAfterSeconds: 1 }));
        }, this.opts.maxWaitMs),
      };
      this.queue.push(waiter);
    });
  }

  /** Counts one call against `caller`; the function returned uncounts it (once). */
  private hold(caller: string | undefined): () => void {
    if (caller === undefined || this.opts.maxPerCaller === undefined) return () => {};
    this.held.set(caller, (this.held.get(caller) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const n = (this.held.get(caller) ?? 1) - 1;
      if (n > 0) this.held.set(caller, n);
      else this.held.delete(caller);
    };
  }

  private releaser(unhold: () => void): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      unhold();
      const next = this.queue.shift();
      if (next) next.grant(); // the slot passes straight to the next waiter
      else this.active--;
    };
  }
}
