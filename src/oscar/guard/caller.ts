// Who the calls toward OSCAR are made for: the HTTP layer runs each FHIR request under its
// client's key (the rate-limit key), and the limiter reads it to keep one client from holding
// more than its share of OSCAR's slots and queue. Calls made outside any request (the change
// feed, readiness checks) have no caller and are not counted against anyone.
import { AsyncLocalStorage } from 'node:async_hooks';

const store = new AsyncLocalStorage<string>();

/** Runs `fn` (and every call toward OSCAR it starts) on behalf of `caller`. */
export function asCaller<T>(caller: string, fn: () => T): T {
  return store.run(caller, fn);
}

/** The caller the current call toward OSCAR is made for, if any. */
export function currentCaller(): string | undefined {
  return store.getStore();
}
