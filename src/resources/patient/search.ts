// Patient search: plan the upstream reads (search-plan.ts), run them — at most two calls, never
// one per row (design principle 5) — then map and filter the candidates in memory (search-match.ts).
import { tooCostly } from '../../fhir/index.js';
import type { DemographicTransfer } from '../../oscar/types.js';
import type { ResourceDeps } from '../deps.js';
import { chosen } from '../../routing/routes.js';
import { costOf, MAX_UPSTREAM_CALLS, type Fetch, type PatientPlan } from './search-plan.js';

export { planPatientSearch, type PatientPlan } from './search-plan.js';
export { isNameClause, patientMatches, rowMatchesNames } from './search-match.js';

/** SOAP getDemographics faults above this many ids ("please chunk your requests to max : 500"). */
const GET_DEMOGRAPHICS_MAX = 500;

async function run(f: Fetch, deps: ResourceDeps): Promise<DemographicTransfer[]> {
  const { oscar, limits: { upstreamRows: maxUpstreamRows } } = deps;
  const tooMany = (): never => {
    throw tooCostly(`more than ${maxUpstreamRows} patients match in OSCAR: add criteria to narrow the search`);
  };
  switch (f.kind) {
    case 'ids':
      return oscar.soapGetDemographics(f.ids);
    case 'attributes': {
      const rows = await oscar.soapSearchDemographicsByAttributes({ ...f.criteria, startIndex: 0, itemsToReturn: maxUpstreamRows + 1 });
      return rows.length > maxUpstreamRows ? tooMany() : rows;
    }
    case 'chart': {
      // All statuses (contract 3.6 active=false, 3.10); the REST result is a summary, so fetch the records.
      const found = await Promise.all(f.chartNos.map((term) => chartNumberIds(term, deps)));
      const ids = [...new Set(found.flat())];
      if (ids.length > Math.min(maxUpstreamRows, GET_DEMOGRAPHICS_MAX)) tooMany();
      return ids.length ? oscar.soapGetDemographics(ids) : [];
    }
    case 'activeAfter':
      return oscar.soapGetActiveDemographicsAfter(f.since);
  }
}

/** Juno answers at most this many rows a page (contract 3.10). */
const JUNO_PAGE_MAX = 100;

/** The demographic numbers whose chart number starts with `term`, by the REST search this OSCAR has. */
async function chartNumberIds(term: string, deps: ResourceDeps): Promise<number[]> {
  const { oscar, limits: { upstreamRows } } = deps;
  if (chosen(deps.routes, 'Patient.search.identifier') === 'juno-chart-numbers') {
    const page = await oscar.restV1SearchDemographics({ chartNo: term, perPage: JUNO_PAGE_MAX });
    if (page.total > page.rows.length) throw tooCostly(`more than ${page.rows.length} chart numbers start with this value in OSCAR`, ['identifier']);
    return page.rows.map((r) => r.demographicNo);
  }
  const r = await oscar.restSearchDemographics({ type: 'ChartNo', term, active: false, startIndex: 0, itemsToReturn: upstreamRows + 1 });
  return r.content.map((c) => c.demographicNo);
}

/** Runs the plan: the candidate demographics, deduplicated, in demographic-number order. */
export async function fetchCandidates(plan: PatientPlan, deps: ResourceDeps): Promise<DemographicTransfer[]> {
  if (costOf(plan.fetches) > MAX_UPSTREAM_CALLS) throw new Error(`Patient search plan costs ${costOf(plan.fetches)} upstream calls`);
  const rows = (await Promise.all(plan.fetches.map((f) => run(f, deps)))).flat();
  const seen = new Set<number>();
  return rows
    .filter((r) => r.demographicNo !== undefined && !seen.has(r.demographicNo) && seen.add(r.demographicNo))
    .sort((a, b) => a.demographicNo! - b.demographicNo!);
}
