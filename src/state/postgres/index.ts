// The state shared between instances on PostgreSQL (STATE_DATABASE_URL): opened at start-up,
// after the schema is migrated. Losing the database later is survived: what needs it answers 503
// (StateUnavailableError), rate limits count per instance, cached reads go on, and everything
// comes back when the database does (the pool reconnects per query, the listener by itself).
import type { Logger } from '../../logging.js';
import type { FacadeState } from '../index.js';
import { createPool, guarded } from './database.js';
import { PgBossJobs } from './jobs.js';
import { PostgresJobRecords } from './job-records.js';
import { PostgresDocuments, PostgresOnceKeys, PostgresRateLimits, PostgresVault, sweep } from './keyed-stores.js';
import { StateListener } from './listener.js';
import { PostgresLocks } from './locks.js';
import { migrate } from './migrations.js';

export interface PostgresStateOptions {
  url: string;
  clinic: string;
  logger?: Logger;
  /** How long a write waits for the other instances to acknowledge its evictions (default 2 s). */
  ackTimeoutMs?: number;
  /** How often expired rows are deleted (default 60 s). */
  sweepMs?: number;
}

export { SchemaTooNewError, SCHEMA_VERSION } from './migrations.js';

export async function openPostgresState(o: PostgresStateOptions): Promise<FacadeState & { instance: string }> {
  const logger = o.logger;
  let poolWarned = false;
  const pool = createPool({ url: o.url }, (e) => {
    if (!poolWarned) logger?.warn({ error: e.name, code: (e as { code?: string }).code }, 'state: a pooled connection to the state database failed');
    poolWarned = true;
  });
  try {
    await migrate(pool);
  } catch (e) {
    await pool.end().catch(() => {});
    throw e;
  }
  const listener = new StateListener({ url: o.url, clinic: o.clinic, pool, ackTimeoutMs: o.ackTimeoutMs ?? 2_000, ...(logger && { logger }) });
  await listener.start();
  let jobs: PgBossJobs;
  try {
    jobs = await PgBossJobs.start(o.url, o.clinic, logger);
  } catch (e) {
    await listener.close();
    await pool.end().catch(() => {});
    throw e;
  }
  let fallbackWarned = false;
  const sweeper = setInterval(() => { sweep(pool).catch(() => {}); }, o.sweepMs ?? 60_000);
  sweeper.unref();
  return {
    clinic: o.clinic, shared: true, instance: listener.instance,
    locks: new PostgresLocks(pool, o.clinic),
    once: new PostgresOnceKeys(pool, o.clinic),
    rateLimits: new PostgresRateLimits(pool, o.clinic, () => {
      if (!fallbackWarned) logger?.warn('state: rate limits are counted per instance while the state database does not answer');
      fallbackWarned = true;
    }),
    invalidation: listener,
    leadership: listener,
    documents: new PostgresDocuments(pool, o.clinic),
    vault: new PostgresVault(pool, o.clinic),
    jobs,
    jobRecords: <T>(kind: string) => new PostgresJobRecords<T>(pool, o.clinic, kind),
    check: async () => {
      try {
        await guarded('readiness', () => pool.query('SELECT 1'));
      } catch {
        return 'unreachable';
      }
      fallbackWarned = false;
      poolWarned = false;
      return listener.connected ? undefined : 'reconnecting';
    },
    close: async () => {
      clearInterval(sweeper);
      await jobs.stop();
      await listener.close();
      await pool.end().catch(() => {});
    },
  };
}
