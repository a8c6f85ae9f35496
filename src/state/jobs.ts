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
  /** Seconds before a retry (default 0). */
  retryDelaySeconds?: number;
  /** A job running longer is failed (default 15 minutes). */
  expireInSeconds?: number;
}

export interface JobQueue {
  /** Queues a job; resolves with its id. */
  send<T extends object>(queue: string, data: T, opts?: SendOptions): Promise<string>;
  /** Runs `handler` for the queue's jobs on this instance; what it returns is the job's output. */
  work<T extends object>(queue: string, handler: (job: { id: string; data: T; signal: AbortSignal }) => Promise<unknown>, opts?: { concurrency?: number }): Promise<void>;
  get<T>(queue: string, id: string): Promise<JobInfo<T> | undefined>;
  /** Cancels a queued or running job (a running handler sees its signal aborted). */
  cancel(queue: string, id: string): Promise<void>;
}
