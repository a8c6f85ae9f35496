// The Patient compartment as this server has it (smart §7.3): which search
// parameter narrows a search of a type to one patient, and which patients a resource belongs to.
import type { Reference, Resource } from 'fhir/r4.js';
import type { ResourceDefinition } from '../fhir/index.js';

/** Types that hold no patient's data: patient/ scopes on them reach every instance. */
const OUTSIDE_COMPARTMENT: ReadonlySet<string> = new Set(['Practitioner', 'PractitionerRole', 'Organization', 'Location', 'Medication']);

/** Search parameters, in order of preference, that restrict a type to one patient. */
const NARROWING_PARAMS = ['patient', 'subject', 'actor'];

export function isOutsideCompartment(type: string): boolean {
  return OUTSIDE_COMPARTMENT.has(type);
}

/**
 * The search parameter that confines a search of `def` to one patient: `_id` for Patient, else
 * the first reference parameter among patient/subject/actor that can point at a Patient.
 */
export function narrowingParam(def: ResourceDefinition): ResourceDefinition['searchParams'][number] | undefined {
  if (def.type === 'Patient') return def.searchParams.find((p) => p.name === '_id');
  for (const name of NARROWING_PARAMS) {
    const p = def.searchParams.find((s) => s.name === name);
    if (p?.type === 'reference' && p.target?.includes('Patient')) return p;
  }
  return undefined;
}

/** The id of a reference to a Patient (relative, or absolute on this server), else undefined. */
export function patientIdOf(ref: Reference | undefined, baseUrl: string): string | undefined {
  const r = ref?.reference?.trim();
  if (!r) return undefined;
  const rel = r.startsWith(`${baseUrl}/`) ? r.slice(baseUrl.length + 1) : r;
  const m = /^Patient\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(rel);
  return m?.[1];
}

function refs(v: unknown): Reference[] {
  if (Array.isArray(v)) return v.filter((x): x is Reference => typeof x === 'object' && x !== null);
  return typeof v === 'object' && v !== null ? [v as Reference] : [];
}

/**
 * The patients a resource belongs to (the R4 Patient CompartmentDefinition, for the types this
 * server has: Patient.id, AllergyIntolerance.patient, Immunization.patient, Appointment
 * participant.actor, DocumentReference.subject; patient/subject/beneficiary for others).
 * Binary has no patient of its own (see enforce.ts).
 */
export function compartmentPatientsOf(resource: Resource, baseUrl: string): string[] {
  const r = resource as unknown as Record<string, unknown>;
  if (resource.resourceType === 'Patient') return resource.id ? [resource.id] : [];
  const candidates: Reference[] = [...refs(r.patient), ...refs(r.subject), ...refs(r.beneficiary)];
  if (resource.resourceType === 'Appointment') {
    for (const p of refs(r.participant)) candidates.push(...refs((p as { actor?: unknown }).actor));
  }
  const ids = new Set<string>();
  for (const c of candidates) {
    const id = patientIdOf(c, baseUrl);
    if (id) ids.add(id);
  }
  return [...ids];
}
