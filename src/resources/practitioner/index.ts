// Practitioner ← OSCAR provider (mapping §7). Reads and searches are answered from
// the cached provider directory (SOAP getProviders2(null), contract 4.11), the same list that
// names Practitioner references, so every Practitioner/{providerNo} the facade emits resolves.
import type { Practitioner } from 'fhir/r4.js';
import { defineResource, type FhirContext, type ParsedSearch, type SearchResult } from '../../fhir/index.js';
import type { ResourceDeps } from '../deps.js';
import { nonBlank } from '../without-empty.js';
import { practitionerFromSoap } from './mapper.js';
import { PRACTITIONER_ID, PRACTITIONER_SEARCH_PARAMS } from './search-params.js';
import { practitionerMatches } from './search.js';

export function practitionerDefinition(deps: ResourceDeps) {
  const { mapping, providers } = deps;

  async function read(_ctx: FhirContext, id: string): Promise<Practitioner | undefined> {
    const t = await providers.get(id);
    return t ? practitionerFromSoap(t, mapping) : undefined;
  }

  async function search(_ctx: FhirContext, s: ParsedSearch): Promise<SearchResult<Practitioner>> {
    const all = (await providers.all()).filter((t) => nonBlank(t.providerNo) !== undefined).map((t) => practitionerFromSoap(t, mapping));
    const matches = all
      .filter((p) => s.clauses.every((c) => practitionerMatches(p, c)))
      .sort((a, b) => (a.id! < b.id! ? -1 : a.id! > b.id! ? 1 : 0));
    return { resources: matches, unpaged: true };
  }

  return defineResource<Practitioner>({
    type: 'Practitioner',
    recordKind: 'provider',
    documentation: 'OSCAR providers (doctors, nurses, reception and other staff), read from the provider list OSCAR keeps; ids are provider numbers (up to six letters or digits). The list is cached for a few minutes.',
    idPattern: PRACTITIONER_ID,
    searchParams: PRACTITIONER_SEARCH_PARAMS,
    readOnlyReason: 'OSCAR exposes no provider write API',
    interactions: { read, search },
  });
}
