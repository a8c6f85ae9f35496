// The FHIR REST machinery end to end, exercised through Patient over real HTTP against the
// simulator: content negotiation, OperationOutcome for every error, versions and conditional
// requests, Prefer, GET and POST searches, searchset Bundles and their stateless paging cursors
// (followed on a second, new facade instance), _summary, _elements and unknown parameters.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Bundle, OperationOutcome, Patient } from 'fhir/r4.js';
import { createFacade, type Facade } from '../../src/app.js';
import { connectionFromCredentials, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { demoCredentials } from '../../src/sim/options.js';
import { medplumValidate } from '../helpers/independent-validator.js';
import { pageCap } from '../helpers/paging.js';
import { startStack, type FhirAnswer, type Stack } from '../helpers/stack.js';

const FHIR_JSON = { accept: 'application/fhir+json' };

let stack: Stack;
before(async () => { stack = await startStack({ env: { CACHE_MAX_BYTES: '0' } }); });
after(async () => { await stack.close(); });

function assertOutcome(r: FhirAnswer, status: number, code?: string): OperationOutcome {
  assert.equal(r.status, status, r.text.slice(0, 300));
  assert.match(r.headers.get('content-type') ?? '', /^application\/fhir\+json/);
  assert.equal(r.body?.resourceType, 'OperationOutcome', r.text.slice(0, 300));
  const oo = r.body as OperationOutcome;
  assert.ok(oo.issue.length > 0 && oo.issue.every((i) => i.severity && i.code));
  if (code) assert.equal(oo.issue[0]?.code, code);
  assert.deepEqual(medplumValidate(oo), []);
  return oo;
}

const ids = (b: Bundle): string[] => (b.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource!.id!);
const link = (b: Bundle, relation: string): string | undefined => b.link?.find((l) => l.relation === relation)?.url;
const path = (url: string): string => { assert.ok(url.startsWith(stack.base), `${url} is under FHIR_BASE_URL`); return url.slice(stack.base.length); };

describe('content negotiation', () => {
  test('JSON flavours are served; XML and other types are a 406 OperationOutcome', async () => {
    for (const accept of ['application/fhir+json', 'application/json', 'application/fhir+json; fhirVersion=4.0', '*/*']) {
      const r = await stack.fhir('/Patient/1001', { headers: { accept } });
      assert.equal(r.status, 200, accept);
      assert.equal(r.body.resourceType, 'Patient');
    }
    assert.match((await stack.fhir('/Patient/1001', { headers: { accept: 'application/json' } })).headers.get('content-type') ?? '', /^application\/json/);
    assertOutcome(await stack.fhir('/Patient/1001', { headers: { accept: 'application/fhir+xml' } }), 406);
    assertOutcome(await stack.fhir('/Patient/1001?_format=xml'), 406);
    assert.equal((await stack.fhir('/Patient/1001?_format=json')).status, 200);
  });

  test('a body that is not FHIR JSON is a 415 OperationOutcome, before any upstream call', async () => {
    stack.sim.stats.reset();
    assertOutcome(await stack.fhir('/Patient', { method: 'POST', headers: { 'content-type': 'application/fhir+xml' }, body: '<Patient xmlns="http://hl7.org/fhir"/>' }), 415);
    assertOutcome(await stack.fhir('/Patient/1001', { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: '{}' }), 415);
    assertOutcome(await stack.fhir('/Patient/_search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"family":"DOE"}' }), 415);
    assert.equal(stack.sim.stats.count(), 0);
  });
});

describe('every error is an OperationOutcome', () => {
  test('404, 405, 400 and upstream failures', async () => {
    stack.sim.stats.reset();
    assertOutcome(await stack.fhir('/Patient/abc'), 404, 'not-found');
    assertOutcome(await stack.fhir('/Patient/12345678901234567890'), 404, 'not-found');
    assert.equal(stack.sim.stats.count(), 0, 'an id that cannot exist never reaches OSCAR');
    assertOutcome(await stack.fhir('/Patient/999999'), 404, 'not-found');
    assertOutcome(await stack.fhir('/NoSuchType/1'), 404);
    const del = await stack.fhir('/Patient/1001', { method: 'DELETE' });
    assertOutcome(del, 405);
    assert.match(del.headers.get('allow') ?? '', /GET/);
    assertOutcome(await stack.fhir('/Patient/1001/_history'), 405);
    assertOutcome(await stack.fhir('/Patient?birthdate=not-a-date'), 400);
    assertOutcome(await stack.fhir('/Patient?gender=woman'), 400);
    assertOutcome(await stack.fhir('/Patient', { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: '{not json' }), 400);
    assertOutcome(await stack.fhir('/Patient', { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: '{"resourceType":"Observation"}' }), 400);
    const fault = stack.sim.faults.add({ match: { operation: 'getDemographic2' }, mode: 'soapFault' });
    try {
      const r = await stack.fhir('/Patient/1001');
      assert.ok(r.status >= 500, `status ${r.status}`);
      assertOutcome(r, r.status);
    } finally {
      stack.sim.faults.remove(fault);
    }
    assert.equal((await stack.fhir('/Patient/1001')).status, 200, 'and the facade recovers');
  });
});

describe('versions and conditional requests', () => {
  test('read carries meta.versionId, a weak ETag and Last-Modified; vread serves only the current version', async () => {
    const r = await stack.fhir('/Patient/1001', { headers: FHIR_JSON });
    const p = r.body as Patient;
    assert.match(p.meta?.versionId ?? '', /^[0-9a-f]{16}$/);
    assert.equal(r.headers.get('etag'), `W/"${p.meta!.versionId}"`);
    assert.equal(r.headers.get('last-modified'), new Date(p.meta!.lastUpdated!).toUTCString());
    assert.deepEqual(medplumValidate(p), []);
    const again = await stack.fhir('/Patient/1001');
    assert.equal(again.headers.get('etag'), r.headers.get('etag'), 'same data, same version');
    const v = await stack.fhir(`/Patient/1001/_history/${p.meta!.versionId}`);
    assert.equal(v.status, 200);
    assert.deepEqual(v.body, p);
    assertOutcome(await stack.fhir('/Patient/1001/_history/0123456789abcdef'), 404);
  });

  test('If-None-Match: 304 for the current version, 200 otherwise', async () => {
    const etag = (await stack.fhir('/Patient/1001')).headers.get('etag')!;
    const same = await stack.fhir('/Patient/1001', { headers: { 'if-none-match': etag } });
    assert.equal(same.status, 304);
    assert.equal(same.text, '');
    assert.equal(same.headers.get('etag'), etag);
    assert.equal((await stack.fhir('/Patient/1001', { headers: { 'if-none-match': 'W/"0000000000000000"' } })).status, 200);
    assert.equal((await stack.fhir('/Patient/1001', { headers: { 'if-none-match': '*' } })).status, 304);
  });

  test('If-Match: 412 for another version, and the update goes through with the current one', async () => {
    const r = await stack.fhir('/Patient/1005');
    const body = JSON.stringify(r.body);
    const headers = { 'content-type': 'application/fhir+json' };
    assertOutcome(await stack.fhir('/Patient/1005', { method: 'PUT', headers: { ...headers, 'if-match': 'W/"0000000000000000"' }, body }), 412);
    const ok = await stack.fhir('/Patient/1005', { method: 'PUT', headers: { ...headers, 'if-match': r.headers.get('etag')! }, body });
    assert.equal(ok.status, 200, ok.text);
    assert.match(ok.headers.get('location') ?? '', /\/Patient\/1005\/_history\/[0-9a-f]{16}$/);
    assert.equal(ok.headers.get('etag'), `W/"${ok.body.meta.versionId}"`);
  });

  test('Prefer: return=minimal | representation | OperationOutcome on update', async () => {
    const current = await stack.fhir('/Patient/1006');
    const put = (prefer: string) => stack.fhir('/Patient/1006', { method: 'PUT', headers: { 'content-type': 'application/fhir+json', prefer }, body: JSON.stringify(current.body) });
    const minimal = await put('return=minimal');
    assert.equal(minimal.status, 200);
    assert.equal(minimal.text, '');
    assert.ok(minimal.headers.get('etag'));
    const representation = await put('return=representation');
    assert.equal(representation.body.resourceType, 'Patient');
    assert.equal(representation.body.id, '1006');
    const outcome = await put('return=OperationOutcome');
    assert.equal(outcome.status, 200);
    assert.equal(outcome.body.resourceType, 'OperationOutcome');
  });
});

describe('search: GET and POST, searchset Bundles, paging', () => {
  test('GET [type]?… and POST [type]/_search answer the same Bundle', async () => {
    const get = (await stack.fhir('/Patient?family=cote&_count=2')).body as Bundle;
    const post = (await stack.fhir('/Patient/_search', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'family=cote&_count=2',
    })).body as Bundle;
    assert.equal(post.type, 'searchset');
    assert.deepEqual(ids(post), ids(get));
    assert.equal(post.total, get.total);
    assert.equal(link(post, 'self'), link(get, 'self'));
    // query and form parameters combine (ANDed)
    const mixed = (await stack.fhir('/Patient/_search?gender=female', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'family=cote',
    })).body as Bundle;
    const both = (await stack.fhir('/Patient?gender=female&family=cote')).body as Bundle;
    assert.ok(ids(both).length > 0);
    assert.deepEqual(ids(mixed), ids(both));
  });

  test('Bundle: total, fullUrl and self/first/next/previous links from FHIR_BASE_URL; every page ≤ 2 upstream calls', async () => {
    const first = (await stack.fhir('/Patient?active=true&_count=100')).body as Bundle;
    assert.equal(first.type, 'searchset');
    assert.ok(first.total! > 200);
    assert.equal(first.entry?.length, 100);
    for (const e of first.entry!) {
      assert.equal(e.fullUrl, `${stack.base}/Patient/${e.resource!.id}`);
      assert.equal(e.search?.mode, 'match');
    }
    assert.ok(link(first, 'self')!.startsWith(`${stack.base}/Patient?`));
    assert.equal(link(first, 'previous'), undefined);
    const seen = [...ids(first)];
    let page = first;
    const next = pageCap(Math.ceil((first.total ?? 0) / 100) - 1, 'active=true&_count=100');
    while (link(page, 'next')) {
      next();
      stack.sim.stats.reset();
      page = (await stack.fhir(path(link(page, 'next')!))).body as Bundle;
      assert.ok(stack.sim.stats.count() <= 2);
      assert.equal(page.total, first.total);
      assert.ok(link(page, 'previous'));
      assert.equal(link(page, 'first'), link(first, 'self')!.replace(/&_cursor=[^&]*/, ''));
      seen.push(...ids(page));
    }
    assert.equal(seen.length, first.total);
    assert.equal(new Set(seen).size, seen.length);
    // previous of the last page is the page before it
    const prev = (await stack.fhir(path(link(page, 'previous')!))).body as Bundle;
    assert.deepEqual(ids(prev), seen.slice(-ids(page).length - 100, -ids(page).length));
  });

  test('a paging cursor is stateless: a NEW facade instance serves the next page the same way', async () => {
    const page1 = (await stack.fhir('/Patient?gender=female&_count=25')).body as Bundle;
    const next = link(page1, 'next')!;
    const expected = (await stack.fhir(path(next))).body as Bundle;
    const other = await secondFacade();
    try {
      const res = await fetch(next.replace(stack.base, other.base), { headers: FHIR_JSON });
      assert.equal(res.status, 200);
      const page2 = await res.json() as Bundle;
      assert.deepEqual(ids(page2), ids(expected));
      assert.ok(ids(page2).length > 0 && ids(page2).every((id) => !ids(page1).includes(id)));
      assert.equal(link(page2, 'next'), link(expected, 'next'));
    } finally {
      await other.facade.close();
    }
    // a cursor is tied to its search: replayed elsewhere or tampered with, it is a 400
    const cursor = new URL(next).searchParams.get('_cursor')!;
    assertOutcome(await stack.fhir(`/Patient?gender=male&_count=25&_cursor=${cursor}`), 400);
    assertOutcome(await stack.fhir(`/Patient?gender=female&_count=25&_cursor=${cursor.slice(0, -2)}!!`), 400);
  });
});

describe('_summary, _elements, unknown parameters', () => {
  test('_summary=true keeps the summary elements and tags SUBSETTED; count answers only the total; data keeps the data', async () => {
    const read = (await stack.fhir('/Patient/1001?_summary=true')).body as Patient;
    assert.ok(read.name && read.birthDate && read.identifier);
    assert.equal(read.communication, undefined);
    assert.equal(read.generalPractitioner, undefined);
    assert.ok(read.meta?.tag?.some((t) => t.code === 'SUBSETTED'));
    const searched = (await stack.fhir('/Patient?family=cote&_summary=true')).body as Bundle;
    for (const e of searched.entry ?? []) assert.equal((e.resource as Patient).communication, undefined);
    const count = (await stack.fhir('/Patient?family=cote&_summary=count')).body as Bundle;
    assert.equal(count.entry, undefined);
    assert.equal(count.total, searched.total);
    const data = (await stack.fhir('/Patient/1001?_summary=data')).body as Patient;
    assert.ok(data.communication && data.generalPractitioner);
  });

  test('_elements returns the named elements (plus id and meta), tagged SUBSETTED', async () => {
    const b = (await stack.fhir('/Patient?family=cote&_elements=name,gender')).body as Bundle;
    assert.ok((b.entry ?? []).length > 0);
    for (const e of b.entry ?? []) {
      assert.deepEqual(Object.keys(e.resource!).sort(), ['gender', 'id', 'meta', 'name', 'resourceType']);
      assert.ok(e.resource!.meta?.tag?.some((t) => t.code === 'SUBSETTED'));
    }
    const read = (await stack.fhir('/Patient/1001?_elements=birthDate')).body as Patient;
    assert.deepEqual(Object.keys(read).sort(), ['birthDate', 'id', 'meta', 'resourceType']);
  });

  test('an unknown search parameter is a 400, unless Prefer: handling=lenient (then ignored and reported)', async () => {
    stack.sim.stats.reset();
    const strict = assertOutcome(await stack.fhir('/Patient?family=cote&shoe-size=12'), 400);
    assert.match(JSON.stringify(strict), /shoe-size/);
    assert.equal(stack.sim.stats.count(), 0);
    const lenient = await stack.fhir('/Patient?family=cote&shoe-size=12', { headers: { prefer: 'handling=lenient' } });
    assert.equal(lenient.status, 200);
    const b = lenient.body as Bundle;
    assert.deepEqual(ids(b), ids((await stack.fhir('/Patient?family=cote')).body as Bundle));
    const outcome = b.entry?.find((e) => e.search?.mode === 'outcome')?.resource as OperationOutcome;
    assert.match(JSON.stringify(outcome), /shoe-size/);
    assert.doesNotMatch(link(b, 'self')!, /shoe-size/);
  });
});

/** Another facade process on the same OSCAR, with the same public base URL (as behind a load balancer). */
async function secondFacade(): Promise<{ facade: Facade; base: string }> {
  const credentials = demoCredentials({});
  const config = loadConfig({
    PORT: '0', HOST: '127.0.0.1', FHIR_BASE_URL: stack.base,
    VALIDATION_MODE: 'strict', LOG_LEVEL: 'silent', OSCAR_TIMEZONE: stack.sim.store.timezone, CACHE_MAX_BYTES: '0',
    CAPABILITY_DISCOVERY: 'false',
  });
  const facade = createFacade(config, connectionFromCredentials(stack.sim.url, credentials), createLogger('silent'));
  const port = await facade.listen();
  return { facade, base: `http://127.0.0.1:${port}/fhir` };
}
