// Router: searchset Bundles, paging links and cursors, _summary/_elements, includes, lenient handling.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Bundle, FhirResource, OperationOutcome, Patient, Resource } from 'fhir/r4.js';
import { decodeCursor, FhirError } from '../../src/fhir/index.js';
import { callsTo } from './fake-registry.js';
import { BASE, request, setup } from './harness.js';

const bundle = (b: unknown): Bundle<FhirResource> => b as Bundle<FhirResource>;
const ids = (b: Bundle<FhirResource>, mode = 'match'): string[] =>
  (b.entry ?? []).filter((e) => e.search?.mode === mode).map((e) => `${e.resource?.resourceType}/${e.resource?.id}`);
const link = (b: Bundle<FhirResource>, rel: string): string | undefined => b.link?.find((l) => l.relation === rel)?.url;

/** Turns an absolute link back into a router request path + query. */
const follow = (url: string): string => url.slice(BASE.length);

describe('router: search', () => {
  it('returns a searchset with total, fullUrl, search.mode and stamped versions', async () => {
    const { call } = setup();
    const res = await call('GET', '/Patient?name=smi');
    assert.equal(res.status, 200);
    const b = bundle(res.body);
    assert.equal(b.type, 'searchset');
    assert.equal(b.total, 2);
    assert.deepEqual(ids(b), ['Patient/1', 'Patient/3']);
    assert.equal(b.entry?.[0]?.fullUrl, `${BASE}/Patient/1`);
    assert.match(b.entry?.[0]?.resource?.meta?.versionId ?? '', /^[0-9a-f]{16}$/);
    assert.equal(link(b, 'self'), `${BASE}/Patient?name=smi&_count=20`);
    assert.equal(link(b, 'next'), undefined);
  });

  it('name search is starts-with and accent/case-insensitive; :exact and :contains where declared', async () => {
    const { call } = setup();
    assert.deepEqual(ids(bundle((await call('GET', '/Patient?name=MUL')).body)), ['Patient/2']);
    assert.deepEqual(ids(bundle((await call('GET', '/Patient?family:exact=Smith')).body)), ['Patient/1']);
    assert.deepEqual(ids(bundle((await call('GET', '/Patient?name:contains=ITH')).body)), ['Patient/1', 'Patient/3']);
    const unsupported = await call('GET', '/Patient?family:contains=ith');
    assert.equal(unsupported.status, 400);
    assert.match((unsupported.body as OperationOutcome).issue[0]?.diagnostics ?? '', /':contains' is not supported for search parameter 'family'/);
  });

  it('AND across repeated parameters, OR within commas', async () => {
    const { call } = setup();
    assert.deepEqual(ids(bundle((await call('GET', '/Patient?gender=male,female')).body)), ['Patient/1', 'Patient/2', 'Patient/3']);
    assert.deepEqual(ids(bundle((await call('GET', '/Patient?gender=male&name=smi')).body)), ['Patient/3']);
    assert.deepEqual(ids(bundle((await call('GET', '/Patient?birthdate=ge1980&birthdate=lt1990')).body)), ['Patient/1', 'Patient/4']);
    assert.deepEqual(ids(bundle((await call('GET', '/Patient?birthdate=1980')).body)), ['Patient/1', 'Patient/4']);
    assert.deepEqual(ids(bundle((await call('GET', '/Patient?gender:not=male')).body)), ['Patient/1', 'Patient/4']);
    assert.deepEqual(ids(bundle((await call('GET', '/Patient?gender:missing=true')).body)), ['Patient/4']);
    assert.deepEqual(ids(bundle((await call('GET', '/Patient?general-practitioner=Practitioner/7')).body)), ['Patient/1', 'Patient/2']);
  });

  it('invalid values are 400 naming the problem, without calling the handler', async () => {
    const { fake, call } = setup();
    const cases: [string, RegExp][] = [
      ['birthdate=notadate', /'notadate' is not a valid date/],
      ['birthdate=1980-02-30', /not a valid date/],
      ['_count=-1', /'_count' must be a whole number/],
      ['_count=ten', /'_count' must be a whole number/],
      ['gender=male|x|y', /more than one '\|'/],
      ['gender=woman', /unknown code 'woman'.*male, female, other, unknown/],
      ['general-practitioner=Patient/1', /not a valid target/],
      ['_summary=maybe', /'_summary' must be one of/],
      ['_total=all', /'_total' must be one of/],
      ['_cursor=%%%', /not a valid paging cursor/],
    ];
    for (const [q, re] of cases) {
      const res = await call('GET', `/Patient?${q}`);
      assert.equal(res.status, 400, q);
      assert.match((res.body as OperationOutcome).issue[0]?.diagnostics ?? '', re, q);
    }
    assert.equal(callsTo(fake.calls), 0);
  });

  it('unknown parameters: 400 naming them; with Prefer: handling=lenient ignored with a warning and left out of self', async () => {
    const { fake, call } = setup();
    const strict = await call('GET', '/Patient?name=smi&foo=bar');
    assert.equal(strict.status, 400);
    assert.match((strict.body as OperationOutcome).issue[0]?.diagnostics ?? '', /Unknown search parameter 'foo' for Patient/);
    assert.equal(callsTo(fake.calls), 0);
    const lenient = await call('GET', '/Patient?name=smi&foo=bar&_sort=telecom', { headers: { prefer: 'handling=lenient' } });
    assert.equal(lenient.status, 200);
    const b = bundle(lenient.body);
    assert.deepEqual(ids(b), ['Patient/1', 'Patient/3']);
    assert.equal(link(b, 'self'), `${BASE}/Patient?name=smi&_count=20`);
    const oo = b.entry?.find((e) => e.search?.mode === 'outcome')?.resource as OperationOutcome;
    assert.deepEqual(oo.issue.map((i) => i.severity), ['warning', 'warning']);
    assert.match(oo.issue[0]?.diagnostics ?? '', /foo/);
    assert.match(oo.issue[1]?.diagnostics ?? '', /_sort/);
    const bad = await call('GET', '/Patient?birthdate=notadate', { headers: { prefer: 'handling=lenient' } });
    assert.equal(bad.status, 400, 'invalid values stay errors in lenient mode');
  });

  it('_id values that cannot be OSCAR ids match nothing without calling the handler', async () => {
    const { fake, call } = setup();
    const res = await call('GET', '/Patient?_id=abc');
    assert.equal(res.status, 200);
    assert.equal(bundle(res.body).total, 0);
    assert.equal(fake.calls['patient.search'], undefined);
    assert.deepEqual(ids(bundle((await call('GET', '/Patient?_id=abc,2')).body)), ['Patient/2']);
    assert.deepEqual(fake.lastSearch?.clauses[0]?.values, [{ code: '2' }]);
  });

  it('pages with stateless cursors: next/previous/first links round-trip', async () => {
    const { router, call } = setup();
    const first = bundle((await call('GET', '/Patient?_count=2&birthdate=ge1970')).body);
    assert.equal(first.total, 4);
    assert.deepEqual(ids(first), ['Patient/1', 'Patient/2']);
    assert.equal(link(first, 'previous'), undefined);
    assert.equal(link(first, 'first'), `${BASE}/Patient?birthdate=ge1970&_count=2`);
    const next = link(first, 'next') ?? '';
    assert.match(next, /^https:\/\/fhir\.example\.org\/fhir\/Patient\?birthdate=ge1970&_count=2&_cursor=[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodeCursor(new URL(next).searchParams.get('_cursor') ?? '').offset, 2);

    // A fresh router (another instance, after a restart) serves the cursor: nothing is stored.
    const second = bundle((await router(request('GET', follow(next)))).body);
    assert.deepEqual(ids(second), ['Patient/3', 'Patient/4']);
    assert.equal(link(second, 'next'), undefined);
    assert.equal(link(second, 'self'), next);
    const prev = link(second, 'previous') ?? '';
    assert.deepEqual(ids(bundle((await call('GET', follow(prev))).body)), ['Patient/1', 'Patient/2']);

    const other = setup();
    const elsewhere = bundle((await other.call('GET', follow(next))).body);
    assert.deepEqual(ids(elsewhere), ['Patient/3', 'Patient/4']);
  });

  it('a cursor replayed against another search is a 400', async () => {
    const { call } = setup();
    const first = bundle((await call('GET', '/Patient?_count=1&gender=male')).body);
    const cursor = new URL(link(first, 'next') ?? '').searchParams.get('_cursor') ?? '';
    const res = await call('GET', `/Patient?_count=1&gender=female&_cursor=${cursor}`);
    assert.equal(res.status, 400);
    assert.match((res.body as OperationOutcome).issue[0]?.diagnostics ?? '', /different search/);
  });

  it('_count is capped at the configured maximum and the links say so', async () => {
    const { fake, call } = setup({ paging: { defaultCount: 3, maxCount: 3 } });
    const b = bundle((await call('GET', '/Patient?_count=500')).body);
    assert.equal(fake.lastSearch?.count, 3);
    assert.equal(b.entry?.length, 3);
    assert.match(link(b, 'self') ?? '', /_count=3$/);
    const d = bundle((await call('GET', '/Patient')).body);
    assert.equal(d.entry?.length, 3, 'configured default');
  });

  it('unpaged handlers are paged by the router', async () => {
    const { call } = setup({ paging: { defaultCount: 1 } });
    const b = bundle((await call('GET', '/Appointment?patient=1,2')).body);
    assert.equal(b.total, 2);
    assert.deepEqual(ids(b), ['Appointment/100']);
    const n = bundle((await call('GET', follow(link(b, 'next') ?? ''))).body);
    assert.deepEqual(ids(n), ['Appointment/101']);
    assert.equal(link(n, 'next'), undefined);
  });

  it('_total=none omits the total; _summary=count gives the total only', async () => {
    const { call } = setup();
    const none = bundle((await call('GET', '/Patient?gender=male&_total=none')).body);
    assert.equal(none.total, undefined);
    assert.equal(none.entry?.length, 2);
    const count = bundle((await call('GET', '/Patient?gender=male&_summary=count')).body);
    assert.equal(count.total, 2);
    assert.equal(count.entry, undefined);
    assert.equal(link(count, 'next'), undefined);
  });

  it('_count=0 gives the total with no entries and no next link', async () => {
    const { call } = setup();
    const b = bundle((await call('GET', '/Patient?gender=male&_count=0')).body);
    assert.equal(b.total, 2);
    assert.equal(b.entry, undefined);
    assert.equal(link(b, 'next'), undefined);
  });

  it('_summary=text keeps text, id, meta and mandatory elements only', async () => {
    const { call } = setup();
    const a = bundle((await call('GET', '/Appointment?patient=1&_summary=text')).body).entry?.[0]?.resource as unknown as Record<string, unknown>;
    assert.deepEqual(Object.keys(a).sort(), ['id', 'meta', 'participant', 'resourceType', 'status']);
  });

  it('_summary=true keeps summary elements and tags SUBSETTED; _elements keeps the listed ones', async () => {
    const { call } = setup();
    const s = bundle((await call('GET', '/Patient?_id=1&_summary=true')).body).entry?.[0]?.resource as Patient;
    assert.equal(s.generalPractitioner, undefined);
    assert.ok(s.name && s.birthDate);
    assert.ok(s.meta?.tag?.some((t) => t.code === 'SUBSETTED'));
    assert.ok(s.meta?.versionId, 'versionId of the whole resource is kept');
    const e = bundle((await call('GET', '/Patient?_id=1&_elements=birthDate,Patient.name')).body).entry?.[0]?.resource as Patient;
    assert.deepEqual(Object.keys(e).sort(), ['birthDate', 'id', 'meta', 'name', 'resourceType']);
    assert.ok(e.meta?.tag?.some((t) => t.code === 'SUBSETTED'));
    assert.equal((await call('GET', '/Patient?_summary=true&_elements=name')).status, 400);
  });

  it('_include resolves references once each through the target read, deduplicated', async () => {
    const { fake, call } = setup();
    const b = bundle((await call('GET', '/Patient?_id=1,2,3&_include=Patient:general-practitioner')).body);
    assert.deepEqual(ids(b), ['Patient/1', 'Patient/2', 'Patient/3']);
    assert.deepEqual(ids(b, 'include').sort(), ['Practitioner/7', 'Practitioner/8']);
    assert.equal(fake.calls['practitioner.read'], 2, 'Practitioner/7 is referenced twice but read once');
    assert.match(b.entry?.find((e) => e.search?.mode === 'include')?.resource?.meta?.versionId ?? '', /^[0-9a-f]{16}$/);
    const unsupported = await call('GET', '/Patient?_include=Patient:organization');
    assert.equal(unsupported.status, 400);
    assert.equal((await call('GET', '/Patient?_include:iterate=Patient:general-practitioner')).status, 400);
  });

  it('passes every match and every included resource through checkResource; a refusal, thrown or awaited, is the answer', async () => {
    const seen: string[] = [];
    const refuse = (what: string) => ({
      checkResource(_ctx: unknown, r: Resource): void | Promise<void> {
        const key = `${r.resourceType}/${r.id ?? ''}`;
        seen.push(key);
        if (key === what) throw new FhirError(403, { severity: 'error', code: 'forbidden', diagnostics: 'not for this token' });
        // An answer the hook has to wait for (an OSCAR question) comes as a promise.
        if (r.resourceType === 'Practitioner') return Promise.resolve();
      },
    });
    const path = '/Patient?_id=1,2,3&_include=Patient:general-practitioner';
    const passed = await setup({ hooks: refuse('none') }).call('GET', path);
    assert.equal(passed.status, 200);
    assert.deepEqual(seen.slice(0, 3), ['Patient/1', 'Patient/2', 'Patient/3']);
    assert.deepEqual(seen.slice(3).sort(), ['Practitioner/7', 'Practitioner/8']);
    seen.length = 0;
    assert.equal((await setup({ hooks: refuse('Practitioner/8') }).call('GET', path)).status, 403, 'an included resource refused');
    assert.equal((await setup({ hooks: refuse('Patient/3') }).call('GET', path)).status, 403, 'a match refused');
    const late = { checkResource: (_ctx: unknown, r: Resource) => (r.id === '8' ? Promise.reject(new FhirError(403, { severity: 'error', code: 'forbidden', diagnostics: 'no' })) : undefined) };
    assert.equal((await setup({ hooks: late }).call('GET', path)).status, 403, 'a refusal the hook answers with a promise');
  });

  it('_revinclude is a 400 that calls no handler', async () => {
    const { fake, call } = setup();
    const res = await call('GET', '/Patient?_id=1,2&_revinclude=Appointment:patient');
    assert.equal(res.status, 400);
    assert.match((res.body as OperationOutcome).issue[0]?.diagnostics ?? '', /'_revinclude=Appointment:patient' is not supported for Patient/);
    assert.equal(callsTo(fake.calls), 0);
  });

  it('POST _search takes a form body (merged with the query) and answers like GET', async () => {
    const { call } = setup();
    const form = 'name=smi&gender=female';
    const res = await call('POST', '/Patient/_search?_count=5', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    assert.equal(res.status, 200);
    const b = bundle(res.body);
    assert.deepEqual(ids(b), ['Patient/1']);
    assert.equal(link(b, 'self'), `${BASE}/Patient?name=smi&gender=female&_count=5`);
    const asObject = await call('POST', '/Patient/_search', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: { name: 'smi', gender: ['male', 'female'] } });
    assert.deepEqual(ids(bundle(asObject.body)), [], 'repeated values are ANDed: no patient is both male and female');
    const asPairs = await call('POST', '/Patient/_search', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: [['name', 'smi'], ['gender', 'male']] });
    assert.deepEqual(ids(bundle(asPairs.body)), ['Patient/3']);
    const json = await call('POST', '/Patient/_search', { headers: { 'content-type': 'application/json' }, body: 'name=smi' });
    assert.equal(json.status, 415);
  });
});
