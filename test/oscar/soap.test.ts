import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OscarClient } from '../../src/oscar/client.js';
import { OscarAuthError, OscarFaultError } from '../../src/oscar/errors.js';
import { startFake } from './fake-http.js';
import type { FakeServer } from './fake-http.js';
import { FakeSoapOscar, serverFaultXml } from './fake-soap.js';
import { toOperationOutcome } from '../../src/fhir/outcome.js';

const DEMO_1001 = '<return><dateJoined>2019-03-01T00:00:00-05:00</dateJoined><demographicNo>1001</demographicNo><firstName>JANE</firstName>'
  + '<hsAlertCount>0</hsAlertCount><lastName>DOE</lastName><lastUpdateDate>2024-03-08T10:00:00.123-05:00</lastUpdateDate><sex>F</sex></return>';

describe('SoapClient via OscarClient', () => {
  let fake: FakeSoapOscar;
  let server: FakeServer;
  let client: OscarClient;

  before(async () => {
    fake = new FakeSoapOscar();
    server = await startFake((req, res) => fake.handle(req, res));
  });
  after(async () => { await server.close(); });

  beforeEach(() => {
    client?.close();
    fake.token = '1710246173123';
    fake.logins = 0;
    fake.loginDelayMs = 0;
    fake.refuseAll = false;
    server.requests.length = 0;
    for (const k of Object.keys(fake.handlers)) delete fake.handlers[k];
    fake.handlers.getDemographic = (body) => (/<arg0>1001<\/arg0>/.test(body) ? DEMO_1001 : '');
    client = new OscarClient({
      baseUrl: server.base, timezone: 'America/Toronto',
      oauth: { consumerKey: 'k', consumerSecret: 's', token: 't', tokenSecret: 'ts' },
      soap: { userName: 'oscardoc', password: 'mac2002' },
      retries: 0, retryBaseMs: 1,
    });
  });
  after(() => client.close());

  it('sends a UsernameToken with PasswordText and mustUnderstand, and no Timestamp, Nonce or Created', async () => {
    await client.soapGetDemographic(1001);
    const call = server.requests.find((r) => r.method === 'POST' && r.url === '/oscar/ws/DemographicService');
    assert.ok(call, 'the call went to the configured base, not the WSDL soap:address');
    const header = /<soap:Header>([\s\S]*)<\/soap:Header>/.exec(call.body)?.[1] ?? '';
    assert.match(header, /<wsse:Security [^>]*soap:mustUnderstand="1"/);
    assert.match(header, /<wsse:Username>128<\/wsse:Username>/);
    assert.match(header, /<wsse:Password Type="http:\/\/docs\.oasis-open\.org\/wss\/2004\/01\/oasis-200401-wss-username-token-profile-1\.0#PasswordText">1710246173123<\/wsse:Password>/);
    assert.doesNotMatch(header, /Timestamp|Nonce|Created/);
    assert.match(call.body, /<arg0>1001<\/arg0>/);
  });

  it('sends login2 without any security header (contract 7.27)', async () => {
    await client.soapGetDemographic(1001);
    const login = server.requests.find((r) => r.url === '/oscar/ws/LoginService' && r.method === 'POST');
    assert.ok(login);
    assert.doesNotMatch(login.body, /Security|Header/);
    assert.match(login.body, /<arg0>oscardoc<\/arg0>/);
  });

  it('keeps xs:dateTime values as the wire strings and types ints', async () => {
    const d = await client.soapGetDemographic(1001);
    assert.equal(d?.dateJoined, '2019-03-01T00:00:00-05:00');
    assert.equal(d?.lastUpdateDate, '2024-03-08T10:00:00.123-05:00');
    assert.equal(d?.demographicNo, 1001);
    assert.equal(d?.hsAlertCount, 0);
    assert.equal(d?.firstName, 'JANE');
  });

  it('reads an empty response wrapper as undefined (contract 4.1 null return)', async () => {
    assert.equal(await client.soapGetDemographic(4242), undefined);
  });

  it('always returns arrays for array operations: none, one, several', async () => {
    let answer = '';
    fake.handlers.getDemographics = () => answer;
    assert.deepEqual(await client.soapGetDemographics([1001, 1002]), []);
    answer = DEMO_1001;
    const one = await client.soapGetDemographics([1001, 1002]);
    assert.equal(one.length, 1);
    assert.equal(one[0]?.lastName, 'DOE');
    answer = DEMO_1001 + DEMO_1001.replace('1001', '1002');
    assert.deepEqual((await client.soapGetDemographics([1001, 1002])).map((d) => d.demographicNo), [1001, 1002]);
  });

  it('sends array parameters as repeated elements', async () => {
    fake.handlers.getDemographics = () => DEMO_1001;
    await client.soapGetDemographics([1001, 1002]);
    const call = server.requests.find((r) => r.body.includes('getDemographics>'));
    assert.match(call?.body ?? '', /<arg0>1001<\/arg0><arg0>1002<\/arg0>/);
  });

  it('formats date parameters with the server offset and normalises nested arrays', async () => {
    fake.handlers.getPreventionsByDemographicIdAfter = () => '<return><deleted>false</deleted><demographicId>1001</demographicId><id>42</id>'
      + '<preventionDate>2023-10-11T00:00:00-04:00</preventionDate><preventionExts><id>901</id><key>lot</key><preventionId>42</preventionId>'
      + '<value>AB1234</value></preventionExts><preventionType>Flu</preventionType></return>';
    const [p] = await client.soapGetPreventionsByDemographicIdAfter(1001, 0);
    const call = server.requests.find((r) => r.body.includes('getPreventionsByDemographicIdAfter>'));
    assert.match(call?.body ?? '', /<lastUpdate>1969-12-31T19:00:00-05:00<\/lastUpdate><demographicId>1001<\/demographicId>/);
    assert.equal(p?.deleted, false);
    assert.equal(p?.preventionDate, '2023-10-11T00:00:00-04:00');
    assert.deepEqual(p?.preventionExts, [{ id: 901, key: 'lot', preventionId: 42, value: 'AB1234' }]);
  });

  it('reads a char-as-unsignedShort status as a number (contract 4.1)', async () => {
    fake.handlers.getDocument = () => '<return><documentNo>300</documentNo><fileContents>JVBERi0xLjQKJQ==</fileContents><status>65</status>'
      + '<updatedatetime>2024-03-12T10:15:00-04:00</updatedatetime></return>';
    const d = await client.soapGetDocument(300);
    assert.equal(d?.status, 65);
    assert.equal(d?.fileContents, 'JVBERi0xLjQKJQ==');
    assert.equal(d?.updatedatetime, '2024-03-12T10:15:00-04:00');
  });

  it('returns the new id of addAppointment with the transfer sent alphabetically', async () => {
    fake.handlers.addAppointment = () => '<return>557</return>';
    const id = await client.soapAddAppointment({ status: 't', providerNo: '999998', demographicNo: 1001,
      appointmentStartDateTime: '2024-03-19T10:30:00-04:00', appointmentEndDateTime: '2024-03-19T10:45:00-04:00' });
    assert.equal(id, 557);
    const body = server.requests.find((r) => r.body.includes('addAppointment>'))?.body ?? '';
    // variants §7.5: wall-clock times go as the clinic's wall clock without an offset (the JVM reads them in its own zone).
    assert.match(body, /<arg0><appointmentEndDateTime>2024-03-19T10:45:00<\/appointmentEndDateTime><appointmentStartDateTime>2024-03-19T10:30:00<\/appointmentStartDateTime>.*<status>t<\/status><\/arg0>/);
  });

  it('logs in once, re-logs in once after a restart (SecurityError) and retries transparently', async () => {
    assert.equal((await client.soapGetDemographic(1001))?.demographicNo, 1001);
    assert.equal(fake.logins, 1);
    assert.equal((await client.soapGetDemographic(1001))?.demographicNo, 1001);
    assert.equal(fake.logins, 1, 'token reused');
    fake.restart();
    assert.equal((await client.soapGetDemographic(1001))?.demographicNo, 1001);
    assert.equal(fake.logins, 2);
    assert.equal(client.login2Count, 2);
  });

  it('gives up with OscarAuthError(SecurityError) when the fresh token is refused too', async () => {
    await client.soapGetDemographic(1001);
    fake.refuseAll = true;
    await assert.rejects(client.soapGetDemographic(1001), (e: unknown) => {
      assert.ok(e instanceof OscarAuthError);
      assert.equal(e.cause, 'SecurityError');
      assert.equal(toOperationOutcome(e).status, 502);
      return true;
    });
    assert.equal(fake.logins, 2, 'exactly one re-login');
  });

  it('shares one login among concurrent calls (single-flight), also when re-logging in', async () => {
    fake.loginDelayMs = 30;
    const first = await Promise.all(Array.from({ length: 6 }, () => client.soapGetDemographic(1001)));
    assert.ok(first.every((d) => d?.demographicNo === 1001));
    assert.equal(fake.logins, 1);
    fake.restart();
    const second = await Promise.all(Array.from({ length: 6 }, () => client.soapGetDemographic(1001)));
    assert.ok(second.every((d) => d?.demographicNo === 1001));
    assert.equal(fake.logins, 2);
  });

  it('reports wrong SOAP credentials as OscarAuthError(login_failed)', async () => {
    client.close();
    client = new OscarClient({
      baseUrl: server.base, timezone: 'America/Toronto',
      oauth: { consumerKey: 'k', consumerSecret: 's', token: 't', tokenSecret: 'ts' },
      soap: { userName: 'oscardoc', password: 'wrong' }, retries: 0,
    });
    await assert.rejects(client.soapGetDemographic(1001), (e: unknown) => e instanceof OscarAuthError && e.cause === 'login_failed');
  });

  it('turns a soap:Server fault into OscarFaultError without the upstream text in the message, and does not retry it', async () => {
    client.close();
    client = new OscarClient({
      baseUrl: server.base, timezone: 'America/Toronto',
      oauth: { consumerKey: 'k', consumerSecret: 's', token: 't', tokenSecret: 'ts' },
      soap: { userName: 'oscardoc', password: 'mac2002' }, retries: 2, retryBaseMs: 1,
    });
    let calls = 0;
    fake.handlers.getAppointment2 = () => { calls++; return { fault: serverFaultXml('Cannot invoke "getX()" because "demographic" is null') }; };
    await assert.rejects(client.soapGetAppointment2(5), (e: unknown) => {
      assert.ok(e instanceof OscarFaultError);
      assert.equal(e.faultCode, 'soap:Server');
      assert.match(e.upstreamMessage, /demographic/);
      assert.doesNotMatch(e.message, /demographic" is null/);
      return true;
    });
    assert.equal(calls, 1);
  });

  it('calls the unsecured SystemInfoService without a login', async () => {
    fake.handlers.isAlive = () => '<return>alive</return>';
    assert.equal((await client.probe()).soap, 'ok', 'the readiness probe asks SystemInfoService.isAlive');
    assert.equal(fake.logins, 0);
    const call = server.requests.find((r) => r.url === '/oscar/ws/SystemInfoService' && r.method === 'POST');
    assert.doesNotMatch(call?.body ?? 'x', /Security/);
  });
});
