// The enforcement hooks on the router over the in-memory fake registry: every interaction the
// router has ($everything included, which the OSCAR types may not offer), counting
// handler calls to prove a refused request never reaches the backend.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Appointment, Bundle, DocumentReference, Patient } from 'fhir/r4.js';
import { AuditFactsRegistry, type AuthContext } from '../../src/auth/context.js';
import { createEnforcement } from '../../src/auth/enforce.js';
import { parseScopes } from '../../src/auth/scopes.js';
import { createRouter, defineResource, type FhirResponse } from '../../src/fhir/index.js';
import { callsTo, makeFake } from '../fhir/fake-registry.js';
import { BASE, request } from '../fhir/harness.js';

function token(scope: string, patient?: string): AuthContext {
  return { kind: 'token', clientId: 'test', scopes: parseScopes(scope).resource, ...(patient && { patient }) };
}

function setup() {
  const fake = makeFake();
  const facts = new AuditFactsRegistry();
  const hooks = createEnforcement({ registry: fake.registry, baseUrl: BASE, enforce: true, facts });
  const router = createRouter({ registry: fake.registry, baseUrl: BASE, timezone: 'America/Toronto', hooks });
  async function call(auth: AuthContext | undefined, method: string, url: string, body?: unknown): Promise<FhirResponse & { json: any }> {
    const type = typeof body === 'string' ? 'application/x-www-form-urlencoded' : 'application/fhir+json';
    const req = request(method, url, body === undefined ? {} : { body, headers: { 'content-type': type } });
    if (auth) {
      req.auth = { ...auth };
      facts.attach(req.auth as AuthContext, facts.forRequest(req));
    }
    const res = await router(req);
    return { ...res, json: res.body };
  }
  return { fake, call, facts };
}

const ids = (b: Bundle): string[] => (b.entry ?? []).map((e) => `${e.resource?.resourceType}/${e.resource?.id}`);

describe('scope enforcement in the router hooks', () => {
  it('refuses every interaction whose permission letter is missing, before any handler runs', async () => {
    const { fake, call } = setup();
    const readOnly = token('user/*.rs');
    const cases: [string, string, unknown?][] = [
      ['POST', '/Patient', { resourceType: 'Patient', name: [{ family: 'New' }] }],
      ['PUT', '/Patient/2', { ...fake.patients.get('2') }],
    ];
    for (const [m, u, b] of cases) {
      const r = await call(readOnly, m, u, b);
      assert.equal(r.status, 403, `${m} ${u}`);
      assert.match(r.headers['www-authenticate'] ?? '', /error="insufficient_scope"/);
    }
    const searchOnly = token('user/Patient.s');
    assert.equal((await call(searchOnly, 'GET', '/Patient/1')).status, 403, 'read needs r');
    assert.equal((await call(searchOnly, 'GET', '/Patient/1/_history/x')).status, 403, 'vread needs r');
    assert.equal((await call(token('user/Patient.r'), 'GET', '/Patient?_id=1')).status, 403, 'search needs s');
    assert.equal((await call(token('user/Patient.r'), 'POST', '/Patient/_search', '_id=1')).status, 403, 'POST _search needs s');
    assert.equal(callsTo(fake.calls), 0, 'no handler was called');
  });

  it('answers 401 when the router is reached without a token (defence in depth)', async () => {
    const { fake, call } = setup();
    const r = await call({ kind: 'anonymous' }, 'GET', '/Patient/1');
    assert.equal(r.status, 401);
    assert.match(r.headers['www-authenticate'] ?? '', /^Bearer/);
    assert.equal(callsTo(fake.calls), 0);
    assert.equal((await call({ kind: 'anonymous' }, 'GET', '/metadata')).status, 200, 'the CapabilityStatement stays public');
  });

  it('needs search permission on every _include type', async () => {
    const { fake, call } = setup();
    const r1 = await call(token('user/Patient.rs'), 'GET', '/Patient?_id=1&_include=Patient:general-practitioner');
    assert.equal(r1.status, 403);
    assert.match(r1.json.issue[0].diagnostics, /Practitioner/);
    assert.equal(callsTo(fake.calls), 0);
    const ok = await call(token('user/Patient.rs user/Practitioner.s'), 'GET', '/Patient?_id=1&_include=Patient:general-practitioner');
    assert.equal(ok.status, 200);
    assert.deepEqual(ids(ok.json as Bundle).sort(), ['Patient/1', 'Practitioner/7']);
  });

  it('needs r and s on every type for $everything; $validate needs any permission on its type', async () => {
    const { fake, call } = setup();
    assert.equal((await call(token('user/Patient.rs'), 'GET', '/Patient/1/$everything')).status, 403);
    assert.equal(fake.calls['patient.everything'], undefined);
    assert.equal((await call(token('user/*.rs'), 'GET', '/Patient/1/$everything')).status, 200);
    const validate = await call(token('user/Appointment.rs'), 'POST', '/Patient/$validate', { resourceType: 'Patient' });
    assert.equal(validate.status, 403);
    assert.equal((await call(token('user/Patient.c'), 'POST', '/Patient/$validate', { resourceType: 'Patient' })).status, 200);
  });
});

describe('patient compartment of patient/ tokens', () => {
  const jane = token('patient/*.cruds', '1');

  it('confines searches to the patient, whatever the query says', async () => {
    const { fake, call } = setup();
    const all = await call(jane, 'GET', '/Patient');
    assert.deepEqual(ids(all.json as Bundle), ['Patient/1']);
    const other = await call(jane, 'GET', '/Patient?_id=2');
    assert.deepEqual(ids(other.json as Bundle), [], 'another patient\'s id finds nothing');
    const smith = await call(jane, 'GET', '/Patient?family=Smith');
    assert.deepEqual(ids(smith.json as Bundle), ['Patient/1'], 'not Smithers (patient 3)');
    const appts = await call(jane, 'GET', '/Appointment');
    assert.deepEqual(ids(appts.json as Bundle), ['Appointment/100']);
    const foreign = await call(jane, 'GET', '/Appointment?patient=Patient/2');
    assert.deepEqual(ids(foreign.json as Bundle), []);
    assert.equal(fake.lastSearch?.clauses[0]?.name, '_id', 'the narrowing clause comes first, so handlers plan around it');
  });

  it('answers another patient\'s resources exactly like unknown ones (404), without reading them for Patient', async () => {
    const { fake, call } = setup();
    const other = await call(jane, 'GET', '/Patient/2');
    const missing = await call(jane, 'GET', '/Patient/99');
    assert.equal(other.status, 404);
    assert.equal(missing.status, 404);
    assert.equal(JSON.stringify(other.json).replace('/2 ', '/X '), JSON.stringify(missing.json).replace('/99 ', '/X '));
    assert.equal(fake.calls['patient.read'], undefined, 'neither was read: the id alone decides');
    const appt = await call(jane, 'GET', '/Appointment/101');
    assert.equal(appt.status, 404);
    assert.equal(JSON.stringify(appt.json), JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found', diagnostics: 'Appointment/101 is not known' }] }));
    assert.equal((await call(jane, 'GET', '/Appointment/100')).status, 200);
    assert.equal((await call(jane, 'GET', '/Patient/2/$everything')).status, 404);
    assert.equal(fake.calls['patient.everything'], undefined);
    assert.equal((await call(jane, 'GET', '/Patient/1/$everything')).status, 200);
    assert.equal((await call(jane, 'GET', '/Practitioner/8')).status, 200, 'practitioners are outside the compartment');
  });

  it('keeps _include inside the compartment', async () => {
    const { call } = setup();
    const r = await call(jane, 'GET', '/Patient?_include=Patient:general-practitioner');
    assert.deepEqual(ids(r.json as Bundle).sort(), ['Patient/1', 'Practitioner/7']);
  });

  it('refuses writes outside the compartment and type-level operations', async () => {
    const { fake, call } = setup();
    const create = await call(jane, 'POST', '/Patient', { resourceType: 'Patient', name: [{ family: 'Other' }] });
    assert.equal(create.status, 403);
    assert.match(JSON.stringify(create.json), /A patient-context token cannot create patients/);
    assert.equal((await call(jane, 'PUT', '/Patient/2', { ...fake.patients.get('2') })).status, 404);
    assert.equal(callsTo(fake.calls, 'patient.'), 0);
    assert.equal((await call(jane, 'PUT', '/Patient/1', { ...fake.patients.get('1')!, active: false } satisfies Patient)).status, 200);
  });

  it('fails closed on Binary when no DocumentReference tells whose document it is', async () => {
    const { fake, call } = setup();
    const r = await call(jane, 'GET', '/Binary/55');
    assert.equal(r.status, 403);
    assert.equal(fake.calls['binary.read'], undefined);
    assert.equal((await call(token('user/Binary.r'), 'GET', '/Binary/55')).status, 200, 'user tokens read Binary normally');
  });

  it('cannot update another patient\'s Appointment by pointing the body at itself (the stored owner decides)', async () => {
    const { fake, call } = setup();
    let updated = 0;
    fake.registry.get('Appointment')!.interactions.update = async (_c, id, r) => { updated++; fake.appointments.set(id, r as Appointment); return r; };
    const other = fake.appointments.get('101')!; // Patient/2's
    const hijack = { ...other, participant: other.participant.map((p) => (p.actor?.reference?.startsWith('Patient/') ? { ...p, actor: { reference: 'Patient/1' } } : p)) };
    const r = await call(jane, 'PUT', '/Appointment/101', hijack);
    assert.equal(r.status, 404);
    assert.equal(r.json.issue[0].diagnostics, 'Appointment/101 is not known');
    assert.equal(updated, 0);
    assert.equal(fake.appointments.get('101')!.participant[0]!.actor!.reference, 'Patient/2');
    const unknownId = await call(jane, 'PUT', '/Appointment/999', { ...hijack, id: '999' });
    assert.equal(unknownId.status, 404, 'an unknown id answers the same');
    assert.equal(unknownId.json.issue[0].diagnostics, 'Appointment/999 is not known');
    const own = fake.appointments.get('100')!;
    assert.equal((await call(jane, 'PUT', '/Appointment/100', { ...own, status: 'cancelled' })).status, 200);
    assert.equal(updated, 1);
  });

  it('hides a resource that names no patient (a staff booking) from patient/ tokens', async () => {
    const { fake, call } = setup();
    fake.appointments.set('102', {
      resourceType: 'Appointment', id: '102', status: 'booked', start: '2024-03-12T12:00:00-04:00', end: '2024-03-12T13:00:00-04:00',
      description: 'LUNCH', participant: [{ actor: { reference: 'Practitioner/7' }, status: 'accepted' }],
    });
    const r = await call(jane, 'GET', '/Appointment/102');
    assert.equal(r.status, 404);
    assert.equal(r.json.issue[0].diagnostics, 'Appointment/102 is not known');
    assert.equal((await call(token('user/*.rs'), 'GET', '/Appointment/102')).status, 200, 'staff see it');
  });

  it('hides a Binary whose DocumentReference names no patient, without reading its bytes', async () => {
    const { fake, call } = setup();
    fake.registry.register(defineResource<DocumentReference>({
      type: 'DocumentReference', searchParams: [], readOnlyReason: 'test',
      interactions: { read: async (_c, id) => ({ resourceType: 'DocumentReference', id, status: 'current', content: [{ attachment: { url: `Binary/${id}` } }] }) },
    }));
    const r = await call(jane, 'GET', '/Binary/55');
    assert.equal(r.status, 404);
    assert.equal(r.json.issue[0].diagnostics, 'Binary/55 is not known');
    assert.equal(fake.calls['binary.read'], undefined);
  });

  it('tells the handler the compartment (ctx.compartment) of a patient/ token, and nothing for others', async () => {
    const { fake, call } = setup();
    const seen: (string | undefined)[] = [];
    const def = fake.registry.get('Appointment')!;
    const read = def.interactions.read!;
    def.interactions.read = async (c, id) => { seen.push(c.compartment); return read(c, id); };
    await call(jane, 'GET', '/Appointment/100');
    await call(token('user/*.rs'), 'GET', '/Appointment/100');
    await call(token('patient/*.rs user/Appointment.rs', '1'), 'GET', '/Appointment/100');
    assert.deepEqual(seen, ['1', undefined, undefined], 'a wider user/ scope on the type is not confined');
  });

  it('re-checks every returned resource: a handler that ignores the patient clause cannot leak', async () => {
    const { fake, call } = setup();
    const def = fake.registry.get('Appointment')!;
    def.interactions.search = async () => ({ resources: [...fake.appointments.values()] as Appointment[], unpaged: true });
    const r = await call(jane, 'GET', '/Appointment');
    assert.equal(r.status, 403);
    assert.doesNotMatch(JSON.stringify(r.json), /Appointment\/101|Patient\/2/);
  });
});
