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

/** Calls `each` with every reference among `v` (one reference object, or an array of them). */
function eachRef(v: unknown, each: (ref: Reference) => void): void {
  if (Array.isArray(v)) {
    for (const x of v) if (typeof x === 'object' && x !== null) each(x as Reference);
  } else if (typeof v === 'object' && v !== null) {
    each(v as Reference);
  }
}

/**
 * Calls `each` with the id of every patient a resource belongs to, in the order compartmentPatientsOf
 * lists them, a patient named twice once per naming. Lets a page's audit facts be gathered without
 * an array per resource (audit-facts.ts).
 */
export function forEachCompartmentPatient(resource: Resource, baseUrl: string, each: (id: string) => void): void {
  if (resource.resourceType === 'Patient') {
    if (resource.id) each(resource.id);
    return;
  }
  const r = resource as unknown as Record<string, unknown>;
  const named = (ref: Reference): void => {
    const id = patientIdOf(ref, baseUrl);
    if (id) each(id);
  };
  eachRef(r.patient, named);
  eachRef(r.subject, named);
  eachRef(r.beneficiary, named);
  if (resource.resourceType === 'Appointment') eachRef(r.participant, (p) => eachRef((p as { actor?: unknown }).actor, named));
}

/**
 * The patients a resource belongs to (the R4 Patient CompartmentDefinition, for the types this
 * server has: Patient.id, AllergyIntolerance.patient, Immunization.patient, Appointment
 * participant.actor, DocumentReference.subject; patient/subject/beneficiary for others).
 * Binary has no patient of its own (see enforce.ts).
 */
export function compartmentPatientsOf(resource: Resource, baseUrl: string): string[] {
  const ids = new Set<string>();
  forEachCompartmentPatient(resource, baseUrl, (id) => ids.add(id));
  return [...ids];
}
