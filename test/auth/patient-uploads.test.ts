// Documents a patient uploads through a patient/ token must not read back as written by the
// clinician the facade acts as in OSCAR: OSCAR records the calling account as the document's
// creator (contract 3.5), so a patient's upload would otherwise look clinician-authored. Over real HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSecureStack, type SecureStack } from './fixture.js';

let s: SecureStack;
before(async () => { s = await startSecureStack(); });
after(async () => { await s.close(); });

const labReport = (patient: string) => JSON.stringify({
  resourceType: 'DocumentReference', status: 'current',
  type: { coding: [{ system: 'http://loinc.org', code: '11502-2' }] },
  subject: { reference: `Patient/${patient}` },
  description: 'CBC — Lab report',
  content: [{ attachment: { contentType: 'text/plain', data: Buffer.from('Hb 140').toString('base64'), title: 'cbc.txt' } }],
});

describe('documents uploaded under a patient token', () => {
  it('read back as authored by the patient, and OSCAR keeps them marked as supplied by the patient', async () => {
    const token = await s.issuer.token({ scope: 'patient/DocumentReference.cr', patient: '1001' });
    const r = await s.as(token, '/DocumentReference', { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: labReport('1001') });
    assert.equal(r.status, 201, r.text.slice(0, 300));
    assert.deepEqual(r.body.author, [{ reference: 'Patient/1001' }]);
    const staff = await s.backendToken('system/*.rs', s.clients.es);
    const read = await s.as(staff, `/DocumentReference/${r.body.id}`);
    assert.deepEqual(read.body.author, [{ reference: 'Patient/1001' }], 'staff see who supplied it too');
    const row = s.sim.store.data.documents.find((d) => d.documentNo === Number(r.body.id))!;
    assert.equal(row.source, 'oscar-fhir: supplied by the patient');
  });

  it('an upload by a system client still names the facade\'s OSCAR provider', async () => {
    const writer = await s.backendToken('system/DocumentReference.cr');
    const r = await s.as(writer, '/DocumentReference', { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: labReport('1002') });
    assert.equal(r.status, 201, r.text.slice(0, 300));
    assert.match(r.body.author[0].reference, /^Practitioner\//);
  });
});
