// A call toward OSCAR is handed to the transport in the same turn it is made, when nothing makes
// it wait (a free slot, a read WSDL, a login): with an await on the way, every other task of a
// fan-out ($everything's types) ran before the first call left. A call that must wait for a slot
// still waits.
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { OscarClient } from '../../src/oscar/client.js';
import { HttpTransport } from '../../src/oscar/http-transport.js';
import { sendJson, startFake, type FakeServer } from './fake-http.js';
import { FakeSoapOscar } from './fake-soap.js';

const AUTH = { oauth: { consumerKey: 'k', consumerSecret: 's', token: 't', tokenSecret: 'ts' }, soap: { userName: 'oscardoc', password: 'mac2002' } };

describe('calls toward OSCAR leave at once', () => {
  let server: FakeServer;
  const soap = new FakeSoapOscar();
  soap.handlers.getDemographic = () => '<return><demographicNo>7</demographicNo><lastName>Ng</lastName></return>';
  before(async () => {
    server = await startFake((req, res) => (req.url.includes('/ws/services/') ? sendJson(res, 200, { demographicNo: 7 }) : soap.handle(req, res)));
  });
  after(async () => { await server.close(); });

  const sends = (t: TestContext): { operations: string[] } => {
    const operations: string[] = [];
    const send = HttpTransport.prototype.send;
    t.mock.method(HttpTransport.prototype, 'send', function (this: HttpTransport, x: Parameters<HttpTransport['send']>[0]) {
      operations.push(x.operation);
      return send.call(this, x);
    });
    return { operations };
  };

  it('a REST read and a SOAP read (its WSDL read and logged in) reach the transport before the call returns', async (t) => {
    const client = new OscarClient({ baseUrl: server.base, timezone: 'America/Toronto', ...AUTH });
    t.after(() => client.close());
    await client.soapGetDemographic(7); // reads the WSDL and logs in
    const { operations } = sends(t);

    const rest = client.restGetDemographicBasic(7);
    assert.deepEqual(operations, ['rest:getDemographicBasic']);
    const soapCall = client.soapGetDemographic(7);
    assert.deepEqual(operations, ['rest:getDemographicBasic', 'DemographicService.getDemographic']);
    assert.equal((await rest)?.demographicNo, 7);
    assert.equal((await soapCall)?.lastName, 'Ng');
  });

  it('a call beyond OSCAR_MAX_IN_FLIGHT waits for a slot, and leaves when one is free', async (t) => {
    const client = new OscarClient({ baseUrl: server.base, timezone: 'America/Toronto', ...AUTH, maxInFlight: 1 });
    t.after(() => client.close());
    const { operations } = sends(t);
    const first = client.restGetDemographicBasic(1);
    const second = client.restGetDemographicBasic(2);
    assert.equal(operations.length, 1, 'the second call waits for the only slot');
    await first;
    await second;
    assert.equal(operations.length, 2);
  });
});
