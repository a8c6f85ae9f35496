// The current OSCAR record an update starts from. REST PUT /demographics replaces the whole
// record and nulls what the body omits (contract 3.1), so the update must send everything OSCAR
// has. REST /demographics/basic/{id} carries the most, but fails with HTTP 500 for a patient whose
// birth date is partial (contract 7.23); then the record is rebuilt from SOAP.
import type { OscarClient } from '../../oscar/client.js';
import { OscarFaultError } from '../../oscar/errors.js';
import { parseXsDateTime } from '../../oscar/time.js';
import type { DemographicTo1, DemographicTransfer2 } from '../../oscar/types.js';
import { emptyDemographic } from './mapper.js';

export async function currentDemographic(oscar: OscarClient, id: number, timezone: string): Promise<DemographicTo1 | undefined> {
  try {
    return await oscar.getDemographicBasic(id);
  } catch (e) {
    if (!(e instanceof OscarFaultError && e.upstreamStatus === 500)) throw e;
  }
  const [t2, withExt] = await Promise.all([oscar.getDemographic2(id), oscar.getDemographicSoap(id)]);
  return t2 ? demographicTo1FromSoap({ ...t2, cellPhone: withExt?.cellPhone, phoneComment: withExt?.phoneComment }, timezone) : undefined;
}

function ms(v: string | undefined, tz: string): number | null {
  return v ? parseXsDateTime(v, tz) : null;
}

export function demographicTo1FromSoap(t: DemographicTransfer2, tz: string): DemographicTo1 {
  const to = emptyDemographic();
  const s = (v: string | undefined): string => v ?? '';
  Object.assign(to, {
    demographicNo: t.demographicNo ?? null,
    address: { address: s(t.address), city: s(t.city), province: s(t.province), postal: s(t.postal) },
    phone: s(t.phone), alternativePhone: s(t.phone2), patientStatus: s(t.patientStatus),
    patientStatusDate: ms(t.patientStatusDate, tz), rosterStatus: s(t.rosterStatus), providerNo: s(t.providerNo),
    hin: s(t.hin), ver: s(t.ver), dobYear: s(t.yearOfBirth), dobMonth: s(t.monthOfBirth), dobDay: s(t.dateOfBirth),
    sex: s(t.sex), dateJoined: ms(t.dateJoined, tz), familyDoctor: t.familyDoctor ?? null, firstName: s(t.firstName),
    lastName: s(t.lastName), hcRenewDate: ms(t.hcRenewDate, tz), pcnIndicator: t.pcnIndicator ?? null,
    endDate: ms(t.endDate, tz), hcType: s(t.hcType), chartNo: s(t.chartNo), email: s(t.email), effDate: ms(t.effDate, tz),
    rosterDate: ms(t.rosterDate, tz), rosterTerminationDate: ms(t.rosterTerminationDate, tz),
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
