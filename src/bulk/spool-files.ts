// The files of one job: which file a line goes to (one type per file, a new file once one holds
// BULK_FILE_MAX_RESOURCES lines or BULK_FILE_MAX_BYTES bytes), and the lines each file gains
// before the next checkpoint, written as sealed records (spool.ts) through the job store: one
// per file at the end of a batch, and sooner once the batch's lines reach SPILL_BYTES.
import type { ExportJob, SpoolFile } from './job.js';
import { sealRecord } from './spool.js';

export interface FileLimits { maxResources: number; maxBytes: number }

/**
 * Lines held before they are sealed and written, all files together: a large batch (a page of a
 * clinic-wide feed) is written in records of about this size rather than held whole, so what the
 * engine holds does not grow with the batch (nor the clinic).
 */
const SPILL_BYTES = 256 * 1024;

/** Writes a sealed record at `position` of a file of the job; false when this run lost the job. */
export type AppendRecord = (file: string, position: number, record: Buffer) => Promise<boolean>;

/** The run lost its job: it was deleted, or another run took it over. Nothing more may be written. */
export class LostJobError extends Error {
  override readonly name = 'LostJobError';
}

/** Scope of a file's records (spool.ts): binds them to its job and file. */
export const recordScope = (jobId: string, name: string): string => `${jobId}/${name}`;

/** What each file held at the last checkpoint: the store cuts anything past it before a run goes on. */
export const checkpointedLengths = (job: ExportJob): Record<string, number> => Object.fromEntries(job.files.map((f) => [f.name, f.bytes]));

export class JobFiles {
  /** Lines waiting per file name, and their bytes, written together at the next flush. */
  private readonly pending = new Map<string, { lines: string[]; bytes: number }>();
  private pendingBytes = 0;

  constructor(private readonly job: ExportJob, private readonly key: Buffer, private readonly limits: FileLimits, private readonly append: AppendRecord) {}

  add(kind: SpoolFile['kind'], type: string, line: string): void {
    const bytes = Buffer.byteLength(line) + 1;
    const file = this.current(kind, type, bytes);
    file.count++;
    const waiting = this.pending.get(file.name);
    if (waiting) { waiting.lines.push(line); waiting.bytes += bytes; } else this.pending.set(file.name, { lines: [line], bytes });
    this.pendingBytes += bytes;
  }

  /** Writes the pending lines once they reach SPILL_BYTES (the checkpoint after the batch covers them). */
  async spill(): Promise<void> {
    if (this.pendingBytes >= SPILL_BYTES) await this.flush();
  }

  /** Writes the pending lines (one sealed record per file) and updates each file's length. */
  async flush(): Promise<void> {
    for (const [name, { lines }] of this.pending) {
      const file = this.job.files.find((f) => f.name === name)!;
      const record = sealRecord(this.key, recordScope(this.job.id, name), file.bytes, Buffer.from(`${lines.join('\n')}\n`, 'utf8'));
      if (!(await this.append(name, file.bytes, record))) throw new LostJobError('the export job was deleted or taken over by another run');
      file.bytes += record.length;
    }
    this.pending.clear();
    this.pendingBytes = 0;
  }

  /** Bytes of plaintext a file is approaching: its sealed length plus what is pending (overhead is small). */
  private size(f: SpoolFile): number {
    return f.bytes + (this.pending.get(f.name)?.bytes ?? 0);
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
