// What one resource becomes on its way into an output file: the text the API answers for the same
// content (stamped with its version id, mapping §1.3), or with `_elements` the subset of it (root
// elements only, the type's mandatory ones kept, tagged SUBSETTED: BD-P-06), under the outgoing
// validation policy of every answer (src/resources/outgoing.ts): strict fails the job, sanitize
// drops what is invalid and withholds a resource whose core is broken. Also the OperationOutcome and
// deletion lines of the `error` and `deleted` files.
import type { Bundle, OperationOutcome, Resource } from 'fhir/r4.js';
import { canonicalContent, stampContent, stampedMeta, stampVersion, tagSubsetted, type CanonicalContent, type StampedMeta } from '../fhir/index.js';
import { stampedJson } from '../fhir/version.js';
import type { ValidationMode } from '../config.js';
import { sanitizeOutgoing, type SanitizeResult } from '../validation/index.js';
import { OUTGOING_MEMO, type CleanMemo } from '../validation/outgoing-memo.js';

/** Elements a subset keeps whatever was asked: the required ones of each type (R4 cardinality 1..). */
const MANDATORY: Record<string, string[]> = {
  Patient: [],
  Immunization: ['status', 'vaccineCode', 'patient', 'occurrence'],
  AllergyIntolerance: ['patient'],
  Appointment: ['status', 'participant'],
  DocumentReference: ['status', 'content'],
};

function keeps(names: readonly string[], key: string): boolean {
  // A choice element (occurrence[x]) is asked for by its root name.
  return names.some((n) => key === n || (key.startsWith(n) && /^[A-Z]/.test(key.slice(n.length))));
}

export function applyElements(r: Resource, elements: Record<string, string[]> | undefined): Resource {
  if (!elements) return r;
  const asked = [...(elements['*'] ?? []), ...(elements[r.resourceType] ?? [])];
  if (asked.length === 0) return r;
  const names = ['resourceType', 'id', 'meta', ...(MANDATORY[r.resourceType] ?? []), ...asked];
  const out = Object.fromEntries(Object.entries(r).filter(([k]) => keeps(names, k))) as Resource;
  return tagSubsetted(out);
}

export class InvalidExportLineError extends Error {
  constructor(readonly resourceType: string, readonly expressions: string[]) {
    super(`an exported ${resourceType} failed validation at ${expressions.join(', ')}`);
    this.name = 'InvalidExportLineError';
  }
}

/** How a line is checked: the memo of clean content and the check (tests count its calls). */
export interface LineCheck {
  /** The memo of clean content (the process's, OUTGOING_MEMO, unless given). */
  memo?: CleanMemo;
  /** The check itself (sanitizeOutgoing unless given). */
  sanitize?: <T>(resource: T) => SanitizeResult<T>;
}

/** The text of a stamped resource: the response text stampContent made, or JSON when it made none. */
function textOf(stamped: Resource): string {
  return stampedJson(stamped) ?? JSON.stringify(stamped);
}

/**
 * The line of a resource, or undefined when sanitizing withheld it. Strict: throws on any problem.
 *
 * A line is the resource the API answers (mapping §1.3): stamped with its version id, in canonical
 * member order, the text GET Type/id sends; with `_elements`, the subset of that resource, checked
 * (and sanitized) whole first, so its version is the one a read with `_elements` answers. Content found clean
 * before (src/validation/README.md, "Content already found clean") is not checked again; what an
 * export finds clean only fills free room in the memo (same README, "Bulk Data export"). What is
 * invalid is checked, counted and sanitized (or refused) every time, as the API does.
 */
export function resourceLine(
  r: Resource, mode: ValidationMode, onInvalid?: (type: string, expressions: string[]) => void,
  elements?: Record<string, string[]>, check: LineCheck = {},
): string | undefined {
  let content: CanonicalContent | undefined;
  let sm: StampedMeta | undefined;
  try {
    content = canonicalContent(r);
    sm = stampedMeta(r, content);
  } catch {
    // What JSON cannot write (a BigInt, a cycle) is invalid FHIR: the check below sanitizes or refuses it.
  }
  const whole = content ? stampContent(r, content, sm) : r;
  const memo = check.memo ?? OUTGOING_MEMO;
  const metaText = sm?.metaText;
  const remembered = content !== undefined && metaText !== undefined;
  // The whole resource is checked (or found in the memo) before `_elements` shapes it, as the API
  // validates what a read returns and the router then applies `_elements` (fhir/router/read.ts):
  // a subset carries the version of the resource it was cut from, sanitized when that was.
  let answered: Resource = whole;
  if (!(remembered && memo.has(content!.sha256, metaText!))) {
    const checked = (check.sanitize ?? sanitizeOutgoing)(r);
    if (checked.issues.length > 0) {
      const expressions = checked.issues.map((i) => `${i.expression} (${i.rule ?? i.code})`);
      if (mode === 'strict') throw new InvalidExportLineError(r.resourceType, expressions);
      onInvalid?.(r.resourceType, expressions);
      if (!checked.resource) return undefined;
      // A sanitized copy is other content: the API stamps it from its own.
      answered = stampVersion(checked.resource);
    } else if (remembered) {
      memo.addIfRoom(content!.sha256, metaText!);
    }
  }
  const shaped = elements ? applyElements(answered, elements) : answered;
  return shaped === answered ? textOf(answered) : JSON.stringify(shaped);
}

/**
 * One line of the `error` file. `code` (FHIR issue-type) defaults to `exception` for an error and
 * `informational` otherwise; records OSCAR's answers left out of the export are `incomplete`
 * ("the returned information might not be complete"), not an internal error of the server.
 */
export function outcomeLine(diagnostics: string, severity: 'error' | 'warning' | 'information' = 'error', code: 'exception' | 'incomplete' | 'informational' = severity === 'error' ? 'exception' : 'informational'): string {
  const oo: OperationOutcome = { resourceType: 'OperationOutcome', issue: [{ severity, code, diagnostics }] };
  return JSON.stringify(oo);
}

/** A deletion as the spec shows it: a transaction Bundle with one DELETE entry (BD-M-06). */
export function deletedLine(typeAndId: string): string {
  const b: Bundle = { resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'DELETE', url: typeAndId } }] };
  return JSON.stringify(b);
}
