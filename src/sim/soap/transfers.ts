// Store rows → OSCAR SOAP transfer objects, property by property as the Java toTransfer methods
// (mostly Spring BeanUtils.copyProperties from the entity) produce them (contract 4.5–4.11).
// Entity getters that turn null into "" are reproduced, because they decide whether an element
// is omitted (null) or written empty.

import { epochOfWallClock } from '../wall-clock.js';
import type {
  AllergyRow, AppointmentRow, CtlDocumentRow, DemographicRow, DocumentRow, PreventionRow, ProviderRow,
} from '../clinic/model.js';
import type { ClinicStore } from '../clinic/store.js';
import { instant } from './schema.js';
import type { WireObject, XsInstant } from './schema.js';

/** A DATE or DATETIME column as the java.util.Date Hibernate loads: local wall clock in the JVM zone. */
export function localInstant(local: string | null, tz: string, gmt = false): XsInstant | null {
  return local === null ? null : instant(epochOfWallClock(local, tz), gmt);
}

const emptyIfNull = (s: string | null): string => s ?? '';

/** `lst_gender` seed (oscardata.sql), joined case-insensitively by the SexDesc formula. */
const SEX_DESC: Readonly<Record<string, string>> = { M: 'Male', F: 'Female', X: 'Intersex', U: 'Undisclosed' };

function extValue(store: ClinicStore, demographicNo: number, key: string): string | null {
  return store.data.demographicExts.find((e) => e.demographicNo === demographicNo && e.key === key)?.value ?? null;
}

/**
 * DemographicTransfer(2). `withExt` = loaded through getDemographicWithExt, the only path that
 * fills cellPhone/phoneComment (contract 4.5). dateOfBirth is the DAY of month (contract 7.4).
 */
export function demographicTransfer(row: DemographicRow, store: ClinicStore, tz: string, opts: { withExt: boolean; v2: boolean }): WireObject {
  const d = (local: string | null): XsInstant | null => localInstant(local, tz);
  const base: Record<string, WireObject[string]> = {
    activeCount: 0, // formula over CAISI admissions; the simulated clinic has none
    address: row.address, alias: emptyIfNull(row.alias), anonymous: row.anonymous,
    cellPhone: opts.withExt ? extValue(store, row.demographicNo, 'demo_cell') : null,
    chartNo: emptyIfNull(row.chartNo), children: row.children, citizenship: row.citizenship, city: row.city,
    dateJoined: d(row.dateJoined), dateOfBirth: row.dateOfBirth, demographicNo: row.demographicNo,
    displayName: `${row.lastName}, ${row.firstName}`,
    effDate: d(row.effDate), email: row.email, endDate: d(row.endDate),
    familyDoctor: row.familyDoctor === null || row.familyDoctor.trim() === '' ? '' : row.familyDoctor,
    firstName: row.firstName, gender: emptyIfNull(row.gender), genderId: row.genderId,
    hcRenewDate: d(row.hcRenewDate), hcType: row.hcType, headRecord: null, hin: row.hin, hsAlertCount: 0,
    lastName: row.lastName, lastUpdateDate: d(row.lastUpdateDate), lastUpdateUser: row.lastUpdateUser, links: null,
    monthOfBirth: row.monthOfBirth, officialLanguage: row.officialLanguage, patientStatus: emptyIfNull(row.patientStatus),
    patientStatusDate: d(row.patientStatusDate), pcnIndicator: row.pcnIndicator,
    phone: emptyIfNull(row.phone), phone2: emptyIfNull(row.phone2),
    phoneComment: opts.withExt ? extValue(store, row.demographicNo, 'phoneComment') : null,
    postal: row.postal, previousAddress: row.previousAddress, pronoun: emptyIfNull(row.pronoun), pronounId: row.pronounId,
    providerNo: row.providerNo, province: row.province, rosterDate: d(row.rosterDate),
    rosterStatus: emptyIfNull(row.rosterStatus), rosterTerminationDate: d(row.rosterTerminationDate),
    rosterTerminationReason: row.rosterTerminationReason, sex: row.sex,
    sexDesc: SEX_DESC[row.sex.toUpperCase()] ?? '', sin: row.sin, sourceOfIncome: row.sourceOfIncome,
    spokenLanguage: row.spokenLanguage, title: row.title, ver: row.ver, yearOfBirth: row.yearOfBirth,
  };
  if (!opts.v2) return base;
  return {
    ...base,
    consentToUseEmailForCare: row.consentToUseEmailForCare, countryOfOrigin: row.countryOfOrigin,
    middleNames: row.middleNames, newsletter: row.newsletter, residentialAddress: row.residentialAddress,
    residentialCity: row.residentialCity, residentialPostal: row.residentialPostal,
    residentialProvince: row.residentialProvince, rosterEnrolledTo: row.rosterEnrolledTo,
  };
}

/** The properties DemographicTransfer(2).filter knows; DT2's own extras are not among them. */
const FILTERABLE = new Set([
  'demographicNo', 'address', 'city', 'province', 'postal', 'activeCount', 'alias', 'anonymous', 'chartNo',
  'children', 'citizenship', 'dateJoined', 'dateOfBirth', 'monthOfBirth', 'yearOfBirth', 'displayName', 'effDate',
  'endDate', 'email', 'familyDoctor', 'firstName', 'lastName', 'hcRenewDate', 'hcType', 'headRecord', 'hin',
  'hsAlertCount', 'lastUpdateDate', 'lastUpdateUser', 'links', 'officialLanguage', 'patientStatus',
  'patientStatusDate', 'pcnIndicator', 'phone', 'previousAddress', 'providerNo', 'rosterDate', 'rosterStatus',
  'rosterTerminationDate', 'rosterTerminationReason', 'sex', 'sexDesc', 'sin', 'sourceOfIncome', 'spokenLanguage',
  'title', 'ver',
]);

/** getActiveDemographicsAfter's `fields` projection: names are not trimmed, unknown ones are ignored. */
export function projectDemographic(full: WireObject, fields: readonly string[]): WireObject {
  const out: Record<string, WireObject[string]> = {};
  for (const f of fields) {
    if (f === 'phone2') out.phone = full.phone2; // contract 4.5: the filter copies phone2 into phone
    else if (FILTERABLE.has(f)) out[f] = full[f];
  }
  return out;
}

/**
 * AppointmentTransfer.toTransfer: start/end = appointment_date + start_time/end_time, the end
 * being the stored inclusive time with no adjustment (contract 4.6, 7.8); `type` "" when null.
 * Juno's transfer also carries isVirtual, confirmedAt and currentClinicTime (the server's "now",
 * never switched to GMT); the other lines' schemas do not list them, so they are not written.
 */
export function appointmentTransfer(row: AppointmentRow, tz: string, gmt: boolean, now: number): WireObject {
  return {
    isVirtual: false, confirmedAt: null, currentClinicTime: instant(now),
    appointmentEndDateTime: localInstant(`${row.appointmentDate}T${row.endTime}`, tz, gmt),
    appointmentStartDateTime: localInstant(`${row.appointmentDate}T${row.startTime}`, tz, gmt),
    billing: row.billing, bookingSource: row.bookingSource,
    createDateTime: localInstant(row.createDateTime, tz, gmt), creator: row.creator,
    demographicNo: row.demographicNo, id: row.appointmentNo, lastUpdateUser: row.lastUpdateUser,
    location: row.location, name: row.name, notes: row.notes, programId: row.programId, providerNo: row.providerNo,
    reason: row.reason, remarks: row.remarks, resources: row.resources, status: row.status, style: row.style,
    type: emptyIfNull(row.type), updateDateTime: localInstant(row.updateDateTime, tz, gmt), urgency: row.urgency,
  };
}

/** AllergyTransfer: there is no archived flag (contract 4.8). */
export function allergyTransfer(row: AllergyRow, tz: string): WireObject {
  return {
    agccs: row.agccs, agcsp: row.agcsp, ageOfOnset: row.ageOfOnset, demographicNo: row.demographicNo,
    description: row.description, entryDate: localInstant(row.entryDate, tz), hicSeqno: row.hicSeqno,
    hiclSeqno: row.hiclSeqno, id: row.allergyId, lastUpdateDate: localInstant(row.lastUpdateDate, tz),
    lifeStage: row.lifeStage, onsetOfReaction: row.onsetOfReaction, providerNo: row.providerNo,
    reaction: row.reaction, regionalIdentifier: row.regionalIdentifier, severityOfReaction: row.severityOfReaction,
    startDate: localInstant(row.startDate, tz), typeCode: row.typeCode,
  };
}

/** PreventionTransfer with all its preventionsExt rows; refused is true only for '1' (contract 4.9, 7.11). */
export function preventionTransfer(row: PreventionRow, store: ClinicStore, tz: string): WireObject {
  const exts = store.preventionExtsOf(row.id)
    .map((e) => ({ id: e.id, key: e.key, preventionId: e.preventionId, value: e.value }));
  return {
    creationDate: localInstant(row.creationDate, tz), creatorProviderNo: row.creator === null ? null : String(row.creator),
    deleted: row.deleted === '1', demographicId: row.demographicNo, id: row.id,
    lastUpdateDate: localInstant(row.lastUpdateDate, tz), never: row.never === '1', nextDate: localInstant(row.nextDate, tz),
    preventionDate: localInstant(row.preventionDate, tz), preventionExts: exts, preventionType: row.preventionType,
    providerNo: row.providerNo, refused: row.refused === '1',
  };
}

/** Where OSCAR would read the file: DOCUMENT_DIR + '/' + docfilename. */
export const DOCUMENT_DIR = '/var/lib/OscarDocument/oscar/document';

/** Document.getDocumentFileContentsAsBytes on a missing file (commons-io → Files.readAllBytes). */
export class MissingDocumentFile extends Error {
  constructor(readonly row: DocumentRow) {
    super(`java.nio.file.NoSuchFileException: ${DOCUMENT_DIR}/${row.docfilename}`);
  }
}

/** ctlDocumentDao.getCtrlDocument: the first ctl_document row of the document, whatever its module. */
export function ctlDocumentOf(store: ClinicStore, documentNo: number): CtlDocumentRow | undefined {
  return store.data.ctlDocuments.find((c) => c.documentNo === documentNo);
}

/** DocumentTransfer with the whole file inlined; status is the char code (65 'A', 68 'D') (contract 4.10). */
export function documentTransfer(row: DocumentRow, ctl: CtlDocumentRow | undefined, tz: string): WireObject {
  if (row.file === null) throw new MissingDocumentFile(row);
  return {
    appointmentNo: row.appointmentNo, contenttype: row.contenttype,
    ctlModule: ctl?.module ?? null, ctlModuleId: ctl?.moduleId ?? null, ctlStatus: ctl?.status ?? null,
    docClass: row.docClass, docSubClass: row.docSubClass, doccreator: row.doccreator, docdesc: row.docdesc,
    docfilename: row.docfilename, doctype: row.doctype, documentNo: row.documentNo, docxml: row.docxml,
    fileContents: row.file, numberofpages: row.numberOfPages, observationdate: localInstant(row.observationdate, tz),
    programId: row.programId, public1: row.public1, responsible: row.responsible,
    reviewdatetime: localInstant(row.reviewdatetime, tz), reviewer: row.reviewer, source: row.source,
    sourceFacility: row.sourceFacility, status: row.status.charCodeAt(0), updatedatetime: localInstant(row.updatedatetime, tz),
  };
}

/** ProviderTransfer; Provider's getters trim the names. */
export function providerTransfer(row: ProviderRow, tz: string): WireObject {
  return {
    address: row.address, billingNo: row.billingNo, comments: row.comments, dob: localInstant(row.dob, tz),
    email: row.email, firstName: row.firstName.trim(), hsoNo: row.hsoNo, lastName: row.lastName.trim(),
    ohipNo: row.ohipNo, phone: row.phone, practitionerNo: row.practitionerNo, practitionerNoType: row.practitionerNoType,
    providerActivity: row.providerActivity, providerNo: row.providerNo, providerType: row.providerType,
    rmaNo: row.rmaNo, sex: row.sex, signedConfidentiality: null, specialty: row.specialty, status: row.status,
    team: row.team, title: row.title, workPhone: row.workPhone,
  };
}
