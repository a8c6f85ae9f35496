// The connection pool to the state database, and the one place its failures are sorted: the
// database not answering (down, unreachable, restarting, out of connections) becomes
// StateUnavailableError (→ 503); anything else is a bug of ours and is thrown as it is.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { StateUnavailableError } from '../errors.js';

/** The schema every table of the state lives in (pg-boss keeps its own, JOBS_SCHEMA). */
export const SCHEMA = 'oscar_fhir_state';
export const JOBS_SCHEMA = 'oscar_fhir_jobs';

export interface DatabaseOptions {
  url: string;
  /** Most connections this instance opens (locks hold one each while held). */
  maxConnections?: number;
  /** How long to wait for a connection before the database counts as unavailable. */
  connectTimeoutMs?: number;
}

export function createPool(o: DatabaseOptions, onError: (e: Error) => void): pg.Pool {
  const pool = new pg.Pool({
    connectionString: o.url, max: o.maxConnections ?? 20, connectionTimeoutMillis: o.connectTimeoutMs ?? 3_000,
    idleTimeoutMillis: 30_000, application_name: 'oscar-fhir',
  });
  // An idle connection the server closed (a restart) must not crash the process.
  pool.on('error', onError);
  return pool;
}

// SQLSTATE classes that mean "the database cannot serve now", not "our statement is wrong":
// 08 connection exception, 53 insufficient resources, 57 operator intervention (shutdown,
// admin termination, cannot connect now), 58 system error.
const UNAVAILABLE_CLASSES = ['08', '53', '57', '58'];

/** Whether `e` says the database is not answering (rather than our SQL being wrong). */
export function isUnavailable(e: unknown): boolean {
  if (e instanceof StateUnavailableError) return true;
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return UNAVAILABLE_CLASSES.includes(code.slice(0, 2));
  // Socket errors (ECONNREFUSED, ECONNRESET, ETIMEDOUT…) and the pool's own timeouts and shutdowns.
  const message = String((e as Error)?.message ?? '');
  return typeof code === 'string' || /timeout|terminat|Connection|ended|not queryable/i.test(message);
}

/** Runs `fn`; a database that does not answer becomes StateUnavailableError. */
export async function guarded<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isUnavailable(e)) throw e instanceof StateUnavailableError ? e : new StateUnavailableError(`${what}: the state database does not answer`, 5, { cause: e });
    throw e;
  }
}

/** A stored key: SHA-256 of the clinic and the caller's key (callers' keys may hold client ids or addresses). */
export function keyDigest(clinic: string, key: string): Buffer {
  return createHash('sha256').update(clinic).update('\u0000').update(key).digest();
}

/** A 64-bit advisory-lock id for a clinic's key (first 8 bytes of its digest, signed, as text). */
export function lockId(clinic: string, key: string): string {
  return keyDigest(clinic, key).readBigInt64BE(0).toString();
}
