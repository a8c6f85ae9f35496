// A create whose answer OSCAR sends too late was still stored (Tomcat finishes the request). The
// 504 says it may have been applied and how to check; a retry that names the booking's identifier
// in If-None-Exist finds it instead of booking twice.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startStack, type Stack } from '../helpers/stack.js';

let s: Stack;
before(async () => { s = await startStack({ env: { OSCAR_TIMEOUT_MS: '1000', OSCAR_DOCUMENT_TIMEOUT_MS: '1000', OSCAR_RETRIES: '0' } }); });
after(async () => { await s.close(); });

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit =>
  ({ method: 'POST', headers: { 'content-type': 'application/fhir+json', ...headers }, body: JSON.stringify(body) });
const SYSTEM = 'https://booking.example.org/requests';

describe('Appointment create that times out but commits', () => {
  const PATIENT = 1050;
  const booking = {
    resourceType: 'Appointment', status: 'booked', start: '2033-05-05T10:00:00-04:00', end: '2033-05-05T10:15:00-04:00',
    identifier: [{ system: SYSTEM, value: 'req-7f3a' }],
    participant: [{ actor: { reference: `Patient/${PATIENT}` }, status: 'accepted' }, { actor: { reference: 'Practitioner/999998' }, status: 'accepted' }],
  };
  const stored = () => s.sim.store.data.appointments.filter((a) => a.demographicNo === PATIENT && a.appointmentDate === '2033-05-05');

  it('answers 504 saying it may have been applied, and OSCAR holds the booking', async () => {
    s.sim.faults.add({ match: { operation: 'addAppointment' }, mode: 'lateAnswer', latencyMs: 2_000, times: 1 });
    const r = await s.fhir('/Appointment', json(booking));
    assert.equal(r.status, 504, r.text);
    assert.equal(r.body.issue[0].code, 'timeout');
    assert.match(r.body.issue[0].diagnostics, /may have applied/);
    assert.match(r.body.issue[0].diagnostics, /If-None-Exist/);
    assert.equal(stored().length, 1, 'OSCAR stored it anyway');
  });

  it('a retry with If-None-Exist on patient and identifier returns the stored booking and books nothing', async () => {
    const first = stored()[0]!;
    const r = await s.fhir('/Appointment', json(booking, { 'if-none-exist': `patient=${PATIENT}&identifier=${encodeURIComponent(SYSTEM)}|req-7f3a` }));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.id, String(first.appointmentNo));
    assert.deepEqual(r.body.identifier, [{ system: SYSTEM, value: 'req-7f3a' }]);
    assert.equal(stored().length, 1, 'no duplicate booking');
  });

  it('another identifier is another booking', async () => {
    // At the next time: the first booking holds its own, and a plain booking is checked for overlaps.
    const next = { start: '2033-05-05T10:15:00-04:00', end: '2033-05-05T10:30:00-04:00' };
    const r = await s.fhir('/Appointment', json({ ...booking, ...next, identifier: [{ system: SYSTEM, value: 'req-other' }] },
      { 'if-none-exist': `patient=${PATIENT}&identifier=${encodeURIComponent(SYSTEM)}|req-other` }));
    assert.equal(r.status, 201, r.text);
    assert.equal(stored().length, 2);
  });
});

describe('DocumentReference create that times out but commits', () => {
  const PATIENT = 1060;
  const upload = {
    resourceType: 'DocumentReference', status: 'current', subject: { reference: `Patient/${PATIENT}` },
    identifier: [{ system: SYSTEM, value: 'upload-19' }],
    content: [{ attachment: { contentType: 'text/plain', title: 'retry-note.txt', data: Buffer.from('a note filed once').toString('base64') } }],
  };
  const filed = () => s.sim.store.data.documents.filter((d) => d.docfilename.endsWith('retry-note.txt'));
  const condition = `subject=Patient/${PATIENT}&identifier=${encodeURIComponent(SYSTEM)}|upload-19`;

  it('answers 504 saying it may have been applied; a retry with If-None-Exist finds the document and files nothing', async () => {
    s.sim.faults.add({ match: { path: '/ws/services/document/saveDocumentToDemographic' }, mode: 'lateAnswer', latencyMs: 2_000, times: 1 });
    const first = await s.fhir('/DocumentReference', json(upload));
    assert.equal(first.status, 504, first.text);
    assert.match(first.body.issue[0].diagnostics, /may have applied/);
    assert.equal(filed().length, 1, 'OSCAR filed it anyway');
    const retry = await s.fhir('/DocumentReference', json(upload, { 'if-none-exist': condition }));
    assert.equal(retry.status, 200, retry.text);
    assert.equal(retry.body.id, String(filed()[0]!.documentNo));
    assert.deepEqual(retry.body.identifier, [{ system: SYSTEM, value: 'upload-19' }]);
    assert.equal(filed().length, 1, 'no second copy');
  });
});
