// SIM_VARIANT, OAuth REST side (variants §4.2, B3, B16, B18): what an unsigned call gets, which
// resources exist (WADL and on call), per line. Juno's v1 API has its own file (juno-rest.test.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import type { SimVariant } from '../../src/sim/variants.js';
import { call, signed } from '../sim-deploy/wire.js';

const VARIANTS: SimVariant[] = ['openo', 'openo-legacy', 'oscar19', 'oscar15', 'juno'];
const sims = new Map<SimVariant, Simulator>();
const sim = (v: SimVariant): Simulator => sims.get(v) as Simulator;
const CXF_404 = '<html><body>No service was found.</body></html>';
const resources = (wadl: string): string[] => [...wadl.matchAll(/<resources[^>]*>|<resource path="([^"]+)">/g)].map((m) => m[1] ?? '').filter(Boolean);

before(async () => {
  for (const v of VARIANTS) sims.set(v, await startSimulator({ patients: 5, variant: v }));
});
after(async () => { for (const s of sims.values()) await s.close(); });

describe('an unsigned /ws/services call', () => {
  it('openo: passes the interceptor and fails in the resource with a 500 (B18)', async () => {
    const r = await call(sim('openo'), 'GET', '/ws/services/demographics/1001', { headers: { accept: 'application/json' } });
    assert.equal(r.status, 500);
    assert.equal(r.headers.get('www-authenticate'), null);
    assert.match(r.body, /Authentication info is not available\./);
  });

  for (const v of ['openo-legacy', 'oscar19'] as const) {
    it(`${v}: CXF's OAuth filter answers 401 WWW-Authenticate: OAuth with no body`, async () => {
      const r = await call(sim(v), 'GET', '/ws/services/demographics/1001', { headers: { accept: 'application/json' } });
      assert.deepEqual([r.status, r.headers.get('www-authenticate'), r.body], [401, 'OAuth', '']);
    });
  }

  it('openo-legacy: a signed call still reads the patient', async () => {
    const r = await signed(sim('openo-legacy'), 'GET', '/ws/services/demographics/1001');
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).demographicNo, 1001);
  });

  it('openo-legacy: matching comes first — an unknown resource is 404 before any OAuth check', async () => {
    const r = await call(sim('openo-legacy'), 'GET', '/ws/services/nothing/here');
    assert.deepEqual([r.status, r.headers.get('www-authenticate')], [404, null]);
  });
});

describe('resources per variant (WADL and on call)', () => {
  it('openo: the summary and pending-upload resources (added on line F) are listed', async () => {
    const wadl = (await call(sim('openo'), 'GET', '/ws/services?_wadl')).body;
    assert.ok(wadl.includes('<resource path="/summary/{id}">') && wadl.includes('<resource path="/uploadPendingDocuments">'));
  });

  for (const v of ['openo-legacy', 'oscar19'] as const) {
    it(`${v}: no summary or pending upload, but document save, immunizations and oauth/info`, async () => {
      const wadl = (await call(sim(v), 'GET', '/ws/services?_wadl')).body;
      assert.ok(!wadl.includes('/summary/{id}') && !wadl.includes('/uploadPendingDocuments'));
      for (const p of ['/saveDocumentToDemographic', '/immunizations/{demographicNo}', '/info']) assert.ok(wadl.includes(`<resource path="${p}">`), p);
      const r = await signed(sim(v), 'GET', '/ws/services/demographics/summary/1001');
      assert.equal(r.status, 404);
    });
  }

  it('oscar15: only providerService is mounted (B3); every other path is a JAX-RS 404', async () => {
    const wadl = (await call(sim('oscar15'), 'GET', '/ws/services?_wadl')).body;
    const paths = resources(wadl);
    assert.ok(paths.includes('/providerService'));
    for (const root of ['/demographics', '/schedule', '/allergies', '/preventions', '/document', '/oauth']) assert.ok(!paths.includes(root), root);
    for (const path of ['/ws/services/demographics/1001', '/ws/services/oauth/info', '/ws/services/allergies/active?demographicNo=1001']) {
      const r = await signed(sim('oscar15'), 'GET', path);
      assert.deepEqual([r.status, r.body], [404, ''], path);
    }
  });

  it('juno: /ws/services itself is no JAX-RS server: CXF 404 below it, the service list at it', async () => {
    for (const path of ['/ws/services/demographics/1001', '/ws/services/oauth/info', '/ws/services/schedule/add']) {
      const r = await call(sim('juno'), 'GET', path);
      assert.deepEqual([r.status, r.body], [404, CXF_404], path);
    }
    const list = await call(sim('juno'), 'GET', '/ws/services?_wadl');
    assert.match(list.body, /CXF - Service list/);
    assert.ok(list.body.includes(`${sim('juno').url}/ws/services/v1?_wadl`));
    assert.ok(list.body.includes('{http://v1.soap.external.ws.oscarehr.org/}DemographicWsService'));
  });
});
