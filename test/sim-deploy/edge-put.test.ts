// SIM_EDGE_DENY_PUT (variants §5 "OpenOSP", B4): OpenOSP's HAProxy refuses every PUT at the edge
// with its built-in 403 page; OSCAR never sees the request.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { call } from './wire.js';

const HAPROXY_403 = '<html><body><h1>403 Forbidden</h1>\nRequest forbidden by administrative rules.\n</body></html>\n';

describe('SIM_EDGE_DENY_PUT=1', () => {
  let sim: Simulator;
  before(async () => { sim = await startSimulator({ patients: 5, edgeDenyPut: true }); });
  after(async () => { await sim.close(); });

  it('answers every PUT with HAProxy\'s 403 page, before OSCAR', async () => {
    sim.stats.reset();
    for (const path of ['/ws/services/demographics', '/ws/services/status/checkIfAuthed', '/ws/DemographicService', '/anything']) {
      const r = await call(sim, 'PUT', path, { headers: { 'content-type': 'application/json' }, body: '{}' });
      assert.equal(r.status, 403, path);
      assert.equal(r.body, HAPROXY_403, path);
      assert.equal(r.headers.get('content-type'), 'text/html');
      assert.equal(r.headers.get('content-length'), '93');
      assert.equal(r.headers.get('cache-control'), 'no-cache');
    }
    assert.equal(sim.stats.count(), 0);
  });

  it('lets other methods through', async () => {
    const r = await call(sim, 'GET', '/ws/DemographicService?wsdl');
    assert.equal(r.status, 200);
    const unsigned = await call(sim, 'GET', '/ws/services/demographics/1001', { headers: { accept: 'application/json' } });
    assert.equal(unsigned.status, 500); // B18: OSCAR itself answered
  });
});

describe('without SIM_EDGE_DENY_PUT', () => {
  it('lets PUT reach OSCAR', async () => {
    const sim = await startSimulator({ patients: 5 });
    try {
      const r = await call(sim, 'PUT', '/ws/services/demographics', { headers: { 'content-type': 'application/json', accept: 'application/json' }, body: '{}' });
      assert.notEqual(r.status, 403);
      assert.ok(!r.body.includes('administrative rules'));
    } finally { await sim.close(); }
  });
});
