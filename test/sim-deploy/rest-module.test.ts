// SIM_REST_MODULE (variants §2, B2): without ModuleNames=REST the OAuth provider and the OAuth
// REST server do not exist; CXF answers for them; SOAP is unaffected. With it, the REST server
// publishes its WADL (variants §7.2 step 5).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { call, soap } from './wire.js';

const CXF_404 = '<html><body>No service was found.</body></html>';

describe('SIM_REST_MODULE=off', () => {
  let sim: Simulator;
  before(async () => { sim = await startSimulator({ patients: 5, restModule: false }); });
  after(async () => { await sim.close(); });

  it('answers CXF\'s "No service was found." 404 on /ws/services/* and /ws/oauth/*', async () => {
    for (const [method, path] of [['GET', '/ws/services/demographics/1001'], ['POST', '/ws/oauth/initiate'], ['POST', '/ws/oauth/token'], ['GET', '/ws/services/oauth/info']]) {
      const r = await call(sim, method as string, path as string);
      assert.equal(r.status, 404, path);
      assert.equal(r.headers.get('content-type'), 'text/html', path);
      assert.equal(r.body, CXF_404, path);
    }
  });

  it('shows the CXF service list, not a WADL, at /ws/services?_wadl, with no RESTful services in it', async () => {
    const r = await call(sim, 'GET', '/ws/services?_wadl');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/html;charset=UTF-8');
    assert.match(r.body, /<title>CXF - Service list<\/title>/);
    assert.ok(!r.body.includes('Available RESTful services'));
    assert.ok(!r.body.includes('wadl.dev.java.net'));
  });

  it('still serves SOAP', async () => {
    const r = await soap(sim, 'DemographicService', 'getDemographic', '<arg0>1001</arg0>');
    assert.equal(r.status, 200);
    assert.match(r.body, /<demographicNo>1001<\/demographicNo>/);
  });
});

describe('SIM_REST_MODULE=on (default)', () => {
  let sim: Simulator;
  before(async () => { sim = await startSimulator({ patients: 5 }); });
  after(async () => { await sim.close(); });

  it('serves a WADL at /ws/services?_wadl listing the mounted resources', async () => {
    const r = await call(sim, 'GET', '/ws/services?_wadl');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/xml');
    assert.ok(r.body.startsWith('<application xmlns="http://wadl.dev.java.net/2009/02"'), r.body.slice(0, 80));
    assert.ok(r.body.includes(`<resources base="${sim.url}/ws/services">`));
    for (const fragment of [
      '<resource path="/demographics">', '<resource path="/{id}"><param name="id" style="template" type="xs:int"/>',
      '<resource path="/saveDocumentToDemographic">', '<resource path="/immunizations/{demographicNo}">',
      '<resource path="/info"><method name="GET">', '<resource path="/allergies">', '<resource path="/schedule">',
    ]) assert.ok(r.body.includes(fragment), fragment);
  });

  it('lists /ws/services on the CXF service list page and 404s unknown /ws paths the CXF way', async () => {
    const list = await call(sim, 'GET', '/ws/');
    assert.match(list.body, /Available RESTful services/);
    assert.ok(list.body.includes(`${sim.url}/ws/services?_wadl`));
    const none = await call(sim, 'GET', '/ws/NoSuchService');
    assert.deepEqual([none.status, none.body], [404, CXF_404]);
  });
});
