// AllergyIntolerance search over OSCAR REST alone (SOAP behind a WAF, variants §6 B5): REST has
// one allergy call, a patient's non-archived list (`GET /allergies/active`, contract 3.3), and no
// read by id. So a search names its patients (or runs in one patient's compartment), lists active
// allergies only, and cannot be asked for other clinical statuses: it would answer "none" for a
// patient whose archived allergies REST cannot see.
import type { AllergyIntolerance } from 'fhir/r4.js';
import {
  mapLimited, notSupported, tooCostly, type FhirContext, type Issue, type ParsedSearch, type ReferenceClause, type SearchResult, type TokenClause,
} from '../../fhir/index.js';
import { compartmentAnchor } from '../compartment-owner.js';
import type { ResourceDeps } from '../deps.js';
import { FIDELITY_CODES, tagFidelity } from '../fidelity.js';
import { allergyFromRest } from './rest-mapper.js';
import { allergyMatches } from './search.js';

/** Calls one search keeps in flight toward OSCAR. */
const CONCURRENCY = 4;
const NUMBER = /^\d{1,9}$/;

const ACTIVE_ONLY: Issue = {
  severity: 'warning', code: 'informational',
  diagnostics: "This OSCAR's SOAP web services are out of reach: its REST web services list a patient's active allergies only, so archived (inactive) allergies are not in this result.",
};

function patientsOf(s: ParsedSearch, ctx: FhirContext, max: number): number[] {
  const confined = compartmentAnchor(ctx.compartment);
  if (confined) return confined;
  const clause = s.clauses.find((c): c is ReferenceClause => c.name === 'patient' && c.type === 'reference' && !c.missing);
  if (!clause) throw tooCostly("this OSCAR's REST web services list allergies one patient at a time: add patient");
  const ids = [...new Set(clause.values.flatMap((v) => ((v.type ?? 'Patient') === 'Patient' && NUMBER.test(v.id) ? [Number(v.id)] : [])))];
  if (ids.length > max) throw tooCostly(`at most ${max} patients can be searched at once`, ['patient']);
  return ids;
}

export async function restAllergySearch(ctx: FhirContext, s: ParsedSearch, deps: ResourceDeps): Promise<SearchResult<AllergyIntolerance>> {
  const status = s.clauses.filter((c): c is TokenClause => c.name === 'clinical-status');
  if (status.some((c) => c.missing !== undefined || c.modifier !== undefined || c.values.some((v) => v.code !== 'active'))) {
    throw notSupported("this OSCAR's REST web services list active allergies only (its SOAP web services are out of reach): clinical-status can only be searched as active", ['clinical-status']);
  }
  const patients = patientsOf(s, ctx, deps.limits.patients);
  const lists = await mapLimited(patients, CONCURRENCY, (d) => deps.oscar.restActiveAllergies(d));
  const rows = lists.flat().filter((a) => !a.archived);
  if (rows.length > deps.limits.upstreamRows) throw tooCostly(`more than ${deps.limits.upstreamRows} allergies match in OSCAR: search fewer patients`);
  const names = new Map<string, string | undefined>();
  for (const p of new Set(rows.map((a) => a.providerNo ?? ''))) names.set(p, await deps.providers.displayOf(p));
  const tz = deps.mapping.timezone;
  const resources = rows
    .sort((a, b) => a.id - b.id)
    .map((a) => allergyFromRest(a, deps.mapping, names.get(a.providerNo ?? '')))
    .filter((a) => s.clauses.every((c) => allergyMatches(a, c, tz)));
  return { resources, unpaged: true, finish: (a) => tagFidelity(a, deps.baseUrl, FIDELITY_CODES.activeAllergiesOnly), outcome: [ACTIVE_ONLY] };
}
