// What the router takes and gives (design principle 3): plain data, no HTTP library types,
// so the same router serves Express, bulk jobs and tests.
import { jsonBytes } from './json-bytes.js';

export type FhirMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | (string & {});

/**
 * Form body of `POST [type]/_search`, in whichever shape the adapter has it: the raw
 * x-www-form-urlencoded string, URLSearchParams, pairs, or an object of (repeated) values.
 */
export type FormBody = string | URLSearchParams | readonly (readonly [string, string])[] | Record<string, string | string[] | undefined>;

export interface FhirRequest {
  method: FhirMethod;
  /** Path below the FHIR base: '/Patient/1', '/Patient/_search', '/metadata', '/Patient/$validate', '/Patient/1/$everything'. */
  path: string;
  /** Decoded query pairs in order; repeated names allowed. */
  query: [string, string][];
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  /** Parsed JSON body (or a FormBody for `_search`). */
  body?: unknown;
  requestId: string;
  /** Whatever the auth layer attached (opaque here); handed to handlers as ctx.auth. */
  auth?: unknown;
  /** Aborted when the client goes away or the server shuts down. */
  signal?: AbortSignal;
}

export interface FhirResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** A JSON object to serialise, or raw bytes (Binary content). Absent for 204/304 and `return=minimal`. */
  body?: object | Buffer;
  /** `_pretty=true`: serialise JSON with indentation. */
  pretty?: boolean;
}

/** What the transport reports once a request has been answered (metrics, audit). */
export interface FinishedRequest {
  req: FhirRequest;
  status: number;
  ms: number;
  auth?: unknown;
}

/** Serialises a response body the way the router means it (JSON objects; Buffers unchanged). */
export function renderBody(res: FhirResponse): Buffer | undefined {
  if (res.body === undefined) return undefined;
  if (Buffer.isBuffer(res.body)) return res.body;
  return jsonBytes(res.body, res.pretty);
}
