// Patient ← OSCAR demographic (mapping §2). Reads and searches use SOAP (it works for
// every patient, unlike REST with partial birth dates, contract 7.23); writes use REST POST/PUT
// /demographics, the only demographic write API.
//
// A read is the complete record (complete-record.ts). OSCAR's list calls return the plain
// DemographicTransfer — no middle names, residential address or cell phone — so search results
// are tagged SUBSETTED, and an update made from one is refused: it would erase what it never saw.
import type { Patient } from 'fhir/r4.js';
import {
  defineResource, notFound, NUMERIC_ID, rowMatches, SUBSETTED_TAG, tagSubsetted, unprocessable,
  type FhirContext, type Issue, type ParsedSearch, type SearchResult, type WriteResult,
} from '../../fhir/index.js';
import { OscarProtocolError } from '../../oscar/errors.js';
import type { DemographicTransfer } from '../../oscar/types.js';
import type { ResourceDeps } from '../deps.js';
import { CA_BASELINE_PROFILES } from '../systems.js';
import { notStoredIssues, rejectIfErrors } from '../write-issues.js';
import { chosen, offered } from '../../routing/routes.js';
import { FIDELITY_CODES, tagFidelity } from '../fidelity.js';
import { completeDemographic } from './complete-record.js';
import { junoTransferFor } from './juno-mapper.js';
import { clearedByRestUpdate, currentDemographic } from './current-record.js';
import { everythingOperation, type TypeLookup } from './everything.js';
import { patientFromSoap, patientToDemographic, soapNameParts } from './mapper.js';
import { restDemographic } from './rest-record.js';
import { restPatientSearch } from './rest-search.js';
import { patientFromRest, patientFromSearchRow } from './rest-mapper.js';
import { PATIENT_SEARCH_PARAMS } from './search-params.js';
import { fetchCandidates, isNameClause, patientMatches, planPatientSearch, rowMatchesNames } from './search.js';

function isSubsetted(p: Patient): boolean {
  return (p.meta?.tag ?? []).some((t) => t.system === SUBSETTED_TAG.system && t.code === SUBSETTED_TAG.code);
}

/**
 * The read of one patient: the record as complete as this OSCAR gives it (routing table
 * 'Patient.read'), tagged when it lacks the Transfer2 fields; undefined when OSCAR does not know
 * it. The API's read and the Bulk Data export (src/bulk/sources/patients.ts) both use it, so an
 * exported Patient is the resource a read answers (mapping §1.3).
 */
export function patientReader(deps: Pick<ResourceDeps, 'oscar' | 'mapping' | 'providers' | 'baseUrl' | 'routes'>): (id: number) => Promise<Patient | undefined> {
  const { oscar, mapping, providers } = deps;

  async function toPatient(t: DemographicTransfer): Promise<Patient> {
    return patientFromSoap(t, mapping, { providerDisplay: await providers.displayOf(t.providerNo) });
  }

  /** The record as REST gives it (rest-record.ts), tagged with what it lacks. */
  async function readOverRest(id: number): Promise<Patient | undefined> {
    const r = await restDemographic(oscar, id);
    if (!r) return undefined;
    if (r.kind === 'search-row') {
      // Not the whole record: tagged SUBSETTED too, so no update is made from it.
      return tagSubsetted(tagFidelity(patientFromSearchRow(r.row, mapping), deps.baseUrl, FIDELITY_CODES.demographicSearchRow)) as Patient;
    }
    const p = patientFromRest(r.to, mapping, { providerDisplay: await providers.displayOf(r.to.providerNo) });
    return tagFidelity(p, deps.baseUrl, FIDELITY_CODES.demographicOverRest);
  }

  return async function readPatient(id: number): Promise<Patient | undefined> {
    const how = chosen(deps.routes, 'Patient.read');
    if (how === 'rest') return readOverRest(id);
    const t = await completeDemographic(oscar, id, how);
    if (!t) return undefined;
    // An answer about another patient is none about this one: never served (or exported) under
    // this id, nor as that patient, whom the caller did not ask for (REST: rest-record.ts).
    if (t.demographicNo !== id) throw new OscarProtocolError(how === 'transfer1' ? 'DemographicService.getDemographic' : 'DemographicService.getDemographic2', 'an answer about another patient');
    const p = await toPatient(t);
    return how === 'transfer1' ? tagFidelity(p, deps.baseUrl, FIDELITY_CODES.demographicWithoutTransfer2) : p;
  };
}

/** `registry` (the registered types) enables Patient/{id}/$everything. */
export function patientDefinition(deps: ResourceDeps, registry?: TypeLookup) {
  const { oscar, mapping, providers } = deps;

  const readPatient = patientReader(deps);

  async function read(_ctx: FhirContext, id: string): Promise<Patient | undefined> {
    return readPatient(Number(id));
  }

  async function search(_ctx: FhirContext, s: ParsedSearch): Promise<SearchResult<Patient>> {
    if (chosen(deps.routes, 'Patient.search-type') === 'rest-search') {
      const found = await restPatientSearch(s, deps);
      return { ...found, unpaged: true, finish: (p) => tagSubsetted(tagFidelity(p, deps.baseUrl, FIDELITY_CODES.demographicSearchRow)) as Patient };
    }
    const plan = planPatientSearch(s, mapping, deps.limits, {
      chartNumbers: ['with-chart-numbers', 'juno-chart-numbers'].includes(chosen(deps.routes, 'Patient.search.identifier')),
      activeAfter: offered(deps.routes, 'Patient.search._lastUpdated'),
    });
    const fetched = await fetchCandidates(plan, deps);
    // A row whose name cannot match is not mapped: OSCAR's search is a superset (a name= value asked
    // as a last and a first name, `_` for an apostrophe, a middle name it does not look at).
    const rows = s.clauses.some(isNameClause) ? fetched.filter((t) => rowMatchesNames(soapNameParts(t), s.clauses)) : fetched;
    // The page's providers named once, not looked up row by row.
    const displays = await providers.displaysOf(rows.map((t) => t.providerNo));
    const toPatient = (t: DemographicTransfer): Patient => patientFromSoap(t, mapping, { providerDisplay: t.providerNo ? displays.get(t.providerNo) : undefined });
    const found = { unpaged: true, finish: (p: Patient) => tagSubsetted(p) as Patient, ...(plan.notes.length ? { outcome: plan.notes } : {}) } as const;
    // Names alone decided every match on the rows: only the returned page is mapped.
    if (s.clauses.every(isNameClause)) return { ...found, resources: [], rows: rowMatches(rows, toPatient) };
    const matches = rows.map(toPatient).filter((p) => s.clauses.every((c) => patientMatches(p, c, mapping.timezone)));
    return { ...found, resources: matches };
  }

  /** variants §3 H: Juno's SOAP updateDemographic replaces the whole record: read, merge, send it all. */
  async function updateOnJuno(id: number, p: Patient): Promise<WriteResult<Patient>> {
    const current = await oscar.soapGetDemographic(id);
    if (current?.demographicNo === undefined) throw notFound(`Patient/${id} is not known`);
    const { value, notStored, errors } = junoTransferFor(p, current, mapping);
    rejectIfErrors(errors);
    await oscar.soapUpdateDemographic({ ...value, demographicNo: id });
    return { resource: await readBack(id), issues: notStoredIssues(notStored) };
  }

  async function readBack(id: number): Promise<Patient> {
    const p = await readPatient(id);
    if (!p) throw notFound(`Patient/${id} was written but cannot be read back from OSCAR`);
    return p;
  }

  return defineResource<Patient>({
    type: 'Patient',
    recordKind: 'demographic',
    profile: CA_BASELINE_PROFILES.Patient,
    documentation: 'OSCAR demographics. Health cards carry the provincial health-number system and version code; birth dates may be partial (YYYY or YYYY-MM) as OSCAR stores them.',
    idPattern: NUMERIC_ID,
    searchParams: PATIENT_SEARCH_PARAMS,
    conditionalCreate: true,
    ...(registry ? { operations: [everythingOperation(deps, registry)] } : {}),
    interactions: {
      read,
      search,
      async create(_ctx, p) {
        if (chosen(deps.routes, 'Patient.create') === 'juno-soap') {
          const { value, notStored, errors } = junoTransferFor(p, undefined, mapping);
          rejectIfErrors(errors);
          return { resource: await readBack(await oscar.soapAddDemographic(value)), issues: notStoredIssues(notStored) };
        }
        const { to, notStored, errors } = patientToDemographic(p, undefined, mapping);
        rejectIfErrors(errors);
        const created = await oscar.restCreateDemographic(to);
        if (typeof created.demographicNo !== 'number') throw new Error('OSCAR created a demographic without a number');
        return { resource: await readBack(created.demographicNo), issues: notStoredIssues(notStored) };
      },
      async update(_ctx, id, p) {
        if (isSubsetted(p)) {
          throw unprocessable('This Patient is tagged SUBSETTED (a search result or a _summary/_elements view): it lacks elements the update would erase. Read Patient/' + id + ' and update from that.', ['Patient.meta.tag']);
        }
        if (chosen(deps.routes, 'Patient.update') === 'juno-soap') return updateOnJuno(Number(id), p);
        const current = await currentDemographic(oscar, Number(id), mapping.timezone, chosen(deps.routes, 'Patient.read'));
        if (!current) throw notFound(`Patient/${id} is not known`);
        const { to, notStored, errors } = patientToDemographic(p, current.to, mapping);
        rejectIfErrors(errors);
        await oscar.restUpdateDemographic({ ...to, demographicNo: Number(id) });
        const issues: Issue[] = notStoredIssues(notStored);
        const cleared = current.soap ? clearedByRestUpdate(current.soap) : [];
        if (!current.soap) {
          // contract 7.24: without SOAP this server cannot see what the REST update clears.
          issues.push({ severity: 'warning', code: 'informational', diagnostics: "OSCAR's update service clears the residential address, the consent to use email for care and the provider the patient is rostered to; this OSCAR's SOAP web services are out of reach, so whether it held any cannot be told." });
        } else if (cleared.length) {
          // contract 7.24: the only update API rebuilds the record from a REST object without these.
          issues.push({ severity: 'warning', code: 'informational', diagnostics: `OSCAR's update service cannot keep ${cleared.join(', ')}; OSCAR cleared them.` });
        }
        return { resource: await readBack(Number(id)), issues };
      },
    },
  });
}
