// What the engine asks of each exported type: the first cursor, and one batch from a cursor.
// A batch is small (a few patients, or one page of a change feed), so memory stays flat whatever
// the clinic's size, and the cursor after it is the checkpoint a restart resumes from.
import type { Resource } from 'fhir/r4.js';
import type { OscarClient } from '../../oscar/client.js';
import { OscarFaultError, OscarProtocolError } from '../../oscar/errors.js';
import { isTransient } from '../../oscar/guard/retry.js';
import type { MappingConfig } from '../../resources/mapping-config.js';
import type { ProviderDirectory } from '../../resources/provider-directory.js';
import type { RouteChoice } from '../../routing/routes.js';
import type { Pause } from '../slices.js';

export interface SourceContext {
  /** The uncached OSCAR client: an export would only evict what the front desk reads. */
  oscar: OscarClient;
  mapping: MappingConfig;
  providers: ProviderDirectory;
  /** How the API serves each interaction on the connected OSCAR: a type exported as the API gives it takes the same route (a Patient line is read as the API reads it). */
  routes?: RouteChoice;
  /** Public FHIR base URL (Binary URLs of documents, fidelity tags). */
  baseUrl: string;
  /** The job's patients (demographic numbers), frozen when it started. */
  members: readonly number[];
  memberSet: ReadonlySet<number>;
  /** `_since` (epoch ms): only what changed after it. */
  since?: number;
  /** The job's transactionTime (epoch ms): change feeds stop at rows stamped after it. */
  until: number;
  /** Patients per batch of the per-patient types. */
  patientsPerBatch: number;
  /** Rows per page of a change feed, and OSCAR's largest list. */
  feedPage: number;
  maxList: number;
  /** Awaited between records: lets the event loop serve interactive requests now and then (slices.ts). */
  pause: Pause;
}

export interface Batch {
  resources: Resource[];
  /** 'Type/id' of records deleted after `_since` (the manifest's `deleted`, BD-M-06). */
  deleted: string[];
  /** Problems worth telling the client (OperationOutcome lines in the `error` file, severity warning); never PHI. */
  issues: string[];
  /**
   * Records this batch should have exported and did not (severity error in the `error` file, as a
   * record withheld for failing validation is, code `incomplete`): a client must not take the
   * export as complete for what they name. Never PHI.
   */
  withheld?: string[];
  /** Where the next batch starts; undefined when the type is done. */
  next?: unknown;
}

export interface Source {
  type: string;
  first(ctx: SourceContext): unknown;
  batch(ctx: SourceContext, cursor: unknown): Promise<Batch>;
}

/** True when the resource changed after `since` (or no `_since` was given, or it carries no time). */
export function changedAfter(r: Resource, since: number | undefined): boolean {
  if (since === undefined) return true;
  const stamp = r.meta?.lastUpdated;
  return stamp === undefined || Date.parse(stamp) > since;
}

/**
 * OSCAR answered, about this patient's records (its HTTP 500 page, a SOAP fault, an answer that
 * cannot be read: retry.ts isTransient says no): another patient's call may well succeed, so the
 * patient is left out and named (leftOut). Anything else (OSCAR unreachable, timing out, refusing
 * the facade's credentials) fails the batch: the engine waits out an unavailable OSCAR, then fails
 * the job.
 */
export const aboutThePatient = (e: unknown): boolean => (e instanceof OscarFaultError || e instanceof OscarProtocolError) && !isTransient(e);

/**
 * Each patient's read, together; `failed` are the patients OSCAR answered an error about
 * (aboutThePatient), in order. Any other failure rejects.
 */
export async function readEach<T>(ids: readonly number[], read: (id: number) => Promise<T>): Promise<{ answers: (T | undefined)[]; failed: number[] }> {
  const failed: number[] = [];
  const answers = await Promise.all(ids.map((id) => read(id).catch((e: unknown) => {
    if (!aboutThePatient(e)) throw e;
    failed.push(id);
    return undefined;
  })));
  return { answers, failed: failed.sort((a, b) => a - b) };
}

/** The `withheld` line of a patient whose records of `type` OSCAR answered an error for (never PHI: the id only). */
export const leftOut = (type: string, patient: number): string =>
  `The ${type} records of Patient/${patient} are not in this export: OSCAR answered an error when they were read; export this patient again`;
