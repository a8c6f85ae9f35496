// The client speaks each OSCAR instance's dialect (variants §7.5): the SOAP namespace of its WSDLs
// (B1), the sex codes its WSDL lists (B9), its list cap, and the clinic's wall clock whatever zone
// the OSCAR JVM renders times in (B10).
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OscarClient } from '../../src/oscar/client.js';
import type { CapabilityMap } from '../../src/oscar/capabilities/map.js';
import { instanceSexCode } from '../../src/oscar/normalise/sex-codes.js';
import { OscarFaultError } from '../../src/oscar/errors.js';
import { startFake } from './fake-http.js';
import type { FakeServer } from './fake-http.js';
import { FakeSoapOscar, OSCAR_NS } from './fake-soap.js';
import { toOperationOutcome } from '../../src/fhir/outcome.js';

const JUNO_NS = 'http://v1.soap.external.ws.oscarehr.org/';
const DEMO = '<return><demographicNo>1001</demographicNo><lastName>DOE</lastName><sex>T</sex></return>';

function map(soap: Partial<CapabilityMap['soap']>): CapabilityMap {
  return {
    probedAt: '2026-12-06T12:00:00.000Z', source: 'probe', variant: 'unknown',
    soap: { reach: 'ok', operations: {}, ...soap },
    rest: { reach: 'ok', dialect: 'oscar' },
    time: { clinicZone: 'America/Toronto', mismatch: false },
  };
}

describe('OscarClient normalisation per instance', () => {
  let fake: FakeSoapOscar;
  let server: FakeServer;
  let client: OscarClient;
  let discovered: CapabilityMap | undefined;

  before(async () => {
    fake = new FakeSoapOscar();
    server = await startFake((req, res) => fake.handle(req, res));
  });
  after(async () => { client?.close(); await server.close(); });

  beforeEach(() => {
    client?.close();
    fake.namespace = OSCAR_NS;
    discovered = undefined;
    server.requests.length = 0;
    fake.handlers.getDemographic = () => DEMO;
    fake.handlers.searchDemographicsByAttributes = () => DEMO;
    client = new OscarClient({
      baseUrl: server.base, timezone: 'America/Toronto',
      oauth: { consumerKey: 'k', consumerSecret: 's', token: 't', tokenSecret: 'ts' },
      soap: { userName: 'oscardoc', password: 'mac2002' },
      retries: 0, retryBaseMs: 1, capabilities: () => discovered,
    });
  });

  const sent = (op: string): string => server.requests.find((r) => r.method === 'POST' && r.body.includes(`:${op}>`))?.body ?? '';

  it('calls Juno in its own namespace and reads its answers (variants B1)', async () => {
    fake.namespace = JUNO_NS;
    const d = await client.soapGetDemographic(1001);
    assert.equal(d?.lastName, 'DOE');
    assert.match(sent('getDemographic'), /xmlns:tns="http:\/\/v1\.soap\.external\.ws\.oscarehr\.org\/"/);
    assert.match(sent('getDemographic'), /<tns:getDemographic><arg0>1001<\/arg0><\/tns:getDemographic>/);
  });

  it('calls OSCAR in http://ws.oscarehr.org/', async () => {
    await client.soapGetDemographic(1001);
    assert.match(sent('getDemographic'), /xmlns:tns="http:\/\/ws\.oscarehr\.org\/"/);
  });

  it('searches the third sex code as the instance lists it: T on OSCAR 19 and Juno, X on Open-O (variants B9)', async () => {
    const codeSent = async (gender: 'X' | 'T', codes: readonly string[] | undefined): Promise<string | undefined> => {
      discovered = codes ? map({ genderCodes: codes }) : undefined;
      server.requests.length = 0;
      await client.soapSearchDemographicsByAttributes({ lastName: 'DOE', gender });
      return /<arg3>([^<]*)<\/arg3>/.exec(sent('searchDemographicsByAttributes'))?.[1];
    };
    assert.equal(await codeSent('X', ['M', 'F', 'T', 'O', 'U']), 'T');
    assert.equal(await codeSent('T', ['M', 'F', 'T', 'O', 'U']), 'T');
    assert.equal(await codeSent('X', ['M', 'F', 'X', 'O', 'U']), 'X');
    assert.equal(await codeSent('T', ['M', 'F', 'X', 'O', 'U']), 'X');
    assert.equal(await codeSent('X', undefined), 'X', 'before discovery: the simulator default line (Open-O)');
  });

  it('pages a longer ask within the list cap the instance reports (getMaxListReturnSize)', async () => {
    // OSCAR answers as many rows as asked: 120 patients exist.
    fake.handlers.searchDemographicsByAttributes = (body) => {
      const start = Number(/<arg10>(\d+)<\/arg10>/.exec(body)?.[1]);
      const count = Math.min(Number(/<arg11>(\d+)<\/arg11>/.exec(body)?.[1]), 120 - start);
      return Array.from({ length: Math.max(0, count) }, (_, i) => `<return><demographicNo>${start + i + 1}</demographicNo></return>`).join('');
    };
    discovered = map({ maxListReturnSize: 50 });
    const rows = await client.soapSearchDemographicsByAttributes({ lastName: 'DOE', startIndex: 10, itemsToReturn: 200 });
    assert.deepEqual(rows.map((r) => r.demographicNo), Array.from({ length: 110 }, (_, i) => i + 11));
    const pages = server.requests.filter((r) => r.body.includes(':searchDemographicsByAttributes>'))
      .map((r) => [/<arg10>(\d+)/.exec(r.body)?.[1], /<arg11>(\d+)/.exec(r.body)?.[1]]);
    assert.deepEqual(pages, [['10', '50'], ['60', '50'], ['110', '50']]);
    discovered = undefined;
    server.requests.length = 0;
    await client.soapSearchDemographicsByAttributes({ lastName: 'DOE', itemsToReturn: 30 });
    assert.match(sent('searchDemographicsByAttributes'), /<arg10>0<\/arg10><arg11>30<\/arg11>/);
  });

  it('refuses a list without paging that fills the cap rather than pass it off as complete', async () => {
    const rows = (n: number): string => Array.from({ length: n }, (_, i) => `<return><id>${i + 1}</id></return>`).join('');
    discovered = map({ maxListReturnSize: 3 });
    fake.handlers.getAppointmentsUpdatedAfterDate = () => rows(3);
    await assert.rejects(client.soapGetAppointmentsUpdatedAfterDate(0, 10), (e: unknown) => e instanceof OscarFaultError && toOperationOutcome(e).status === 502);
    assert.match(sent('getAppointmentsUpdatedAfterDate'), /<arg1>3<\/arg1>/);
    fake.handlers.getAppointmentsUpdatedAfterDate = () => rows(2);
    assert.deepEqual((await client.soapGetAppointmentsUpdatedAfterDate(0, 10)).map((a) => a.id), [1, 2]);
    fake.handlers.getAppointmentsUpdatedAfterDate = () => rows(3);
    assert.deepEqual((await client.soapGetAppointmentsUpdatedAfterDate(0, 3)).map((a) => a.id), [1, 2, 3], 'asking within the cap is answered as is');
  });

  it('reads appointments with useGMTTime=false and gives their wall clock the clinic offset (variants B10)', async () => {
    fake.handlers.getAppointmentsForPatient2 = () => '<return><appointmentEndDateTime>2026-03-08T09:14:59-07:00</appointmentEndDateTime>'
      + '<appointmentStartDateTime>2026-03-08T09:00:00-07:00</appointmentStartDateTime><id>7</id></return>'
      + '<return><appointmentEndDateTime>2026-11-01T01:44:00Z</appointmentEndDateTime>'
      + '<appointmentStartDateTime>2026-11-01T01:30:00Z</appointmentStartDateTime><id>8</id></return>';
    const [a, b] = await client.soapGetAppointmentsForPatient2(1001, 0, 10);
    assert.match(sent('getAppointmentsForPatient2'), /<arg3>false<\/arg3>/);
    assert.equal(a?.appointmentStartDateTime, '2026-03-08T09:00:00-04:00');
    assert.equal(a?.appointmentEndDateTime, '2026-03-08T09:14:59-04:00');
    assert.equal(b?.appointmentStartDateTime, '2026-11-01T01:30:00-04:00');
    assert.equal(b?.appointmentEndDateTime, '2026-11-01T01:44:00-04:00');
  });

  it('writes a demographic\'s date columns as the clinic\'s wall clock without an offset (Juno addDemographic)', async () => {
    fake.namespace = JUNO_NS;
    fake.handlers.addDemographic = () => '<return>2001</return>';
    assert.equal(await client.soapAddDemographic({ lastName: 'DOE', dateJoined: '2019-03-01T00:00:00-05:00', hcRenewDate: '2027-07-01T00:00:00-04:00' }), 2001);
    assert.match(sent('addDemographic'), /<dateJoined>2019-03-01T00:00:00<\/dateJoined><hcRenewDate>2027-07-01T00:00:00<\/hcRenewDate><lastName>DOE<\/lastName>/);
  });

  it('sends calendar days as offset-less midnight and instants with the clinic offset', async () => {
    fake.handlers.searchDemographicsByAttributes = () => '';
    await client.soapSearchDemographicsByAttributes({ lastName: 'DOE', dateOfBirth: '1980-07-01' });
    assert.match(sent('searchDemographicsByAttributes'), /<arg4>1980-07-01T00:00:00<\/arg4>/);
    fake.handlers.getAppointmentsUpdatedAfterDate = () => '';
    await client.soapGetAppointmentsUpdatedAfterDate(Date.parse('2026-03-08T07:30:00Z'), 10);
    assert.match(sent('getAppointmentsUpdatedAfterDate'), /<arg0>2026-03-08T03:30:00-04:00<\/arg0><arg1>10<\/arg1><arg2>false<\/arg2>/);
  });
});

describe('instanceSexCode', () => {
  it('keeps M, F, O and U, and turns X/T into the code the instance lists', () => {
    for (const c of ['M', 'F', 'O', 'U']) assert.equal(instanceSexCode(c, ['M', 'F', 'T', 'O', 'U']), c);
    assert.equal(instanceSexCode('X', ['M', 'F', 'T', 'O', 'U']), 'T');
    assert.equal(instanceSexCode('T', ['M', 'F', 'X', 'O', 'U']), 'X');
    assert.equal(instanceSexCode('X', undefined), 'X');
    assert.equal(instanceSexCode('T', undefined), 'X');
  });
});
