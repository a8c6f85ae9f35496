// State the facade keeps between requests (README.md in this folder): one object built at
// start-up and handed to whoever needs it. The default lives in this process and needs nothing;
// STATE_DATABASE_URL shares it between instances (PostgreSQL) without changing its users.
// Every key is namespaced by a clinic ("default" for the single-clinic deployment).
import type { DocumentStore } from './documents.js';
import { InProcessDocuments, InProcessOnceKeys, InProcessRateLimits, InProcessVault, localBus, soleLeader } from './in-process.js';
import { InProcessJobs } from './in-process-jobs.js';
import { InProcessLocks } from './in-process-locks.js';
import type { InvalidationBus } from './invalidation.js';
import type { JobQueue } from './jobs.js';
import type { JobRecords } from './job-records.js';
import type { Leadership } from './leadership.js';
import type { KeyedLocks } from './locks.js';
import { soleMember, type Membership } from './membership.js';
import type { OnceKeys } from './once.js';
import type { RateLimits } from './rate-limits.js';
import type { TokenVault } from './vault.js';

export const DEFAULT_CLINIC = 'default';

export interface FacadeState {
  /** The clinic every key of this state belongs to. */
  readonly clinic: string;
  /** True when the state is shared with other instances (a database), false in-process. */
  readonly shared: boolean;
  /** Serialises read-decide-write sequences per key (If-Match updates, conditional creates). */
  locks: KeyedLocks;
  /** Keys usable once per lifetime (client-assertion jti). */
  once: OnceKeys;
  /** Per-caller request allowances. */
  rateLimits: RateLimits;
  /** Cache evictions told to every instance. */
  invalidation: InvalidationBus;
  /** One holder per role (the change-feed poller). */
  leadership: Leadership;
  /** This instance's place among the clinic's live instances (splits OSCAR_MAX_IN_FLIGHT). */
  membership: Membership;
  /** Keyed JSON documents with lifetimes (authorization server storage, signing key, cursors). */
  documents: DocumentStore;
  /** Ciphertext kept for later (OSCAR tokens per user). */
  vault: TokenVault;
  /** Background jobs (bulk export). */
  jobs: JobQueue;
  /**
   * Job records and files every instance sees (job-records.ts), per kind of job; absent in-process,
   * where a job's own module keeps them (bulk export: on disk under BULK_DIR).
   */
  jobRecords?: <T>(kind: string) => JobRecords<T>;
  /** Readiness: undefined when usable, else why not (no secrets). */
  check(): Promise<string | undefined>;
  close(): Promise<void>;
}

/** Everything in this process's memory: needs nothing, covers one process. */
export function inProcessState(clinic = DEFAULT_CLINIC): FacadeState {
  return {
    clinic, shared: false,
    locks: new InProcessLocks(), once: new InProcessOnceKeys(), rateLimits: new InProcessRateLimits(),
    invalidation: localBus, leadership: soleLeader, membership: soleMember, documents: new InProcessDocuments(), vault: new InProcessVault(),
    jobs: new InProcessJobs(),
    check: async () => undefined,
    close: async () => {},
  };
}

export { withLock, LockTimeoutError, type KeyedLocks, type Lease, type LockOptions } from './locks.js';
export { InProcessLocks } from './in-process-locks.js';
export { InProcessDocuments, InProcessOnceKeys, InProcessRateLimits, InProcessVault } from './in-process.js';
export { InProcessJobs } from './in-process-jobs.js';
export { StateUnavailableError } from './errors.js';
export type { OnceKeys } from './once.js';
export type { RateLimits } from './rate-limits.js';
export type { Invalidation, InvalidationBus } from './invalidation.js';
export type { Leadership } from './leadership.js';
export { shareOf, type Membership, type Place } from './membership.js';
export type { DocumentStore, PutOptions, StoredDocument } from './documents.js';
export type { Ciphertext, TokenVault } from './vault.js';
export type { JobInfo, JobQueue, JobState, SendOptions } from './jobs.js';
export type { ClaimedRecord, FileChunk, JobRecords } from './job-records.js';
