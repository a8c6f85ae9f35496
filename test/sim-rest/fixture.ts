// A small clinic reproducing the patient, provider and tokens of samples §1–§3 and §10,
// plus a few extra rows for the awkward cases. Fresh per call: tests mutate it.
import { createHmac } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import OAuth from 'oauth-1.0a';
import type { ClinicData, DemographicRow, ProviderRow } from '../../src/sim/clinic/model.js';
import { ClinicStore } from '../../src/sim/clinic/store.js';
import { DEFAULT_DEPLOYMENT, type SimOptions } from '../../src/sim/options.js';
import { createOAuthRouter } from '../../src/sim/oauth/index.js';
import { createRestRouter } from '../../src/sim/rest/index.js';

const TZ = 'America/Toronto';
export const CONSUMER = { key: 'k3y0s1d2e4f5g6h7', secret: 's3cr3t0a1b2c3d4e' };
export const ACCESS = { key: '0f8fad5b-d9cb-469f-a165-70867728950e', secret: '7c9e6679-7425-40de-944b-e07fc1f90ae7' };
/** The sample's clock: oauth_timestamp 1710520000 = 2024-03-15T16:26:40Z. */
export const SAMPLE_NOW = 1_710_520_000_000;

function provider(over: Partial<ProviderRow>): ProviderRow {
  return {
    providerNo: '999998', lastName: 'oscardoc', firstName: 'doctor', providerType: 'doctor', specialty: '', team: '',
    sex: 'M', dob: null, address: null as unknown as string, // the sample's provider has a NULL address
    phone: '', workPhone: '', email: null, ohipNo: '', rmaNo: null, billingNo: '', hsoNo: null, status: '1',
    comments: null, providerActivity: null, practitionerNo: null, practitionerNoType: null, title: null,
    lastUpdateUser: '999998', lastUpdateDate: '2023-11-14T17:13:20', ...over,
  };
}

export function patient(over: Partial<DemographicRow>): DemographicRow {
  return {
    demographicNo: 1001, title: 'MS', lastName: 'DOE', firstName: 'JANE', middleNames: '', alias: '', sex: 'F',
    gender: null, pronoun: null, yearOfBirth: '1980', monthOfBirth: '01', dateOfBirth: '17',
    address: '123 Main St', city: 'Toronto', province: 'ON', postal: 'M5V1A1',
    residentialAddress: '9 Home Rd', residentialCity: 'Toronto', residentialProvince: 'ON', residentialPostal: 'M4M4M4',
    phone: '416-555-0100', phone2: '', email: 'jane.doe@example.org', consentToUseEmailForCare: true,
    hin: '9876543217', ver: 'AB', hcType: 'ON', hcRenewDate: '2026-01-17', effDate: '2019-03-01', rosterStatus: 'RO',
    rosterDate: '2019-03-01', rosterTerminationDate: null, rosterTerminationReason: '', rosterEnrolledTo: null,
    patientStatus: 'AC', patientStatusDate: '2020-01-15', dateJoined: '2019-03-01', endDate: null, chartNo: 'C-1001',
    providerNo: '999998', familyDoctor: '<rdohip></rdohip><rd></rd>', officialLanguage: 'English',
    spokenLanguage: 'English', countryOfOrigin: '-1', newsletter: 'Unknown', pcnIndicator: null, previousAddress: '',
    children: '', sourceOfIncome: '', citizenship: '', sin: '', anonymous: null, genderId: null, pronounId: null,
    lastUpdateUser: '999998', lastUpdateDate: '2024-03-08T10:00:00', ...over,
  };
}

export function clinicData(): ClinicData {
  const smiths = Array.from({ length: 12 }, (_, i) => patient({
    demographicNo: 2001 + i, lastName: 'SMITH', firstName: `PAT${String(i).padStart(2, '0')}`, chartNo: `S-${i}`,
    rosterStatus: 'NR', hin: `11111111${String(i).padStart(2, '0')}`,
  }));
  return {
    timezone: TZ,
    providers: [provider({}), provider({ providerNo: '100200', lastName: 'gone', firstName: 'doctor', status: '0' })],
    security: [
      { securityNo: 128, userName: 'oscardoc', password: 'mac2002', providerNo: '999998', expireDate: null },
      { securityNo: 129, userName: 'olddoc', password: 'pw', providerNo: '100200', expireDate: null },
    ],
    demographics: [
      patient({}),
      // contract 7.23: a partial birth date
      patient({ demographicNo: 1002, lastName: 'PARTIAL', firstName: 'PAT', yearOfBirth: '1975', monthOfBirth: '', dateOfBirth: '', chartNo: 'C-1002' }),
      patient({ demographicNo: 1003, lastName: 'DOE', firstName: 'JOHN', rosterStatus: 'NR', chartNo: 'C-1003' }),
      ...smiths,
      patient({ demographicNo: 2100, lastName: 'SMITH', firstName: 'INACTIVE', patientStatus: 'IN', rosterStatus: 'NR' }),
    ],
    demographicExts: [
      { id: 55, demographicNo: 1001, providerNo: '999998', key: 'demo_cell', value: '647-555-0199', dateCreated: '2024-03-08T10:00:00', hidden: false },
    ],
    appointments: [
      {
        appointmentNo: 555, providerNo: '999998', appointmentDate: '2024-03-12', startTime: '09:00:00', endTime: '09:14:00',
        name: 'DOE, JANE', demographicNo: 1001, programId: 0, notes: '', reason: 'Follow-up BP', reasonCode: 17, location: '',
        resources: '', type: null, style: null, billing: null, status: 't', importedStatus: null,
        createDateTime: '2024-03-08T07:13:20', updateDateTime: '2024-03-08T07:13:20', creator: '999998',
        lastUpdateUser: '999998', remarks: '', urgency: '', creatorSecurityId: null, bookingSource: null,
      },
      {
        appointmentNo: 550, providerNo: '999998', appointmentDate: '2024-02-01', startTime: '10:00:00', endTime: '10:14:00',
        name: 'DOE, JANE', demographicNo: 1001, programId: 0, notes: '', reason: 'deleted', reasonCode: null, location: '',
        resources: '', type: null, style: null, billing: null, status: 'D', importedStatus: null,
        createDateTime: '2024-01-23T03:53:20', updateDateTime: '2024-01-23T03:53:20', creator: '999998',
        lastUpdateUser: '999998', remarks: '', urgency: '', creatorSecurityId: null, bookingSource: null,
      },
      {
        appointmentNo: 554, providerNo: '999998', appointmentDate: '2024-03-12', startTime: '09:30:00', endTime: '09:44:00',
        name: 'DOE, JOHN', demographicNo: 1003, programId: 0, notes: '', reason: 'cancelled', reasonCode: null, location: '',
        resources: '', type: null, style: null, billing: null, status: 'C', importedStatus: null,
        createDateTime: '2024-03-08T07:13:20', updateDateTime: '2024-03-08T07:13:20', creator: '999998',
        lastUpdateUser: '999998', remarks: '', urgency: '', creatorSecurityId: null, bookingSource: null,
      },
    ],
    scheduleTemplates: [], scheduleTemplateCodes: [], scheduleDates: [], scheduleHolidays: [], appointmentTypes: [],
    appointmentStatuses: [
      { id: 1, status: 't', description: 'To Do', color: '#FDFEC7', icon: 'starbill.gif', active: 1, editable: 0, shortLetters: 'T', shortLetterColour: 0 },
      { id: 2, status: 'H', description: 'Here', color: '#00EE00', icon: 'here.gif', active: 1, editable: 0, shortLetters: 'H', shortLetterColour: 0 },
    ],
    allergies: [
      {
        allergyId: 7, demographicNo: 1001, entryDate: '2021-06-01', description: 'PENICILLIN G', hiclSeqno: null, hicSeqno: null,
        agcsp: null, agccs: null, typeCode: 13, reaction: 'Hives', drugrefId: '12345', archived: false, startDate: '2015-04-01',
        ageOfOnset: '0', severityOfReaction: '2', onsetOfReaction: '1', regionalIdentifier: '', lifeStage: 'A', position: 0,
        lastUpdateDate: '2021-06-01T10:15:42', providerNo: '999998',
      },
      {
        allergyId: 8, demographicNo: 1001, entryDate: '2020-01-01', description: 'ASPIRIN', hiclSeqno: null, hicSeqno: null,
        agcsp: null, agccs: null, typeCode: 0, reaction: 'Rash', drugrefId: null, archived: true, startDate: null,
        ageOfOnset: null, severityOfReaction: null, onsetOfReaction: null, regionalIdentifier: null, lifeStage: null, position: 0,
        lastUpdateDate: '2020-09-13T08:26:40', providerNo: '999998',
      },
      {
        allergyId: 9, demographicNo: 1003, entryDate: '2020-01-01', description: 'PEANUTS', hiclSeqno: null, hicSeqno: null,
        agcsp: null, agccs: null, typeCode: 0, reaction: '', drugrefId: null, archived: false, startDate: null,
        ageOfOnset: null, severityOfReaction: null, onsetOfReaction: null, regionalIdentifier: null, lifeStage: null, position: 0,
        lastUpdateDate: '2020-09-13T08:26:40', providerNo: '999998',
      },
      {
        allergyId: 10, demographicNo: 1003, entryDate: '2020-01-01', description: 'CODEINE', hiclSeqno: null, hicSeqno: null,
        agcsp: null, agccs: null, typeCode: 0, reaction: 'Nausea', drugrefId: null, archived: false, startDate: null,
        ageOfOnset: null, severityOfReaction: null, onsetOfReaction: null, regionalIdentifier: null, lifeStage: null, position: 0,
        lastUpdateDate: '2020-09-13T08:26:40', providerNo: '999998',
      },
    ],
    preventions: [
      {
        id: 42, demographicNo: 1001, creationDate: '2023-10-11T09:00:00', preventionDate: '2023-10-11T00:00:00',
        providerNo: '999998', providerName: null, preventionType: 'Flu', deleted: '0', refused: '2', nextDate: null,
        never: '1', creator: 999998, lastUpdateDate: '2023-10-11T09:00:00', snomedId: '46233009',
      },
      {
        id: 41, demographicNo: 1001, creationDate: '2022-10-01T09:00:00', preventionDate: '2022-10-01T00:00:00',
        providerNo: '999998', providerName: null, preventionType: 'Flu', deleted: '0', refused: '0', nextDate: null,
        never: '0', creator: 999998, lastUpdateDate: '2022-10-01T09:00:00', snomedId: '46233009',
      },
      {
        id: 43, demographicNo: 1001, creationDate: '2024-01-05T09:00:00', preventionDate: '2024-01-05T00:00:00',
        providerNo: '999998', providerName: null, preventionType: 'Flu', deleted: '1', refused: '0', nextDate: null,
        never: '0', creator: 999998, lastUpdateDate: '2024-01-05T09:00:00', snomedId: '46233009',
      },
      {
        id: 44, demographicNo: 1001, creationDate: '2023-05-01T09:00:00', preventionDate: '2023-05-01T00:00:00',
        providerNo: '999998', providerName: null, preventionType: 'PAP', deleted: '0', refused: '0', nextDate: '2026-05-01',
        never: '0', creator: 999998, lastUpdateDate: '2023-05-01T09:00:00', snomedId: null,
      },
    ],
    preventionExts: [],
    documents: [],
    ctlDocuments: [],
    consentTypes: [],
    consents: [],
    oauthClients: [{ id: 1, name: 'Facade <Test>', key: CONSUMER.key, secret: CONSUMER.secret, uri: 'https://facade.example.org' }],
    oauthRequestTokens: [],
    oauthAccessTokens: [{ clientId: 1, token: ACCESS.key, secret: ACCESS.secret, providerNo: '999998', scopes: 'patient/*.read', issued: 1_710_000_000 }],
  };
}

export const OPTS: SimOptions = {
  contextPath: '/oscar', timezone: TZ, serverTimezone: TZ, variant: 'openo', ...DEFAULT_DEPLOYMENT,
  credentials: {
    consumerKey: CONSUMER.key, consumerSecret: CONSUMER.secret, accessToken: ACCESS.key, accessTokenSecret: ACCESS.secret,
    soapUserName: 'oscardoc', soapPassword: 'mac2002', securityNo: 128, providerNo: '999998',
  },
};

export interface Sim { store: ClinicStore; port: number; origin: string; close(): Promise<void> }

/** Our routers on an Express app laid out like the simulator's (raw body first), on port 0. */
export async function startSim(now = SAMPLE_NOW): Promise<Sim> {
  const store = new ClinicStore(clinicData());
  store.now = () => now;
  const app = express();
  app.use(express.raw({ type: () => true }));
  app.use('/oscar/ws/services', createRestRouter(store, OPTS));
  app.use('/oscar', createOAuthRouter(store, OPTS));
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    store, port, origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export interface HttpResult { status: number; headers: IncomingHttpHeaders; body: string }

/** A plain HTTP/1.1 request (node:http lets us choose the Host header, unlike fetch). */
export function http(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** The independent client: the oauth-1.0a package, with a chosen clock. */
export function oauthClient(nowSeconds: number, consumer = CONSUMER): OAuth {
  const oauth = new OAuth({
    consumer, signature_method: 'HMAC-SHA1',
    hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
  });
  oauth.getTimeStamp = () => nowSeconds;
  return oauth;
}

/** An Authorization header for `url` (the URL the server sees), signing `data` as extra parameters. */
export function authHeader(opts: {
  url: string; method: string; nowSeconds?: number; token?: { key: string; secret: string } | null;
  data?: Record<string, string>; extraOAuth?: Record<string, string>; consumer?: { key: string; secret: string }; nonce?: string;
}): string {
  const oauth = oauthClient(opts.nowSeconds ?? Math.floor(SAMPLE_NOW / 1000), opts.consumer);
  const nonce = opts.nonce;
  if (nonce !== undefined) oauth.getNonce = () => nonce;
  const token = opts.token === undefined ? ACCESS : opts.token;
  const auth = oauth.authorize({ url: opts.url, method: opts.method, data: { ...opts.data, ...opts.extraOAuth } }, token ?? undefined);
  return oauth.toHeader({ ...auth, ...opts.extraOAuth }).Authorization;
}

/** A GET/POST to the REST API signed with the demo access token. */
export async function signed(sim: Sim, method: string, path: string, opts: {
  body?: string; contentType?: string; accept?: string; nowSeconds?: number; token?: { key: string; secret: string } | null;
} = {}): Promise<HttpResult> {
  const url = `${sim.origin}${path}`;
  const headers: Record<string, string> = {
    authorization: authHeader({ url, method, nowSeconds: opts.nowSeconds, token: opts.token }),
    accept: opts.accept ?? 'application/json',
  };
  if (opts.contentType) headers['content-type'] = opts.contentType;
  return http(sim.port, method, path, headers, opts.body);
}

export function cookieOf(r: HttpResult): string {
  const set = r.headers['set-cookie'] ?? [];
  // a login answers two: the session the filter created, then the one that replaced it; browsers keep the last
  const c = set.map((s) => s.split(';')[0] ?? '').filter((s) => s.startsWith('JSESSIONID=')).pop();
  if (!c) throw new Error('no JSESSIONID cookie');
  return c;
}
