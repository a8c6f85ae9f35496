// One export job as the job store keeps it (job-store.ts): what was asked, by whom, how far the
// engine got, and the files written so far. No PHI in clear: the patient list of the job (its
// members) is sealed with the job's data key; ids of records in a cursor are OSCAR row numbers.

/** The levels of the export operation (bulk-data §a, BD-KO-01). */
export type ExportLevel = 'system' | 'patient' | 'group';

export type JobStatus = 'in-progress' | 'complete' | 'failed';

/** What the kick-off asked for, checked (params.ts). */
export interface ExportRequest {
  level: ExportLevel;
  groupId?: string;
  /** Resource types to export, in output order. */
  types: string[];
  /** `_since` as epoch ms. */
  since?: number;
  /** `_elements`: per type, the root elements to keep ('*' for elements that name no type). */
  elements?: Record<string, string[]>;
  /** `_typeFilter`s per type (OR within one type): the search pairs of each. */
  typeFilters?: Record<string, [string, string][][]>;
  /** `patient` (POST): demographic numbers the export is confined to. */
  patients?: number[];
  /** The kick-off URL (without the body of a POST), for the manifest's `request`. */
  request: string;
}

/** One output file: a type's NDJSON, an error file of OperationOutcomes, or a deleted file of Bundles. */
export interface SpoolFile {
  name: string;
  kind: 'output' | 'error' | 'deleted';
  type: string;
  count: number;
  /** Length on disk after the last checkpoint (spool.ts). */
  bytes: number;
}

export interface ExportJob {
  id: string;
  /** Who may poll, download and cancel it: the client of the kick-off token (never anyone else). */
  owner: string;
  createdAt: number;
  request: ExportRequest;
  /** Taken before the first OSCAR read, minus the safety margin (BD-M-01). */
  transactionTime: number;
  status: JobStatus;
  /** Why it failed, words for the client (no PHI, no upstream text). */
  failure?: string;
  /** Set when it completed: files and status disappear after it (BD-D-04). */
  expiresAt?: number;
  /** The job's data key, wrapped by the spool master key (keys.ts). */
  wrappedKey: string;
  /** The frozen patient list, sealed with the data key (absent until the engine computed it). */
  sealedMembers?: string;
  /** How many patients the job covers (for X-Progress). */
  memberCount?: number;
  /** Index of the step under way (engine.ts: 0 = members, then one per type). */
  step: number;
  /** Where the step under way continues (its exporter's cursor), as of the last checkpoint. */
  cursor?: unknown;
  /** Resources written so far (all types). */
  written: number;
  files: SpoolFile[];
  /** OperationOutcome issues found at kick-off with `handling=lenient` (BD-P-10). */
  lenientIssues: string[];
}
