// SIM_SOAP_WAF (variants §5 "OSCAR Pro", B5): a Cloudflare WAF blocks requests that carry
// `Content-Type: text/xml` and a SOAP envelope; WSDL GETs and JSON REST calls pass, and a path
// outside the context path gets Cloudflare's 403 too.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { call, envelope, soap } from './wire.js';

function assertCloudflare403(r: { status: number; headers: Headers; body: string }): void {
  assert.equal(r.status, 403);
  assert.equal(r.headers.get('server'), 'cloudflare');
  assert.match(r.headers.get('cf-ray') ?? '', /^[0-9a-f]{16}-[A-Z]{3}$/);
  assert.equal(r.headers.get('content-type'), 'text/html; charset=UTF-8');
  assert.ok(r.body.includes('<title>Attention Required! | Cloudflare</title>'));
  assert.ok(r.body.includes('Sorry, you have been blocked'));
  assert.ok(r.body.includes(`Cloudflare Ray ID: <strong>${r.headers.get('cf-ray')}</strong>`));
}

describe('SIM_SOAP_WAF=1', () => {
  let sim: Simulator;
  before(async () => { sim = await startSimulator({ patients: 5, soapWaf: true }); });
  after(async () => { await sim.close(); });

  it('blocks SOAP calls, the unsecured LoginService included', async () => {
    sim.stats.reset();
    assertCloudflare403(await soap(sim, 'DemographicService', 'getDemographic', '<arg0>1001</arg0>'));
    assertCloudflare403(await soap(sim, 'LoginService', 'login2', '<arg0>oscardoc</arg0><arg1>mac2002</arg1>', { signed: false }));
    assertCloudflare403(await call(sim, 'POST', '/ws/SystemInfoService', { headers: { 'content-type': 'application/soap+xml' }, body: envelope(sim, 'isAlive', '', { signed: false }) }));
    assert.equal(sim.stats.count(), 0);
  });

  it('lets WSDL GETs, non-SOAP POSTs and REST through', async () => {
    const wsdl = await call(sim, 'GET', '/ws/DemographicService?wsdl');
    assert.equal(wsdl.status, 200);
    assert.match(wsdl.body, /<wsdl:definitions/);
    const json = await call(sim, 'POST', '/ws/DemographicService', { headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    assert.notEqual(json.headers.get('server'), 'cloudflare');
    const rest = await call(sim, 'GET', '/ws/services/demographics/1001', { headers: { accept: 'application/json' } });
    assert.equal(rest.status, 500); // OSCAR's own answer to an unsigned call (B18)
  });

  it('answers Cloudflare\'s 403 outside the context path', async () => {
    const origin = sim.url.replace(/\/oscar$/, '');
    const r = await fetch(`${origin}/ws/services`);
    assertCloudflare403({ status: r.status, headers: r.headers, body: await r.text() });
  });
});

describe('without SIM_SOAP_WAF', () => {
  it('serves SOAP', async () => {
    const sim = await startSimulator({ patients: 5 });
    try {
      const r = await soap(sim, 'SystemInfoService', 'isAlive', '', { signed: false });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('server'), null);
    } finally { await sim.close(); }
  });
});
