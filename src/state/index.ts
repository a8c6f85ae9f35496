// State the facade keeps between requests (see README.md): for now the write locks. One object
// built at start-up and handed to whoever needs it, so a shared implementation can replace the
// in-process one without touching its users.
import { InProcessLocks } from './in-process-locks.js';
import type { KeyedLocks } from './locks.js';

export interface FacadeState {
  /** Serialises read-decide-write sequences per key (If-Match updates, conditional creates). */
  locks: KeyedLocks;
}

/** Everything in this process's memory: needs nothing, covers one process. */
export function inProcessState(): FacadeState {
  return { locks: new InProcessLocks() };
}

export { withLock, LockTimeoutError, type KeyedLocks, type Lease, type LockOptions } from './locks.js';
export { InProcessLocks } from './in-process-locks.js';
