// Which OSCAR record a FHIR resource is: every type's id is its record's id (Patient/1001 is
// demographic 1001, Immunization/7 is prevention 7, …; see the mappers). A rendered read is
// tagged with its own record and with every record it references (an Appointment shows its
// patient's and provider's names), so a change to any of them drops it.
import type { Resource } from 'fhir/r4.js';
import { tag, type RecordKind } from './tags.js';

export const KIND_OF_TYPE: Readonly<Record<string, RecordKind>> = {
  Patient: 'demographic',
  Appointment: 'appointment',
  AllergyIntolerance: 'allergy',
  Immunization: 'prevention',
  DocumentReference: 'document',
  Binary: 'document',
  Practitioner: 'provider',
};

const REFERENCE = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9.-]{1,64})$/;

function collectReferences(v: unknown, out: Set<string>, depth: number): void {
  if (depth > 32 || v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    for (const x of v) collectReferences(x, out, depth + 1);
    return;
  }
  for (const [k, x] of Object.entries(v)) {
    if (k === 'reference' && typeof x === 'string') {
      const m = REFERENCE.exec(x);
      const kind = m ? KIND_OF_TYPE[m[1]!] : undefined;
      if (kind) out.add(tag.record(kind, m![2]!));
    } else if (typeof x === 'object') {
      collectReferences(x, out, depth + 1);
    }
  }
}

/** Tags of a rendered resource, or undefined when its type is not one the cache can track. */
export function tagsOfResource(r: Resource): string[] | undefined {
  const kind = KIND_OF_TYPE[r.resourceType];
  if (!kind || !r.id) return undefined;
  const out = new Set<string>([tag.record(kind, r.id)]);
  collectReferences(r, out, 0);
  return [...out];
}
