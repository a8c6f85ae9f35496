// Bounded concurrency toward OSCAR (design principle 5): at most `maxInFlight` calls at once, a
// bounded FIFO of waiters, and a bounded wait. Beyond either bound the caller is told at once
// that OSCAR is busy instead of piling more load on a clinical system. One caller (a client, see
// caller.ts) may hold at most `maxPerCaller` of the slots and places in the queue together, so a
// client that fans out cannot fill the queue and get every other client a 503. Background work
// (priority.ts) waits in a queue of its own, takes a slot only when no interactive call waits,
// and holds at most `maxBackground` slots, so interactive calls always find one free. The slots
// can be resized while running: instances serving one clinic split its bound (state/membership.ts).

import { OscarUnavailableError } from '../errors.js';
import { currentCaller } from './caller.js';
import { Deadlines, type Deadline } from './deadlines.js';
import { isBackground } from './priority.js';

export interface LimiterOptions {
  maxInFlight: number;
  maxQueue: number;
  /** Longest a caller may wait for a slot (ms). */
  maxWaitMs: number;
  /** Most calls one caller may have in flight and waiting at once (default: no per-caller bound). */
  maxPerCaller?: number;
  /** Most slots background calls hold together (default: all but one, at least one). */
  maxBackground?: number;
  /** Longest a background call waits for a slot (ms; default 10 × maxWaitMs). */
  maxBackgroundWaitMs?: number;
}

interface Waiter { grant: () => void; deadline: Deadline }

export class Limiter {
  private active = 0;
  private readonly queue: Waiter[] = [];
  /** Background calls in flight, and those waiting (served only when `queue` is empty). */
  private background = 0;
  private readonly backgroundQueue: Waiter[] = [];
  /** Calls in flight or waiting, per caller that has any. */
  private readonly held = new Map<string, number>();
  private maxInFlight: number;
  /** The waiters' deadlines, on one timer (deadlines.ts): a fan-out queues most of its calls. */
  private readonly deadlines = new Deadlines();

  constructor(private readonly opts: LimiterOptions) {
    this.maxInFlight = opts.maxInFlight;
  }

  get inFlight(): number { return this.active; }
  get queued(): number { return this.queue.length + this.backgroundQueue.length; }
  /** How many calls may be in flight at once now. */
  get slots(): number { return this.maxInFlight; }

  /**
   * Changes how many calls may be in flight. Fewer: calls already in flight finish, and no new one
   * starts until they are below the new bound. More: waiting calls start at once.
   */
  resize(maxInFlight: number): void {
    this.maxInFlight = Math.max(1, Math.floor(maxInFlight));
    while (this.next());
  }

  /** Resolves to a release function once a slot is free. */
  acquire(operation: string): Promise<() => void> {
    try {
      const release = this.tryAcquire(operation);
      if (release) return Promise.resolve(release);
    } catch (e) {
      return Promise.reject(e as Error);
    }
    return isBackground() ? this.acquireBackground(operation) : this.wait(operation, currentCaller());
  }

  /**
   * A release function when a slot is free now, undefined when the call must wait (`acquire`),
   * throws when the caller has used its share. The guard sends at once this way: an await per
   * call let every other task of a fan-out run before the first call left (bench/results.md).
   */
  tryAcquire(operation: string): (() => void) | undefined {
    if (isBackground()) {
      if (!this.backgroundMayStart()) return undefined;
      this.active++;
      this.background++;
      return this.backgroundReleaser();
    }
    const caller = currentCaller();
    const max = this.opts.maxPerCaller;
    if (caller !== undefined && max !== undefined && (this.held.get(caller) ?? 0) >= max) {
      throw new OscarUnavailableError(operation, 'caller-budget', { retryAfterSeconds: 1 });
    }
    if (this.active < this.maxInFlight) {
      this.active++;
      return this.releaser(this.hold(caller));
    }
    return undefined;
  }

  /** Queues an interactive call for the next free slot (bounded queue and wait). */
  private wait(operation: string, caller: string | undefined): Promise<() => void> {
    if (this.queue.length >= this.opts.maxQueue) {
      return Promise.reject(new OscarUnavailableError(operation, 'queue-full', { retryAfterSeconds: 1 }));
    }
    const unhold = this.hold(caller);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => { this.deadlines.cancel(waiter.deadline); resolve(this.releaser(unhold)); },
        deadline: this.deadlines.add(this.opts.maxWaitMs, () => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          unhold();
          reject(new OscarUnavailableError(operation, 'queue-timeout', { retryAfterSeconds: 1 }));
        }),
      };
      this.queue.push(waiter);
    });
  }

  private get backgroundCap(): number {
    return this.opts.maxBackground ?? Math.max(1, this.maxInFlight - 1);
  }

  private backgroundMayStart(): boolean {
    return this.queue.length === 0 && this.active < this.maxInFlight && this.background < this.backgroundCap;
  }

  private acquireBackground(operation: string): Promise<() => void> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => { this.deadlines.cancel(waiter.deadline); resolve(this.backgroundReleaser()); },
        deadline: this.deadlines.add(this.opts.maxBackgroundWaitMs ?? 10 * this.opts.maxWaitMs, () => {
          const i = this.backgroundQueue.indexOf(waiter);
          if (i >= 0) this.backgroundQueue.splice(i, 1);
          reject(new OscarUnavailableError(operation, 'queue-timeout', { retryAfterSeconds: 1 }));
        }),
      };
      this.backgroundQueue.push(waiter);
    });
  }

  private backgroundReleaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.background--;
      this.active--;
      this.next();
    };
  }

  /** Gives a free slot away, if there is one: an interactive waiter first, else a background one within its share. */
  private next(): boolean {
    if (this.active >= this.maxInFlight) return false;
    const interactive = this.queue.shift();
    if (interactive) { this.active++; interactive.grant(); return true; }
    if (this.backgroundQueue.length > 0 && this.backgroundMayStart()) {
      this.active++;
      this.background++;
      this.backgroundQueue.shift()!.grant();
      return true;
    }
    return false;
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
      this.active--;
      this.next();
    };
  }
}
