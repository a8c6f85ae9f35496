// Export jobs kept on this server's disk (the default: one process, no other service): one JSON
// file per job under BULK_DIR/jobs, written atomically (temporary file + rename), and the job's
// files under BULK_DIR/<job id>/, so a restart finds every job where its last checkpoint left it.
// Several instances share theirs through the state database instead (src/state/job-records.ts).
// Runs are numbered in memory: only this process writes here, and a run that lost its job to a
// DELETE (or a later run) must not write any more.
import { mkdir, open, readdir, readFile, rename, rm, truncate, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClaimedRecord, FileChunk, JobRecords } from '../state/index.js';
import type { ExportJob } from './job.js';
import { recordLength, RECORD_HEADER_BYTES } from './spool.js';

/** Job ids are 32 hex characters (random, 128 bits: BD-KO-09); nothing else names a file here. */
export const JOB_ID = /^[0-9a-f]{32}$/;
/** File names the engine gives (spool-files.ts); nothing else is opened. */
const FILE_NAME = /^[A-Za-z-]+-\d+\.ndjson$/;

export class DiskJobRecords implements JobRecords<ExportJob> {
  private readonly runs = new Map<string, number>();
  private readonly records: string;

  constructor(private readonly dir: string) {
    this.records = join(dir, 'jobs');
  }

  private recordPath(id: string): string {
    if (!JOB_ID.test(id)) throw new Error('not a job id');
    return join(this.records, `${id}.json`);
  }

  private filePath(id: string, file: string): string {
    if (!JOB_ID.test(id) || !FILE_NAME.test(file)) throw new Error('not a job file');
    return join(this.dir, id, file);
  }

  private async write(job: ExportJob): Promise<void> {
    await mkdir(this.records, { recursive: true, mode: 0o700 });
    const tmp = `${this.recordPath(job.id)}.tmp`;
    await writeFile(tmp, JSON.stringify(job), { mode: 0o600 });
    await rename(tmp, this.recordPath(job.id));
  }

  async create(id: string, record: ExportJob): Promise<void> {
    await mkdir(join(this.dir, id), { recursive: true, mode: 0o700 });
    await this.write(record);
  }

  async get(id: string): Promise<ExportJob | undefined> {
    if (!JOB_ID.test(id)) return undefined;
    try {
      return JSON.parse(await readFile(this.recordPath(id), 'utf8')) as ExportJob;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async list(): Promise<ExportJob[]> {
    let names: string[];
    try { names = await readdir(this.records); } catch { return []; }
    const jobs = await Promise.all(names.filter((n) => /^[0-9a-f]{32}\.json$/.test(n)).map((n) => this.get(n.slice(0, 32))));
    return jobs.filter((j): j is ExportJob => j !== undefined).sort((a, b) => a.createdAt - b.createdAt);
  }

  async claim(id: string): Promise<ClaimedRecord<ExportJob> | undefined> {
    const record = await this.get(id);
    if (!record) return undefined;
    const run = (this.runs.get(id) ?? 0) + 1;
    this.runs.set(id, run);
    return { record, run };
  }

  async update(id: string, run: number, record: ExportJob): Promise<boolean> {
    if (this.runs.get(id) !== run || !(await this.get(id))) return false;
    await this.write(record);
    return true;
  }

  async remove(id: string): Promise<void> {
    this.runs.delete(id);
    await rm(this.recordPath(id), { force: true });
    await rm(join(this.dir, id), { recursive: true, force: true });
  }

  async append(id: string, run: number, file: string, position: number, bytes: Buffer): Promise<boolean> {
    if (this.runs.get(id) !== run) return false;
    const path = this.filePath(id, file);
    await mkdir(join(this.dir, id), { recursive: true, mode: 0o700 });
    // A file new since the last checkpoint may exist from before a crash: it starts empty.
    if (position === 0) await cutFile(path, 0);
    const fh = await open(path, 'a', 0o600);
    try {
      await fh.write(bytes, 0, bytes.length, position);
      await fh.sync();
    } finally {
      await fh.close();
    }
    return true;
  }

  async cut(id: string, lengths: Readonly<Record<string, number>>): Promise<void> {
    for (const file of await readdir(join(this.dir, id)).catch(() => [] as string[])) {
      if (!FILE_NAME.test(file)) continue;
      const length = lengths[file];
      if (length === undefined) await rm(this.filePath(id, file), { force: true });
      else await cutFile(this.filePath(id, file), length);
    }
  }

  async *chunks(id: string, file: string, length: number): AsyncGenerator<FileChunk> {
    const fh = await open(this.filePath(id, file), 'r');
    try {
      for (let position = 0; position < length;) {
        const head = await readFully(fh, position, RECORD_HEADER_BYTES);
        const bytes = Buffer.concat([head, await readFully(fh, position + RECORD_HEADER_BYTES, recordLength(head) - RECORD_HEADER_BYTES)]);
        yield { position, bytes };
        position += bytes.length;
      }
    } finally {
      await fh.close();
    }
  }

  /** Start-up: removes the file folders of jobs that have no record (a crash between the two deletions). */
  async removeOrphans(): Promise<void> {
    const known = new Set((await this.list()).map((j) => j.id));
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      if (JOB_ID.test(name) && !known.has(name)) await rm(join(this.dir, name), { recursive: true, force: true });
    }
  }
}

/** Cuts the file back to `length`, creating it when absent. */
async function cutFile(path: string, length: number): Promise<void> {
  const fh = await open(path, 'a', 0o600);
  await fh.close();
  await truncate(path, length);
}

async function readFully(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) throw new Error('spool file ends inside a record');
    got += bytesRead;
  }
  return buf;
}
