// Which OSCAR record a FHIR resource is: every type's id is its record's id (Patient/1001 is
// demographic 1001, Immunization/7 is prevention 7, …; see the mappers), and each resource
// definition declares the kind of record (ResourceDefinition.recordKind). A rendered read is
// tagged with its own record and with every record it references (an Appointment shows its
// patient's and provider's names), so a change to any of them drops it.
import type { Resource } from 'fhir/r4.js';
import { RECORD_KINDS, tag, type RecordKind } from './tags.js';

/** FHIR type → the OSCAR record kind its ids name. */
export type RecordKinds = ReadonlyMap<string, RecordKind>;

/** The record kinds the definitions declare; throws on a kind the cache does not know. */
export function recordKindsOf(defs: Iterable<{ type: string; recordKind?: string }>): RecordKinds {
  const out = new Map<string, RecordKind>();
  for (const d of defs) {
    if (d.recordKind === undefined) continue;
    const kind = RECORD_KINDS.find((k) => k === d.recordKind);
    if (!kind) throw new Error(`${d.type}: recordKind '${d.recordKind}' is not one of ${RECORD_KINDS.join(', ')}`);
    out.set(d.type, kind);
  }
  return out;
}

const REFERENCE = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9.-]{1,64})$/;

function collectReferences(v: unknown, kinds: RecordKinds, out: Set<string>, depth: number): void {
  if (depth > 32 || v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    for (const x of v) collectReferences(x, kinds, out, depth + 1);
    return;
  }
  for (const [k, x] of Object.entries(v)) {
    if (k === 'reference' && typeof x === 'string') {
      const m = REFERENCE.exec(x);
      const kind = m ? kinds.get(m[1]!) : undefined;
      if (kind) out.add(tag.record(kind, m![2]!));
    } else if (typeof x === 'object') {
      collectReferences(x, kinds, out, depth + 1);
    }
  }
}

/** Tags of a rendered resource, or undefined when its type is not one the cache can track. */
export function tagsOfResource(r: Resource, kinds: RecordKinds): string[] | undefined {
  const kind = kinds.get(r.resourceType);
  if (!kind || !r.id) return undefined;
  const out = new Set<string>([tag.record(kind, r.id)]);
  collectReferences(r, kinds, out, 0);
  return [...out];
}
