// Keyed mutual exclusion for writes that read, decide and then write (If-Match, conditional
// create): two such writes on one key must not interleave. The interface is what a shared store
// can also offer (PostgreSQL advisory locks, see README.md): async, string keys, a bounded wait
// and a lease after which a holder that never released is no longer trusted.

export interface LockOptions {
  /** How long to wait for the key before giving up with LockTimeoutError. */
  waitMs: number;
  /** How long the lock is held at most; past it the key is handed on even without release(). */
  leaseMs: number;
}

export interface Lease {
  /** Gives the key up (idempotent; a no-op once the lease has expired). */
  release(): Promise<void>;
}

export interface KeyedLocks {
  acquire(key: string, opts: LockOptions): Promise<Lease>;
}

/** The key stayed taken for the whole wait. */
export class LockTimeoutError extends Error {
  override readonly name = 'LockTimeoutError';
  constructor(readonly waitedMs: number) {
    super(`a lock stayed taken for ${waitedMs} ms`);
  }
}

/** Runs `fn` holding `key`; the lock is released however `fn` ends. */
export async function withLock<T>(locks: KeyedLocks, key: string, opts: LockOptions, fn: () => Promise<T>): Promise<T> {
  const lease = await locks.acquire(key, opts);
  try {
    return await fn();
  } finally {
    await lease.release();
  }
}
