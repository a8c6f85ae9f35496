// Validators of the FHIR facade: every resource in and out is checked against FHIR R4 (the
// official JSON schema, compiled ahead of time) and the Canadian Baseline profile rules.
//
//   validateResource(resource)  → ValidationIssue[] (empty = valid)
//   sanitizeOutgoing(resource)  → { resource | undefined, dropped, issues }  (outgoing policy, README.md)
//   loadValidators()            → LoadInfo (optional warm-up at start; otherwise the first call loads)
//
// Dispatches on resourceType (never through the schema's root oneOf, ~1000x slower).
import { buildPlans, FastCheck } from './fast-check.js';
import { loadRuntime, type LoadInfo } from './loader.js';
import { sanitizeWith, type SanitizeResult } from './sanitize.js';
import { readSchema } from './schema-file.js';
import type { Finding, ValidationIssue } from './types.js';
import { collectFindings, type Runtime } from './walker.js';

export type { IssueCode, ValidationIssue } from './types.js';
export type { LoadInfo } from './loader.js';
export type { SanitizeResult } from './sanitize.js';
export { VALIDATED_TYPES } from './inputs.js';

interface Loaded {
  runtime: Runtime;
  info: LoadInfo;
  fast: FastCheck;
}
let loaded: Loaded | undefined;

function load(): Loaded {
  const { runtime, info } = loadRuntime();
  return { runtime, info, fast: new FastCheck(buildPlans(runtime, readSchema().definitions)) };
}

/** Load the generated validators now (idempotent). Call at server start to keep the first request fast. */
export function loadValidators(): LoadInfo {
  loaded ??= load();
  return loaded.info;
}

/**
 * The findings of the full walk; a resource the fast check passes has none, so the walk (which
 * builds paths and messages) runs only for a resource with something to report.
 */
function findingsOf(resource: unknown): Finding[] {
  loaded ??= load();
  return loaded.fast.clean(resource) ? [] : collectFindings(loaded.runtime, resource);
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
  return findingsOf(resource).map(toIssue);
}

/**
 * Outgoing policy: return the resource unchanged when valid; otherwise a copy without the invalid
 * elements, or `resource: undefined` when its required core is broken. Never echoes values.
 */
export function sanitizeOutgoing<T>(resource: T): SanitizeResult<T> {
  return sanitizeWith(resource, findingsOf, toIssue);
}
