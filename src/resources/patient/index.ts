// Patient ← OSCAR demographic (mapping.md "Patient"). Reads and searches use SOAP (it works for
// every patient, unlike REST with partial birth dates, contract 7.23); writes use REST POST/PUT
// /demographics, the only demographic write API.
import type { Patient } from 'fhir/r4.js';
import { defineResource, notFound, NUMERIC_ID, type FhirContext, type ParsedSearch, type SearchResult } from '../../fhir/index.js';
import type { DemographicTransfer } from '../../oscar/types.js';
import type { ResourceDeps } from '../deps.js';
import { CA_BASELINE_PROFILES } from '../systems.js';
import { notStoredIssues, rejectIfErrors } from '../write-issues.js';
import { currentDemographic } from './current-record.js';
import { patientFromSoap, patientToDemographic } from './mapper.js';
import { PATIENT_SEARCH_PARAMS } from './search-params.js';
import { fetchCandidates, patientMatches, planPatientSearch } from './search.js';

export function patientDefinition(deps: ResourceDeps) {
  const { oscar, mapping, providers } = deps;

  async function toPatient(t: DemographicTransfer): Promise<Patient> {
    return patientFromSoap(t, mapping, { providerDisplay: await providers.displayOf(t.providerNo) });
  }

  async function read(_ctx: FhirContext, id: string): Promise<Patient | undefined> {
    const t = await oscar.getDemographicSoap(Number(id));
    return t?.demographicNo === undefined ? undefined : toPatient(t);
  }

  async function search(_ctx: FhirContext, s: ParsedSearch): Promise<SearchResult<Patient>> {
    const rows = await fetchCandidates(planPatientSearch(s, deps), deps);
    const patients = await Promise.all(rows.map(toPatient));
    const matches = patients
      .filter((p) => s.clauses.every((c) => patientMatches(p, c, mapping.timezone)))
      .sort((a, b) => Number(a.id) - Number(b.id));
    return { resources: matches, unpaged: true };
  }

  async function readBack(id: number): Promise<Patient> {
    const t = await oscar.getDemographicSoap(id);
    if (t?.demographicNo === undefined) throw notFound(`Patient/${id} was written but cannot be read back from OSCAR`);
    return toPatient(t);
  }

  return defineResource<Patient>({
    type: 'Patient',
    profile: CA_BASELINE_PROFILES.Patient,
    documentation: 'OSCAR demographics. Health cards carry the provincial health-number system and version code; birth dates may be partial (YYYY or YYYY-MM) as OSCAR stores them.',
    idPattern: NUMERIC_ID,
    searchParams: PATIENT_SEARCH_PARAMS,
    conditionalCreate: true,
    interactions: {
      read,
      search,
      async create(_ctx, p) {
        const { to, notStored, errors } = patientToDemographic(p, undefined, mapping);
        rejectIfErrors(errors);
        const created = await oscar.createDemographic(to);
        if (typeof created.demographicNo !== 'number') throw new Error('OSCAR created a demographic without a number');
        return { resource: await readBack(created.demographicNo), issues: notStoredIssues(notStored) };
      },
      async update(_ctx, id, p) {
        const current = await currentDemographic(oscar, Number(id), mapping.timezone);
        if (!current) throw notFound(`Patient/${id} is not known`);
        const { to, notStored, errors } = patientToDemographic(p, current, mapping);
        rejectIfErrors(errors);
        await oscar.updateDemographic({ ...to, demographicNo: Number(id) });
        return { resource: await readBack(Number(id)), issues: notStoredIssues(notStored) };
      },
    },
  });
}
