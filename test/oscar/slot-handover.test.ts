// A call's limiter slot goes back the moment OSCAR's answer is in, before that answer is read, so a
// call waiting for a slot leaves that much sooner. OSCAR still never works on more than
// OSCAR_MAX_IN_FLIGHT calls at once, a re-login and its retry included (they take a slot again).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it, type TestContext } from 'node:test';
import type http from 'node:http';
import { OscarClient } from '../../src/oscar/client.js';
import { HttpTransport } from '../../src/oscar/http-transport.js';
import { RestClient } from '../../src/oscar/rest.js';
import { sendJson, startFake, type FakeServer, type SeenRequest } from './fake-http.js';
import { FakeSoapOscar } from './fake-soap.js';

const AUTH = { oauth: { consumerKey: 'k', consumerSecret: 's', token: 't', tokenSecret: 'ts' }, soap: { userName: 'oscardoc', password: 'mac2002' } };
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('a call gives its slot back when its answer is in', () => {
  let server: FakeServer;
  const soap = new FakeSoapOscar();
  soap.handlers.getDemographic = async () => { await wait(5); return '<return><demographicNo>7</demographicNo><lastName>Ng</lastName></return>'; };
  /** Requests OSCAR is working on now (from the whole request read to the whole answer sent), and the most at once. */
  let open = 0;
  let most = 0;
  let restDelayMs = 5;
  const handle = async (req: SeenRequest, res: http.ServerResponse): Promise<void> => {
    if (req.url.endsWith('?wsdl')) { await soap.handle(req, res); return; }
    most = Math.max(most, ++open);
    res.on('finish', () => { open--; });
    if (!req.url.includes('/ws/services/')) { await soap.handle(req, res); return; }
    await wait(restDelayMs);
    sendJson(res, 200, { demographicNo: Number(/\/(\d+)$/.exec(req.url)?.[1]) });
  };
  before(async () => { server = await startFake(handle); });
  after(async () => { await server.close(); });
  beforeEach(() => { most = 0; restDelayMs = 5; soap.loginDelayMs = 0; });

  const client = (t: TestContext, maxInFlight: number): OscarClient => {
    const c = new OscarClient({ baseUrl: server.base, timezone: 'America/Toronto', ...AUTH, maxInFlight, maxQueue: 100 });
    t.after(() => c.close());
    return c;
  };

  it('a call waiting for the only slot is written before the answer ahead of it is read', async (t) => {
    const c = client(t, 1);
    const events: string[] = [];
    const send = HttpTransport.prototype.send;
    t.mock.method(HttpTransport.prototype, 'send', function (this: HttpTransport, x: Parameters<HttpTransport['send']>[0]) {
      events.push(`send ${x.url.pathname.split('/').at(-1)}`);
      return send.call(this, x);
    });
    const proto = RestClient.prototype as unknown as { read: (call: { path: string }, ...rest: unknown[]) => unknown };
    const read = proto.read;
    t.mock.method(proto, 'read', function (this: RestClient, call: { path: string }, ...rest: unknown[]) {
      events.push(`read ${call.path.split('/').at(-1)}`);
      return read.call(this, call, ...rest);
    });
    const answers = await Promise.all([1, 2, 3].map((id) => c.restGetDemographicBasic(id)));
    assert.deepEqual(answers.map((a) => a?.demographicNo), [1, 2, 3]);
    assert.deepEqual(events, ['send 1', 'send 2', 'read 1', 'send 3', 'read 2', 'read 3']);
    assert.equal(most, 1);
  });

  it('OSCAR never works on more than OSCAR_MAX_IN_FLIGHT calls of a fan-out at once', async (t) => {
    const c = client(t, 3);
    await c.soapGetDemographic(7); // reads the WSDL and logs in
    most = 0;
    const calls = Array.from({ length: 24 }, (_, i) => (i % 2 ? c.restGetDemographicBasic(i) : c.soapGetDemographic(7)));
    const answers = await Promise.all(calls);
    assert.equal(answers.length, 24);
    assert.equal(most, 3, 'as many at once as allowed, and no more');
    assert.deepEqual(c.load(), { inFlight: 0, queued: 0, slots: 3 }, 'every slot given back');
  });

  it('after a refused token, the re-login and the retry wait for a slot like any call', async (t) => {
    const c = client(t, 1);
    await c.soapGetDemographic(7);
    soap.restart(); // contract 7.18: the token dies with an OSCAR restart
    soap.loginDelayMs = 20;
    restDelayMs = 40;
    most = 0;
    const logins = soap.logins;
    // The SOAP call's first answer (a SecurityError fault) frees the only slot, the REST call takes it.
    const [patient, basic] = await Promise.all([c.soapGetDemographic(7), c.restGetDemographicBasic(9)]);
    assert.equal(patient?.lastName, 'Ng');
    assert.equal(basic?.demographicNo, 9);
    assert.equal(soap.logins - logins, 1, 'logged in again once');
    assert.equal(most, 1, 'the login and the retry did not run beside the REST call');
    assert.deepEqual(c.load(), { inFlight: 0, queued: 0, slots: 1 });
  });
});
