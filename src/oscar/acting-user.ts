// Whose OSCAR token signs the REST calls of the current request: the facade's own by default, a
// SMART app user's when that user signed in through OSCAR (src/auth/oscar/identity.ts), so OSCAR
// applies that provider's roles (contract 1.5). SOAP calls have no per-user token and keep the
// facade's service identity.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface ActingToken {
  token: string;
  tokenSecret: string;
  /**
   * Told when OSCAR refuses this token itself (rest.ts: OscarSignInEndedError), so the one who
   * holds it drops it even when the refusal is caught on the way (a reference that could not be read).
   */
  signInEnded?: () => void;
}

const store = new AsyncLocalStorage<ActingToken>();

export function asOscarUser<T>(t: ActingToken, fn: () => T): T {
  return store.run(t, fn);
}

/** The user token the current REST call is signed with, if any. */
export function actingOscarUser(): ActingToken | undefined {
  return store.getStore();
}
