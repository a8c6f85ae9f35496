// The export job engine (bulk-data §0 item 1: a job engine, not a request handler). A kick-off
// only records the job; the engine runs it in the background, one batch at a time, writing each
// batch's lines to the job's files and then a checkpoint (the cursor and every file's length) to
// the job store. A run claims the job first (src/state/job-records.ts): whatever an earlier run
// wrote after its last checkpoint is cut off, and that earlier run can write nothing more. A
// restart finds the job where its last checkpoint left it and carries on from there; without
// the spool's master key (keys.ts) it starts the job again from its first step.
// In one process the engine keeps its own queue of jobs; with instances sharing their state
// (STATE_DATABASE_URL) jobs go through the shared job queue, so any instance runs them and a job
// whose instance died is taken over by another (bulk-data §f.2).
// Its OSCAR calls run at background priority (oscar/guard/priority.ts) so interactive reads
// always come first.
import { randomBytes } from 'node:crypto';
import type { ValidationMode } from '../config.js';
import type { Logger } from '../logging.js';
import { OscarFaultError, OscarUnavailableError } from '../oscar/errors.js';
import { isTransient } from '../oscar/guard/retry.js';
import { inBackground } from '../oscar/guard/priority.js';
import type { ResourceDeps } from '../resources/deps.js';
import { StateUnavailableError, type JobQueue, type JobRecords } from '../state/index.js';
import { FeedOverflowError } from './feed-pager.js';
import { groupMembers, parseGroupId } from './groups.js';
import type { ExportJob, ExportRequest } from './job.js';
import type { SpoolKeys } from './keys.js';
import { deletedLine, InvalidExportLineError, outcomeLine, resourceLine } from './lines.js';
import { openSealed, sealRecord } from './spool.js';
import { checkpointedLengths, JobFiles, LostJobError, recordScope, type FileLimits } from './spool-files.js';
import { typeFilterPredicate } from './type-filter.js';
import { timeSlices } from './slices.js';
import { SOURCES } from './sources/index.js';
import type { SourceContext } from './sources/source.js';

export interface EngineOptions {
  /** Job records and their files: on this server's disk (disk-records.ts) or in the state database. */
  store: JobRecords<ExportJob>;
  /** The shared job queue when instances share their state; absent: this process runs its own jobs. */
  queue?: JobQueue;
  /** Start-up housekeeping of the store (the disk's orphaned folders). */
  housekeeping?: () => Promise<void>;
  keys: SpoolKeys;
  /** The resource types' dependencies, with the OSCAR client the export reads through. */
  deps: ResourceDeps;
  logger: Logger;
  validation: ValidationMode;
  files: FileLimits;
  /** How long a finished job's files stay (BULK_EXPIRY_MINUTES). */
  expiryMs: number;
  /** Subtracted from the kick-off time to make transactionTime (BULK_TRANSACTION_MARGIN_SECONDS). */
  marginMs: number;
  /** Jobs run at once (others wait their turn). */
  concurrentJobs: number;
  patientsPerBatch?: number;
  feedPage?: number;
  /**
   * Consecutive refusals of OSCAR (down, busy, open circuit, a gateway's 502/503/504) a job rides
   * out before it fails (default 30, about two minutes of waiting: waitBound).
   */
  unavailableRetries?: number;
  now?: () => number;
  /** Called after each checkpoint (tests stop the engine at a chosen point). */
  onCheckpoint?: (job: ExportJob) => void;
}

/** contract 7.13: OSCAR refuses a list size above 5000. */
const OSCAR_MAX_LIST = 5000;
/** Consecutive refusals of OSCAR (busy, open circuit) a job rides out before it fails. */
const UNAVAILABLE_RETRIES = 30;
const SCOPE_MEMBERS = 'members';
/** The shared queue's name for export jobs (per clinic: src/state/postgres/jobs.ts). */
const QUEUE = 'bulk-export';
/** A run the shared queue gives up (its instance stopped or died) is handed on this many times. */
const QUEUE_RETRIES = 100;
/** pg-boss's longest: a longer run is handed on and resumes from its checkpoint. */
const QUEUE_EXPIRE_S = 24 * 3600;

/** How a run ended: the job reached an end (or is gone), or the run was stopped and the job goes on later. */
type RunEnd = 'ended' | 'interrupted';

export class ExportEngine {
  private readonly running = new Map<string, AbortController>();
  private readonly waiting: string[] = [];
  private sweeper: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly opts: EngineOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Start-up: drops expired jobs and orphaned files, then resumes (or starts working the shared queue). */
  async start(): Promise<void> {
    this.stopped = false;
    const off = this.unavailable();
    if (off) this.opts.logger.warn(off);
    await this.sweep();
    await this.opts.housekeeping?.();
    if (this.opts.queue) {
      await this.opts.queue.work<{ id: string }>(QUEUE, ({ data, signal }) => this.runQueued(data.id, signal), { concurrency: this.opts.concurrentJobs });
    } else {
      for (const job of await this.opts.store.list()) {
        if (job.status === 'in-progress') this.enqueue(job.id);
        else if (job.status === 'complete' && !this.opts.keys.unwrap(job.id, job.wrappedKey)) {
          // Its files were sealed with a key that died with the last process: unreadable now.
          const claimed = await this.opts.store.claim(job.id);
          if (claimed) await this.fail(claimed.record, claimed.run, 'The export files were lost when the server restarted without BULK_KEY_FILE; start the export again');
        }
      }
    }
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = setInterval(() => { void this.sweep().catch(() => {}); }, 60_000);
    this.sweeper.unref();
  }

  /** Stops taking batches; running jobs stop after the batch under way, their checkpoint kept. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweeper) clearInterval(this.sweeper);
    for (const c of this.running.values()) c.abort();
    while (this.running.size > 0) await new Promise((r) => setTimeout(r, 10));
  }

  /**
   * Why this engine cannot take exports, or undefined. Instances sharing their state read each
   * other's files, which only a master key they all hold can open (BULK_KEY_FILE).
   */
  unavailable(): string | undefined {
    return this.opts.queue && !this.opts.keys.persistent
      ? 'Exports are off: instances that share their state (STATE_DATABASE_URL) need the same BULK_KEY_FILE to read each other\'s export files'
      : undefined;
  }

  /** Records a new job (transactionTime taken now, before any OSCAR read) and queues it. */
  async create(owner: string, request: ExportRequest, lenientIssues: string[]): Promise<ExportJob> {
    const id = randomBytes(16).toString('hex');
    const job: ExportJob = {
      id, owner, createdAt: this.now(), request, transactionTime: this.now() - this.opts.marginMs, status: 'in-progress',
      wrappedKey: this.opts.keys.newKey(id).wrapped, step: 0, written: 0, files: [], lenientIssues,
    };
    await this.opts.store.create(id, job);
    if (this.opts.queue) {
      await this.opts.queue.send(QUEUE, { id }, { retryLimit: QUEUE_RETRIES, retryDelaySeconds: 2, expireInSeconds: QUEUE_EXPIRE_S });
    } else {
      this.enqueue(id);
    }
    return job;
  }

  /**
   * Cancels a running job or releases a finished one: its files and record are gone (BD-D-01). A
   * run on another instance finds its job gone at its next write and stops there.
   */
  async remove(job: ExportJob): Promise<void> {
    const c = this.running.get(job.id);
    if (c) {
      c.abort();
      while (this.running.has(job.id)) await new Promise((r) => setTimeout(r, 5));
    }
    const i = this.waiting.indexOf(job.id);
    if (i >= 0) this.waiting.splice(i, 1);
    await this.opts.store.remove(job.id);
  }

  /** Plaintext of one of a job's files, record by record. */
  read(job: ExportJob, name: string): AsyncGenerator<Buffer> | undefined {
    const file = job.files.find((f) => f.name === name);
    const key = this.opts.keys.unwrap(job.id, job.wrappedKey);
    if (!file || !key) return undefined;
    return opened(this.opts.store.chunks(job.id, name, file.bytes), key, recordScope(job.id, name));
  }

  /** A job's record as of its last checkpoint. */
  job(id: string): Promise<ExportJob | undefined> { return this.opts.store.get(id); }

  /** Every job of this clinic. */
  jobs(): Promise<ExportJob[]> { return this.opts.store.list(); }

  isRunning(id: string): boolean { return this.running.has(id); }

  private enqueue(id: string): void {
    if (!this.waiting.includes(id)) this.waiting.push(id);
    this.pump();
  }

  private pump(): void {
    while (!this.stopped && this.running.size < this.opts.concurrentJobs && this.waiting.length > 0) {
      const id = this.waiting.shift()!;
      const control = new AbortController();
      this.running.set(id, control);
      void inBackground(() => this.run(id, control.signal))
        .catch((e: unknown) => this.opts.logger.error({ job: id, error: (e as Error).name, detail: (e as Error).message }, 'export job stopped unexpectedly'))
        .finally(() => { this.running.delete(id); this.pump(); });
    }
  }

  /**
   * A job handed out by the shared queue. A run stopped before the job's end (this instance is
   * stopping) throws, so that the queue hands the job to another instance.
   */
  private async runQueued(id: string, queueSignal: AbortSignal): Promise<void> {
    if (this.stopped) throw new Error('this instance is stopping: another runs the export');
    const control = new AbortController();
    const abort = (): void => control.abort();
    queueSignal.addEventListener('abort', abort, { once: true });
    this.running.set(id, control);
    try {
      if ((await inBackground(() => this.run(id, control.signal))) === 'interrupted') throw new Error('export run interrupted: another run goes on from its checkpoint');
    } finally {
      queueSignal.removeEventListener('abort', abort);
      this.running.delete(id);
    }
  }

  private async run(id: string, signal: AbortSignal): Promise<RunEnd> {
    const claimed = await this.opts.store.claim(id);
    if (!claimed || claimed.record.status !== 'in-progress') return 'ended';
    const { run } = claimed;
    let job = claimed.record;
    let key = this.opts.keys.unwrap(job.id, job.wrappedKey);
    if (!key) {
      // Written under a master key that died with the last process: start the job over.
      this.opts.logger.warn({ job: job.id }, 'export job restarted from the beginning: its files were sealed with a key lost in a restart (set BULK_KEY_FILE to resume instead)');
      const fresh = this.opts.keys.newKey(job.id);
      key = fresh.key;
      job = { ...job, wrappedKey: fresh.wrapped, step: 0, written: 0, files: [] };
      delete job.cursor; delete job.sealedMembers; delete job.memberCount;
      if (!(await this.opts.store.update(id, run, job))) return 'ended';
    }
    // What the last run wrote after its last checkpoint is not part of the job.
    await this.opts.store.cut(id, checkpointedLengths(job));
    const out = new JobFiles(job, key, this.opts.files, (file, position, record) => this.opts.store.append(id, run, file, position, record));
    if (job.step > 0) this.opts.logger.info({ job: job.id, step: job.step, written: job.written }, 'export job resumed from its last checkpoint');
    try {
      if (job.step === 0) {
        const { members, missing } = await this.withRetries(signal, () => this.members(job.request));
        if (signal.aborted) return 'interrupted';
        for (const p of missing) out.add('error', 'OperationOutcome', outcomeLine(`Patient/${p} is not an active patient of this export's group; nothing of it was exported`));
        job.sealedMembers = sealRecord(key, `${job.id}/${SCOPE_MEMBERS}`, 0, Buffer.from(JSON.stringify(members))).toString('base64');
        job.memberCount = members.length;
        for (const issue of job.lenientIssues) out.add('error', 'OperationOutcome', outcomeLine(issue, 'warning'));
        await out.flush();
        job.step = 1;
        await this.checkpoint(job, run);
      }
      const members = this.unsealMembers(job, key);
      const { deps } = this.opts;
      const pause = timeSlices();
      const ctx: SourceContext = {
        oscar: deps.oscar, mapping: deps.mapping, providers: deps.providers, baseUrl: deps.baseUrl, ...(deps.routes && { routes: deps.routes }),
        members, memberSet: new Set(members), until: job.transactionTime,
        ...(job.request.since !== undefined && { since: job.request.since }),
        patientsPerBatch: this.opts.patientsPerBatch ?? 10, feedPage: this.opts.feedPage ?? 1000, maxList: OSCAR_MAX_LIST, pause,
      };
      const kept = typeFilterPredicate(job.request.typeFilters, deps.mapping.timezone);
      while (job.step <= job.request.types.length) {
        if (signal.aborted) return 'interrupted';
        const type = job.request.types[job.step - 1]!;
        const source = SOURCES[type]!;
        const cursor = job.cursor ?? source.first(ctx);
        const batch = await this.withRetries(signal, () => source.batch(ctx, cursor));
        if (signal.aborted) return 'interrupted';
        for (const r of batch.resources) {
          await pause();
          if (!kept(r)) continue;
          const line = resourceLine(r, this.opts.validation, (t, expressions) => {
            this.opts.logger.error({ job: job.id, resourceType: t, problems: expressions }, 'exported resource failed validation');
          }, job.request.elements);
          if (line === undefined) { out.add('error', 'OperationOutcome', outcomeLine(`A ${type} record was withheld: it could not be made valid`)); continue; }
          out.add('output', type, line);
          job.written++;
          await out.spill();
        }
        for (const d of batch.deleted) out.add('deleted', 'Bundle', deletedLine(d));
        for (const issue of batch.issues) out.add('error', 'OperationOutcome', outcomeLine(issue, 'warning'));
        for (const gap of batch.withheld ?? []) out.add('error', 'OperationOutcome', outcomeLine(gap, 'error', 'incomplete'));
        // The operator's sign that OSCAR answered errors about some patients: how many, never who.
        if (batch.withheld?.length) this.opts.logger.warn({ job: job.id, resourceType: type, leftOut: batch.withheld.length }, 'export left records out (the error file names them)');
        await out.flush();
        if (batch.next === undefined) { job.step++; delete job.cursor; } else job.cursor = batch.next;
        await this.checkpoint(job, run);
      }
      job.status = 'complete';
      job.expiresAt = this.now() + this.opts.expiryMs;
      delete job.cursor;
      await this.checkpoint(job, run);
      return 'ended';
    } catch (e) {
      if (e instanceof LostJobError) {
        this.opts.logger.info({ job: job.id }, 'export run stopped: its job was deleted or taken over');
        return 'ended';
      }
      if (signal.aborted) return 'interrupted';
      // The job store does not answer: the job stays where its last checkpoint left it.
      if (e instanceof StateUnavailableError) throw e;
      // The refusal the waits ended on, by its class and status: never its text (it may echo PHI).
      const cause = e instanceof WaitExhaustedError ? e.last : e;
      this.opts.logger.warn({
        job: job.id, error: (cause as Error).name, detail: e instanceof InvalidExportLineError ? e.message : undefined,
        ...(cause instanceof OscarFaultError && { upstreamStatus: cause.upstreamStatus }),
      }, 'export job failed');
      await this.fail(job, run, failureText(e));
      return 'ended';
    }
  }

  private async checkpoint(job: ExportJob, run: number): Promise<void> {
    if (!(await this.opts.store.update(job.id, run, job))) throw new LostJobError('the export job was deleted or taken over by another run');
    this.opts.onCheckpoint?.(job);
  }

  /**
   * Ends the job as failed (its status answers 500 with `why`). Its files are dropped: a failed
   * job has no manifest, and what it wrote is of no use to anyone.
   */
  private async fail(job: ExportJob, run: number, why: string): Promise<void> {
    const failed: ExportJob = { ...job, status: 'failed', failure: why, expiresAt: this.now() + this.opts.expiryMs, files: [], written: 0 };
    delete failed.cursor;
    if (await this.opts.store.update(job.id, run, failed)) await this.opts.store.cut(job.id, {});
  }

  /** The job's patients, and those of its `patient` parameter that are not among them. */
  private async members(r: ExportRequest): Promise<{ members: number[]; missing: number[] }> {
    const group = r.level === 'group' ? parseGroupId(r.groupId ?? '') : { kind: 'clinic' as const };
    const all = group ? await groupMembers(this.opts.deps.oscar, group) : [];
    if (!r.patients) return { members: all, missing: [] };
    const inGroup = new Set(all);
    return { members: r.patients.filter((p) => inGroup.has(p)), missing: r.patients.filter((p) => !inGroup.has(p)) };
  }

  private unsealMembers(job: ExportJob, key: Buffer): number[] {
    const plain = openSealed(key, `${job.id}/${SCOPE_MEMBERS}`, 0, Buffer.from(job.sealedMembers ?? '', 'base64'));
    return JSON.parse(plain.toString('utf8')) as number[];
  }

  /**
   * Runs one OSCAR-bound step, waiting out OSCAR's refusals (waitedOut) a while: each wait is the
   * backoff's or, when OSCAR's host asked for one (Retry-After), at least that; the waits of one
   * step add up to waitBound at most. A step is a batch from its cursor, nothing of it written
   * yet: run again, it writes each line once.
   */
  private async withRetries<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
    const retries = this.opts.unavailableRetries ?? UNAVAILABLE_RETRIES;
    const bound = waitBound(retries);
    let waited = 0;
    // What OSCAR's side answered last: once the breaker opens on a run of gateway errors, the
    // facade's own refusals follow, and the job's reason must still name the gateway.
    let answered: unknown;
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (!waitedOut(e) || signal.aborted) throw e;
        if (!(e instanceof OscarUnavailableError && HELD_OFF.has(e.reason))) answered = e;
        const wait = Math.max(backoff(attempt), askedWait(e) ?? 0);
        if (attempt >= retries || waited + wait > bound) throw new WaitExhaustedError(answered ?? e, askedWait(e), bound);
        waited += wait;
        await pauseFor(wait, signal);
        if (signal.aborted) throw e;
      }
    }
  }

  /** Removes jobs past their expiry, with their files (BD-D-04). */
  async sweep(): Promise<void> {
    for (const job of await this.opts.store.list()) {
      if (job.expiresAt !== undefined && job.expiresAt <= this.now()) await this.remove(job);
    }
  }
}

/** The plaintext of a file's sealed records, one at a time. */
async function* opened(chunks: AsyncGenerator<{ position: number; bytes: Buffer }>, key: Buffer, scope: string): AsyncGenerator<Buffer> {
  for await (const c of chunks) yield openSealed(key, scope, c.position, c.bytes);
}

/** Refusals of the facade's own guard (oscar/guard/), which say nothing new about OSCAR. */
const HELD_OFF: ReadonlySet<string> = new Set(['circuit-open', 'queue-full', 'queue-timeout', 'caller-budget']);

/** The wait before attempt `attempt + 1` of a step OSCAR refused. */
const backoff = (attempt: number): number => Math.min(5_000, 200 * 2 ** Math.min(attempt, 5));

/** The longest a step waits in all: the backoff's waits before `retries` more attempts (30: 131.2 s). */
export function waitBound(retries: number): number {
  let ms = 0;
  for (let a = 0; a < retries; a++) ms += backoff(a);
  return ms;
}

/**
 * Failures an export waits out, then tries the step again: OSCAR unreachable or its connection
 * dropped, the facade holding OSCAR off (open circuit, full queue, asked to slow down), and a
 * gateway's 502/503/504 without a SOAP fault (Apache, nginx, a WAF or a hosting proxy in front
 * of OSCAR: docs/oscar-variants.md), which retry.ts isTransient already counts as saying nothing
 * about the request. OSCAR's own answers about a request (a SOAP fault, its HTTP 500 page) are
 * not: one patient's is left out (sources/source.ts aboutThePatient), any other fails the job.
 * A timeout is not waited out here either: the client has retried it, and a list OSCAR cannot
 * bring in time will not come faster.
 */
export function waitedOut(e: unknown): boolean {
  // A refused certificate (docs/oscar-tls.md) or a proxy's refusal (docs/proxy.md §4) is the
  // facade's configuration: the same call is refused again, however long the export waits.
  if (e instanceof OscarUnavailableError) return !REFUSED.has(e.reason);
  return e instanceof OscarFaultError && isTransient(e);
}

/** Unavailable reasons no wait changes: the job fails at once, naming the setting to check. */
const REFUSED: ReadonlySet<string> = new Set(['tls', 'proxy']);

/** The wait OSCAR's host asked for (a 429 or 503 with Retry-After, guard/throttle.ts), in ms. */
export function askedWait(e: unknown): number | undefined {
  if (e instanceof OscarUnavailableError) return e.reason === 'rate-limited' && e.retryAfterSeconds !== undefined ? e.retryAfterSeconds * 1000 : undefined;
  return e instanceof OscarFaultError ? e.retryAfterMs : undefined;
}

/** A step still refused when its waits reached the bound (or OSCAR's host asked for a longer wait). */
class WaitExhaustedError extends Error {
  override name = 'WaitExhaustedError';
  constructor(readonly last: unknown, readonly askedMs: number | undefined, readonly boundMs: number) {
    super('OSCAR stayed unavailable');
  }
}

/** Resolves after `ms`, or at once when the run is stopped (the job goes on from its checkpoint). */
function pauseFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => { clearTimeout(timer); signal.removeEventListener('abort', done); resolve(); };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export function failureText(e: unknown): string {
  if (e instanceof WaitExhaustedError) {
    const { last, askedMs, boundMs } = e;
    const waits = `${Math.round(boundMs / 1000)} s`;
    if (askedMs !== undefined && askedMs > boundMs) return `The server in front of OSCAR asked to wait ${Math.ceil(askedMs / 1000)} s before the next call, longer than an export waits (${waits}); start it again later`;
    if (last instanceof OscarFaultError) return `The server in front of OSCAR answered HTTP ${last.upstreamStatus ?? '?'} (a gateway error, not OSCAR's answer) for longer than an export waits (${waits}); start it again later`;
    return 'OSCAR stayed unavailable during the export; start it again later';
  }
  // Node's code (a certificate check's, or the proxy's status) and the proxy's scheme, host and port only: no PHI.
  if (e instanceof OscarUnavailableError && e.reason === 'tls') return `OSCAR's TLS certificate was refused (${e.code ?? 'TLS'}): check OSCAR_CA_FILE or OSCAR_TLS_FINGERPRINT and the host name in OSCAR_URL (docs/oscar-tls.md); waiting will not help`;
  if (e instanceof OscarUnavailableError && e.reason === 'proxy') return `The outbound proxy ${e.proxy ?? ''} refused to carry calls to OSCAR (${e.code ?? 'refused'}): check OSCAR_PROXY (or HTTPS_PROXY / HTTP_PROXY), its credentials and NO_PROXY (docs/proxy.md); waiting will not help`;
  if (e instanceof InvalidExportLineError) return 'An exported record failed validation (a mapping defect; the server log names it)';
  if (e instanceof FeedOverflowError) return `${e.message}; the export cannot be complete`;
  return 'The export failed while reading OSCAR; start it again later';
}
