// Patient ← OSCAR REST demographics (mapping §2), for instances whose SOAP is out of reach
// (variants §6 B5, §7.4 "REST-only mode"). The same DemographicFacts as the SOAP mapper, so one
// record gives one Patient whichever API it was read through, less what REST cannot carry.
import type { Patient } from 'fhir/r4.js';
import type { DemographicExtTo1, DemographicSearchResult, DemographicTo1 } from '../../oscar/types.js';
import type { MappingConfig } from '../mapping-config.js';
import { restDay, restStamp } from '../oscar-dates.js';
import { personDisplay } from '../references.js';
import { nonBlank } from '../without-empty.js';
import { buildPatient, DEMO_CELL, namePartsOf, type NameParts, type PatientMappingOptions } from './mapper.js';

function extValue(extras: readonly DemographicExtTo1[] | null | undefined, key: string): string | undefined {
  return nonBlank((extras ?? []).find((e) => e.key === key)?.value);
}

/**
 * `GET /demographics/basic/{id}` → Patient. contract 7.24: DemographicTo1 has no residential
 * address, email consent or roster enrolment; contract 7.4: the birth date comes from the three
 * string parts, never from the `dateOfBirth` millis.
 */
export function patientFromRest(to: DemographicTo1, cfg: MappingConfig, opts: PatientMappingOptions = {}): Patient {
  const tz = cfg.timezone;
  // The embedded family physician (ProviderTo1), unless it is stale against providerNo.
  const mrp = to.provider && to.provider.providerNo === to.providerNo ? to.provider : undefined;
  return buildPatient({
    demographicNo: to.demographicNo ?? undefined,
    chartNo: nonBlank(to.chartNo),
    hin: nonBlank(to.hin), ver: nonBlank(to.ver), hcType: nonBlank(to.hcType),
    hcEffective: restDay(to.effDate, tz), hcRenew: restDay(to.hcRenewDate, tz),
    patientStatus: nonBlank(to.patientStatus),
    lastName: nonBlank(to.lastName), firstName: nonBlank(to.firstName), middleNames: nonBlank(to.middleNames),
    title: nonBlank(to.title), alias: nonBlank(to.alias), sex: nonBlank(to.sex),
    dobYear: nonBlank(to.dobYear), dobMonth: nonBlank(to.dobMonth), dobDay: nonBlank(to.dobDay),
    homePhone: nonBlank(to.phone), workPhone: nonBlank(to.alternativePhone),
    // contract 7.24: the cell number lives in the demo_cell entry of extras.
    cellPhone: nonBlank(to.cellPhone) ?? extValue(to.extras, DEMO_CELL),
    email: nonBlank(to.email),
    mailing: { line: nonBlank(to.address?.address), city: nonBlank(to.address?.city), province: nonBlank(to.address?.province), postal: nonBlank(to.address?.postal) },
    officialLanguage: nonBlank(to.officialLanguage),
    providerNo: nonBlank(to.providerNo),
    providerDisplay: nonBlank(opts.providerDisplay) ?? personDisplay(mrp?.firstName, mrp?.lastName),
    lastUpdated: restStamp(to.lastUpdateDate, tz),
  }, cfg);
}

/** providerName is "Last,First" of the family physician (contract 3.7). */
function providerDisplayOf(name: string | null): string | undefined {
  const [last, first] = (name ?? '').split(',').map((s) => s.trim());
  return nonBlank([first, last].filter(Boolean).join(' '));
}

/**
 * A `POST /demographics/search` row → Patient: names, sex, birth date, phone, chart number,
 * status and family physician only. The row has no health-card province (hcType), so the health
 * number is left out rather than given a system it may not have.
 */
export function patientFromSearchRow(r: DemographicSearchResult, cfg: MappingConfig): Patient {
  const dob = /^(\d{4})-(\d{2})-(\d{2})$/.exec(r.formattedDOB ?? '');
  return buildPatient({
    demographicNo: r.demographicNo,
    chartNo: nonBlank(r.chartNo),
    patientStatus: nonBlank(r.patientStatus),
    lastName: nonBlank(r.lastName), firstName: nonBlank(r.firstName), sex: nonBlank(r.sex),
    dobYear: dob?.[1], dobMonth: dob?.[2], dobDay: dob?.[3],
    homePhone: nonBlank(r.phone),
    mailing: {},
    providerNo: nonBlank(r.providerNo),
    providerDisplay: providerDisplayOf(r.providerName),
  }, cfg);
}

/**
 * A search row's official name parts without mapping the row: its last and first names read as
 * patientFromSearchRow reads them (the row has no middle names), made into parts by the code
 * buildPatient uses, so a name search can test a row before mapping it (search-match.ts rowMatchesNames).
 */
export function searchRowNameParts(r: DemographicSearchResult): NameParts {
  return namePartsOf(nonBlank(r.lastName), nonBlank(r.firstName), undefined);
}
