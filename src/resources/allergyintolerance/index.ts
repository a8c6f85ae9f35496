// AllergyIntolerance ← OSCAR allergies (mapping §4). Read-only: OSCAR has no
// allergy write API. Rows come from SOAP AllergyWs (no archived flag, contract 4.8); the clinical
// status comes from membership of the patient's REST /allergies/active list (contract 3.3).
import type { AllergyIntolerance } from 'fhir/r4.js';
import { defineResource, NUMERIC_ID, tooCostly, type FhirContext, type ParsedSearch, type SearchResult } from '../../fhir/index.js';
import type { AllergyTransfer } from '../../oscar/types.js';
import { hiddenFrom } from '../compartment-owner.js';
import type { ResourceDeps } from '../deps.js';
import { chosen } from '../../routing/routes.js';
import { CA_BASELINE_PROFILES } from '../systems.js';
import { restAllergySearch } from './rest-search.js';
import { ALLERGY_SEARCH_PARAMS } from './search-params.js';
import {
  activeIdsOf, allergyMatches, fetchAllergyCandidates, loadActiveLists, planAllergySearch, type AllergyCandidates,
} from './search.js';
import { allergyWithStatus } from './with-status.js';

const NONE: ReadonlySet<number> = new Set();
const byId = (a: AllergyTransfer, b: AllergyTransfer): number => (a.id ?? 0) - (b.id ?? 0);

export function allergyIntoleranceDefinition(deps: ResourceDeps) {
  const { oscar, mapping, providers } = deps;
  const tz = mapping.timezone;

  /** Maps rows with the active lists known so far (a patient not looked up yet reads as inactive). */
  async function mapper(rows: readonly AllergyTransfer[], c: AllergyCandidates): Promise<(t: AllergyTransfer) => AllergyIntolerance> {
    const names = new Map<string, string | undefined>();
    for (const p of new Set(rows.map((t) => t.providerNo ?? ''))) names.set(p, await providers.displayOf(p));
    const activeOf = (t: AllergyTransfer): ReadonlySet<number> | undefined => (c.statusKnown ? (t.demographicNo !== undefined && c.active.get(t.demographicNo)) || NONE : undefined);
    return (t) => allergyWithStatus(t, activeOf(t), mapping, deps.baseUrl, names.get(t.providerNo ?? ''));
  }

  async function read(ctx: FhirContext, id: string): Promise<AllergyIntolerance | undefined> {
    const t = await oscar.soapGetAllergy(Number(id));
    if (t?.id === undefined || hiddenFrom(ctx, t.demographicNo)) return undefined;
    // The patient's active list (contract 3.3) needs only the allergy's patient: it is asked for
    // before anything else is done with the answer, so the two calls follow each other closely; the
    // provider's name (never fails, provider-directory.ts) is looked up while it is on its way.
    const statusKnown = chosen(deps.routes, 'AllergyIntolerance.read') === 'with-rest-status';
    const active = statusKnown && t.demographicNo !== undefined ? activeIdsOf(deps, t.demographicNo) : undefined;
    const name = providers.displayOf(t.providerNo ?? '');
    return allergyWithStatus(t, statusKnown ? (await active) ?? NONE : undefined, mapping, deps.baseUrl, await name);
  }

  async function search(ctx: FhirContext, s: ParsedSearch): Promise<SearchResult<AllergyIntolerance>> {
    if (chosen(deps.routes, 'AllergyIntolerance.search-type') === 'rest-active') return restAllergySearch(ctx, s, deps);
    const c = await fetchAllergyCandidates(planAllergySearch(s, deps.limits, Date.now(), ctx.compartment), deps,
      chosen(deps.routes, 'AllergyIntolerance.search-type') === 'with-rest-status');
    const statusClauses = s.clauses.filter((cl) => cl.name === 'clinical-status');
    const otherClauses = s.clauses.filter((cl) => cl.name !== 'clinical-status');
    // Every criterion but clinical status can be decided before the REST active lists are known.
    const provisional = await mapper(c.rows, c);
    const kept = c.rows.filter((t) => otherClauses.every((cl) => allergyMatches(provisional(t), cl, tz))).sort(byId);
    const patientsOf = (rows: readonly AllergyTransfer[]): number[] => [...new Set(rows.flatMap((t) => (t.demographicNo !== undefined ? [t.demographicNo] : [])))];
    const unknown = patientsOf(kept).filter((d) => !c.active.has(d));

    if (!c.statusKnown || statusClauses.length > 0 || unknown.length === 0) {
      if (c.statusKnown && unknown.length > deps.limits.statusPatients) {
        throw tooCostly(`clinical-status would need the active allergy lists of ${unknown.length} patients (at most ${deps.limits.statusPatients}): add patient or narrow _lastUpdated`, ['clinical-status']);
      }
      await loadActiveLists(deps, c, unknown);
      const map = await mapper(kept, c);
      const matches = kept.map(map).filter((a) => statusClauses.every((cl) => allergyMatches(a, cl, tz)));
      return { resources: matches, unpaged: true };
    }

    // Only this page's patients need their active list; a page stops early rather than fan out.
    const page: AllergyTransfer[] = [];
    const lookups = new Set<number>();
    for (const t of kept.slice(s.offset, s.offset + s.count)) {
      const d = t.demographicNo;
      if (d !== undefined && !c.active.has(d) && !lookups.has(d)) {
        if (lookups.size >= deps.limits.statusPatients) break;
        lookups.add(d);
      }
      page.push(t);
    }
    await loadActiveLists(deps, c, [...lookups]);
    const map = await mapper(page, c);
    return { resources: page.map(map), total: kept.length };
  }

  return defineResource<AllergyIntolerance>({
    type: 'AllergyIntolerance',
    recordKind: 'allergy',
    profile: CA_BASELINE_PROFILES.AllergyIntolerance,
    documentation: 'OSCAR allergies, archived ones included as clinicalStatus inactive. Drug allergies carry their DIN; NKDA is coded SNOMED CT 409137002; custom (free-text) allergens have no category.',
    idPattern: NUMERIC_ID,
    searchParams: ALLERGY_SEARCH_PARAMS,
    includes: [{ param: 'patient', targetType: 'Patient', references: (r) => [(r as AllergyIntolerance).patient.reference ?? ''].filter(Boolean) }],
    readOnlyReason: 'OSCAR exposes no allergy write API; allergies are entered in the OSCAR chart',
    interactions: { read, search },
  });
}
