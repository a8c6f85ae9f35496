// The state shared between instances on PostgreSQL (STATE_DATABASE_URL): opened at start-up,
// after the schema is migrated. Losing the database later is survived: what needs it answers 503
// (StateUnavailableError), rate limits count per instance, cached reads go on, and everything
// comes back when the database does (the pool reconnects per query, the listener by itself).
import type { Logger } from '../../logging.js';
import { DEFAULT_CLINIC, type FacadeState } from '../index.js';
import { createPool, guarded } from './database.js';
import { PgBossJobs } from './jobs.js';
import { PostgresJobRecords } from './job-records.js';
import { PostgresDocuments, PostgresOnceKeys, PostgresRateLimits, PostgresVault, sweep } from './keyed-stores.js';
import { StateListener } from './listener.js';
import { PostgresLocks } from './locks.js';
import { migrate } from './migrations.js';

export interface PostgresHostOptions {
  url: string;
  logger?: Logger;
  /** How long a write waits for the other instances to acknowledge its evictions (default 2 s). */
  ackTimeoutMs?: number;
  /** How often expired rows are deleted (default 60 s). */
  sweepMs?: number;
}

export interface PostgresStateOptions extends PostgresHostOptions {
  clinic: string;
}

export { SchemaTooNewError, SCHEMA_VERSION } from './migrations.js';

/**
 * What one instance holds on the state database whatever the number of clinics it serves: the
 * pool, the job queue's connections and the sweeper. Each clinic adds only its listening connection.
 */
export interface PostgresHost {
  /** The state of one clinic (closing it closes only what is the clinic's own). */
  state(clinic: string): Promise<FacadeState & { instance: string }>;
  close(): Promise<void>;
}

export async function openPostgresHost(o: PostgresHostOptions): Promise<PostgresHost> {
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
  let jobs: PgBossJobs;
  try {
    jobs = await PgBossJobs.start(o.url, DEFAULT_CLINIC, logger);
  } catch (e) {
    await pool.end().catch(() => {});
    throw e;
  }
  let fallbackWarned = false;
  const sweeper = setInterval(() => { sweep(pool).catch(() => {}); }, o.sweepMs ?? 60_000);
  sweeper.unref();
  return {
    async state(clinic) {
      const listener = new StateListener({ url: o.url, clinic, pool, ackTimeoutMs: o.ackTimeoutMs ?? 2_000, ...(logger && { logger }) });
      await listener.start();
      return {
        clinic, shared: true, instance: listener.instance,
        locks: new PostgresLocks(pool, clinic),
        once: new PostgresOnceKeys(pool, clinic),
        rateLimits: new PostgresRateLimits(pool, clinic, () => {
          if (!fallbackWarned) logger?.warn('state: rate limits are counted per instance while the state database does not answer');
          fallbackWarned = true;
        }),
        invalidation: listener,
        leadership: listener,
        membership: listener,
        documents: new PostgresDocuments(pool, clinic),
        vault: new PostgresVault(pool, clinic),
        jobs: jobs.forClinic(clinic),
        jobRecords: <T>(kind: string) => new PostgresJobRecords<T>(pool, clinic, kind),
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
        close: () => listener.close(),
      };
    },
    async close() {
      clearInterval(sweeper);
      await jobs.stop();
      await pool.end().catch(() => {});
    },
  };
}

/** One clinic's state on a host of its own (the one-clinic deployment). */
export async function openPostgresState(o: PostgresStateOptions): Promise<FacadeState & { instance: string }> {
  const host = await openPostgresHost(o);
  let state: FacadeState & { instance: string };
  try {
    state = await host.state(o.clinic);
  } catch (e) {
    await host.close();
    throw e;
  }
  return {
    ...state,
    close: async () => {
      await state.close();
      await host.close();
    },
  };
}
