// The state database's schema, versioned: each start-up applies the steps the database lacks, in
// order, under an advisory lock (instances starting together do not race), each in its own
// transaction. A database already at a version this code does not know was migrated by a newer
// oscar-fhir: starting would misread its tables, so start-up stops with a clear error instead.
import type pg from 'pg';
import { SCHEMA } from './database.js';

/** Steps in order; version N is MIGRATIONS[N - 1]. Never edit a released step: add one. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE ${SCHEMA}.once_key (
     clinic text NOT NULL, key bytea NOT NULL, expires_at timestamptz NOT NULL, PRIMARY KEY (clinic, key));
   CREATE TABLE ${SCHEMA}.rate_bucket (
     clinic text NOT NULL, key bytea NOT NULL, tokens double precision NOT NULL, taken boolean NOT NULL, at timestamptz NOT NULL,
     PRIMARY KEY (clinic, key));
   CREATE TABLE ${SCHEMA}.document (
     clinic text NOT NULL, kind text NOT NULL, id text NOT NULL, value jsonb NOT NULL, lookup jsonb NOT NULL DEFAULT '{}',
     expires_at timestamptz, consumed_at timestamptz, PRIMARY KEY (clinic, kind, id));
   CREATE INDEX document_lookup ON ${SCHEMA}.document USING gin (lookup jsonb_path_ops);
   CREATE TABLE ${SCHEMA}.vault (
     clinic text NOT NULL, key text NOT NULL, ciphertext bytea NOT NULL, expires_at timestamptz, PRIMARY KEY (clinic, key));
   CREATE TABLE ${SCHEMA}.member (
     instance text PRIMARY KEY, clinic text NOT NULL, pid integer NOT NULL, backend_start timestamptz NOT NULL);`,
  // Background jobs' records and files (job-records.ts). Chunks are ciphertext: not worth compressing.
  `CREATE TABLE ${SCHEMA}.job_record (
     clinic text NOT NULL, kind text NOT NULL, id text NOT NULL, run integer NOT NULL, record jsonb NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (clinic, kind, id));
   CREATE TABLE ${SCHEMA}.job_chunk (
     clinic text NOT NULL, kind text NOT NULL, job text NOT NULL, file text NOT NULL, position bigint NOT NULL, bytes bytea NOT NULL,
     PRIMARY KEY (clinic, kind, job, file, position));
   ALTER TABLE ${SCHEMA}.job_chunk ALTER COLUMN bytes SET STORAGE EXTERNAL;`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** The database holds a schema newer than this code. */
export class SchemaTooNewError extends Error {
  override readonly name = 'SchemaTooNewError';
  constructor(readonly found: number, readonly known: number) {
    super(`the state database (STATE_DATABASE_URL) is at schema version ${found}, newer than this oscar-fhir knows (${known}): `
      + 'run the newer oscar-fhir that migrated it, or point STATE_DATABASE_URL at another database');
  }
}

/** Brings the schema to SCHEMA_VERSION; resolves with the version found before. */
export async function migrate(pool: pg.Pool): Promise<number> {
  const c = await pool.connect();
  try {
    // Session lock: held across the per-step transactions, released however this ends.
    await c.query(`SELECT pg_advisory_lock(hashtext('${SCHEMA}.migrate'))`);
    await c.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
    await c.query(`CREATE TABLE IF NOT EXISTS ${SCHEMA}.schema_version (version integer NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const found = Number((await c.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${SCHEMA}.schema_version`)).rows[0]?.v ?? 0);
    if (found > SCHEMA_VERSION) throw new SchemaTooNewError(found, SCHEMA_VERSION);
    for (let v = found + 1; v <= SCHEMA_VERSION; v++) {
      await c.query('BEGIN');
      try {
        await c.query(MIGRATIONS[v - 1]!);
        await c.query(`INSERT INTO ${SCHEMA}.schema_version (version) VALUES ($1)`, [v]);
        await c.query('COMMIT');
      } catch (e) {
        await c.query('ROLLBACK');
        throw e;
      }
    }
    return found;
  } finally {
    await c.query(`SELECT pg_advisory_unlock(hashtext('${SCHEMA}.migrate'))`).catch(() => {});
    c.release();
  }
}
