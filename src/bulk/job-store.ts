// Where export jobs are kept between requests and across restarts. The default keeps one JSON
// file per job under BULK_DIR, written atomically (temporary file + rename), so it needs no other
// service and a restart finds every job where its last checkpoint left it. A shared store (for
// several facade processes) implements the same four methods; src/state/README.md says how.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExportJob } from './job.js';

export interface JobStore {
  save(job: ExportJob): Promise<void>;
  load(id: string): Promise<ExportJob | undefined>;
  all(): Promise<ExportJob[]>;
  remove(id: string): Promise<void>;
}

/** Job ids are 32 hex characters (random, 128 bits: BD-KO-09); nothing else names a file here. */
export const JOB_ID = /^[0-9a-f]{32}$/;

export class FileJobStore implements JobStore {
  constructor(private readonly dir: string) {}

  private path(id: string): string {
    if (!JOB_ID.test(id)) throw new Error('not a job id');
    return join(this.dir, `${id}.json`);
  }

  async save(job: ExportJob): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.path(job.id)}.tmp`;
    await writeFile(tmp, JSON.stringify(job), { mode: 0o600 });
    await rename(tmp, this.path(job.id));
  }

  async load(id: string): Promise<ExportJob | undefined> {
    if (!JOB_ID.test(id)) return undefined;
    try {
      return JSON.parse(await readFile(this.path(id), 'utf8')) as ExportJob;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async all(): Promise<ExportJob[]> {
    let names: string[];
    try { names = await readdir(this.dir); } catch { return []; }
    const jobs = await Promise.all(names.filter((n) => /^[0-9a-f]{32}\.json$/.test(n)).map((n) => this.load(n.slice(0, 32))));
    return jobs.filter((j): j is ExportJob => j !== undefined);
  }

  async remove(id: string): Promise<void> {
    await rm(this.path(id), { force: true });
  }
}
