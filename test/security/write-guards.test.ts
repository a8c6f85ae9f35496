// Checks around a write that must hold whatever OSCAR does: If-None-Exist passes the same input
// guard as a query string, a token without write permission learns nothing from the validator,
// and the audit record of a write names the resource written.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { AuditEvent } from 'fhir/r4.js';
import { startSecureStack, type SecureStack } from '../auth/fixture.js';

let s: SecureStack;
before(async () => { s = await startSecureStack({ env: { CACHE_MAX_BYTES: '0' } }); });
after(async () => { await s.close(); });

const json = (body: unknown, method = 'POST', headers: Record<string, string> = {}): RequestInit =>
  ({ method, headers: { 'content-type': 'application/fhir+json', ...headers }, body: JSON.stringify(body) });
const newPatient = (family: string) => ({ resourceType: 'Patient', name: [{ family, given: ['Guard'] }], gender: 'female', birthDate: '1991-02-03' });
const patientCount = (): number => s.sim.store.data.demographics.length;

describe('If-None-Exist goes through the input guard', () => {
  const cases: [string, string][] = [
    ['a NUL in a value', 'family=%00x'],
    ['a control character in a name', 'fam%01ily=x'],
    ['raw markup (a CDATA section sent unencoded)', 'family=<![CDATA[x]]></lastName><bogus>1</bogus><lastName><![CDATA[]]>'],
    ['a raw space', 'family=Van Dyk'],
    ['more than 4096 characters', `family=${'a'.repeat(4100)}`],
    ['more than 100 parameters', Array.from({ length: 101 }, (_, i) => `family=a${i}`).join('&')],
  ];
  for (const [what, condition] of cases) {
    it(`${what} is a 400 and creates nothing, without asking OSCAR`, async () => {
      const token = await s.backendToken('system/Patient.cruds');
      const patients = patientCount();
      const calls = s.sim.stats.snapshot().total;
      const r = await s.as(token, '/Patient', json(newPatient('Guarded'), 'POST', { 'if-none-exist': condition }));
      assert.equal(r.status, 400, r.text);
      assert.equal(r.body.resourceType, 'OperationOutcome');
      assert.equal(patientCount(), patients, 'no patient was created');
      assert.equal(s.sim.stats.snapshot().total, calls, 'OSCAR was not called');
    });
  }

  it('a well-formed condition still works (percent-encoded space)', async () => {
    const token = await s.backendToken('system/Patient.cruds');
    const r = await s.as(token, '/Patient', json(newPatient('Van Guarded'), 'POST', { 'if-none-exist': 'family=Van%20Guarded&birthdate=1991-02-03' }));
    assert.equal(r.status, 201, r.text);
    const again = await s.as(token, '/Patient', json(newPatient('Van Guarded'), 'POST', { 'if-none-exist': 'Patient?family=Van%20Guarded&birthdate=1991-02-03' }));
    assert.equal(again.status, 200, again.text);
    assert.equal(again.body.id, r.body.id);
  });
});

describe('the write scope is checked before the body is judged', () => {
  const invalid = { resourceType: 'Patient', gender: 'not-a-gender', birthDate: 'yesterday' };

  it('create: a read-only token gets 403, not the validator\'s 422', async () => {
    const token = await s.backendToken('system/Patient.rs');
    const r = await s.as(token, '/Patient', json(invalid));
    assert.equal(r.status, 403, r.text);
    assert.doesNotMatch(r.text, /gender|birthDate/, 'nothing about the body');
  });

  it('update: a read-only token gets 403, not the validator\'s 422', async () => {
    const token = await s.backendToken('system/Patient.rs');
    const r = await s.as(token, '/Patient/1001', json({ ...invalid, id: '1001' }, 'PUT'));
    assert.equal(r.status, 403, r.text);
    assert.doesNotMatch(r.text, /gender|birthDate/);
  });

  it('a token allowed to write still gets the 422 with its details', async () => {
    const token = await s.backendToken('system/Patient.cruds');
    const r = await s.as(token, '/Patient', json(invalid));
    assert.equal(r.status, 422, r.text);
    assert.match(r.text, /gender/);
  });
});

describe('the audit record of a write', () => {
  it('names the appointment created as well as its patient', async () => {
    const token = await s.issuer.token({ scope: 'patient/Appointment.cruds', patient: '1001' });
    const r = await s.as(token, '/Appointment', json({
      resourceType: 'Appointment', status: 'booked', start: '2031-07-07T09:00:00-04:00', end: '2031-07-07T09:15:00-04:00',
      participant: [{ actor: { reference: 'Patient/1001' }, status: 'accepted' }, { actor: { reference: 'Practitioner/999998' }, status: 'accepted' }],
    }));
    assert.equal(r.status, 201, r.text);
    await s.facade.close(); // flushes the audit file
    const events = readFileSync(s.auditFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditEvent);
    const created = events.find((e) => e.entity?.some((x) => x.what?.reference === `Appointment/${r.body.id}`));
    assert.ok(created, 'an audit record names the new appointment');
    assert.ok(created.entity!.some((x) => x.what?.reference === 'Patient/1001'), 'and its patient');
  });
});
