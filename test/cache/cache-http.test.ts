// The cache over real HTTP (simulator + facade): coalescing, 304s from the cache, writes visible
// on the very next read, bounded upstream concurrency, and the headers that keep PHI out of
// shared caches.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Patient } from 'fhir/r4.js';
import { startStack, type Stack } from '../helpers/stack.js';

const JSON_HEADERS = { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' };

/** Active patients with a full birth date (OSCAR can only store full ones on update). */
function writable(stack: Stack, n: number): number[] {
  return stack.sim.store.data.demographics
    .filter((d) => d.demographicNo > 1040 && d.patientStatus === 'AC' && d.yearOfBirth && d.monthOfBirth && d.dateOfBirth)
    .slice(0, n).map((d) => d.demographicNo);
}

describe('cache over HTTP', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ env: { OSCAR_MAX_IN_FLIGHT: '3', OSCAR_MAX_QUEUE: '1000', CHANGE_POLL_SECONDS: '0',
      // 400 OSCAR calls through 3 slots: on a loaded machine the queue wait must not run out first.
      OSCAR_TIMEOUT_MS: '60000' } });
  });
  after(async () => { await stack.close(); });

  test('100 concurrent identical cold reads make one upstream call per OSCAR operation', async () => {
    stack.sim.stats.reset();
    const answers = await Promise.all(Array.from({ length: 100 }, () => stack.fhir('/Patient/1002')));
    assert.ok(answers.every((a) => a.status === 200), answers.map((a) => a.status).join(','));
    assert.ok(answers.every((a) => a.text === answers[0]!.text), 'everyone got the same bytes');
    const byOp = stack.sim.stats.snapshot().byOperation;
    const reads = Object.entries(byOp).filter(([op]) => op.startsWith('DemographicService.'));
    assert.ok(reads.length > 0, JSON.stringify(byOp));
    for (const [op, n] of reads) assert.equal(n, 1, `${op} was called ${n} times`);
  });

  test('If-None-Match is answered with 304 from the cache, without any upstream call', async () => {
    const first = await stack.fhir('/Patient/1003');
    assert.equal(first.status, 200);
    const etag = first.headers.get('etag')!;
    assert.match(etag, /^W\/"[0-9a-f]{16}"$/);
    stack.sim.stats.reset();
    const again = await stack.fhir('/Patient/1003', { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    assert.equal(again.text, '');
    assert.equal(again.headers.get('etag'), etag);
    const changed = await stack.fhir('/Patient/1003', { headers: { 'if-none-match': 'W/"0000000000000000"' } });
    assert.equal(changed.status, 200);
    assert.equal(changed.text, first.text);
    assert.equal(stack.sim.stats.count(), 0, 'no call reached OSCAR');
  });

  test('hits carry the headers that keep PHI out of shared caches, like every answer', async () => {
    await stack.fhir('/Patient/1005');
    stack.sim.stats.reset();
    const hit = await stack.fhir('/Patient/1005');
    assert.equal(stack.sim.stats.count(), 0, 'it was a cache hit');
    assert.equal(hit.headers.get('cache-control'), 'private, no-cache');
    assert.match(hit.headers.get('vary') ?? '', /Authorization/);
    assert.equal(hit.headers.get('content-type'), 'application/fhir+json; charset=utf-8');
    assert.ok(hit.headers.get('x-request-id'));
    const asJson = await stack.fhir('/Patient/1005', { headers: { accept: 'application/json' } });
    assert.equal(asJson.headers.get('content-type'), 'application/json; charset=utf-8', 'the negotiated media type is part of the key');
  });

  test('HEAD of a cached read is answered from the cache with the GET\'s headers and no body', async () => {
    const get = await stack.fhir('/Patient/1006');
    assert.equal(get.status, 200);
    stack.sim.stats.reset();
    const head = await stack.fhir('/Patient/1006', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    assert.equal(head.headers.get('etag'), get.headers.get('etag'));
    assert.equal(head.headers.get('content-type'), get.headers.get('content-type'));
    assert.equal(stack.sim.stats.count(), 0, 'no call reached OSCAR');
  });

  test('a write through the facade is visible on the very next read', async () => {
    const [id] = writable(stack, 1);
    const read = await stack.fhir(`/Patient/${id}`);
    assert.equal(read.status, 200);
    await stack.fhir(`/Patient/${id}`); // cached now
    const p = read.body as Patient;
    const family = `CACHED${Date.now() % 100000}`;
    p.name = [{ ...p.name![0], family }, ...p.name!.slice(1)];
    const put = await stack.fhir(`/Patient/${id}`, { method: 'PUT', headers: { ...JSON_HEADERS, 'if-match': read.headers.get('etag')! }, body: JSON.stringify(p) });
    assert.equal(put.status, 200, put.text);
    const next = await stack.fhir(`/Patient/${id}`);
    assert.equal(next.status, 200);
    assert.equal((next.body as Patient).name![0]!.family, family);
    assert.equal(next.headers.get('etag'), put.headers.get('etag'));
    const search = await stack.fhir(`/Patient?family=${family}`);
    assert.deepEqual(search.body.entry.map((e: { resource: Patient }) => e.resource.id), [String(id)], 'searches were dropped too');
  });

  test('an If-Match update is checked against OSCAR, not against a cached version', async () => {
    const [, id] = writable(stack, 2);
    const read = await stack.fhir(`/Patient/${id}`);
    const etag = read.headers.get('etag')!;
    // The clinic edits the record directly; the cached copy still has the old version.
    const row = stack.sim.store.demographic(id!)!;
    row.phone = '905-555-0177';
    assert.equal((await stack.fhir(`/Patient/${id}`)).headers.get('etag'), etag, 'the read is served from the cache');
    const put = await stack.fhir(`/Patient/${id}`, { method: 'PUT', headers: { ...JSON_HEADERS, 'if-match': etag }, body: JSON.stringify(read.body) });
    assert.equal(put.status, 412, 'the stale version must not win');
  });

  test('200 concurrent clients never become more than OSCAR_MAX_IN_FLIGHT concurrent OSCAR requests', async () => {
    stack.sim.stats.reset();
    const ids = stack.sim.store.data.demographics.map((d) => d.demographicNo).filter((id) => id > 1100).slice(0, 200);
    assert.equal(ids.length, 200);
    const answers = await Promise.all(ids.map((id) => stack.fhir(`/Patient/${id}`)));
    assert.deepEqual([...new Set(answers.map((a) => a.status))], [200]);
    const s = stack.sim.stats.snapshot();
    assert.ok(s.total >= 200, `every read went upstream (${s.total} calls)`);
    assert.ok(s.maxInFlight <= 3, `at most 3 OSCAR requests at once, saw ${s.maxInFlight}`);
  });
});
