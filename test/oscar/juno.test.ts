// Juno's own calls (variants §3 H): the SOAP demographic writes, HIN lookup and cancel (contract
// 4.13), and the integrator REST at /ws/services/v1 with its RestResponse envelope and ISO dates
// (contract 3.10). Fake servers: the simulator's Juno variant is not there yet.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OscarClient } from '../../src/oscar/client.js';
import { OscarFaultError } from '../../src/oscar/errors.js';
import { sendJson, startFake } from './fake-http.js';
import type { FakeHandler, FakeServer, SeenRequest } from './fake-http.js';
import { FakeSoapOscar } from './fake-soap.js';
import { verifyOAuth } from './oauth-verify.js';

const CREDS = { consumerKey: 'k3y0s1d2e4f5g6h7', consumerSecret: 's3cr3t0a1b2c3d4e', token: '0f8fad5b-d9cb-469f-a165-70867728950e', tokenSecret: '7c9e6679-7425-40de-944b-e07fc1f90ae7' };
const HEADERS = { buildDate: '2022-02-08', buildTag: 'juno' };
const ok = (body: unknown, extra: Record<string, unknown> = {}): unknown => ({ headers: { ...HEADERS, ...extra }, body, error: null, status: 'SUCCESS' });
const refused = (message: string, data: Record<string, unknown> = {}): unknown => ({ headers: HEADERS, body: null, error: { message, data: null, ...data }, status: 'ERROR' });

const JANE = {
  demographicNo: 1001, lastUpdateDate: '2024-03-08', firstName: 'JANE', lastName: 'DOE', title: null, sex: 'F', hin: '9876543217',
  hcType: 'ON', hcVersion: 'AB', dateJoined: '2019-03-01', dateOfBirth: '1980-01-17', patientStatus: 'AC', primaryPhone: '416-555-0100',
};

describe('Juno integrator REST /ws/services/v1', () => {
  let server: FakeServer;
  let handler: FakeHandler = (_req, res) => { res.writeHead(500).end(); };
  let seen: SeenRequest | undefined;
  let client: OscarClient;

  before(async () => {
    server = await startFake((req, res) => { seen = req; return handler(req, res); });
    client = new OscarClient({ baseUrl: server.base, timezone: 'America/Toronto', oauth: CREDS, soap: { userName: 'u', password: 'p' }, retries: 0, timeoutMs: 2000 });
  });
  after(async () => { client.close(); await server.close(); });

  const signed = (req: SeenRequest): boolean => verifyOAuth(req, `http://127.0.0.1:${server.port}`, CREDS);

  it('reads a demographic: signed GET, the RestResponse body returned with its ISO dates as sent', async () => {
    handler = (req, res) => (signed(req) ? sendJson(res, 200, ok(JANE)) : res.writeHead(401).end());
    const d = await client.restV1GetDemographic(1001);
    assert.equal(seen?.url, '/oscar/ws/services/v1/demographic/1001');
    assert.equal(d?.demographicNo, 1001);
    assert.equal(d?.dateOfBirth, '1980-01-17');
  });

  it('reads Juno\'s 400 "Invalid Demographic Number" as no such patient, any other 400 as a failure', async () => {
    handler = (_req, res) => sendJson(res, 400, refused('Constraint Violation Error', { validationErrors: [{ path: 'getDemographic.arg0', message: 'Invalid Demographic Number' }] }));
    assert.equal(await client.restV1GetDemographic(999999), undefined);
    handler = (_req, res) => sendJson(res, 400, refused('Argument Error'));
    await assert.rejects(client.restV1GetDemographic(1001), OscarFaultError);
  });

  it('treats HTTP 200 with status ERROR as a failure (Juno\'s PUT answers "Not Implemented" that way)', async () => {
    handler = (_req, res) => sendJson(res, 200, refused('Not Implemented'));
    await assert.rejects(client.restV1GetDemographic(1001), (e: unknown) => e instanceof OscarFaultError && e.upstreamMessage === 'Not Implemented');
  });

  it('creates a demographic with a JSON body and returns the new number from the envelope', async () => {
    handler = (_req, res) => sendJson(res, 200, ok(1002));
    const { demographicNo: _n, lastUpdateDate: _l, ...inbound } = JANE;
    assert.equal(await client.restV1CreateDemographic({ ...inbound, demographicNo: 55 }), 1002);
    assert.equal(seen?.method, 'POST');
    assert.equal(seen?.url, '/oscar/ws/services/v1/demographic');
    const body = JSON.parse(seen?.body ?? '{}') as Record<string, unknown>;
    assert.equal(body.demographicNo, undefined, 'never sends a number for a new record');
    assert.equal(body.dateOfBirth, '1980-01-17');
    handler = (_req, res) => sendJson(res, 200, ok(null));
    await assert.rejects(client.restV1CreateDemographic(inbound));
  });

  it('searches with Juno\'s parameter names (charNo, ISO dateOfBirth, page/perPage) and reads the paging headers', async () => {
    handler = (req, res) => (signed(req)
      ? sendJson(res, 200, ok([{ demographicNo: 1001, firstName: 'JANE', lastName: 'DOE', sex: 'F', hin: '9876543217', dateOfBirth: '1980-01-17', patientStatus: 'AC', providerNo: '999998', chartNo: 'C-1001' }], { total: 31, page: 2, perPage: 15 }))
      : res.writeHead(401).end());
    const r = await client.restV1SearchDemographics({ lastName: 'DOE', dateOfBirth: '1980-01-17', chartNo: 'C-1001', page: 2, perPage: 15 });
    const url = new URL(seen?.url ?? '', 'http://x');
    assert.equal(url.pathname, '/oscar/ws/services/v1/demographics/search');
    assert.deepEqual(Object.fromEntries(url.searchParams), { lastName: 'DOE', dateOfBirth: '1980-01-17', charNo: 'C-1001', page: '2', perPage: '15' });
    assert.deepEqual({ total: r.total, page: r.page, perPage: r.perPage, ids: r.rows.map((x) => x.demographicNo) }, { total: 31, page: 2, perPage: 15, ids: [1001] });
    await assert.rejects(client.restV1SearchDemographics({ dateOfBirth: '17/01/1980' }), RangeError);
  });

  it('uploads a document, then files it in a chart', async () => {
    handler = (_req, res) => sendJson(res, 200, ok(300));
    const id = await client.restV1PostDocument({ fileName: 'cbc.pdf', base64EncodedFile: 'JVBERi0xLjQKJQ==', documentDescription: 'CBC results', documentCreator: '999998', status: 'A' });
    assert.equal(id, 300);
    assert.equal(seen?.url, '/oscar/ws/services/v1/document');
    await client.restV1AssignDocument(1001, 300);
    assert.equal(seen?.method, 'POST');
    assert.equal(seen?.url, '/oscar/ws/services/v1/demographic/1001/chart/document/300');
  });
});

describe('Juno SOAP additions', () => {
  let fake: FakeSoapOscar;
  let server: FakeServer;
  let client: OscarClient;
  /** The last request body calling `op`. */
  const bodyOf = (op: string): string => server.requests.findLast((r) => r.method === 'POST' && new RegExp(`<(\\w+:)?${op}[ >]`).test(r.body))?.body ?? '';

  before(async () => {
    fake = new FakeSoapOscar();
    server = await startFake((req, res) => fake.handle(req, res));
    client = new OscarClient({
      baseUrl: server.base, timezone: 'America/Toronto', oauth: { consumerKey: 'k', consumerSecret: 's', token: 't', tokenSecret: 'ts' },
      soap: { userName: 'oscardoc', password: 'mac2002' }, retries: 0, retryBaseMs: 1,
    });
  });
  after(async () => { client.close(); await server.close(); });
  beforeEach(() => { server.requests.length = 0; });

  it('addDemographic sends the transfer without a number, elements in JAXB order, and the integration record', async () => {
    fake.handlers.addDemographic = () => '<return>1002</return>';
    const id = await client.soapAddDemographic(
      { demographicNo: 7, lastName: 'DOE', firstName: 'JANE', sex: 'F', yearOfBirth: '1980', monthOfBirth: '01', dateOfBirth: '17' },
      { remoteId: 'abc-1', integrationType: 'FHIR' },
    );
    assert.equal(id, 1002);
    const body = bodyOf('addDemographic');
    assert.match(body, /<arg0><dateOfBirth>17<\/dateOfBirth><firstName>JANE<\/firstName><lastName>DOE<\/lastName><monthOfBirth>01<\/monthOfBirth><sex>F<\/sex><yearOfBirth>1980<\/yearOfBirth><\/arg0>/);
    assert.match(body, /<arg1><integrationType>FHIR<\/integrationType><remoteId>abc-1<\/remoteId><\/arg1>/);
    assert.doesNotMatch(body, /demographicNo/);
  });

  it('updateDemographic sends the whole record with its number but without lastUpdateDate', async () => {
    fake.handlers.updateDemographic = () => '';
    await client.soapUpdateDemographic({ demographicNo: 1001, lastName: 'DOE', firstName: 'JANE', sex: 'F', lastUpdateDate: '2024-03-08T10:00:00-05:00' });
    const body = bodyOf('updateDemographic');
    assert.match(body, /<arg0><demographicNo>1001<\/demographicNo><firstName>JANE<\/firstName><lastName>DOE<\/lastName><sex>F<\/sex><\/arg0>/);
    assert.doesNotMatch(body, /lastUpdateDate/);
  });

  it('getDemographicByHealthNumber sends hin and version; an empty answer is no match', async () => {
    fake.handlers.getDemographicByHealthNumber = (b) => (/<arg0>9876543217<\/arg0><arg1>AB<\/arg1>/.test(b)
      ? '<return><demographicNo>1001</demographicNo><firstName>JANE</firstName><lastName>DOE</lastName><sex>F</sex></return>' : '');
    assert.equal((await client.soapGetDemographicByHealthNumber('9876543217', 'AB'))?.demographicNo, 1001);
    assert.equal(await client.soapGetDemographicByHealthNumber('1111111111'), undefined);
    assert.match(bodyOf('getDemographicByHealthNumber'), /<arg0>1111111111<\/arg0>/);
  });

  it('cancelAppointment sends the id', async () => {
    fake.handlers.cancelAppointment = () => '';
    await client.soapCancelAppointment(555);
    assert.match(bodyOf('cancelAppointment'), /<arg0>555<\/arg0>/);
  });
});
