// DocumentReference create over OSCAR REST alone (variants §6 B5, §7.4 REST-only mode): the upload
// goes through saveDocumentToDemographic (contract 3.5) after a REST check that the patient
// exists, and is answered from OSCAR's reply, since REST has no document read; reads and searches
// stay unavailable. Expected values are the simulator's stored rows and the bytes sent.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { CapabilityStatement, DocumentReference } from 'fhir/r4.js';
import type { Stack } from '../helpers/stack.js';
import { callsSince, JSON_HEADERS, restOnlyStack, type Seen } from './setup.js';

describe('DocumentReference create over OSCAR REST when SOAP is behind a WAF', () => {
  let stack: Stack;
  let seen: Seen[];
  before(async () => { ({ stack, seen } = await restOnlyStack()); });
  after(() => stack.close());

  const bytes = Buffer.from('a consult letter, REST only\n');
  const upload = (patient: string): DocumentReference => ({
    resourceType: 'DocumentReference', status: 'current', type: { coding: [{ system: 'http://loinc.org', code: '11488-4' }] },
    subject: { reference: `Patient/${patient}` }, description: 'Consult letter',
    content: [{ attachment: { contentType: 'text/plain', data: bytes.toString('base64'), title: 'letter.txt', creation: '2026-11-03' } }],
  });

  it('advertises DocumentReference create only, and says how it is degraded', async () => {
    const cs = (await stack.fhir('/metadata')).body as CapabilityStatement;
    const doc = cs.rest?.[0]?.resource?.find((r) => r.type === 'DocumentReference');
    assert.deepEqual(doc?.interaction?.map((i) => i.code), ['create']);
    assert.match(doc?.interaction?.[0]?.documentation ?? '', /cannot be read or searched afterwards/);
    assert.equal(doc?.conditionalCreate, false);
  });

  it("uploads a document and answers it from OSCAR's reply: no SOAP call, the stored row's number, title and day", async () => {
    const patient = stack.sim.store.data.demographics[0]!.demographicNo;
    const from = seen.length;
    const res = await stack.fhir('/DocumentReference', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(upload(String(patient))) });
    assert.equal(res.status, 201, res.text);
    const d = res.body as DocumentReference;
    const row = stack.sim.store.data.documents.find((x) => x.documentNo === Number(d.id))!;
    assert.ok(row, 'the document is stored');
    assert.deepEqual(row.file, bytes);
    assert.ok(stack.sim.store.data.ctlDocuments.some((c) => c.documentNo === row.documentNo && c.module === 'demographic' && c.moduleId === patient));
    assert.equal(d.subject?.reference, `Patient/${patient}`);
    assert.equal(d.description, 'Consult letter');
    const a = d.content[0]!.attachment;
    assert.equal(a.title, 'letter.txt');
    assert.equal(a.size, bytes.length);
    assert.equal(a.hash, createHash('sha1').update(bytes).digest('base64'));
    // contract 7.25: sent as the clinic's noon, stored on that day by a JVM in another zone.
    assert.equal(row.observationdate, '2026-11-03');
    assert.equal(a.creation, '2026-11-03');
    assert.deepEqual(callsSince(seen, from), ['POST /ws/services/demographics/search', 'POST /ws/services/document/saveDocumentToDemographic']);
  });

  it('refuses a document for a patient OSCAR does not know 422, uploading nothing', async () => {
    const count = stack.sim.store.data.documents.length;
    const res = await stack.fhir('/DocumentReference', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(upload('987654')) });
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.resourceType, 'OperationOutcome');
    assert.equal(stack.sim.store.data.documents.length, count);
  });

  it('answers bad input 4xx and reads, searches and conditional creates 4xx/501, none of them calling OSCAR', async () => {
    const from = seen.length;
    const noData = upload('1');
    noData.content = [{ attachment: { contentType: 'text/plain', title: 'x.txt' } }];
    const bad = await stack.fhir('/DocumentReference', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(noData) });
    assert.ok(bad.status >= 400 && bad.status < 500, bad.text);
    assert.equal(bad.body.resourceType, 'OperationOutcome');
    assert.equal((await stack.fhir('/DocumentReference/1')).status, 501);
    assert.equal((await stack.fhir('/DocumentReference?patient=1')).status, 501);
    const conditional = await stack.fhir('/DocumentReference', { method: 'POST', headers: { ...JSON_HEADERS, 'if-none-exist': 'identifier=x|1' }, body: JSON.stringify(upload('1')) });
    assert.ok([400, 412, 501].includes(conditional.status), conditional.text);
    assert.deepEqual(callsSince(seen, from), []);
  });
});
