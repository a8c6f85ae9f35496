// Juno's v1 transfer objects (variants §3 card H): DemographicTransferOutbound,
// DemographicListTransfer and ProviderTransfer, from the simulated rows, dates as ISO strings.
import type { DemographicRow, ProviderRow } from '../clinic/model.js';
import type { ClinicStore } from '../clinic/store.js';

/** LocalDate of a DATE or DATETIME column: its calendar day. */
const localDate = (v: string | null): string | null => (v ? v.slice(0, 10) : null);

const pad = (s: string | null): string => (s ?? '').padStart(2, '0');

/** Demographic.getDateOfBirth as a LocalDate: null unless year, month and day are all there. */
export function birthDate(d: DemographicRow): string | null {
  if (!d.yearOfBirth || !d.monthOfBirth || !d.dateOfBirth) return null;
  return `${d.yearOfBirth.padStart(4, '0')}-${pad(d.monthOfBirth)}-${pad(d.dateOfBirth)}`;
}

const ext = (store: ClinicStore, no: number, key: string): string | null =>
  store.data.demographicExts.find((e) => e.demographicNo === no && e.key === key)?.value ?? null;

export function demographicOutbound(d: DemographicRow, store: ClinicStore): Record<string, unknown> {
  return {
    firstName: d.firstName, lastName: d.lastName, title: d.title, sex: d.sex, hin: d.hin, sin: d.sin, hcType: d.hcType,
    hcVersion: d.ver, hcRenewDate: localDate(d.hcRenewDate), hcEffectiveDate: localDate(d.effDate),
    dateJoined: localDate(d.dateJoined), endDate: localDate(d.endDate), dateOfBirth: birthDate(d),
    patientStatus: d.patientStatus, patientStatusDate: localDate(d.patientStatusDate), veteranNo: null, email: d.email,
    address: d.address, city: d.city, postal: d.postal, province: d.province, previousAddress: d.previousAddress,
    primaryPhone: d.phone, secondaryPhone: d.phone2, cellPhone: ext(store, d.demographicNo, 'demo_cell'),
    pcnIndicator: d.pcnIndicator, rosterStatus: d.rosterStatus, rosterTerminationReason: d.rosterTerminationReason,
    rosterDate: localDate(d.rosterDate), rosterTerminationDate: localDate(d.rosterTerminationDate), providerNo: d.providerNo,
    resident: null, nurse: null, midwife: null, referralDoctorName: null, referralDoctorNo: null,
    familyDoctorName: null, familyDoctorNo: null, chartNo: d.chartNo, alias: d.alias, children: d.children,
    sourceOfIncome: d.sourceOfIncome, citizenship: d.citizenship, countryOfOrigin: d.countryOfOrigin,
    spokenLanguage: d.spokenLanguage, officialLanguage: d.officialLanguage, newsletter: d.newsletter,
    anonymous: d.anonymous, notes: null, alert: null,
    demographicNo: d.demographicNo, lastUpdateDate: localDate(d.lastUpdateDate),
  };
}

export function demographicListItem(d: DemographicRow): Record<string, unknown> {
  return {
    demographicNo: d.demographicNo, firstName: d.firstName, lastName: d.lastName, sex: d.sex, hin: d.hin,
    dateOfBirth: birthDate(d), patientStatus: d.patientStatus, providerNo: d.providerNo, chartNo: d.chartNo,
  };
}

export function providerTransfer(p: ProviderRow): Record<string, unknown> {
  return {
    providerNo: p.providerNo, firstName: p.firstName, lastName: p.lastName, providerType: p.providerType,
    specialty: p.specialty, sex: p.sex, dob: localDate(p.dob), address: p.address, phone: p.phone, workPhone: p.workPhone,
    email: p.email, ohipNo: p.ohipNo, billingNo: p.billingNo, practitionerNo: p.practitionerNo, status: p.status,
  };
}
