// DemographicConverter.getAsTransferObject and friends (contract 3.7): DemographicTo1,
// ProviderTo1, DemographicExtTo1 and DemographicSearchResult with Jackson's key order and nulls.

import type { DemographicExtRow, DemographicRow, ProviderRow } from '../clinic/model.js';
import type { ClinicStore } from '../clinic/store.js';
import { ContainerError } from './errors.js';
import { ageOf, birthDateOf, buggyBirthDayMs, dateMs, dateTimeMs, isoDate } from './jackson.js';

/** The in-memory `Demographic` the converter reads: the row plus what Hibernate or the TO attached. */
export interface DemographicDomain {
  row: DemographicRow;
  /** lst_gender formula for loaded rows; the TO's value for objects built from a request. */
  sexDesc: string | null;
  /** demographicExt rows when the endpoint loaded them (null = not loaded). */
  extras: DemographicExtRow[] | null;
  cellPhone: string | null;
  phoneComment: string | null;
  provider: Record<string, unknown> | null;
  /**
   * The java.util.Date fields. Loaded rows give local midnight of the DATE column; an object built
   * from a request keeps the instants Jackson parsed (a POST/PUT answer does not show the day shift
   * the database got, contract 7.25).
   */
  dates: DemographicDates;
}

export const DEMOGRAPHIC_DATE_FIELDS = [
  'patientStatusDate', 'dateJoined', 'hcRenewDate', 'endDate', 'effDate', 'rosterDate', 'rosterTerminationDate', 'lastUpdateDate',
] as const;
export type DemographicDates = Record<(typeof DEMOGRAPHIC_DATE_FIELDS)[number], number | null>;

function rowDates(r: DemographicRow, tz: string): DemographicDates {
  return {
    patientStatusDate: dateMs(r.patientStatusDate, tz), dateJoined: dateMs(r.dateJoined, tz), hcRenewDate: dateMs(r.hcRenewDate, tz),
    endDate: dateMs(r.endDate, tz), effDate: dateMs(r.effDate, tz), rosterDate: dateMs(r.rosterDate, tz),
    rosterTerminationDate: dateMs(r.rosterTerminationDate, tz), lastUpdateDate: dateTimeMs(r.lastUpdateDate, tz),
  };
}

const SEX_DESCRIPTIONS: Readonly<Record<string, string>> = { M: 'Male', F: 'Female', X: 'Intersex', U: 'Undisclosed' };

export function providerTo1(p: ProviderRow, tz: string): Record<string, unknown> {
  return {
    providerNo: p.providerNo, lastName: p.lastName, firstName: p.firstName, name: `${p.lastName}, ${p.firstName}`,
    comments: p.comments, phone: p.phone, billingNo: p.billingNo, workPhone: p.workPhone,
    address: { province: null, postal: null, city: null, address: p.address ?? null },
    team: p.team, enabled: p.status === '1',
    providerType: p.providerActivity, // contract 3.7: bug, copied from provider_activity
    sex: p.sex === 'M' || p.sex === 'F' ? p.sex : null,
    ohipNo: p.ohipNo, specialty: p.specialty, dob: dateMs(p.dob, tz), hsoNo: p.hsoNo, providerActivity: p.providerActivity,
    rmaNo: p.rmaNo, signedConfidentiality: null, practitionerNo: p.practitionerNo, practitionerNoType: null,
    email: p.email, title: p.title, lastUpdateUser: p.lastUpdateUser, lastUpdateDate: dateTimeMs(p.lastUpdateDate, tz),
  };
}

export function demographicExtTo1(e: DemographicExtRow, tz: string): Record<string, unknown> {
  return {
    id: e.id, demographicNo: e.demographicNo, providerNo: e.providerNo, key: e.key, value: e.value,
    dateCreated: dateTimeMs(e.dateCreated, tz), hidden: e.hidden,
  };
}

export function extRowsOf(store: ClinicStore, demographicNo: number): DemographicExtRow[] {
  return store.data.demographicExts.filter((e) => e.demographicNo === demographicNo).sort((a, b) => a.id - b.id);
}

/** A demographic as Hibernate loads it; `withExtras` mirrors the endpoints that call setExtras. */
export function loadDemographic(store: ClinicStore, row: DemographicRow, withExtras: boolean): DemographicDomain {
  const extras = withExtras ? extRowsOf(store, row.demographicNo) : null;
  const ext = (key: string): string | null => extras?.find((e) => e.key === key)?.value ?? null;
  const mrp = row.providerNo ? store.provider(row.providerNo) : undefined;
  return {
    row, sexDesc: SEX_DESCRIPTIONS[row.sex] ?? '', extras,
    cellPhone: ext('demo_cell'), phoneComment: ext('phoneComment'),
    provider: mrp ? providerTo1(mrp, store.serverZone) : null, dates: rowDates(row, store.serverZone),
  };
}

/**
 * The converter output. Throws (→ 500) when the birth date is partial or non-numeric: the age
 * computation gets a null or unparsable calendar (contract 7.23).
 */
export function demographicTo1(d: DemographicDomain, store: ClinicStore): Record<string, unknown> {
  const tz = store.serverZone;
  const r = d.row;
  const dt = d.dates;
  const birth = birthDateOf(r.yearOfBirth, r.monthOfBirth, r.dateOfBirth);
  if (birth === null) throw new ContainerError('java.lang.IllegalArgumentException: The calendar must not be null');
  return {
    demographicNo: r.demographicNo,
    address: { province: r.province, postal: r.postal, city: r.city, address: r.address },
    phone: r.phone, alternativePhone: r.phone2, patientStatus: r.patientStatus,
    patientStatusDate: dt.patientStatusDate, rosterStatus: r.rosterStatus, providerNo: r.providerNo,
    hin: r.hin, ver: r.ver,
    dateOfBirth: buggyBirthDayMs(birth, tz), // contract 7.4
    dobYear: r.yearOfBirth, dobMonth: r.monthOfBirth, dobDay: r.dateOfBirth,
    sex: r.sex, sexDesc: d.sexDesc, dateJoined: dt.dateJoined, familyDoctor: r.familyDoctor,
    firstName: r.firstName, lastName: r.lastName, hcRenewDate: dt.hcRenewDate, pcnIndicator: r.pcnIndicator,
    endDate: dt.endDate, hcType: r.hcType, chartNo: r.chartNo, email: r.email, effDate: dt.effDate,
    rosterDate: dt.rosterDate, rosterTerminationDate: dt.rosterTerminationDate,
    rosterTerminationReason: r.rosterTerminationReason,
    links: r.rosterTerminationReason, // contract 3.7: bug, copies the termination reason
    alias: r.alias,
    previousAddress: { province: null, postal: null, city: null, address: r.previousAddress },
    children: r.children, sourceOfIncome: r.sourceOfIncome, citizenship: r.citizenship, sin: r.sin,
    anonymous: r.anonymous, spokenLanguage: r.spokenLanguage, activeCount: 0, hsAlertCount: 0, displayName: null,
    provider: d.provider, lastUpdateUser: r.lastUpdateUser, lastUpdateDate: dt.lastUpdateDate,
    title: r.title, officialLanguage: r.officialLanguage, countryOfOrigin: r.countryOfOrigin, newsletter: r.newsletter,
    nurse: null, resident: null, alert: null, midwife: null, notes: null,
    waitingListID: null, waitingListNote: null, onWaitingListSinceDate: null,
    age: ageOf(birth, store.now(), tz), admissionProgramId: null, middleNames: r.middleNames,
    gender: r.gender ?? '', pronoun: r.pronoun ?? '', genderId: r.genderId, pronounId: r.pronounId,
    cellPhone: d.cellPhone, phoneComment: d.phoneComment,
    demoContacts: [], demoContactPros: [],
    extras: d.extras ? d.extras.map((e) => demographicExtTo1(e, tz)) : [],
    doctors: [], nurses: [], midwives: [], referralDoctors: [], waitingListNames: [],
    patientStatusList: [], rosterStatusList: [], allergies: [], measurements: [], consultationRequests: [],
    consultationResponses: [], encounterNotes: [], documents: [], medicationSummary: [],
  };
}

/** DemographicSearchResult: `dob` here IS local midnight of the birth date (contract 3.7). */
export function searchResultOf(store: ClinicStore, r: DemographicRow): Record<string, unknown> {
  let dob: number | null = null;
  let formatted: string | null = null;
  try {
    const b = birthDateOf(r.yearOfBirth, r.monthOfBirth, r.dateOfBirth);
    if (b) { formatted = isoDate(b); dob = dateMs(formatted, store.serverZone); }
  } catch { /* built by SQL: partial dates simply have no dob */ }
  const mrp = r.providerNo ? store.provider(r.providerNo) : undefined;
  return {
    demographicNo: r.demographicNo, lastName: r.lastName, firstName: r.firstName, chartNo: r.chartNo, sex: r.sex,
    dob, providerNo: r.providerNo, providerName: mrp ? `${mrp.lastName},${mrp.firstName}` : null,
    rosterStatus: r.rosterStatus, patientStatus: r.patientStatus, phone: r.phone, hin: r.hin,
    remoteFacilityId: null, formattedDOB: formatted,
  };
}

/** DemographicManager.getRosterStatusList(): the distinct roster statuses in use. */
export function rosterStatusValues(store: ClinicStore): Array<{ value: string }> {
  const seen = new Set<string>();
  for (const d of store.data.demographics) if (d.rosterStatus) seen.add(d.rosterStatus);
  return [...seen].map((value) => ({ value }));
}
