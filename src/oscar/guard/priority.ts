// Work nobody is waiting for at a desk (a bulk export) runs in the background: its calls toward
// OSCAR go through the same limiter as interactive reads, but only into the slots an interactive
// call does not want, and never more than the background share (limiter.ts). So an export can
// never starve the front desk of OSCAR's slots (bulk-data §J, BD-O-01).
import { AsyncLocalStorage } from 'node:async_hooks';

const store = new AsyncLocalStorage<true>();

/** Runs `fn` (and every call toward OSCAR it starts) at background priority. */
export function inBackground<T>(fn: () => T): T {
  return store.run(true, fn);
}

/** True when the current call toward OSCAR is background work. */
export function isBackground(): boolean {
  return store.getStore() === true;
}
