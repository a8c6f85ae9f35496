// Job records and their files on PostgreSQL (job-records.ts): a row per job with its run number,
// a row per written chunk. A run's writes are fenced by its number: a chunk is inserted only
// while the job's row still carries that run (read FOR SHARE, so a concurrent claim waits for
// the insert to commit and a later insert waits for the claim and then sees the new run).
import type pg from 'pg';
import type { ClaimedRecord, FileChunk, JobRecords } from '../job-records.js';
import { guarded, SCHEMA } from './database.js';

/** Chunks read per query when a file is streamed (each is one sealed batch of lines). */
const CHUNKS_PER_READ = 8;

export class PostgresJobRecords<T> implements JobRecords<T> {
  constructor(private readonly pool: pg.Pool, private readonly clinic: string, private readonly kind: string) {}

  async create(id: string, record: T): Promise<void> {
    await guarded('job records', () => this.pool.query(
      `INSERT INTO ${SCHEMA}.job_record (clinic, kind, id, run, record) VALUES ($1, $2, $3, 0, $4::jsonb)`,
      [this.clinic, this.kind, id, JSON.stringify(record)]));
  }

  async get(id: string): Promise<T | undefined> {
    const r = await guarded('job records', () => this.pool.query<{ record: T }>(
      `SELECT record FROM ${SCHEMA}.job_record WHERE clinic = $1 AND kind = $2 AND id = $3`, [this.clinic, this.kind, id]));
    return r.rows[0]?.record;
  }

  async list(): Promise<T[]> {
    const r = await guarded('job records', () => this.pool.query<{ record: T }>(
      `SELECT record FROM ${SCHEMA}.job_record WHERE clinic = $1 AND kind = $2 ORDER BY created_at`, [this.clinic, this.kind]));
    return r.rows.map((row) => row.record);
  }

  async claim(id: string): Promise<ClaimedRecord<T> | undefined> {
    const r = await guarded('job records', () => this.pool.query<{ record: T; run: number }>(
      `UPDATE ${SCHEMA}.job_record SET run = run + 1 WHERE clinic = $1 AND kind = $2 AND id = $3 RETURNING record, run`, [this.clinic, this.kind, id]));
    return r.rows[0] && { record: r.rows[0].record, run: r.rows[0].run };
  }

  async update(id: string, run: number, record: T): Promise<boolean> {
    const r = await guarded('job records', () => this.pool.query(
      `UPDATE ${SCHEMA}.job_record SET record = $5::jsonb WHERE clinic = $1 AND kind = $2 AND id = $3 AND run = $4`,
      [this.clinic, this.kind, id, run, JSON.stringify(record)]));
    return r.rowCount === 1;
  }

  async remove(id: string): Promise<void> {
    await guarded('job records', async () => {
      const c = await this.pool.connect();
      try {
        // The job's row first: a run inserting a chunk holds it FOR SHARE, so its chunk is committed
        // (and deleted below) before this goes on, and any later insert finds no job.
        await c.query('BEGIN');
        await c.query(`DELETE FROM ${SCHEMA}.job_record WHERE clinic = $1 AND kind = $2 AND id = $3`, [this.clinic, this.kind, id]);
        await c.query(`DELETE FROM ${SCHEMA}.job_chunk WHERE clinic = $1 AND kind = $2 AND job = $3`, [this.clinic, this.kind, id]);
        await c.query('COMMIT');
      } catch (e) {
        await c.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        c.release();
      }
    });
  }

  async append(id: string, run: number, file: string, position: number, bytes: Buffer): Promise<boolean> {
    const r = await guarded('job records', () => this.pool.query(
      `INSERT INTO ${SCHEMA}.job_chunk (clinic, kind, job, file, position, bytes)
       SELECT clinic, kind, id, $5, $6, $7 FROM ${SCHEMA}.job_record WHERE clinic = $1 AND kind = $2 AND id = $3 AND run = $4 FOR SHARE`,
      [this.clinic, this.kind, id, run, file, position, bytes]));
    return r.rowCount === 1;
  }

  async cut(id: string, lengths: Readonly<Record<string, number>>): Promise<void> {
    await guarded('job records', () => this.pool.query(
      `DELETE FROM ${SCHEMA}.job_chunk c WHERE clinic = $1 AND kind = $2 AND job = $3
       AND position >= COALESCE(($4::jsonb ->> c.file)::bigint, 0)`,
      [this.clinic, this.kind, id, JSON.stringify(lengths)]));
  }

  async *chunks(id: string, file: string, length: number): AsyncGenerator<FileChunk> {
    for (let from = 0; from < length;) {
      const r = await guarded('job records', () => this.pool.query<{ position: string; bytes: Buffer }>(
        `SELECT position, bytes FROM ${SCHEMA}.job_chunk WHERE clinic = $1 AND kind = $2 AND job = $3 AND file = $4 AND position >= $5 AND position < $6
         ORDER BY position LIMIT ${CHUNKS_PER_READ}`, [this.clinic, this.kind, id, file, from, length]));
      if (r.rows.length === 0) throw new Error('a job file ends before its recorded length');
      for (const row of r.rows) {
        const position = Number(row.position);
        if (position !== from) throw new Error('a job file has a gap before its recorded length');
        yield { position, bytes: row.bytes };
        from = position + row.bytes.length;
      }
    }
  }
}
