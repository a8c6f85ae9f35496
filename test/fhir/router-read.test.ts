// Router: read / vread / ids / methods / media types / conditional reads / error mapping.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Bundle, OperationOutcome, Patient } from 'fhir/r4.js';
import { forbidden, renderBody, type FhirResponse } from '../../src/fhir/index.js';
import { OscarFaultError, OscarTimeoutError, OscarUnavailableError } from '../../src/oscar/errors.js';
import { callsTo } from './fake-registry.js';
import { setup } from './harness.js';

const outcome = (res: FhirResponse): OperationOutcome => res.body as OperationOutcome;

describe('router: read', () => {
  it('reads a resource with versionId, weak ETag, Last-Modified and the mapper lastUpdated', async () => {
    const { call } = setup();
    const res = await call('GET', '/Patient/1');
    assert.equal(res.status, 200);
    const p = res.body as Patient;
    assert.equal(p.id, '1');
    assert.match(p.meta?.versionId ?? '', /^[0-9a-f]{16}$/);
    assert.equal(p.meta?.lastUpdated, '2024-01-02T03:04:05-05:00');
    assert.equal(res.headers.etag, `W/"${p.meta?.versionId}"`);
    assert.equal(res.headers['last-modified'], 'Tue, 02 Jan 2024 08:04:05 GMT');
    assert.equal(res.headers['content-type'], 'application/fhir+json; charset=utf-8');
  });

  it('answers a non-numeric, over-long or malformed id with 404 without calling the handler', async () => {
    const { fake, call } = setup();
    for (const path of ['/Patient/abc', '/Patient/1.5', `/Patient/${'9'.repeat(65)}`, '/Patient/a%20b', '/Patient/abc/$everything', '/Patient/x/_history/1']) {
      const res = await call('GET', path);
      assert.equal(res.status, 404, path);
      assert.equal(outcome(res).issue[0]?.code, 'not-found');
    }
    for (const [m, path] of [['PUT', '/Patient/abc'], ['DELETE', '/Patient/abc']] as const) {
      const res = await call(m, path, { headers: { 'content-type': 'application/fhir+json' }, body: { resourceType: 'Patient', id: 'abc' } });
      assert.equal(res.status, 404, `${m} ${path}`);
    }
    assert.equal(callsTo(fake.calls), 0);
  });

  it('404 for an unknown id the handler does not have, and for unknown types and paths', async () => {
    const { call } = setup();
    assert.equal((await call('GET', '/Patient/999')).status, 404);
    const unknownType = await call('GET', '/Observation/1');
    assert.equal(unknownType.status, 404);
    assert.match(outcome(unknownType).issue[0]?.diagnostics ?? '', /Observation/);
    assert.equal((await call('GET', '/Patient/1/foo/bar/baz')).status, 404);
    assert.equal((await call('GET', '/$export')).status, 404);
  });

  it('vread of the current version is a read; any other version is 404', async () => {
    const { call } = setup();
    const current = await call('GET', '/Patient/1');
    const vid = (current.body as Patient).meta?.versionId ?? '';
    const res = await call('GET', `/Patient/1/_history/${vid}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, current.body);
    assert.equal((await call('GET', '/Patient/1/_history/0123456789abcdef')).status, 404);
  });

  it('If-None-Match with the current ETag → 304 without a body; a stale one → 200', async () => {
    const { call } = setup();
    const first = await call('GET', '/Patient/1');
    const etag = first.headers.etag ?? '';
    const again = await call('GET', '/Patient/1', { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    assert.equal(again.body, undefined);
    assert.equal(again.headers.etag, etag);
    assert.equal((await call('GET', '/Patient/1', { headers: { 'if-none-match': '"0000000000000000"' } })).status, 200);
    assert.equal((await call('GET', '/Patient/1', { headers: { 'if-none-match': `"x", ${etag.slice(2)}` } })).status, 304);
  });

  it('If-Modified-Since: 304 when not modified since, 200 when modified after', async () => {
    const { call } = setup();
    assert.equal((await call('GET', '/Patient/1', { headers: { 'if-modified-since': 'Tue, 02 Jan 2024 08:04:05 GMT' } })).status, 304);
    assert.equal((await call('GET', '/Patient/1', { headers: { 'if-modified-since': 'Tue, 02 Jan 2024 08:04:04 GMT' } })).status, 200);
  });

  it('versionId changes when the data changes and not otherwise', async () => {
    const { fake, call } = setup();
    const v1 = (await call('GET', '/Patient/1')).headers.etag;
    assert.equal((await call('GET', '/Patient/1')).headers.etag, v1);
    const p = fake.patients.get('1')!;
    fake.patients.set('1', { ...p, meta: { lastUpdated: '2030-01-01T00:00:00Z' } });
    assert.equal((await call('GET', '/Patient/1')).headers.etag, v1, 'meta is not part of the version');
    fake.patients.set('1', { ...p, active: false });
    assert.notEqual((await call('GET', '/Patient/1')).headers.etag, v1);
  });

  it('_summary and _elements on read', async () => {
    const { call } = setup();
    const sum = (await call('GET', '/Patient/1?_summary=true')).body as Patient;
    assert.equal(sum.telecom !== undefined, true);
    assert.equal(sum.generalPractitioner, undefined, 'generalPractitioner is not a summary element');
    assert.ok(sum.meta?.tag?.some((t) => t.code === 'SUBSETTED'));
    const el = (await call('GET', '/Patient/1?_elements=gender')).body as Patient;
    assert.deepEqual(Object.keys(el).sort(), ['gender', 'id', 'meta', 'resourceType']);
    assert.equal((await call('GET', '/Patient/1?_summary=count')).status, 400);
  });

  it('HEAD answers like GET without a body', async () => {
    const { call } = setup();
    const res = await call('HEAD', '/Patient/1');
    assert.equal(res.status, 200);
    assert.equal(res.body, undefined);
    assert.ok(res.headers.etag);
  });
});

describe('router: methods and media types', () => {
  it('405 with Allow for interactions a type does not define', async () => {
    const { fake, call } = setup();
    const post = await call('POST', '/Practitioner', { headers: { 'content-type': 'application/fhir+json' }, body: { resourceType: 'Practitioner' } });
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, '');
    assert.match(outcome(post).issue[0]?.diagnostics ?? '', /read-only: OSCAR exposes no provider write API/);
    const del = await call('DELETE', '/Practitioner/7');
    assert.equal(del.status, 405);
    assert.equal(del.headers.allow, 'GET');
    const patch = await call('PATCH', '/Patient/1');
    assert.equal(patch.status, 405);
    assert.equal(patch.headers.allow, 'GET, PUT');
    const put = await call('PUT', '/Patient');
    assert.equal(put.headers.allow, 'GET, POST');
    assert.equal((await call('GET', '/Patient/_history')).status, 405);
    assert.equal((await call('GET', '/')).status, 405);
    assert.equal((await call('POST', '/metadata')).status, 405);
    assert.equal((await call('GET', '/Patient/_search')).status, 405);
    assert.equal(callsTo(fake.calls), 0);
  });

  it('406 for XML via Accept or _format, before any handler runs; JSON variants accepted', async () => {
    const { fake, call } = setup();
    const xml = await call('GET', '/Patient/1', { headers: { accept: 'application/fhir+xml' } });
    assert.equal(xml.status, 406);
    assert.equal(xml.headers['content-type'], 'application/fhir+json; charset=utf-8');
    assert.equal((await call('GET', '/Patient/1?_format=xml')).status, 406);
    assert.equal(callsTo(fake.calls), 0);
    assert.equal((await call('GET', '/Patient/1?_format=json', { headers: { accept: 'application/xml' } })).status, 200, '_format wins over Accept');
    const plain = await call('GET', '/Patient/1', { headers: { accept: 'application/json' } });
    assert.equal(plain.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal((await call('GET', '/Patient/1', { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } })).status, 200);
  });

  it('415 for a non-JSON create body, before any handler runs', async () => {
    const { fake, call } = setup();
    const res = await call('POST', '/Patient', { headers: { 'content-type': 'application/fhir+xml' }, body: { resourceType: 'Patient' } });
    assert.equal(res.status, 415);
    assert.equal((await call('POST', '/Patient', { body: { resourceType: 'Patient' } })).status, 415, 'no Content-Type');
    assert.equal((await call('POST', '/Patient', { headers: { 'content-type': 'application/fhir+json; charset=iso-8859-1' }, body: { resourceType: 'Patient' } })).status, 415);
    assert.equal(callsTo(fake.calls), 0);
  });

  it('_pretty=true asks the adapter to indent', async () => {
    const { call } = setup();
    const res = await call('GET', '/Patient/1?_pretty=true');
    assert.equal(res.pretty, true);
    assert.match(renderBody(res)?.toString() ?? '', /\n {2}"resourceType": "Patient"/);
    assert.doesNotMatch(renderBody(await call('GET', '/Patient/1'))?.toString() ?? '', /\n/);
  });

  it('Binary: raw bytes for a non-FHIR Accept, a Binary resource for FHIR JSON, 406 for another type', async () => {
    const { call } = setup();
    const raw = await call('GET', '/Binary/55', { headers: { accept: 'application/pdf' } });
    assert.equal(raw.status, 200);
    assert.equal(raw.headers['content-type'], 'application/pdf');
    assert.ok(Buffer.isBuffer(raw.body));
    assert.equal((raw.body as Buffer).toString(), '%PDF-1.4 fake');
    assert.ok(raw.headers.etag);
    const any = await call('GET', '/Binary/55');
    assert.ok(Buffer.isBuffer(any.body), 'no Accept: the content itself');
    const fhir = await call('GET', '/Binary/55', { headers: { accept: 'application/fhir+json' } });
    assert.equal((fhir.body as { resourceType: string }).resourceType, 'Binary');
    assert.equal((await call('GET', '/Binary/55', { headers: { accept: 'image/png' } })).status, 406);
  });
});

describe('router: errors become OperationOutcomes in one place', () => {
  it('OSCAR unavailable → 503 transient with Retry-After; timeout → 504; fault → 502 without upstream details', async () => {
    const { fake, call } = setup();
    fake.failWith = new OscarUnavailableError('rest:getDemographic', 'circuit-open', { retryAfterSeconds: 30 });
    const r503 = await call('GET', '/Patient/1');
    assert.equal(r503.status, 503);
    assert.equal(r503.headers['retry-after'], '30');
    assert.equal(outcome(r503).issue[0]?.code, 'transient');
    fake.failWith = new OscarTimeoutError('rest:getDemographic', 5000);
    const r504 = await call('GET', '/Patient?name=smith');
    assert.equal(r504.status, 504);
    assert.equal(outcome(r504).issue[0]?.code, 'timeout');
    fake.failWith = new OscarFaultError('DemographicService.getDemographic', { upstreamStatus: 500, upstreamMessage: 'NullPointerException at SMITH, JANE' });
    const r502 = await call('GET', '/Patient/1');
    assert.equal(r502.status, 502);
    const text = JSON.stringify(r502.body);
    assert.doesNotMatch(text, /SMITH|NullPointer|DemographicService/);
  });

  it('an unexpected exception is a 500 "internal error", reported to onError as a bug', async () => {
    const seen: { status: number; bug: boolean }[] = [];
    const { fake, call } = setup({ hooks: { onError: (_e, _r, m) => { seen.push(m); } } });
    fake.failWith = new TypeError('cannot read properties of undefined (reading "hin")');
    const res = await call('GET', '/Patient/1');
    assert.equal(res.status, 500);
    assert.equal(outcome(res).issue[0]?.diagnostics, 'internal error');
    assert.doesNotMatch(JSON.stringify(res.body), /hin/);
    assert.deepEqual(seen, [{ status: 500, bug: true }]);
  });

  it('hooks can refuse an interaction before the handler runs', async () => {
    const { fake, call } = setup({
      hooks: { beforeInteraction: async (_ctx, info) => { if (info.interaction === 'read') throw forbidden('patient/*.read scope required'); } },
    });
    const res = await call('GET', '/Patient/1');
    assert.equal(res.status, 403);
    assert.equal((res.body as OperationOutcome).issue[0]?.code, 'forbidden');
    assert.equal(fake.calls['patient.read'], undefined);
  });

  it('metadata is served as a CapabilityStatement', async () => {
    const { call } = setup();
    const res = await call('GET', '/metadata');
    assert.equal(res.status, 200);
    assert.equal((res.body as { resourceType: string }).resourceType, 'CapabilityStatement');
    const again = await call('GET', '/metadata');
    assert.deepEqual(again.body, res.body, 'built once');
  });

  it('search results are a Bundle even when nothing matches', async () => {
    const { call } = setup();
    const res = await call('GET', '/Patient?name=zzz');
    assert.equal(res.status, 200);
    assert.equal((res.body as Bundle).total, 0);
  });
});
