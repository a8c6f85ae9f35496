// Cluster-wide write locks: a transaction-level advisory lock on a connection of its own, held
// until release() commits. lock_timeout bounds the wait (→ LockTimeoutError); the lease is
// idle_in_transaction_session_timeout, so a holder that died or hung loses the lock when
// PostgreSQL ends its session. Only a 64-bit digest of the key reaches the database (a condition
// key may hold a health number).
import type pg from 'pg';
import { LockTimeoutError, type KeyedLocks, type Lease, type LockOptions } from '../locks.js';
import { guarded, lockId } from './database.js';

/** SQLSTATE lock_not_available: lock_timeout elapsed. */
const LOCK_NOT_AVAILABLE = '55P03';

export class PostgresLocks implements KeyedLocks {
  constructor(private readonly pool: pg.Pool, private readonly clinic: string) {}

  async acquire(key: string, opts: LockOptions): Promise<Lease> {
    const started = Date.now();
    const c = await guarded('write lock', () => this.pool.connect());
    let held = true;
    const drop = (): void => {
      if (!held) return;
      held = false;
      c.off('error', drop);
      c.release(true);
    };
    // The server may end this session while it is held (the lease ran out, a restart): the
    // connection is dropped then, which must neither crash the process nor keep the pool waiting.
    c.on('error', drop);
    try {
      const left = Math.max(1, opts.waitMs - (Date.now() - started));
      await c.query('BEGIN');
      await c.query(`SELECT set_config('lock_timeout', $1, true), set_config('idle_in_transaction_session_timeout', $2, true)`,
        [`${Math.ceil(left)}ms`, `${Math.ceil(opts.leaseMs)}ms`]);
      await c.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockId(this.clinic, key)]);
    } catch (e) {
      drop();
      if ((e as { code?: string }).code === LOCK_NOT_AVAILABLE) throw new LockTimeoutError(opts.waitMs);
      return guarded('write lock', () => Promise.reject(e));
    }
    return {
      release: async () => {
        if (!held) return;
        try {
          await c.query('COMMIT');
        } catch {
          drop();
          return;
        }
        held = false;
        c.off('error', drop);
        c.release();
      },
    };
  }
}
