// The keyed tables of the state: once-keys (used client assertions), rate-limit buckets, JSON
// documents with lifetimes, and the vault's ciphertext. Every row carries its clinic; lifetimes
// are the database's clock (instances' clocks may differ), and expired rows are never returned
// (sweep() deletes them now and then).
import type pg from 'pg';
import type { DocumentStore, PutOptions, StoredDocument } from '../documents.js';
import type { OnceKeys } from '../once.js';
import type { RateLimits } from '../rate-limits.js';
import type { Ciphertext, TokenVault } from '../vault.js';
import { InProcessRateLimits } from '../in-process.js';
import { guarded, isUnavailable, keyDigest, SCHEMA } from './database.js';

const NOW = 'clock_timestamp()';
const LIVE = `(expires_at IS NULL OR expires_at > ${NOW})`;
const expiry = (ttlMs: number | undefined): number | null => (ttlMs === undefined ? null : Math.max(1, Math.ceil(ttlMs)));
const EXPIRES = (param: string): string => `CASE WHEN ${param}::int IS NULL THEN NULL ELSE ${NOW} + ${param}::int * interval '1 millisecond' END`;

export class PostgresOnceKeys implements OnceKeys {
  constructor(private readonly pool: pg.Pool, private readonly clinic: string) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    // A row comes back only when inserted, or when the one there had expired (then it is renewed).
    const r = await guarded('once-key', () => this.pool.query(
      `INSERT INTO ${SCHEMA}.once_key (clinic, key, expires_at) VALUES ($1, $2, ${EXPIRES('$3')})
       ON CONFLICT (clinic, key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE once_key.expires_at <= ${NOW}
       RETURNING 1`, [this.clinic, keyDigest(this.clinic, key), expiry(ttlMs)]));
    return r.rowCount === 1;
  }
}

/**
 * Token buckets in one upsert: refill since the last request (capped at a minute's allowance),
 * then take one when there is one. While the database does not answer, each instance counts on
 * its own (reads must keep working): the allowance is then per instance.
 */
export class PostgresRateLimits implements RateLimits {
  readonly #fallback = new InProcessRateLimits();

  constructor(private readonly pool: pg.Pool, private readonly clinic: string, private readonly onFallback: () => void) {}

  async take(key: string, perMinute: number): Promise<number> {
    const refilled = `LEAST($3::float8, rate_bucket.tokens + EXTRACT(EPOCH FROM ${NOW} - rate_bucket.at) * $3::float8 / 60)`;
    let row: { tokens: number; taken: boolean };
    try {
      const r = await this.pool.query<{ tokens: number; taken: boolean }>(
        `INSERT INTO ${SCHEMA}.rate_bucket AS rate_bucket (clinic, key, tokens, taken, at) VALUES ($1, $2, $3::float8 - 1, true, ${NOW})
         ON CONFLICT (clinic, key) DO UPDATE
         SET tokens = ${refilled} - CASE WHEN ${refilled} >= 1 THEN 1 ELSE 0 END, taken = ${refilled} >= 1, at = ${NOW}
         RETURNING tokens, taken`,
        [this.clinic, keyDigest(this.clinic, key), perMinute]);
      row = r.rows[0]!;
    } catch (e) {
      if (!isUnavailable(e)) throw e;
      this.onFallback();
      return this.#fallback.takeNow(key, perMinute);
    }
    // Not taken: `tokens` is what the bucket holds, short of one.
    return row.taken ? 0 : Math.max(1, Math.ceil((1 - row.tokens) / (perMinute / 60)));
  }
}

interface DocRow { id: string; value: unknown; expires_at: Date | null; consumed_at: Date | null }

const stored = <T>(r: DocRow): StoredDocument<T> => ({
  value: r.value as T,
  ...(r.expires_at && { expiresAt: r.expires_at.getTime() }),
  ...(r.consumed_at && { consumedAt: r.consumed_at.getTime() }),
});

export class PostgresDocuments implements DocumentStore {
  constructor(private readonly pool: pg.Pool, private readonly clinic: string) {}

  async put(kind: string, id: string, value: unknown, opts: PutOptions = {}): Promise<void> {
    await guarded('document', () => this.pool.query(
      `INSERT INTO ${SCHEMA}.document (clinic, kind, id, value, lookup, expires_at) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, ${EXPIRES('$6')})
       ON CONFLICT (clinic, kind, id) DO UPDATE SET value = EXCLUDED.value, lookup = EXCLUDED.lookup, expires_at = EXCLUDED.expires_at, consumed_at = NULL`,
      [this.clinic, kind, id, JSON.stringify(value), JSON.stringify(opts.lookup ?? {}), expiry(opts.ttlMs)]));
  }

  async putIfAbsent<T>(kind: string, id: string, value: T, opts: PutOptions = {}): Promise<T> {
    // Inserted, or replacing an expired one: our value; else the live one already there.
    const r = await guarded('document', () => this.pool.query<{ value: T }>(
      `WITH ins AS (
         INSERT INTO ${SCHEMA}.document AS d (clinic, kind, id, value, lookup, expires_at) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, ${EXPIRES('$6')})
         ON CONFLICT (clinic, kind, id) DO UPDATE SET value = EXCLUDED.value, lookup = EXCLUDED.lookup, expires_at = EXCLUDED.expires_at, consumed_at = NULL
         WHERE d.expires_at IS NOT NULL AND d.expires_at <= ${NOW}
         RETURNING value)
       SELECT value FROM ins UNION ALL SELECT value FROM ${SCHEMA}.document WHERE clinic = $1 AND kind = $2 AND id = $3 AND NOT EXISTS (SELECT 1 FROM ins)`,
      [this.clinic, kind, id, JSON.stringify(value), JSON.stringify(opts.lookup ?? {}), expiry(opts.ttlMs)]));
    return r.rows[0]!.value;
  }

  async get<T>(kind: string, id: string): Promise<StoredDocument<T> | undefined> {
    const r = await guarded('document', () => this.pool.query<DocRow>(
      `SELECT id, value, expires_at, consumed_at FROM ${SCHEMA}.document WHERE clinic = $1 AND kind = $2 AND id = $3 AND ${LIVE}`, [this.clinic, kind, id]));
    return r.rows[0] && stored<T>(r.rows[0]);
  }

  async findBy<T>(kind: string, name: string, value: string): Promise<{ id: string } & StoredDocument<T> | undefined> {
    const r = await guarded('document', () => this.pool.query<DocRow>(
      `SELECT id, value, expires_at, consumed_at FROM ${SCHEMA}.document
       WHERE clinic = $1 AND kind = $2 AND lookup @> jsonb_build_object($3::text, $4::text) AND ${LIVE} LIMIT 1`, [this.clinic, kind, name, value]));
    return r.rows[0] && { id: r.rows[0].id, ...stored<T>(r.rows[0]) };
  }

  async consume(kind: string, id: string): Promise<boolean> {
    const r = await guarded('document', () => this.pool.query(
      `UPDATE ${SCHEMA}.document SET consumed_at = ${NOW} WHERE clinic = $1 AND kind = $2 AND id = $3 AND consumed_at IS NULL AND ${LIVE}`, [this.clinic, kind, id]));
    return r.rowCount === 1;
  }

  async delete(kind: string, id: string): Promise<void> {
    await guarded('document', () => this.pool.query(`DELETE FROM ${SCHEMA}.document WHERE clinic = $1 AND kind = $2 AND id = $3`, [this.clinic, kind, id]));
  }

  async deleteBy(name: string, value: string): Promise<number> {
    const r = await guarded('document', () => this.pool.query(
      `DELETE FROM ${SCHEMA}.document WHERE clinic = $1 AND lookup @> jsonb_build_object($2::text, $3::text)`, [this.clinic, name, value]));
    return r.rowCount ?? 0;
  }
}

export class PostgresVault implements TokenVault {
  constructor(private readonly pool: pg.Pool, private readonly clinic: string) {}

  async put(key: string, ciphertext: Ciphertext, opts: { ttlMs?: number } = {}): Promise<void> {
    await guarded('vault', () => this.pool.query(
      `INSERT INTO ${SCHEMA}.vault (clinic, key, ciphertext, expires_at) VALUES ($1, $2, $3, ${EXPIRES('$4')})
       ON CONFLICT (clinic, key) DO UPDATE SET ciphertext = EXCLUDED.ciphertext, expires_at = EXCLUDED.expires_at`,
      [this.clinic, key, Buffer.from(ciphertext), expiry(opts.ttlMs)]));
  }

  async get(key: string): Promise<Ciphertext | undefined> {
    const r = await guarded('vault', () => this.pool.query<{ ciphertext: Buffer }>(
      `SELECT ciphertext FROM ${SCHEMA}.vault WHERE clinic = $1 AND key = $2 AND ${LIVE}`, [this.clinic, key]));
    return r.rows[0] && new Uint8Array(r.rows[0].ciphertext);
  }

  async delete(key: string): Promise<void> {
    await guarded('vault', () => this.pool.query(`DELETE FROM ${SCHEMA}.vault WHERE clinic = $1 AND key = $2`, [this.clinic, key]));
  }
}

/** Deletes expired rows of every clinic (and rate buckets idle for a minute: full again). */
export async function sweep(pool: pg.Pool): Promise<void> {
  await pool.query(`DELETE FROM ${SCHEMA}.once_key WHERE expires_at <= ${NOW}`);
  await pool.query(`DELETE FROM ${SCHEMA}.rate_bucket WHERE at < ${NOW} - interval '1 minute'`);
  await pool.query(`DELETE FROM ${SCHEMA}.document WHERE expires_at <= ${NOW}`);
  await pool.query(`DELETE FROM ${SCHEMA}.vault WHERE expires_at <= ${NOW}`);
}
