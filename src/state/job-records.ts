// Background jobs' records and what they write, kept where every instance sees them (bulk export
// on several instances: bulk-data §f.2). A job is run by one
// instance at a time; each run claims the job first, and from then on the writes of any earlier
// run (an instance that stalled and was given up for dead) are refused, so two runs can never
// interleave their output. Output is a set of files per job, each grown by appending chunks at
// its current end; a file's length as of the job's last checkpoint is what counts, and `cut`
// drops whatever a run wrote after it.

export interface ClaimedRecord<T> {
  record: T;
  /** This run's number: the writes of runs before it are refused from the claim on. */
  run: number;
}

export interface FileChunk {
  /** Byte offset of the chunk in its file. */
  position: number;
  bytes: Buffer;
}

export interface JobRecords<T> {
  /** Stores a new job's record. */
  create(id: string, record: T): Promise<void>;
  get(id: string): Promise<T | undefined>;
  /** Every job's record (a clinic has a handful at a time). */
  list(): Promise<T[]>;
  /** Begins a new run of the job; undefined when the job is gone. */
  claim(id: string): Promise<ClaimedRecord<T> | undefined>;
  /** Replaces the record, unless the job is gone or a later run claimed it: false then. */
  update(id: string, run: number, record: T): Promise<boolean>;
  /** Deletes the job's record and files. */
  remove(id: string): Promise<void>;
  /** Writes a chunk at `position` of one of the job's files, unless the run lost the job: false then. */
  append(id: string, run: number, file: string, position: number, bytes: Buffer): Promise<boolean>;
  /** Keeps of each file only its first `lengths[file]` bytes; files not named lose everything. */
  cut(id: string, lengths: Readonly<Record<string, number>>): Promise<void>;
  /** A file's chunks below `length`, in order, a few at a time in memory. */
  chunks(id: string, file: string, length: number): AsyncGenerator<FileChunk>;
}
