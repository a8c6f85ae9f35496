// Reads made while a write request runs go to OSCAR, not to the cache: an update's If-Match check,
// the stored record a read-modify-write starts from, the owner check of a compartment rule and the
// search of a conditional create must see OSCAR as it is, not a copy the change feed has not yet
// caught up with. Their answers replace the cached ones. Nothing is dropped for such a request
// until it has passed authorization and its OSCAR write was sent (cached-oscar.ts), so a refused
// write costs OSCAR nothing and evicts nothing.
import { AsyncLocalStorage } from 'node:async_hooks';

export class FreshReads {
  readonly #scope = new AsyncLocalStorage<true>();

  /** Runs `fn` (and everything it awaits) with fresh reads. */
  run<T>(fn: () => T): T {
    return this.#scope.run(true, fn);
  }

  /** Whether the current call runs inside `run`. */
  get active(): boolean {
    return this.#scope.getStore() === true;
  }
}
