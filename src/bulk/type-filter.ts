// A narrow `_typeFilter` (bulk-data §e item 5): the dates and codes public health filters on —
// Immunization date and vaccine-code, Patient birthdate and gender, Appointment date,
// AllergyIntolerance date — parsed by the search parser and matched by each type's own search
// matcher on the exported resources. Repeats for one type are OR'ed, the criteria of one AND'ed
// (STU3 wording, docs/bulk-data.md §a BD-P-09). Anything else is refused (or noted, lenient).
import type { AllergyIntolerance, Appointment, Immunization, Patient, Resource } from 'fhir/r4.js';
import { badRequest, parseSearch, quoteInput, type SearchClause, type SearchParamDef } from '../fhir/index.js';
import { allergyMatches } from '../resources/allergyintolerance/search.js';
import { ALLERGY_SEARCH_PARAMS } from '../resources/allergyintolerance/search-params.js';
import { appointmentMatches } from '../resources/appointment/search.js';
import { APPOINTMENT_SEARCH_PARAMS } from '../resources/appointment/search-params.js';
import { immunizationMatches } from '../resources/immunization/search.js';
import { IMMUNIZATION_SEARCH_PARAMS } from '../resources/immunization/search-params.js';
import { patientMatches } from '../resources/patient/search-match.js';
import { PATIENT_SEARCH_PARAMS } from '../resources/patient/search-params.js';

interface Filterable {
  params: SearchParamDef[];
  matches: (r: Resource, c: SearchClause, tz: string) => boolean;
}

const only = (all: readonly SearchParamDef[], names: readonly string[]): SearchParamDef[] => all.filter((p) => names.includes(p.name));

const FILTERABLE: Record<string, Filterable> = {
  Immunization: { params: only(IMMUNIZATION_SEARCH_PARAMS, ['date', 'vaccine-code']), matches: (r, c, tz) => immunizationMatches(r as Immunization, c, tz) },
  Patient: { params: only(PATIENT_SEARCH_PARAMS, ['birthdate', 'gender']), matches: (r, c, tz) => patientMatches(r as Patient, c, tz) },
  Appointment: { params: only(APPOINTMENT_SEARCH_PARAMS, ['date']), matches: (r, c, tz) => appointmentMatches(r as Appointment, c, tz) },
  AllergyIntolerance: { params: only(ALLERGY_SEARCH_PARAMS, ['date']), matches: (r, c, tz) => allergyMatches(r as AllergyIntolerance, c, tz) },
};

/** One `_typeFilter` value (`Type?name=value&…`) checked: its type and its search pairs. */
export function parseTypeFilter(value: string, types: readonly string[]): { type: string; pairs: [string, string][] } {
  const q = value.indexOf('?');
  const type = q < 0 ? value : value.slice(0, q);
  const f = FILTERABLE[type];
  if (!f || !types.includes(type)) throw badRequest(`_typeFilter ${quoteInput(value)}: filters are supported on ${Object.keys(FILTERABLE).join(', ')} when exported`);
  const pairs = [...new URLSearchParams(q < 0 ? '' : value.slice(q + 1))];
  if (pairs.length === 0) throw badRequest(`_typeFilter ${quoteInput(value)} has no criteria`);
  const allowed = f.params.map((p) => p.name);
  for (const [k] of pairs) {
    if (!allowed.includes(k)) throw badRequest(`_typeFilter on ${type} supports ${allowed.join(', ')} (not ${quoteInput(k)})`);
  }
  parseSearch({ type, searchParams: f.params }, pairs); // refuses a malformed value now, not in the job
  return { type, pairs };
}

/** The predicate of a job's filters: a resource passes when its type has none or one of them matches. */
export function typeFilterPredicate(filters: Record<string, [string, string][][]> | undefined, tz: string): (r: Resource) => boolean {
  if (!filters) return () => true;
  const compiled = new Map(Object.entries(filters).map(([type, list]) => {
    const f = FILTERABLE[type]!;
    return [type, list.map((pairs) => parseSearch({ type, searchParams: f.params }, pairs).clauses)] as const;
  }));
  return (r) => {
    const alternatives = compiled.get(r.resourceType);
    if (!alternatives) return true;
    const f = FILTERABLE[r.resourceType]!;
    return alternatives.some((clauses) => clauses.every((c) => f.matches(r, c, tz)));
  };
}
