// The current OSCAR record an update starts from. REST PUT /demographics replaces the whole
// record and nulls what the body omits (contract 3.1), so the update must send everything OSCAR
// has. REST /demographics/basic/{id} carries the most, but fails with HTTP 500 for a patient whose
// birth date is partial (contract 7.23) — and a 500 costs retries and counts against the REST
// circuit breaker — so such a record is rebuilt from SOAP without asking REST at all.
import type { OscarClient } from '../../oscar/client.js';
import { OscarFaultError } from '../../oscar/errors.js';
import { parseXsDateTime } from '../../time/zone.js';
import { restMsOfDate, xsDate } from '../oscar-dates.js';
import type { DemographicTo1, DemographicTransfer2 } from '../../oscar/types.js';
import type { OptionId } from '../../routing/table.js';
import { unprocessable } from '../../fhir/index.js';
import { completeDemographic } from './complete-record.js';
import { restDemographic } from './rest-record.js';
import { birthDateOf, emptyDemographic } from './mapper.js';

export interface CurrentDemographic {
  /** The body to start the PUT from. */
  to: DemographicTo1;
  /** The same record through SOAP (Transfer2 + cell phone): what the REST object cannot carry; absent when SOAP is out of reach. */
  soap?: DemographicTransfer2;
}

export async function currentDemographic(oscar: OscarClient, id: number, timezone: string, how?: OptionId<'Patient.read'>): Promise<CurrentDemographic | undefined> {
  if (how === 'rest') return currentOverRest(oscar, id);
  const soap = await completeDemographic(oscar, id, how);
  if (!soap) return undefined;
  if (birthDateOf(soap.yearOfBirth, soap.monthOfBirth, soap.dateOfBirth)?.length === 10) {
    try {
      const rest = await oscar.restGetDemographicBasic(id);
      if (rest) return { to: rest, soap };
    } catch (e) {
      if (!(e instanceof OscarFaultError && e.upstreamStatus === 500)) throw e;
    }
  }
  return { to: demographicTo1FromSoap(soap, timezone), soap };
}

/** The current record when only REST can read it (rest-record.ts). */
async function currentOverRest(oscar: OscarClient, id: number): Promise<CurrentDemographic | undefined> {
  const r = await restDemographic(oscar, id);
  if (!r) return undefined;
  if (r.kind === 'search-row') {
    // contract 7.23, 7.24: without the whole record the PUT would null everything the search row lacks.
    throw unprocessable(`OSCAR's REST web services cannot read Patient/${id} because its birth date is partial, and an update made without the whole record would erase it: complete the birth date in OSCAR first`, ['Patient.birthDate']);
  }
  return { to: r.to };
}

/** What a REST update will clear because DemographicTo1 has no property for it (contract 7.24). */
export function clearedByRestUpdate(t: DemographicTransfer2): string[] {
  const out: string[] = [];
  if ([t.residentialAddress, t.residentialCity, t.residentialProvince, t.residentialPostal].some((v) => v?.trim())) out.push('the residential address');
  if (t.consentToUseEmailForCare !== undefined && t.consentToUseEmailForCare !== null) out.push('the consent to use email for care');
  if (t.rosterEnrolledTo?.trim()) out.push('the provider the patient is rostered to');
  return out;
}

/** An instant OSCAR stamped (lastUpdateDate), as REST epoch ms. */
function ms(v: string | undefined, tz: string): number | null {
  return v ? parseXsDateTime(v, tz) : null;
}

/** A date-only column, as REST takes it (oscar-dates.ts restMsOfDate). */
function dayMs(v: string | undefined, tz: string): number | null {
  const d = xsDate(v, tz);
  return d ? restMsOfDate(d, tz) : null;
}

export function demographicTo1FromSoap(t: DemographicTransfer2, tz: string): DemographicTo1 {
  const to = emptyDemographic();
  // SOAP omits null elements (contract 7.17): an absent value was NULL, and must stay NULL.
  const s = (v: string | undefined): string | null => v ?? null;
  Object.assign(to, {
    demographicNo: t.demographicNo ?? null,
    address: { address: s(t.address), city: s(t.city), province: s(t.province), postal: s(t.postal) },
    phone: s(t.phone), alternativePhone: s(t.phone2), patientStatus: s(t.patientStatus),
    patientStatusDate: dayMs(t.patientStatusDate, tz), rosterStatus: s(t.rosterStatus), providerNo: s(t.providerNo),
    hin: s(t.hin), ver: s(t.ver), dobYear: s(t.yearOfBirth), dobMonth: s(t.monthOfBirth), dobDay: s(t.dateOfBirth),
    sex: s(t.sex), dateJoined: dayMs(t.dateJoined, tz), familyDoctor: t.familyDoctor ?? null, firstName: s(t.firstName),
    lastName: s(t.lastName), hcRenewDate: dayMs(t.hcRenewDate, tz), pcnIndicator: t.pcnIndicator ?? null,
    endDate: dayMs(t.endDate, tz), hcType: s(t.hcType), chartNo: s(t.chartNo), email: s(t.email), effDate: dayMs(t.effDate, tz),
    rosterDate: dayMs(t.rosterDate, tz), rosterTerminationDate: dayMs(t.rosterTerminationDate, tz),
    rosterTerminationReason: s(t.rosterTerminationReason), links: s(t.links), alias: s(t.alias),
    previousAddress: { province: null, postal: null, city: null, address: s(t.previousAddress) },
    children: s(t.children), sourceOfIncome: s(t.sourceOfIncome), citizenship: s(t.citizenship), sin: s(t.sin),
    anonymous: t.anonymous ?? null, spokenLanguage: s(t.spokenLanguage), title: s(t.title),
    officialLanguage: s(t.officialLanguage), countryOfOrigin: t.countryOfOrigin ?? null, newsletter: t.newsletter ?? null,
    middleNames: s(t.middleNames), gender: s(t.gender), pronoun: s(t.pronoun), genderId: t.genderId ?? null,
    pronounId: t.pronounId ?? null, cellPhone: s(t.cellPhone), phoneComment: t.phoneComment ?? null,
    lastUpdateUser: t.lastUpdateUser ?? null, lastUpdateDate: ms(t.lastUpdateDate, tz),
  } satisfies Partial<DemographicTo1>);
  return to;
}
