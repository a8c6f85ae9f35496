// Validators of the FHIR facade: every resource in and out is checked against FHIR R4 (the
// official JSON schema, compiled ahead of time) and the Canadian Baseline profile rules.
//
//   validateResource(resource)  → ValidationIssue[] (empty = valid)
//   sanitizeOutgoing(resource)  → { resource | undefined, dropped, issues }  (outgoing policy, README.md)
//   loadValidators()            → LoadInfo (optional warm-up at start; otherwise the first call loads)
//
// Dispatches on resourceType (never through the schema's root oneOf, ~1000x slower).
import { loadRuntime, type LoadInfo } from './loader.js';
import { sanitizeWith, type SanitizeResult } from './sanitize.js';
import type { Finding, ValidationIssue } from './types.js';
import { collectFindings, type Runtime } from './walker.js';

export type { IssueCode, ValidationIssue } from './types.js';
export type { LoadInfo } from './loader.js';
export type { SanitizeResult } from './sanitize.js';
export { VALIDATED_TYPES } from './inputs.js';

let loaded: { runtime: Runtime; info: LoadInfo } | undefined;

/** Load the generated validators now (idempotent). Call at server start to keep the first request fast. */
export function loadValidators(): LoadInfo {
  loaded ??= loadRuntime();
  return loaded.info;
}

function runtime(): Runtime {
  loaded ??= loadRuntime();
  return loaded.runtime;
}

function toIssue(f: Finding): ValidationIssue {
  return {
    severity: f.severity,
    code: f.code,
    expression: f.expression,
    message: f.message,
    ...(f.rule ? { rule: f.rule } : {}),
  };
}

/** All problems of a resource (errors and warnings), one issue per problem. */
export function validateResource(resource: unknown): ValidationIssue[] {
  return collectFindings(runtime(), resource).map(toIssue);
}

/**
 * Outgoing policy: return the resource unchanged when valid; otherwise a copy without the invalid
 * elements, or `resource: undefined` when its required core is broken. Never echoes values.
 */
export function sanitizeOutgoing<T>(resource: T): SanitizeResult<T> {
  const rt = runtime();
  return sanitizeWith(resource, (r) => collectFindings(rt, r), toIssue);
}
