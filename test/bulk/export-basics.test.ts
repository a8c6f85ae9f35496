// Patient-level export of Patient and Immunization against the simulator: the async pattern
// (202 + Content-Location, progress, manifest), the files' contents against the clinic's rows,
// DELETE, and what a kick-off refuses (bulk-data §a C, D, E, F, H).
import assert from 'node:assert/strict';
import { get, type IncomingHttpHeaders } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { startStack, type Stack } from '../helpers/stack.js';
import { activePatients, immunizationIds, KICK_OFF_HEADERS, kickOff, linesOf, manifestOf, resourcesOf, sortedIds, waitFor } from './export-helpers.js';

describe('Patient-level export of Patient and Immunization', () => {
  let stack: Stack;
  before(async () => { stack = await startStack({ sim: { patients: 40, seed: 7 }, env: { BULK_MIN_POLL_MS: '0' } }); });
  after(async () => { await stack.close(); });

  it('answers 202 with an absolute Content-Location, then a manifest whose files hold exactly the clinic\'s active patients and their immunizations', async () => {
    const before = Date.now();
    const res = await fetch(`${stack.base}/Patient/$export?_type=Patient,Immunization`, { headers: KICK_OFF_HEADERS });
    assert.equal(res.status, 202);
    const location = res.headers.get('content-location')!;
    assert.match(location, /^http:\/\/127\.0\.0\.1:\d+\/fhir\/\$export-status\/[0-9a-f]{32}$/);
    const m = await manifestOf(location);
    assert.ok(Date.parse(m.transactionTime) <= before, 'transactionTime is taken before the job read anything');
    assert.equal(m.requiresAccessToken, true);
    assert.equal(m.request, `${stack.base}/Patient/$export?_type=Patient%2CImmunization`);
    assert.deepEqual(m.error, []);
    assert.equal(m.deleted, undefined, 'no deleted array without _since');
    for (const o of m.output) assert.match(o.url, /^http:\/\/127\.0\.0\.1:\d+\/fhir\//);
    const data = stack.sim.store.data;
    const patients = await resourcesOf(m, 'Patient');
    assert.deepEqual(sortedIds(patients), activePatients(data));
    const imms = await resourcesOf(m, 'Immunization');
    assert.deepEqual(sortedIds(imms), immunizationIds(data, activePatients(data)));
    for (const o of m.output) {
      const lines = await linesOf(o.url);
      assert.equal(lines.length, o.count);
      assert.ok(lines.every((l) => l.resourceType === o.type), 'one type per file');
    }
  });

  it('serves files as application/fhir+ndjson', async () => {
    const m = await manifestOf(await kickOff(stack, '/Patient/$export?_type=Patient'));
    const res = await fetch(m.output[0]!.url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/fhir+ndjson');
  });

  it('Accept-Encoding: gzip gives a valid gzip of exactly the NDJSON the plain download gives; gzip;q=0 gives it plain', async () => {
    const m = await manifestOf(await kickOff(stack, '/Patient/$export?_type=Patient,Immunization'));
    for (const o of m.output) {
      const plain = await rawGet(o.url, {});
      assert.equal(plain.headers['content-encoding'], undefined);
      assert.equal(plain.body.toString('utf8').split('\n').filter(Boolean).length, o.count);
      const zipped = await rawGet(o.url, { 'accept-encoding': 'gzip, deflate' });
      assert.equal(zipped.status, 200);
      assert.equal(zipped.headers['content-encoding'], 'gzip');
      assert.match(String(zipped.headers.vary), /Accept-Encoding/i);
      assert.equal(zipped.headers['content-type'], 'application/fhir+ndjson');
      assert.ok(zipped.body.length < plain.body.length, 'compressed');
      assert.deepEqual(gunzipSync(zipped.body), plain.body, `${o.type}: the same bytes once unzipped`);
      const refused = await rawGet(o.url, { 'accept-encoding': 'gzip;q=0, identity' });
      assert.equal(refused.headers['content-encoding'], undefined);
      assert.deepEqual(refused.body, plain.body);
    }
  });

  it('DELETE answers 202, then the status and the files are 404 with an OperationOutcome', async () => {
    const status = await kickOff(stack, '/Patient/$export?_type=Patient');
    const m = await manifestOf(status);
    const del = await fetch(status, { method: 'DELETE' });
    assert.equal(del.status, 202);
    for (const url of [status, m.output[0]!.url]) {
      const res = await fetch(url);
      assert.equal(res.status, 404);
      assert.equal((await res.json() as { resourceType: string }).resourceType, 'OperationOutcome');
    }
    assert.equal((await fetch(status, { method: 'DELETE' })).status, 404, 'a second DELETE is 404 too');
  });

  it('accepts the three ndjson spellings of _outputFormat and refuses others with 400', async () => {
    for (const f of ['application/fhir+ndjson', 'application/ndjson', 'ndjson']) {
      const s = await kickOff(stack, `/Patient/$export?_type=Patient&_outputFormat=${encodeURIComponent(f)}`);
      assert.equal((await waitFor(s)).status, 200, f);
    }
    const bad = await fetch(`${stack.base}/Patient/$export?_outputFormat=application/xml`, { headers: KICK_OFF_HEADERS });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json() as { resourceType: string }).resourceType, 'OperationOutcome');
  });

  it('refuses a kick-off without Prefer: respond-async or Accept: application/fhir+json', async () => {
    assert.equal((await fetch(`${stack.base}/Patient/$export`, { headers: { accept: 'application/fhir+json' } })).status, 400);
    assert.equal((await fetch(`${stack.base}/Patient/$export`, { headers: { prefer: 'respond-async' } })).status, 400);
    const lenient = await fetch(`${stack.base}/Patient/$export?_type=Patient`, { headers: { accept: 'application/fhir+json', prefer: 'respond-async, handling=lenient' } });
    assert.equal(lenient.status, 202);
    await waitFor(lenient.headers.get('content-location')!);
  });

  it('refuses an invalid or future _since, an unknown _type, and patient on GET', async () => {
    for (const q of ['_since=0000-60-01T30:70:80%2B05:00', '_since=2057-01-01T00:00:00Z', '_type=MissingType', 'patient=Patient/1001']) {
      const res = await fetch(`${stack.base}/Patient/$export?${q}`, { headers: KICK_OFF_HEADERS });
      assert.equal(res.status, 400, q);
      assert.equal((await res.json() as { resourceType: string }).resourceType, 'OperationOutcome');
    }
  });

  it('with handling=lenient, an unknown _type is an OperationOutcome in the error file instead of a 400', async () => {
    const s = await kickOff(stack, '/Patient/$export?_type=Patient,MissingType', { headers: { prefer: 'respond-async, handling=lenient' } });
    const m = await manifestOf(s);
    assert.equal(m.error.length, 1);
    const [oo] = await linesOf(m.error[0]!.url);
    assert.equal(oo.resourceType, 'OperationOutcome');
    assert.match(oo.issue[0].diagnostics, /MissingType/);
  });
});

/** GET with node:http, which (unlike fetch) hands the body over as sent: compressed stays compressed. */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}
