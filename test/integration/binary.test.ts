// Binary over real HTTP: the bytes OSCAR stores for a patient document, raw or as a FHIR Binary.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { DocumentRow } from '../../src/sim/clinic/model.js';
import { medplumValidate } from '../helpers/independent-validator.js';
import { startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;
// A short ordinary deadline and a long document one: a slow document still arrives (see the last
// test). The cache stays on (raw and JSON answers for one id must not mix); no change-feed polling,
// so the simulator counts only the calls a request makes.
before(async () => {
  stack = await startStack({ env: { OSCAR_TIMEOUT_MS: '800', OSCAR_DOCUMENT_TIMEOUT_MS: '10000', OSCAR_RETRIES: '0', CHANGE_POLL_SECONDS: '0' } });
});
after(async () => { await stack.close(); });

const sha1 = (b: Buffer): string => createHash('sha1').update(b).digest('base64');
const moduleOf = (documentNo: number): string | undefined => stack.sim.store.data.ctlDocuments.find((c) => c.documentNo === documentNo)?.module;
const patientDoc = (pred: (d: DocumentRow) => boolean): DocumentRow =>
  stack.sim.store.data.documents.find((d) => d.file !== null && moduleOf(d.documentNo) === 'demographic' && pred(d))!;

async function raw(path: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string | null; bytes: Buffer }> {
  const r = await fetch(`${stack.base}${path}`, { headers });
  return { status: r.status, type: r.headers.get('content-type'), bytes: Buffer.from(await r.arrayBuffer()) };
}

test('the raw bytes OSCAR stored, with their content type; SHA-1 and size equal the DocumentReference attachment', async () => {
  for (const kind of ['application/pdf', 'image/png', 'text/plain']) {
    const row = patientDoc((d) => d.contenttype === kind);
    const r = await raw(`/Binary/${row.documentNo}`);
    assert.equal(r.status, 200, kind);
    assert.equal(r.type, kind);
    assert.deepEqual(r.bytes, row.file);
    const doc = (await stack.fhir(`/DocumentReference/${row.documentNo}`)).body;
    assert.equal(doc.content[0].attachment.url, `${stack.base}/Binary/${row.documentNo}`);
    assert.equal(doc.content[0].attachment.hash, sha1(r.bytes));
    assert.equal(doc.content[0].attachment.size, r.bytes.length);
  }
});

test('a FHIR Binary (base64 data) when the client asks for FHIR JSON', async () => {
  const row = patientDoc((d) => d.docdesc === 'CBC results');
  for (const [path, headers] of [
    [`/Binary/${row.documentNo}`, { accept: 'application/fhir+json' }],
    [`/Binary/${row.documentNo}?_format=json`, {}],
  ] as const) {
    const r = await stack.fhir(path, { headers });
    assert.equal(r.status, 200, path);
    assert.match(r.headers.get('content-type') ?? '', /^application\/fhir\+json/);
    assert.equal(r.body.resourceType, 'Binary');
    assert.equal(r.body.id, String(row.documentNo));
    assert.equal(r.body.contentType, 'application/pdf');
    assert.deepEqual(r.body.securityContext, { reference: `DocumentReference/${row.documentNo}` });
    assert.deepEqual(Buffer.from(r.body.data, 'base64'), row.file);
    assert.deepEqual(medplumValidate(r.body), []);
  }
});

test('an Accept that excludes the file type is a 406; a matching or wildcard one gets the bytes', async () => {
  const row = patientDoc((d) => d.contenttype === 'application/pdf');
  assert.equal((await raw(`/Binary/${row.documentNo}`, { accept: 'image/png' })).status, 406);
  assert.equal((await raw(`/Binary/${row.documentNo}`, { accept: 'application/pdf' })).status, 200);
  assert.equal((await raw(`/Binary/${row.documentNo}`, { accept: 'application/*' })).status, 200);
});

test('provider-module documents, unknown and impossible numbers are 404', async () => {
  const provider = stack.sim.store.data.documents.filter((d) => moduleOf(d.documentNo) === 'provider');
  assert.ok(provider.length > 0);
  for (const d of provider) assert.equal((await raw(`/Binary/${d.documentNo}`)).status, 404);
  assert.equal((await raw('/Binary/999999')).status, 404);
  stack.sim.stats.reset();
  assert.equal((await raw('/Binary/99999999999')).status, 404);
  assert.equal((await raw('/Binary/x1')).status, 404);
  assert.equal(stack.sim.stats.count('DocumentService.getDocument'), 0);
});

test('a document whose file is gone from OSCAR is a 502 OperationOutcome', async () => {
  const missing = stack.sim.store.data.documents.find((d) => d.file === null && moduleOf(d.documentNo) === 'demographic')!;
  const r = await stack.fhir(`/Binary/${missing.documentNo}`);
  assert.equal(r.status, 502);
  assert.equal(r.body.resourceType, 'OperationOutcome');
});

test('Binary is read-only and has no search', async () => {
  const body = JSON.stringify({ resourceType: 'Binary', contentType: 'text/plain', data: 'aGk=' });
  const h = { 'content-type': 'application/fhir+json' };
  assert.equal((await stack.fhir('/Binary', { method: 'POST', headers: h, body })).status, 405);
  assert.equal((await stack.fhir('/Binary/1', { method: 'PUT', headers: h, body })).status, 405);
  assert.equal((await stack.fhir('/Binary/1', { method: 'DELETE' })).status, 405);
  assert.equal((await stack.fhir('/Binary?_id=1')).status, 405);
});

test('documents get the longer document deadline: a getDocument slower than OSCAR_TIMEOUT_MS still arrives', async () => {
  const row = patientDoc((d) => d.doctype === 'radiology'); // not read before: not in the cache
  const rule = stack.sim.faults.add({ match: { operation: 'getDocument' }, mode: 'latency', latencyMs: 1200, times: 1 });
  try {
    stack.sim.stats.reset();
    const r = await raw(`/Binary/${row.documentNo}`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.bytes, row.file);
    assert.equal(stack.sim.stats.count('DocumentService.getDocument'), 1, 'the slow call did happen');
  } finally {
    stack.sim.faults.remove(rule);
  }
});
