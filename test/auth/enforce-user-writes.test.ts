// A SMART app user's writes through the enforcement hooks, over a small in-memory backend: every
// patient the body names, and for an update every patient the stored record names, must be one
// OSCAR shows that user (docs/smart-app-launch.md §7.7). `sees` stands in for OSCAR's answer to the
// user's own token; here the user sees patient 2 and not patient 1. Also a patient/ token's update
// of a record OSCAR no longer holds: it fails closed with the unknown-id answer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Appointment, Patient } from 'fhir/r4.js';
import { AuditFactsRegistry, type AuthContext } from '../../src/auth/context.js';
import { createEnforcement } from '../../src/auth/enforce.js';
import { parseScopes } from '../../src/auth/scopes.js';
import { createRouter, defineResource, gone, NUMERIC_ID, Registry } from '../../src/fhir/index.js';
import { BASE, request } from '../fhir/harness.js';

const VISIBLE = new Set(['2']);
const user: AuthContext = { kind: 'token', clientId: 'app', oscarProvider: '999998', scopes: parseScopes('user/Patient.cruds user/Appointment.cruds').resource };

const appointment = (id: string | undefined, patient: string): Appointment => ({
  resourceType: 'Appointment', ...(id && { id }), status: 'booked', start: '2024-03-10T09:00:00-04:00', end: '2024-03-10T09:15:00-04:00',
  participant: [{ actor: { reference: `Patient/${patient}` }, status: 'accepted' }],
});

function setup() {
  const written: string[] = [];
  const asked: string[] = [];
  const patients = new Map<string, Patient>([['1', { resourceType: 'Patient', id: '1' }], ['2', { resourceType: 'Patient', id: '2' }]]);
  const appointments = new Map<string, Appointment>([['100', appointment('100', '1')], ['101', appointment('101', '2')]]);
  const registry = new Registry();
  registry.register(defineResource<Patient>({
    type: 'Patient', idPattern: NUMERIC_ID, searchParams: [],
    interactions: {
      async read(_ctx, id) { return patients.get(id); },
      async update(_ctx, id, r) { written.push(`Patient/${id}`); patients.set(id, { ...r, id }); return { ...r, id }; },
    },
  }));
  registry.register(defineResource<Appointment>({
    type: 'Appointment', idPattern: NUMERIC_ID, searchParams: [],
    interactions: {
      async read(_ctx, id) {
        if (id === '300') throw gone('Appointment 300 was deleted in OSCAR');
        return appointments.get(id);
      },
      async create(_ctx, r) { written.push('Appointment (new)'); return { resource: { ...r, id: '200' } }; },
      async update(_ctx, id, r) { written.push(`Appointment/${id}`); appointments.set(id, { ...r, id }); return { ...r, id }; },
    },
  }));
  const facts = new AuditFactsRegistry();
  const sees = async (_auth: AuthContext, patient: string, type: string): Promise<boolean> => { asked.push(`${type}:${patient}`); return VISIBLE.has(patient); };
  const hooks = createEnforcement({ registry, baseUrl: BASE, enforce: true, facts, sees });
  const router = createRouter({ registry, baseUrl: BASE, timezone: 'America/Toronto', hooks });
  const call = async (method: string, url: string, body: unknown, auth: AuthContext = user) => {
    const req = request(method, url, body === undefined ? {} : { body, headers: { 'content-type': 'application/fhir+json' } });
    req.auth = { ...auth };
    facts.attach(req.auth as AuthContext, facts.forRequest(req));
    return router(req);
  };
  return { call, written, asked };
}

describe("a SMART app user's writes are held to what OSCAR shows the user", () => {
  it('an update of a record whose stored patient is hidden is refused, even when the body names a patient the user sees', async () => {
    const { call, written, asked } = setup();
    const r = await call('PUT', '/Appointment/100', appointment('100', '2'));
    assert.equal(r.status, 403);
    assert.deepEqual(written, []);
    assert.deepEqual(asked, ['Appointment:2', 'Appointment:1'], 'the body first, then the stored record');
  });

  it("an update of the user's patient's record, naming that patient, goes through", async () => {
    const { call, written } = setup();
    const r = await call('PUT', '/Appointment/101', appointment('101', '2'));
    assert.equal(r.status, 200);
    assert.deepEqual(written, ['Appointment/101']);
  });

  it('a create is checked on the patients its body names only (there is no stored record)', async () => {
    const { call, written, asked } = setup();
    assert.equal((await call('POST', '/Appointment', appointment(undefined, '2'))).status, 201);
    assert.deepEqual(new Set(asked), new Set(['Appointment:2']), 'the body, then the answer: patient 2 only');
    assert.equal((await call('POST', '/Appointment', appointment(undefined, '1'))).status, 403);
    assert.deepEqual(written, ['Appointment (new)']);
  });

  it('a Patient update is checked on the patient it updates', async () => {
    const { call, written } = setup();
    assert.equal((await call('PUT', '/Patient/1', { resourceType: 'Patient', id: '1' })).status, 403);
    assert.equal((await call('PUT', '/Patient/2', { resourceType: 'Patient', id: '2' })).status, 200);
    assert.deepEqual(written, ['Patient/2']);
  });

  it('a patient/ token updating a record deleted in OSCAR (410) or unknown (404) gets the unknown-id answer, and nothing is written', async () => {
    const { call, written } = setup();
    const patientToken: AuthContext = { kind: 'token', clientId: 'app', patient: '2', scopes: parseScopes('patient/Appointment.rus').resource };
    for (const id of ['300', '301']) {
      const r = await call('PUT', `/Appointment/${id}`, appointment(id, '2'), patientToken);
      assert.equal(r.status, 404, `Appointment/${id}`);
    }
    assert.deepEqual(written, []);
    assert.equal((await call('PUT', '/Appointment/101', appointment('101', '2'), patientToken)).status, 200, "the patient's own appointment");
  });
});
