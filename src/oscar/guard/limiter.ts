// Bounded concurrency toward OSCAR (design principle 5): at most `maxInFlight` calls at once, a
// bounded FIFO of waiters, and a bounded wait. Beyond either bound the caller is told at once
// that OSCAR is busy instead of piling more load on a clinical system.

import { OscarUnavailableError } from '../errors.js';

export interface LimiterOptions {
  maxInFlight: number;
  maxQueue: number;
  /** Longest a caller may wait for a slot (ms). */
  maxWaitMs: number;
}

interface Waiter { grant: () => void; timer: NodeJS.Timeout }

export class Limiter {
  private active = 0;
  private readonly queue: Waiter[] = [];

  constructor(private readonly opts: LimiterOptions) {}

  get inFlight(): number { return this.active; }
  get queued(): number { return this.queue.length; }

  /** Resolves to a release function once a slot is free. */
  acquire(operation: string): Promise<() => void> {
    if (this.active < this.opts.maxInFlight) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    if (this.queue.length >= this.opts.maxQueue) {
      return Promise.reject(new OscarUnavailableError(operation, 'queue-full', { retryAfterSeconds: 1 }));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => { clearTimeout(waiter.timer); resolve(this.releaser()); },
        timer: setTimeout(() => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          reject(new OscarUnavailableError(operation, 'queue-timeout', { retryAfterSeconds: 1 }));
        }, this.opts.maxWaitMs),
      };
      this.queue.push(waiter);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      if (next) next.grant(); // the slot passes straight to the next waiter
      else this.active--;
    };
  }
}
