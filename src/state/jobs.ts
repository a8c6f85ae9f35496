// Background jobs that outlive a request and must not be lost when an instance stops (bulk
// export): a queue per job kind, workers on every instance, state readable from any instance.

export type JobState = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';

export interface JobInfo<T = unknown> {
  id: string;
  state: JobState;
  data: T;
  /** What the handler returned (completed) or the error it threw (failed). */
  output?: unknown;
  createdOn: Date;
  completedOn?: Date;
}

export interface SendOptions {
  /** Attempts after the first when the handler throws (default 0). */
  retryLimit?: number;
  /** A job running longer is failed (default 15 minutes). */
  expireInSeconds?: number;
  /** At most one queued or running job with this key; a second send returns undefined. */
  singletonKey?: string;
}

export interface JobQueue {
  /** Queues a job; its id, or undefined when a job with the same singletonKey is pending. */
  send<T extends object>(queue: string, data: T, opts?: SendOptions): Promise<string | undefined>;
  /** Runs `handler` for the queue's jobs on this instance; what it returns is the job's output. */
  work<T extends object>(queue: string, handler: (job: { id: string; data: T; signal: AbortSignal }) => Promise<unknown>, opts?: { concurrency?: number }): Promise<void>;
  get<T>(queue: string, id: string): Promise<JobInfo<T> | undefined>;
  /** Cancels a queued or running job (a running handler sees its signal aborted). */
  cancel(queue: string, id: string): Promise<void>;
}
