// The files of one job on disk (BULK_DIR/<job id>/): which file a line goes to (one type per
// file, a new file once one holds BULK_FILE_MAX_RESOURCES lines or BULK_FILE_MAX_BYTES bytes),
// and the batch of lines each file gains before the next checkpoint.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExportJob, SpoolFile } from './job.js';
import { appendRecord, cutTo } from './spool.js';

export interface FileLimits { maxResources: number; maxBytes: number }

export class JobFiles {
  /** Lines waiting per file name, written together at the next flush. */
  private readonly pending = new Map<string, string[]>();

  constructor(private readonly dir: string, private readonly job: ExportJob, private readonly key: Buffer, private readonly limits: FileLimits) {}

  static dirOf(root: string, jobId: string): string { return join(root, jobId); }

  /** Cuts every file back to its checkpointed length (what a crash left half-written goes). */
  async restore(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    for (const f of this.job.files) await cutTo(this.path(f.name), f.bytes);
  }

  async wipe(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
    this.job.files = [];
    this.pending.clear();
  }

  path(name: string): string { return join(this.dir, name); }

  /** Scope of a file's records (spool.ts): binds them to this job and file. */
  scope(name: string): string { return `${this.job.id}/${name}`; }

  add(kind: SpoolFile['kind'], type: string, line: string): void {
    const file = this.current(kind, type, Buffer.byteLength(line) + 1);
    file.count++;
    const list = this.pending.get(file.name);
    if (list) list.push(line); else this.pending.set(file.name, [line]);
  }

  /** Writes the pending lines (one sealed record per file) and updates each file's length. */
  async flush(): Promise<void> {
    for (const [name, lines] of this.pending) {
      const file = this.job.files.find((f) => f.name === name)!;
      // A file new since the last checkpoint may exist from before a crash: it starts empty.
      if (file.bytes === 0) await cutTo(this.path(name), 0);
      file.bytes = await appendRecord(this.path(name), this.key, this.scope(name), file.bytes, Buffer.from(`${lines.join('\n')}\n`, 'utf8'));
    }
    this.pending.clear();
  }

  /** Bytes of plaintext a file is approaching: its sealed length plus what is pending (overhead is small). */
  private size(f: SpoolFile): number {
    return f.bytes + (this.pending.get(f.name) ?? []).reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
  }

  private current(kind: SpoolFile['kind'], type: string, adding: number): SpoolFile {
    const same = this.job.files.filter((f) => f.kind === kind && f.type === type);
    const last = same[same.length - 1];
    if (last && last.count < this.limits.maxResources && (last.count === 0 || this.size(last) + adding <= this.limits.maxBytes)) return last;
    const prefix = kind === 'output' ? type : `${kind}-${type}`;
    const file: SpoolFile = { name: `${prefix}-${same.length + 1}.ndjson`, kind, type, count: 0, bytes: 0 };
    this.job.files.push(file);
    return file;
  }
}
