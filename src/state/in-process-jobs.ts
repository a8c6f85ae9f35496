// Jobs in this process's memory: run by this process's workers, lost when it stops. Same
// contract as the shared queue (jobs.ts), so job code is written once.
import { randomUUID } from 'node:crypto';
import { ExpiringMap } from './expiring-map.js';
import type { JobInfo, JobQueue, SendOptions } from './jobs.js';

/** Finished jobs stay readable this long (a client polls an export's status after it ends). */
const FINISHED_KEPT_MS = 24 * 3_600_000;
const DEFAULT_EXPIRE_S = 15 * 60;

interface Job extends JobInfo<object> {
  queue: string;
  attempts: number;
  retryLimit: number;
  retryDelayMs: number;
  /** A job in retry is not run before this (ms epoch). */
  notBefore?: number;
  expireInSeconds: number;
  abort?: AbortController;
}

type Handler = (job: { id: string; data: object; signal: AbortSignal }) => Promise<unknown>;

interface Worker { handler: Handler; concurrency: number; running: number }

export class InProcessJobs implements JobQueue {
  readonly #jobs = new ExpiringMap<Job>(100_000);
  readonly #workers = new Map<string, Worker>();

  async send<T extends object>(queue: string, data: T, opts: SendOptions = {}): Promise<string> {
    const job: Job = {
      id: randomUUID(), queue, state: 'created', data: structuredClone(data), createdOn: new Date(), attempts: 0,
      retryLimit: opts.retryLimit ?? 0, retryDelayMs: (opts.retryDelaySeconds ?? 0) * 1000, expireInSeconds: opts.expireInSeconds ?? DEFAULT_EXPIRE_S,
    };
    this.#jobs.set(job.id, job);
    queueMicrotask(() => this.#dispatch(queue));
    return job.id;
  }

  async work<T extends object>(queue: string, handler: (job: { id: string; data: T; signal: AbortSignal }) => Promise<unknown>, opts: { concurrency?: number } = {}): Promise<void> {
    this.#workers.set(queue, { handler: handler as Handler, concurrency: Math.max(1, opts.concurrency ?? 1), running: 0 });
    this.#dispatch(queue);
  }

  async get<T>(queue: string, id: string): Promise<JobInfo<T> | undefined> {
    const j = this.#jobs.get(id);
    if (!j || j.queue !== queue) return undefined;
    return {
      id: j.id, state: j.state, data: structuredClone(j.data) as T, createdOn: j.createdOn,
      ...(j.output !== undefined && { output: j.output }), ...(j.completedOn && { completedOn: j.completedOn }),
    };
  }

  async cancel(queue: string, id: string): Promise<void> {
    const j = this.#jobs.get(id);
    if (!j || j.queue !== queue || !pending(j)) return;
    this.#finish(j, 'cancelled', undefined);
    j.abort?.abort();
  }

  #dispatch(queue: string): void {
    const w = this.#workers.get(queue);
    if (!w) return;
    for (const [, j] of this.#jobs.entries()) {
      if (w.running >= w.concurrency) return;
      if (j.queue === queue && (j.state === 'created' || (j.state === 'retry' && (j.notBefore ?? 0) <= Date.now()))) void this.#run(w, j);
    }
  }

  async #run(w: Worker, j: Job): Promise<void> {
    w.running++;
    j.state = 'active';
    j.attempts++;
    const abort = new AbortController();
    j.abort = abort;
    const expiry = setTimeout(() => abort.abort(new Error('job expired')), j.expireInSeconds * 1000);
    expiry.unref();
    try {
      const output = await w.handler({ id: j.id, data: structuredClone(j.data), signal: abort.signal });
      if (j.state === 'active') this.#finish(j, 'completed', output);
    } catch (e) {
      if (j.state === 'active') {
        if (j.attempts <= j.retryLimit) {
          j.state = 'retry';
          j.notBefore = Date.now() + j.retryDelayMs;
          if (j.retryDelayMs > 0) this.#wakeFor(j, j.retryDelayMs);
        }
        else this.#finish(j, 'failed', { message: (e as Error)?.message ?? String(e) });
      }
    } finally {
      clearTimeout(expiry);
      delete j.abort;
      w.running--;
      this.#dispatch(j.queue);
    }
  }

  /**
   * Dispatches the job's queue once its retry is due. A timer measures its delay on the monotonic
   * clock and notBefore is wall-clock time: the timer may fire a little before Date.now() reaches
   * notBefore (or long before, after the wall clock was set back), and a dispatch then would pass
   * the job over with nothing left to wake it. So it waits again for what remains.
   */
  #wakeFor(j: Job, ms: number): void {
    setTimeout(() => {
      if (j.state !== 'retry') return;
      const left = (j.notBefore ?? 0) - Date.now();
      if (left > 0) this.#wakeFor(j, left);
      else this.#dispatch(j.queue);
    }, ms).unref();
  }

  #finish(j: Job, state: 'completed' | 'failed' | 'cancelled', output: unknown): void {
    j.state = state;
    j.completedOn = new Date();
    if (output !== undefined) j.output = output;
    this.#jobs.set(j.id, j, FINISHED_KEPT_MS);
  }
}

const pending = (j: Job): boolean => j.state === 'created' || j.state === 'retry' || j.state === 'active';
