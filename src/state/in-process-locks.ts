// KeyedLocks inside one process: a FIFO queue of waiters per key. Needs nothing, and is exactly
// as wide as the process — two facade instances behind a load balancer do not see each other's
// locks (README.md in this folder says how a shared implementation slots in).
import type { KeyedLocks, Lease, LockOptions } from './locks.js';
import { LockTimeoutError } from './locks.js';

interface Waiter { grant: () => void }

interface KeyState { waiters: Waiter[] }

export class InProcessLocks implements KeyedLocks {
  readonly #keys = new Map<string, KeyState>();

  /** Keys held or waited for right now (tests and metrics). */
  get size(): number { return this.#keys.size; }

  acquire(key: string, opts: LockOptions): Promise<Lease> {
    const state = this.#keys.get(key);
    if (!state) {
      const fresh: KeyState = { waiters: [] };
      this.#keys.set(key, fresh);
      return Promise.resolve(this.#hold(key, fresh, opts));
    }
    return new Promise<Lease>((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => { clearTimeout(timer); resolve(this.#hold(key, state, opts)); },
      };
      const timer = setTimeout(() => {
        const i = state.waiters.indexOf(waiter);
        if (i >= 0) state.waiters.splice(i, 1);
        reject(new LockTimeoutError(opts.waitMs));
      }, opts.waitMs);
      state.waiters.push(waiter);
    });
  }

  /** Makes the caller the holder of `key` until it releases or its lease runs out. */
  #hold(key: string, state: KeyState, opts: LockOptions): Lease {
    let held = true;
    const end = (): void => {
      if (!held) return;
      held = false;
      clearTimeout(expiry);
      const next = state.waiters.shift();
      if (next) next.grant();
      else this.#keys.delete(key);
    };
    const expiry = setTimeout(end, opts.leaseMs);
    expiry.unref(); // a safety net only: it must not keep a stopping process alive
    return { release: async () => { end(); } };
  }
}
