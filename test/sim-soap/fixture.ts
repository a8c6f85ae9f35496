// A small clinic for the SOAP simulator tests, plus an express app that mounts the router the way
// the simulator server does (`express.raw` first, then `${contextPath}/ws`), on an ephemeral port.
// The rows echo samples §1 and §4 (patient 1001 JANE DOE, provider 999998, security 128 "oscardoc").

import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { ClinicStore } from '../../src/sim/clinic/store.js';
import type {
  AppointmentRow, ClinicData, DemographicRow, DocumentRow, PreventionRow, ProviderRow,
} from '../../src/sim/clinic/model.js';
import { DEFAULT_DEPLOYMENT, demoCredentials } from '../../src/sim/options.js';
import type { SimOptions } from '../../src/sim/options.js';
import { createSoapRouter } from '../../src/sim/soap/index.js';

export const TZ = 'America/Toronto';
export const PDF = Buffer.from('%PDF-1.4\n%', 'latin1');

function provider(providerNo: string, lastName: string, firstName: string, providerType: string): ProviderRow {
  return {
    providerNo, lastName, firstName, providerType, specialty: '', team: '', sex: 'M', dob: '1970-01-01', address: '',
    phone: '', workPhone: '', email: '', ohipNo: '', rmaNo: '', billingNo: '', hsoNo: '', status: '1', comments: '',
    providerActivity: '', practitionerNo: '', practitionerNoType: null, title: '', lastUpdateUser: '999998',
    lastUpdateDate: '2020-01-01T00:00:00',
  };
}

function demographic(over: Partial<DemographicRow> & Pick<DemographicRow, 'demographicNo' | 'lastName' | 'firstName'>): DemographicRow {
  return {
    title: null, middleNames: null, alias: null, sex: 'F', gender: null, pronoun: null, yearOfBirth: null,
    monthOfBirth: null, dateOfBirth: null, address: null, city: null, province: null, postal: null,
    residentialAddress: null, residentialCity: null, residentialProvince: null, residentialPostal: null, phone: null,
    phone2: null, email: null, consentToUseEmailForCare: null, hin: null, ver: null, hcType: null, hcRenewDate: null,
    effDate: null, rosterStatus: null, rosterDate: null, rosterTerminationDate: null, rosterTerminationReason: null,
    rosterEnrolledTo: null, patientStatus: 'AC', patientStatusDate: null, dateJoined: null, endDate: null, chartNo: null,
    providerNo: null, familyDoctor: null, officialLanguage: null, spokenLanguage: null, countryOfOrigin: null,
    newsletter: null, pcnIndicator: null, previousAddress: null, children: null, sourceOfIncome: null,
    citizenship: null, sin: null, anonymous: null, genderId: null, pronounId: null, lastUpdateUser: '999998',
    lastUpdateDate: '2024-01-01T00:00:00', ...over,
  };
}

function appointment(over: Partial<AppointmentRow> & Pick<AppointmentRow, 'appointmentNo' | 'appointmentDate' | 'startTime' | 'endTime'>): AppointmentRow {
  return {
    providerNo: '999998', name: 'DOE,JANE', demographicNo: 1001, programId: 0, notes: '', reason: 'Follow-up',
    reasonCode: null, location: '', resources: '', type: null, style: null, billing: null, status: 't',
    importedStatus: null, createDateTime: '2024-03-01T08:00:00', updateDateTime: '2024-03-01T08:00:00',
    creator: 'oscardoc', lastUpdateUser: '999998', remarks: '', urgency: null, creatorSecurityId: 128,
    bookingSource: null, ...over,
  };
}

function prevention(over: Partial<PreventionRow> & Pick<PreventionRow, 'id'>): PreventionRow {
  return {
    demographicNo: 1001, creationDate: '2023-10-11T09:41:07', preventionDate: '2023-10-11T00:00:00', providerNo: '999998',
    providerName: null, preventionType: 'Flu', deleted: '0', refused: '0', nextDate: null, never: '0', creator: 999998,
    lastUpdateDate: '2023-10-11T09:41:07', snomedId: null, ...over,
  };
}

function document(over: Partial<DocumentRow> & Pick<DocumentRow, 'documentNo'>): DocumentRow {
  return {
    doctype: 'lab', docClass: '', docSubClass: '', docdesc: 'CBC results', docxml: '', docfilename: '20240312101500_cbc.pdf',
    doccreator: '999998', responsible: '999998', source: '', sourceFacility: '', programId: 10034,
    updatedatetime: '2024-03-12T10:15:00', status: 'A', contenttype: 'application/pdf', contentdatetime: null, public1: 0,
    observationdate: '2024-03-11', reviewer: '', reviewdatetime: null, numberOfPages: 1, appointmentNo: -1, file: PDF, ...over,
  };
}

export function clinicData(): ClinicData {
  return {
    timezone: TZ,
    providers: [provider('999998', 'oscardoc', 'doctor', 'doctor'), provider('999997', 'nurse', 'nancy', 'nurse'),
      provider('999996', 'consenting', 'carl', 'doctor')],
    security: [
      { securityNo: 128, userName: 'oscardoc', password: 'mac2002', providerNo: '999998', expireDate: '2100-01-01' },
      { securityNo: 129, userName: 'oldnurse', password: 'nursepw', providerNo: '999997', expireDate: '2020-01-01' },
      { securityNo: 131, userName: 'consentdoc', password: 'pw131', providerNo: '999996', expireDate: null },
    ],
    demographics: [
      demographic({
        demographicNo: 1001, title: 'MS', lastName: 'DOE', firstName: 'JANE', alias: '', yearOfBirth: '1980', monthOfBirth: '01',
        dateOfBirth: '17', address: '123 Main St', city: 'Toronto', province: 'ON', postal: 'M5V1A1', phone: '416-555-0100',
        phone2: '', email: 'jane.doe@example.org', hin: '9876543217', ver: 'AB', hcType: 'ON', hcRenewDate: '2026-01-17',
        effDate: '2019-03-01', rosterStatus: 'RO', rosterDate: '2019-03-01', rosterTerminationReason: '',
        patientStatusDate: '2020-01-15', dateJoined: '2019-03-01', chartNo: 'C-1001', providerNo: '999998',
        familyDoctor: '<rdohip></rdohip><rd></rd>', officialLanguage: 'English', spokenLanguage: 'English',
        previousAddress: '', children: '', sourceOfIncome: '', citizenship: '', sin: '', lastUpdateDate: '2024-03-08T10:00:00',
        middleNames: 'Q', residentialCity: 'Toronto',
      }),
      demographic({
        demographicNo: 1002, lastName: 'SMITH', firstName: 'JOHN', sex: 'M', yearOfBirth: '1975', monthOfBirth: '', dateOfBirth: '',
        patientStatus: 'IN', phone: '905-555-0111', lastUpdateDate: '2024-03-09T12:00:00',
      }),
      demographic({ demographicNo: 1003, lastName: 'DOERING', firstName: 'ANNA', city: 'Ottawa', lastUpdateDate: '2024-03-12T08:30:00', phone2: '613-555-0123' }),
    ],
    demographicExts: [
      { id: 1, demographicNo: 1001, providerNo: '999998', key: 'demo_cell', value: '647-555-0199', dateCreated: '2019-03-01T00:00:00', hidden: false },
    ],
    appointments: [
      appointment({ appointmentNo: 501, appointmentDate: '2024-03-09', startTime: '09:00:00', endTime: '09:14:00', updateDateTime: '2024-03-05T09:00:00' }),
      appointment({ appointmentNo: 502, appointmentDate: '2024-03-11', startTime: '09:00:00', endTime: '09:14:00', updateDateTime: '2024-03-06T09:00:00' }),
      appointment({ appointmentNo: 503, appointmentDate: '2024-03-11', startTime: '10:00:00', endTime: '10:29:00', demographicNo: 1002, status: 'C', name: 'SMITH,JOHN' }),
    ],
    scheduleTemplates: [], scheduleTemplateCodes: [], scheduleDates: [], scheduleHolidays: [], appointmentTypes: [],
    appointmentStatuses: [],
    allergies: [
      {
        allergyId: 7, demographicNo: 1001, entryDate: '2021-06-01', description: 'PENICILLIN G', hiclSeqno: null, hicSeqno: null,
        agcsp: null, agccs: null, typeCode: 13, reaction: 'Hives', drugrefId: null, archived: false, startDate: '2015-04-01',
        ageOfOnset: '0', severityOfReaction: '2', onsetOfReaction: '1', regionalIdentifier: '', lifeStage: 'A', position: 0,
        lastUpdateDate: '2021-06-01T10:15:42', providerNo: '999998',
      },
      {
        allergyId: 8, demographicNo: 1001, entryDate: '2022-02-10', description: 'PEANUTS', hiclSeqno: null, hicSeqno: null,
        agcsp: null, agccs: null, typeCode: 0, reaction: 'Anaphylaxis', drugrefId: null, archived: true, startDate: null,
        ageOfOnset: '0', severityOfReaction: '3', onsetOfReaction: '1', regionalIdentifier: null, lifeStage: '', position: 0,
        lastUpdateDate: '2022-02-10T14:02:11', providerNo: '999998',
      },
    ],
    preventions: [
      prevention({ id: 42 }),
      prevention({ id: 43, deleted: '1', lastUpdateDate: '2023-10-12T09:00:00' }),
      prevention({ id: 44, refused: '1', preventionType: 'MMR' }),
      prevention({ id: 45, refused: '2', preventionType: 'HepB' }),
    ],
    preventionExts: [
      { id: 900, preventionId: 42, key: 'lot', value: 'AB1234' },
      { id: 901, preventionId: 42, key: 'route', value: 'IM' },
    ],
    documents: [
      document({ documentNo: 300 }),
      document({ documentNo: 301, status: 'D', docdesc: 'Old letter', updatedatetime: '2024-03-13T10:00:00' }),
      document({ documentNo: 302, doctype: 'handout', docdesc: 'Clinic handout', updatedatetime: '2024-03-14T10:00:00' }),
      document({ documentNo: 303, docdesc: 'Lost scan', docfilename: 'lost.pdf', file: null }),
    ],
    ctlDocuments: [
      { module: 'demographic', moduleId: 1001, documentNo: 300, status: 'A' },
      { module: 'demographic', moduleId: 1001, documentNo: 301, status: 'A' },
      { module: 'provider', moduleId: 999998, documentNo: 302, status: 'A' },
      { module: 'demographic', moduleId: 1001, documentNo: 303, status: 'A' },
    ],
    consentTypes: [{ id: 5, type: 'provider_consent_filter', name: 'Share with Dr Consenting', providerNo: '999996', active: true }],
    consents: [{ demographicNo: 1001, consentTypeId: 5, consented: true }, { demographicNo: 1002, consentTypeId: 5, consented: false }],
    oauthClients: [], oauthRequestTokens: [], oauthAccessTokens: [],
  };
}

export interface RunningSim { base: string; ws: string; store: ClinicStore; close(): Promise<void> }

/** Starts the router on 127.0.0.1:0 behind `express.raw`, mounted at /oscar/ws. */
export async function startSim(data: ClinicData = clinicData()): Promise<RunningSim> {
  const store = new ClinicStore(data, 1_710_246_000_000);
  const opts: SimOptions = { contextPath: '/oscar', timezone: TZ, serverTimezone: TZ, variant: 'openo', ...DEFAULT_DEPLOYMENT, credentials: demoCredentials({}) };
  const app = express();
  app.use(express.raw({ type: () => true }));
  app.use('/oscar/ws', createSoapRouter(store, opts));
  app.use((_req, res) => { res.status(404).end('not the SOAP router'); });
  const server: Server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    base, ws: `${base}/oscar/ws`, store,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
export const PASSWORD_TEXT = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';

/** A hand-written WS-Security header (the shape of samples §4). */
export function usernameToken(user: string, password: string, extra = '', passwordAttrs = `Type="${PASSWORD_TEXT}"`): string {
  return `<wsse:Security xmlns:wsse="${WSSE}" soapenv:mustUnderstand="1"><wsse:UsernameToken>`
    + `<wsse:Username>${user}</wsse:Username><wsse:Password ${passwordAttrs}>${password}</wsse:Password>${extra}`
    + '</wsse:UsernameToken></wsse:Security>';
}

export function envelope(body: string, header = ''): string {
  return '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ws="http://ws.oscarehr.org/">'
    + (header ? `<soapenv:Header>${header}</soapenv:Header>` : '') + `<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
}

export interface RawResult { status: number; contentType: string | null; contentEncoding: string | null; body: string; ms: number }

/** POSTs an envelope with fetch; `identity` encoding unless gzip is asked for, so the wire body is visible. */
export async function post(url: string, xml: string, headers: Record<string, string> = {}): Promise<RawResult> {
  const t0 = performance.now();
  const res = await fetch(url, {
    method: 'POST', body: xml,
    headers: { 'Content-Type': 'text/xml; charset=UTF-8', SOAPAction: '""', 'Accept-Encoding': 'identity', ...headers },
  });
  const body = await res.text();
  return {
    status: res.status, contentType: res.headers.get('content-type'), contentEncoding: res.headers.get('content-encoding'),
    body, ms: performance.now() - t0,
  };
}

export const SECURITY_FAULT_BODY = '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode xmlns:ns1="http://ws.apache.org/wss4j">ns1:SecurityError</faultcode><faultstring>A security error was encountered when verifying the message</faultstring></soap:Fault></soap:Body></soap:Envelope>';
