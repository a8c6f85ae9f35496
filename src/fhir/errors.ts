// Typed FHIR failures (design principle 4). Code anywhere below the router throws a FhirError;
// `toOperationOutcome` (outcome.ts) is the one place that turns any thrown value into a status
// and an OperationOutcome. Diagnostics are written for the client: never put PHI or upstream
// internals in them.
import type { OperationOutcomeIssue } from 'fhir/r4.js';

export type IssueSeverity = OperationOutcomeIssue['severity'];
export type IssueCode = OperationOutcomeIssue['code'];

/** One OperationOutcome issue, in the shape handlers and validators produce. */
export interface Issue {
  severity: IssueSeverity;
  code: IssueCode;
  diagnostics?: string;
  /** FHIRPath expressions locating the problem, e.g. ['Patient.birthDate'] or a search parameter name. */
  expression?: string[];
}

export interface FhirErrorOptions {
  /** Extra response headers (Retry-After, WWW-Authenticate, Allow, …), lower-case names. */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class FhirError extends Error {
  readonly status: number;
  readonly issues: Issue[];
  readonly headers: Record<string, string>;

  constructor(status: number, issues: Issue[] | Issue, opts: FhirErrorOptions = {}) {
    const list = Array.isArray(issues) ? issues : [issues];
    super(list[0]?.diagnostics ?? `HTTP ${status}`, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'FhirError';
    this.status = status;
    this.issues = list;
    this.headers = { ...opts.headers };
  }
}

export function isFhirError(e: unknown): e is FhirError {
  return e instanceof FhirError;
}

/** Client input quoted in a diagnostic, cut to `max` characters: answers stay small whatever was sent. */
export function quoteInput(text: string, max = 120): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

function issue(code: IssueCode, diagnostics: string, expression?: string[], severity: IssueSeverity = 'error'): Issue {
  return expression && expression.length > 0 ? { severity, code, diagnostics, expression } : { severity, code, diagnostics };
}

// 400 ---------------------------------------------------------------------------------------
/** 400, code `invalid`: the request as a whole is wrong (unknown parameter, bad syntax). */
export const badRequest = (msg: string, expression?: string[]): FhirError =>
  new FhirError(400, issue('invalid', msg, expression));
/** 400, code `structure`: the body is not the right shape (not JSON object, not a resource). */
export const invalidStructure = (msg: string, expression?: string[]): FhirError =>
  new FhirError(400, issue('structure', msg, expression));
/** 400, code `value`: a value has the wrong format (`birthdate=notadate`, `_count=-1`). */
export const invalidValue = (msg: string, expression?: string[]): FhirError =>
  new FhirError(400, issue('value', msg, expression));
/** 400, code `not-supported`: a well-formed request for something this server does not do. */
export const notSupported = (msg: string, expression?: string[]): FhirError =>
  new FhirError(400, issue('not-supported', msg, expression));

// 401 / 403 ---------------------------------------------------------------------------------
export const unauthorized = (msg: string, wwwAuthenticate?: string): FhirError =>
  new FhirError(401, issue('login', msg), wwwAuthenticate ? { headers: { 'www-authenticate': wwwAuthenticate } } : {});
export const forbidden = (msg: string): FhirError => new FhirError(403, issue('forbidden', msg));

// 404 / 405 / 406 ---------------------------------------------------------------------------
export const notFound = (msg: string): FhirError => new FhirError(404, issue('not-found', msg));
export const methodNotAllowed = (msg: string, allow: readonly string[]): FhirError =>
  new FhirError(405, issue('not-supported', msg), { headers: { allow: allow.join(', ') } });
export const notAcceptable = (msg: string): FhirError => new FhirError(406, issue('not-supported', msg));

// 501 ---------------------------------------------------------------------------------------
/** 501, code `not-supported`: implemented here, but not possible with the back end at hand (fhir/instance-limits.ts). */
export const notImplemented = (msg: string): FhirError => new FhirError(501, issue('not-supported', msg));

// 409 / 410 / 412 / 413 / 415 ---------------------------------------------------------------
export const conflict = (msg: string): FhirError => new FhirError(409, issue('conflict', msg));
export const gone = (msg: string): FhirError => new FhirError(410, issue('deleted', msg));
export const preconditionFailed = (msg: string, code: IssueCode = 'conflict'): FhirError =>
  new FhirError(412, issue(code, msg));
export const payloadTooLarge = (msg: string): FhirError => new FhirError(413, issue('too-long', msg));
export const unsupportedMediaType = (msg: string): FhirError => new FhirError(415, issue('not-supported', msg));

// 422 ---------------------------------------------------------------------------------------
/** 422, code `processing` (or each issue's own code): the resource is understood but cannot be processed. */
export const unprocessable = (msgOrIssues: string | Issue[], expression?: string[]): FhirError =>
  new FhirError(422, typeof msgOrIssues === 'string' ? issue('processing', msgOrIssues, expression) : msgOrIssues);
/** 422, code `business-rule`: e.g. an appointment crossing midnight, which OSCAR cannot store. */
export const businessRule = (msg: string, expression?: string[]): FhirError =>
  new FhirError(422, issue('business-rule', msg, expression));
/** 422, code `invariant`: a FHIR or profile invariant is broken. */
export const invariant = (msg: string, expression?: string[]): FhirError =>
  new FhirError(422, issue('invariant', msg, expression));

// 429 / 5xx ---------------------------------------------------------------------------------
export const tooManyRequests = (msg: string, retryAfterSeconds?: number): FhirError =>
  new FhirError(429, issue('throttled', msg),
    retryAfterSeconds === undefined ? {} : { headers: { 'retry-after': String(Math.max(0, Math.ceil(retryAfterSeconds))) } });
export const badGateway = (msg: string): FhirError => new FhirError(502, issue('exception', msg));
export const serviceUnavailable = (msg: string, retryAfterSeconds?: number): FhirError =>
  new FhirError(503, issue('transient', msg),
    retryAfterSeconds === undefined ? {} : { headers: { 'retry-after': String(Math.max(0, Math.ceil(retryAfterSeconds))) } });
export const gatewayTimeout = (msg: string): FhirError => new FhirError(504, issue('timeout', msg));

/** 400, code `too-costly`: the search would need a scan of the whole clinic's OSCAR. */
export const tooCostly = (msg: string, expression?: string[]): FhirError =>
  new FhirError(400, issue('too-costly', msg, expression));
