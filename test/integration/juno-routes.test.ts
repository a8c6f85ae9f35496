// What Juno's own web services add (variants §3 H, contract 3.10): chart numbers found through the
// integrator search (/ws/services/v1/demographics/search, parameter charNo), and documents uploaded
// through /ws/services/v1/document and filed in the chart, with the provider the facade acts as
// as their creator. Expected values are the simulator's stored rows.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bundle, DocumentReference } from 'fhir/r4.js';
import { VARIANT_MAPS } from '../../scripts/routing-doc/variant-maps.js';
import { startStack, type Stack } from '../helpers/stack.js';

const JSON_HEADERS = { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' };

describe('Juno: chart numbers and document uploads through its integrator REST', () => {
  let stack: Stack;
  const seen: string[] = [];
  before(async () => {
    stack = await startStack({
      sim: { patients: 6, variant: 'juno', onRequest: (r) => seen.push(`${r.method} ${r.path.replace(/^\/oscar/, '')}`) },
      facade: { capabilities: { current: () => VARIANT_MAPS.juno! } },
    });
  });
  after(() => stack.close());

  const upload = (patient: number, description: string): DocumentReference => ({
    resourceType: 'DocumentReference', status: 'current', subject: { reference: `Patient/${patient}` }, description,
    content: [{ attachment: { contentType: 'application/pdf', data: Buffer.from('%PDF-1.4 juno').toString('base64'), title: 'referral.pdf' } }],
  });

  it('finds a patient by chart number with the v1 search, then reads the records through SOAP', async () => {
    const row = stack.sim.store.data.demographics.find((d) => d.chartNo)!;
    const from = seen.length;
    const res = await stack.fhir(`/Patient?identifier=${encodeURIComponent(`${stack.base}/sid/chart-no|${row.chartNo}`)}`);
    assert.equal(res.status, 200, res.text);
    const ids = ((res.body as Bundle).entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => Number(e.resource!.id));
    assert.deepEqual(ids, stack.sim.store.data.demographics.filter((d) => d.chartNo === row.chartNo).map((d) => d.demographicNo));
    const calls = seen.slice(from);
    assert.equal(calls[0], 'GET /ws/services/v1/demographics/search');
    assert.ok(calls.includes('POST /ws/DemographicService'), calls.join());
  });

  it('uploads a document to the inbox, files it in the chart, and answers it as SOAP reads it back', async () => {
    const patient = stack.sim.store.data.demographics[0]!.demographicNo;
    const from = seen.length;
    const res = await stack.fhir('/DocumentReference', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(upload(patient, 'Referral letter')) });
    assert.equal(res.status, 201, res.text);
    const id = Number(res.body.id);
    const row = stack.sim.store.document(id)!;
    assert.equal(row.docdesc, 'Referral letter');
    // Juno requires a creator: the provider login2 acts as (the simulator's SIM_PROVIDER_NO default).
    assert.equal(row.doccreator, '999998');
    assert.ok(stack.sim.store.data.ctlDocuments.some((c) => c.documentNo === id && c.module === 'demographic' && c.moduleId === patient), 'filed in the chart');
    assert.equal(res.body.subject.reference, `Patient/${patient}`);
    const rest = seen.slice(from).filter((c) => c.includes('/ws/services/'));
    assert.deepEqual(rest, ['POST /ws/services/v1/document', `POST /ws/services/v1/demographic/${patient}/chart/document/${id}`]);
  });

  it("refuses a description longer than Juno's 60 characters and an unknown patient 422, uploading nothing", async () => {
    const count = stack.sim.store.data.documents.length;
    const long = await stack.fhir('/DocumentReference', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(upload(stack.sim.store.data.demographics[0]!.demographicNo, 'x'.repeat(61))) });
    assert.equal(long.status, 422, long.text);
    assert.equal(long.body.resourceType, 'OperationOutcome');
    const unknown = await stack.fhir('/DocumentReference', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(upload(987654, 'Referral')) });
    assert.equal(unknown.status, 422, unknown.text);
    assert.equal(stack.sim.store.data.documents.length, count);
  });
});
