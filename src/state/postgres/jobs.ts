// The shared job queue on pg-boss (its own schema, JOBS_SCHEMA): jobs survive the instance that
// queued them, and any instance's worker may run them. Queue names carry the clinic.
import { PgBoss } from 'pg-boss';
import type { Logger } from '../../logging.js';
import type { JobInfo, JobQueue, SendOptions } from '../jobs.js';
import { guarded, JOBS_SCHEMA } from './database.js';

const DEFAULT_EXPIRE_S = 15 * 60;
/** A running job's claim is checked this often: a cancelled job's signal aborts within it. */
const HEARTBEAT_S = 10;
const SUPERVISE_S = 10;

export class PgBossJobs implements JobQueue {
  readonly #queues = new Map<string, Promise<void>>();

  private constructor(private readonly boss: PgBoss, private readonly clinic: string) {}

  static async start(url: string, clinic: string, logger?: Logger): Promise<PgBossJobs> {
    // The supervisor gives up a job whose worker stopped sending heartbeats (an instance that
    // died): every 10 s rather than pg-boss's minute, so another instance takes it over soon.
    const boss = new PgBoss({ connectionString: url, schema: JOBS_SCHEMA, max: 4, application_name: 'oscar-fhir jobs', superviseIntervalSeconds: SUPERVISE_S });
    // pg-boss reports database trouble as events; unhandled they would end the process.
    boss.on('error', (e: Error) => logger?.warn({ error: e.name, code: (e as { code?: string }).code }, 'state: job queue error'));
    await boss.start();
    return new PgBossJobs(boss, clinic);
  }

  /** Another clinic's queues on the same pg-boss: one per instance, whatever the number of clinics. */
  forClinic(clinic: string): PgBossJobs {
    return new PgBossJobs(this.boss, clinic);
  }

  /** Stops pg-boss itself, for every clinic's queues on it. */
  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: 2_000 }).catch(() => {});
  }

  async send<T extends object>(queue: string, data: T, opts: SendOptions = {}): Promise<string> {
    const name = await this.#queue(queue);
    const id = await guarded('job queue', () => this.boss.send(name, data, {
      retryLimit: opts.retryLimit ?? 0, retryDelay: opts.retryDelaySeconds ?? 0, expireInSeconds: opts.expireInSeconds ?? DEFAULT_EXPIRE_S, heartbeatSeconds: HEARTBEAT_S,
    }));
    // pg-boss answers null only for throttled or singleton sends, which are not used here.
    if (!id) throw new Error(`the job queue refused a job on ${name}`);
    return id;
  }

  async work<T extends object>(queue: string, handler: (job: { id: string; data: T; signal: AbortSignal }) => Promise<unknown>, opts: { concurrency?: number } = {}): Promise<void> {
    const name = await this.#queue(queue);
    await guarded('job queue', () => this.boss.work<T>(name, { batchSize: 1, localConcurrency: Math.max(1, opts.concurrency ?? 1), pollingIntervalSeconds: 0.5 },
      async ([job]) => handler({ id: job!.id, data: job!.data, signal: job!.signal })));
  }

  async get<T>(queue: string, id: string): Promise<JobInfo<T> | undefined> {
    const name = await this.#queue(queue);
    const j = await guarded('job queue', () => this.boss.getJobById<T>(name, id));
    if (!j) return undefined;
    return {
      id: j.id, state: j.state, data: j.data, createdOn: j.createdOn,
      ...(j.output !== null && j.output !== undefined && { output: j.output }), ...(j.completedOn && { completedOn: j.completedOn }),
    };
  }

  async cancel(queue: string, id: string): Promise<void> {
    const name = await this.#queue(queue);
    await guarded('job queue', () => this.boss.cancel(name, id));
  }

  /** The clinic's pg-boss queue for `queue`, created on first use. */
  #queue(queue: string): Promise<string> {
    const name = `${this.clinic}.${queue}`;
    let made = this.#queues.get(name);
    if (!made) {
      made = guarded('job queue', () => this.boss.createQueue(name)).catch((e) => { this.#queues.delete(name); throw e; });
      this.#queues.set(name, made);
    }
    return made.then(() => name);
  }
}
