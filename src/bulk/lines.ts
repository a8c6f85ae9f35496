// What one resource becomes on its way into an output file: `_elements` applied (root elements
// only, the type's mandatory ones kept, tagged SUBSETTED: BD-P-06), then the outgoing validation
// policy of every answer (src/resources/outgoing.ts): strict fails the job, sanitize drops what is
// invalid and withholds a resource whose core is broken. Also the OperationOutcome and deletion
// lines of the `error` and `deleted` files.
import type { Bundle, OperationOutcome, Resource } from 'fhir/r4.js';
import { tagSubsetted } from '../fhir/index.js';
import type { ValidationMode } from '../config.js';
import { sanitizeOutgoing } from '../validation/index.js';

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

/** The line of a resource, or undefined when sanitizing withheld it. Strict: throws on any problem. */
export function resourceLine(r: Resource, mode: ValidationMode, onInvalid?: (type: string, expressions: string[]) => void): string | undefined {
  const checked = sanitizeOutgoing(r);
  if (checked.issues.length > 0) {
    const expressions = checked.issues.map((i) => `${i.expression} (${i.rule ?? i.code})`);
    if (mode === 'strict') throw new InvalidExportLineError(r.resourceType, expressions);
    onInvalid?.(r.resourceType, expressions);
    if (!checked.resource) return undefined;
    return JSON.stringify(checked.resource);
  }
  return JSON.stringify(r);
}

export function outcomeLine(diagnostics: string, severity: 'error' | 'warning' | 'information' = 'error'): string {
  const oo: OperationOutcome = { resourceType: 'OperationOutcome', issue: [{ severity, code: severity === 'error' ? 'exception' : 'informational', diagnostics }] };
  return JSON.stringify(oo);
}

/** A deletion as the spec shows it: a transaction Bundle with one DELETE entry (BD-M-06). */
export function deletedLine(typeAndId: string): string {
  const b: Bundle = { resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'DELETE', url: typeAndId } }] };
  return JSON.stringify(b);
}
