// Juno's integrator REST API at /ws/services/v1 (variants §3 card H, §4.2, B8, B15): RestResponse
// envelopes with ISO dates, the resources it has, CXF's OAuth 401, the rate limit, the IP filter
// and the OpenAPI document.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { call, oauthHeader, signed } from '../sim-deploy/wire.js';

const NULL_HEADERS = { buildDate: null, buildTag: null };

describe('Juno v1 REST', () => {
  let sim: Simulator;
  before(async () => { sim = await startSimulator({ patients: 30, variant: 'juno' }); });
  after(async () => { await sim.close(); });

  it('GET /demographic/{id}: a RestResponse with ISO dates', async () => {
    const row = sim.store.demographic(1001);
    assert.ok(row);
    Object.assign(row, { yearOfBirth: '1980', monthOfBirth: '01', dateOfBirth: '02', lastUpdateDate: '2024-03-05T10:11:12', dateJoined: '2001-07-08' });
    const r = await signed(sim, 'GET', '/ws/services/v1/demographic/1001');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json');
    const json = JSON.parse(r.body);
    assert.deepEqual(Object.keys(json), ['headers', 'body', 'error', 'status']);
    assert.deepEqual([json.headers, json.error, json.status], [NULL_HEADERS, null, 'SUCCESS']);
    assert.deepEqual([json.body.demographicNo, json.body.dateOfBirth, json.body.lastUpdateDate, json.body.dateJoined],
      [1001, '1980-01-02', '2024-03-05', '2001-07-08']);
  });

  it('PUT /demographic/{id}: HTTP 200 with an error envelope "Not Implemented"', async () => {
    const r = await signed(sim, 'PUT', '/ws/services/v1/demographic/1001',
      { firstName: 'JANE', lastName: 'DOE', sex: 'F', dateJoined: '2001-07-08', dateOfBirth: '1980-01-02' });
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.body), { headers: NULL_HEADERS, body: null, error: { message: 'Not Implemented', data: null }, status: 'ERROR' });
  });

  it('POST /demographic creates a patient and answers its number', async () => {
    const r = await signed(sim, 'POST', '/ws/services/v1/demographic', {
      firstName: 'GRACE', lastName: 'HOPPER', sex: 'F', dateOfBirth: '1906-12-09', dateJoined: '2020-01-01', hin: '2223334445',
    });
    assert.equal(r.status, 200, r.body);
    const id = JSON.parse(r.body).body as number;
    assert.deepEqual([sim.store.demographic(id)?.lastName, sim.store.demographic(id)?.yearOfBirth], ['HOPPER', '1906']);
  });

  it('GET /demographics/search: start-of-name matches, paged, totals in the headers', async () => {
    const r = await signed(sim, 'GET', '/ws/services/v1/demographics/search?lastName=DO&perPage=2');
    const json = JSON.parse(r.body);
    assert.equal(r.status, 200);
    assert.deepEqual([json.headers.page, json.headers.perPage], [1, 2]);
    assert.ok(json.headers.total >= 1);
    assert.ok(json.body.length <= 2 && json.body.every((d: { lastName: string }) => d.lastName.startsWith('DO')));
    const none = await signed(sim, 'GET', '/ws/services/v1/demographics/search');
    assert.equal(none.status, 412);
    assert.deepEqual(JSON.parse(none.body).error, { message: 'At least one search parameter is required', data: null, infoMap: {} });
  });

  it('POST /document goes to the inbox; POST /demographic/{id}/chart/document/{docId} files it', async () => {
    const r = await signed(sim, 'POST', '/ws/services/v1/document', {
      fileName: 'note.pdf', status: 'A', documentDescription: 'Lab note', documentCreator: '999998',
      base64EncodedFile: Buffer.from('%PDF-1.4').toString('base64'),
    });
    assert.equal(r.status, 200, r.body);
    const docId = JSON.parse(r.body).body as number;
    assert.equal(sim.store.data.ctlDocuments.filter((c) => c.documentNo === docId).length, 0);
    const filed = await signed(sim, 'POST', `/ws/services/v1/demographic/1001/chart/document/${docId}`, {});
    assert.equal(JSON.parse(filed.body).body, docId);
    assert.deepEqual(sim.store.data.ctlDocuments.filter((c) => c.documentNo === docId).map((c) => [c.module, c.moduleId]), [['demographic', 1001]]);
  });

  it('validates parameters and bodies: 400 "Constraint Violation Error" with each path and message', async () => {
    const unknown = await signed(sim, 'GET', '/ws/services/v1/demographic/999999');
    assert.equal(unknown.status, 400);
    assert.deepEqual(JSON.parse(unknown.body), {
      headers: NULL_HEADERS, body: null, status: 'ERROR',
      error: { message: 'Constraint Violation Error', data: null, validationErrors: [{ path: 'getDemographic.arg0', message: 'Invalid Demographic Number' }] },
    });
    const noNames = await signed(sim, 'POST', '/ws/services/v1/demographic', { sex: 'X', dateJoined: '2020-01-01', dateOfBirth: '1990-01-01' });
    assert.equal(noNames.status, 400);
    assert.deepEqual(JSON.parse(noNames.body).error.validationErrors, [
      { path: 'postDemographic.arg0.firstName', message: 'may not be null' }, { path: 'postDemographic.arg0.lastName', message: 'may not be null' },
      { path: 'postDemographic.arg0.sex', message: 'Invalid String Value' },
    ]);
    const badLink = await signed(sim, 'POST', '/ws/services/v1/demographic/1001/chart/document/0', {});
    assert.deepEqual(JSON.parse(badLink.body).error.validationErrors, [{ path: 'assignDocument.arg1', message: 'Invalid Document Number' }]);
  });

  it('answers an unsigned call with CXF\'s 401 and an unknown v1 path with the mapper\'s 500', async () => {
    const r = await call(sim, 'GET', '/ws/services/v1/demographic/1001');
    assert.deepEqual([r.status, r.headers.get('www-authenticate'), r.body], [401, 'OAuth', '']);
    const unknown = await signed(sim, 'GET', '/ws/services/v1/allergies');
    assert.equal(unknown.status, 500);
    assert.deepEqual(JSON.parse(unknown.body), { headers: NULL_HEADERS, body: null, error: { message: 'System error', data: null }, status: 'ERROR' });
  });

  it('lists the v1 paths in its WADL and at <ctx>/openapi/openapi.json', async () => {
    const wadl = await call(sim, 'GET', '/ws/services/v1?_wadl');
    for (const p of ['/demographic', '/demographics', '/document', '/provider', '/providers']) assert.ok(wadl.body.includes(`<resource path="${p}">`), p);
    const api = JSON.parse((await call(sim, 'GET', '/openapi/openapi.json')).body);
    assert.deepEqual(Object.keys(api.paths).sort(), [
      '/demographic', '/demographic/{demographicId}', '/demographic/{demographicId}/chart/document/{documentId}',
      '/demographics/search', '/document', '/provider/{id}', '/providers/providers_json',
    ]);
    assert.deepEqual(Object.keys(api.paths['/demographic/{demographicId}']).sort(), ['get', 'put']);
    assert.equal(api.servers[0].url, '/oscar/ws/services/v1');
  });
});

describe('Juno v1 rate limit (B8)', () => {
  it('refuses the 50th request inside 10 s with a 503 rate-limit envelope, and recovers after the period', async () => {
    const sim = await startSimulator({ patients: 5, variant: 'juno' });
    try {
      let now = Date.UTC(2025, 5, 2, 12, 0, 0);
      sim.store.now = () => now;
      const statuses: number[] = [];
      let last = '';
      for (let i = 0; i < 50; i++) {
        const r = await signed(sim, 'GET', '/ws/services/v1/provider/999998');
        statuses.push(r.status);
        last = r.body;
      }
      assert.deepEqual(statuses.slice(0, 49), new Array(49).fill(200));
      assert.equal(statuses[49], 503);
      assert.deepEqual(JSON.parse(last), {
        headers: NULL_HEADERS, body: null, status: 'ERROR',
        error: { message: 'The maximum request rate of 50/10000ms was exceeded.', data: null, currentRequestCount: 50, requestLimit: 50, resetPeriod: 10000, timeToReset: 10000 },
      });
      now += 10_001;
      const url = `${sim.url}/ws/services/v1/provider/999998`;
      const again = await fetch(url, { headers: { authorization: oauthHeader(sim, 'GET', url, Math.floor(now / 1000)) } });
      assert.equal(again.status, 200);
    } finally { await sim.close(); }
  });
});

describe('Juno v1 with SIM_IP_ALLOWLIST=deny', () => {
  it('answers 403 with the IP filter\'s envelope', async () => {
    const sim = await startSimulator({ patients: 5, variant: 'juno', ipAllowlist: 'deny' });
    try {
      const r = await signed(sim, 'GET', '/ws/services/v1/demographic/1001');
      assert.equal(r.status, 403);
      assert.deepEqual(JSON.parse(r.body), { headers: NULL_HEADERS, body: null, error: { message: 'Unauthorized IP Address (127.0.0.1)', data: null }, status: 'ERROR' });
    } finally { await sim.close(); }
  });
});
