// A SMART app user never gets more through the facade than OSCAR's REST would show them: their
// reads over SOAP run as the facade's service identity, so the facade holds every patient in an
// answer, and every patient a write names, to what OSCAR shows that user with their own token
// (docs/smart-app-launch.md §7.7). Providers with different OSCAR roles, one app, user/ scopes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bundle, Patient } from 'fhir/r4.js';
import { startSecureStack, type SecureStack } from './fixture.js';
import { launch, redeem, DOCTOR, BILLING_CLERK } from './launch-flow.js';

const APP = 'clinic-list';
const REDIRECT = 'http://127.0.0.1:9/list/callback';
const SCOPE = 'openid fhirUser user/Patient.rus user/Immunization.rs';
const NURSE = { name: 'lnguyen', password: 'Nurse-2024!' };
const NURSE_NO = '200201';

describe('a SMART app user is held to what OSCAR shows them, SOAP reads included', () => {
  let s: SecureStack;
  let patient = 0;
  let family = '';
  const tokens: Record<'doctor' | 'clerk' | 'desk', string> = { doctor: '', clerk: '', desk: '' };

  before(async () => {
    s = await startSecureStack({ apps: [{ client_id: APP, name: 'Clinic list', redirect_uris: [REDIRECT], scope: 'openid fhirUser user/*.cruds' }] });
    const data = s.sim.store.data;
    const withShots = new Set(data.preventions.filter((p) => p.deleted === '0').map((p) => p.demographicNo));
    const chosen = data.demographics.find((d) => d.patientStatus === 'AC' && withShots.has(d.demographicNo))!;
    patient = chosen.demographicNo;
    family = chosen.lastName;
    // A third role: the nurse's login made a receptionist's (demographics, appointments, documents; no _prevention).
    data.secUserRoles!.find((r) => r.providerNo === NURSE_NO)!.roleName = 'receptionist';
    for (const [who, user] of [['doctor', DOCTOR], ['clerk', BILLING_CLERK], ['desk', NURSE]] as const) {
      const r = await launch({ base: s.base, clientId: APP, redirectUri: REDIRECT, scope: SCOPE, user });
      const t = await redeem(s.base, r, { clientId: APP, redirectUri: REDIRECT });
      assert.equal(t.status, 200, JSON.stringify(t.body));
      assert.equal(t.body.patient, undefined, 'user/ scopes: no patient context');
      tokens[who] = String(t.body.access_token);
    }
  });
  after(async () => { await s.close(); });

  it('reads: the doctor reads the patient and their immunizations; the clerk gets the unknown-id answer and a refused search', async () => {
    const read = await s.as(tokens.doctor, `/Patient/${patient}`);
    assert.equal(read.status, 200, read.text);
    const shots = await s.as(tokens.doctor, `/Immunization?patient=${patient}`);
    assert.equal(shots.status, 200, shots.text);
    assert.ok(((shots.body as Bundle).entry ?? []).length > 0, 'the patient has immunizations');

    const hidden = await s.as(tokens.clerk, `/Patient/${patient}`);
    assert.equal(hidden.status, 404, hidden.text);
    const refused = await s.as(tokens.clerk, `/Immunization?patient=${patient}`);
    assert.equal(refused.status, 403, refused.text);
    assert.doesNotMatch(refused.text, new RegExp(family), 'nothing of the patient leaks');
  });

  it('per type: a receptionist (no _prevention in OSCAR) reads the patient but not their immunizations', async () => {
    const read = await s.as(tokens.desk, `/Patient/${patient}`);
    assert.equal(read.status, 200, read.text);
    const shots = await s.as(tokens.desk, `/Immunization?patient=${patient}`);
    assert.equal(shots.status, 403, shots.text);
    const id = ((await s.as(tokens.doctor, `/Immunization?patient=${patient}`)).body as Bundle).entry![0]!.resource!.id!;
    assert.equal((await s.as(tokens.desk, `/Immunization/${id}`)).status, 404, 'one record reads as unknown');
  });

  it('searches: an answer holding a patient OSCAR hides from the user is refused, the same search works for the doctor', async () => {
    const doctor = await s.as(tokens.doctor, `/Patient?family=${encodeURIComponent(family)}`);
    assert.equal(doctor.status, 200, doctor.text);
    assert.ok(((doctor.body as Bundle).entry ?? []).length > 0);
    const clerk = await s.as(tokens.clerk, `/Patient?family=${encodeURIComponent(family)}`);
    assert.equal(clerk.status, 403, clerk.text);
  });

  it('writes: the clerk cannot update a patient OSCAR hides from her, and nothing is written', async () => {
    const current = (await s.as(tokens.doctor, `/Patient/${patient}`)).body as Patient;
    const before = JSON.stringify(s.sim.store.data.demographics.find((d) => d.demographicNo === patient));
    const changed: Patient = { ...current, gender: current.gender === 'female' ? 'male' : 'female' };
    const put = await s.as(tokens.clerk, `/Patient/${patient}`, {
      method: 'PUT', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(changed),
    });
    assert.equal(put.status, 403, put.text);
    assert.equal(JSON.stringify(s.sim.store.data.demographics.find((d) => d.demographicNo === patient)), before);
  });
});
