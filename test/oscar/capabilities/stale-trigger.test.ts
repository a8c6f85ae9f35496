// Which failing calls make the facade probe OSCAR again (variants §7.1: "operation not found", 404,
// 405), and that the client reports them where it classifies its errors.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { meansStaleCapabilities } from '../../../src/oscar/capabilities/classify.js';
import { OscarFaultError, OscarProtocolError, OscarTimeoutError } from '../../../src/oscar/errors.js';
import { OscarClient } from '../../../src/oscar/client.js';
import { startSimulator, type Simulator } from '../../../src/sim/server.js';
import { CREDENTIALS } from './discovery-setup.js';
import { CLOUDFLARE_403, HAPROXY_403 } from './fake-oscar.js';

const fault = (faultString: string): OscarFaultError => new OscarFaultError('DemographicService.getDemographic2', { faultCode: 'soap:Client', upstreamMessage: faultString, upstreamStatus: 500 });
const http = (status: number, body = ''): OscarFaultError => new OscarFaultError('rest:getDemographicBasic', { upstreamStatus: status, upstreamMessage: body });

describe('meansStaleCapabilities', () => {
  it('is true for an unknown SOAP operation, REST 404/405, and a 403 from an edge', () => {
    assert.ok(meansStaleCapabilities(fault('Unexpected wrapper element {http://ws.oscarehr.org/}getDemographic2 found.   Expected {http://ws.oscarehr.org/}getDemographic.')));
    assert.ok(meansStaleCapabilities(fault('No such operation: getDemographic2')));
    assert.ok(meansStaleCapabilities(fault('Message part {http://ws.oscarehr.org/}getDemographic2 was not recognized.  (Does it exist in service WSDL?)')));
    assert.ok(meansStaleCapabilities(new OscarProtocolError('DemographicService.getDemographic2', 'operation getDemographic2 is not in the WSDL')));
    assert.ok(meansStaleCapabilities(http(404)));
    assert.ok(meansStaleCapabilities(http(405)));
    assert.ok(meansStaleCapabilities(http(403, HAPROXY_403.body)));
    assert.ok(meansStaleCapabilities(http(403, CLOUDFLARE_403.body)));
  });

  it('is false for OSCAR\'s own refusals and for transient trouble', () => {
    assert.ok(!meansStaleCapabilities(fault('missing required sec object (_demographic)')));
    assert.ok(!meansStaleCapabilities(fault('Requested too large of a result list size : 6000')));
    assert.ok(!meansStaleCapabilities(http(500, '<html><body>error page</body></html>')));
    assert.ok(!meansStaleCapabilities(http(502, '<html>Bad Gateway</html>')));
    assert.ok(!meansStaleCapabilities(http(403, '<ns1:XMLFault>…</ns1:XMLFault>')));
    assert.ok(!meansStaleCapabilities(new OscarTimeoutError('x', 10)));
    assert.ok(!meansStaleCapabilities(new OscarProtocolError('x', 'body is not JSON')));
  });
});

describe('the client reports such failures', () => {
  let sim: Simulator;
  before(async () => { sim = await startSimulator({ port: 0, patients: 3, credentials: CREDENTIALS }); });
  after(async () => { await sim.close(); });

  it('calls onStaleCapabilities with the operation when OSCAR says it has no such operation, and not for other faults', async () => {
    const stale: string[] = [];
    const c = CREDENTIALS;
    const client = new OscarClient({
      baseUrl: sim.url, timezone: 'America/Toronto', retries: 0,
      oauth: { consumerKey: c.consumerKey, consumerSecret: c.consumerSecret, token: c.accessToken, tokenSecret: c.accessTokenSecret },
      soap: { userName: c.soapUserName, password: c.soapPassword },
      onStaleCapabilities: (op) => stale.push(op),
    });
    try {
      sim.faults.add({ match: { operation: 'getDemographic2' }, mode: 'soapFault', times: 1, faultString: 'Unexpected wrapper element {http://ws.oscarehr.org/}getDemographic2 found.' });
      await assert.rejects(client.soapGetDemographic2(1001), OscarFaultError);
      assert.deepEqual(stale, ['DemographicService.getDemographic2']);
      sim.faults.add({ match: { operation: 'getDemographic' }, mode: 'soapFault', times: 1, faultString: 'missing required sec object (_demographic)' });
      await assert.rejects(client.soapGetDemographic(1001), OscarFaultError);
      assert.deepEqual(stale, ['DemographicService.getDemographic2'], 'a privilege fault is not a missing operation');
    } finally {
      client.close();
    }
  });
});
