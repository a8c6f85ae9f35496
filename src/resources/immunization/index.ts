// Immunization ← OSCAR preventions of immunization types (mapping §5; contract 4.9,
// 5.4). Read-only: OSCAR has no prevention write API. Details (lot, site, route, dose, brand code)
// exist only in SOAP PreventionWs, so reads and searches go through SOAP unless it is out of reach
// (rest-search.ts).
import type { Immunization } from 'fhir/r4.js';
import { defineResource, NUMERIC_ID, type FhirContext, type ParsedSearch, type SearchResult } from '../../fhir/index.js';
import type { PreventionTransfer } from '../../oscar/types.js';
import { hiddenFrom } from '../compartment-owner.js';
import type { ResourceDeps } from '../deps.js';
import { CA_BASELINE_PROFILES } from '../systems.js';
import { immunizationFromSoap, isImmunizationPrevention } from './mapper.js';
import { chosen } from '../../routing/routes.js';
import { restImmunizations } from './rest-search.js';
import { IMMUNIZATION_SEARCH_PARAMS } from './search-params.js';
import { fetchImmunizationCandidates, immunizationMatches, planImmunizationSearch } from './search.js';

export function immunizationDefinition(deps: ResourceDeps) {
  const { oscar, mapping, providers } = deps;

  async function toImmunizations(rows: readonly PreventionTransfer[]): Promise<Immunization[]> {
    const names = new Map<string, string | undefined>();
    for (const p of new Set(rows.map((t) => t.providerNo ?? ''))) names.set(p, await providers.displayOf(p));
    return rows.map((t) => immunizationFromSoap(t, mapping, names.get(t.providerNo ?? '')));
  }

  async function read(ctx: FhirContext, id: string): Promise<Immunization | undefined> {
    // contract 4.9: deleted rows come back too (→ entered-in-error); screenings are not immunizations.
    const t = await oscar.soapGetPrevention(Number(id));
    if (t?.id === undefined || hiddenFrom(ctx, t.demographicId) || !isImmunizationPrevention(t, mapping)) return undefined;
    return (await toImmunizations([t]))[0];
  }

  async function search(ctx: FhirContext, s: ParsedSearch): Promise<SearchResult<Immunization>> {
    const plan = planImmunizationSearch(s, deps, Date.now(), ctx.compartment);
    const how = chosen(deps.routes, 'Immunization.search-type');
    const found = how === 'rest-immunizations' || how === 'rest-active-preventions'
      ? await restImmunizations(plan, how, deps)
      : await toImmunizations(await fetchImmunizationCandidates(plan, deps));
    const matches = found
      .filter((i) => s.clauses.every((c) => immunizationMatches(i, c, mapping.timezone)))
      .sort((a, b) => Number(a.id) - Number(b.id));
    return { resources: matches, unpaged: true };
  }

  return defineResource<Immunization>({
    type: 'Immunization',
    recordKind: 'prevention',
    profile: CA_BASELINE_PROFILES.Immunization,
    documentation: 'OSCAR preventions of immunization types (screenings such as PAP or the tuberculin skin test are not immunizations). Vaccine codes are SNOMED CT CA (generic and tradename) with CVX where known; refusals are not-done; deleted or edited records are entered-in-error. An edit gives the record a new id: the new record lists the old id as an identifier with use "old".',
    idPattern: NUMERIC_ID,
    searchParams: IMMUNIZATION_SEARCH_PARAMS,
    includes: [{ param: 'patient', targetType: 'Patient', references: (r) => [(r as Immunization).patient.reference ?? ''].filter(Boolean) }],
    readOnlyReason: 'OSCAR exposes no prevention write API; immunizations are entered in the OSCAR chart',
    interactions: { read, search },
  });
}
