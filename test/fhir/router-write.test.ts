// Router: create / update (no delete), conditional headers, Prefer, body checks, validator, operations.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Bundle, OperationOutcome, Patient, Resource } from 'fhir/r4.js';
import { FhirError, type Issue } from '../../src/fhir/index.js';
import { callsTo } from './fake-registry.js';
import { BASE, setup } from './harness.js';

const JSON_CT = { 'content-type': 'application/fhir+json' };
const newPatient = (extra: Partial<Patient> = {}): Patient => ({ resourceType: 'Patient', name: [{ family: 'New', given: ['Person'] }], gender: 'other', birthDate: '2000-01-01', ...extra });
const oo = (body: unknown): OperationOutcome => body as OperationOutcome;

/** A validator that rejects patients without a birthDate or with gender 'unknown'. */
const validator = {
  validate(r: Resource): Issue[] {
    const p = r as Patient;
    const issues: Issue[] = [];
    if (!p.birthDate) issues.push({ severity: 'error', code: 'required', diagnostics: 'birthDate is required', expression: ['Patient.birthDate'] });
    if (p.gender === 'unknown') issues.push({ severity: 'error', code: 'value', diagnostics: 'gender unknown cannot be stored', expression: ['Patient.gender'] });
    if (!p.telecom) issues.push({ severity: 'warning', code: 'informational', diagnostics: 'no telecom' });
    return issues;
  },
};

describe('router: create', () => {
  it('201 with Location (versioned), ETag, Last-Modified and the stored resource', async () => {
    const { fake, call } = setup();
    const res = await call('POST', '/Patient', { headers: JSON_CT, body: newPatient() });
    assert.equal(res.status, 201);
    const p = res.body as Patient;
    assert.equal(p.id, '14');
    assert.equal(res.headers.location, `${BASE}/Patient/14/_history/${p.meta?.versionId}`);
    assert.equal(res.headers.etag, `W/"${p.meta?.versionId}"`);
    assert.equal(res.headers['last-modified'], 'Wed, 01 May 2024 12:00:00 GMT');
    assert.equal(fake.calls['patient.create'], 1);
  });

  it('ignores an id in the body (R4) and says so with return=OperationOutcome', async () => {
    const { fake, call } = setup();
    const res = await call('POST', '/Patient', { headers: { ...JSON_CT, prefer: 'return=OperationOutcome' }, body: newPatient({ id: '1' }) });
    assert.equal(res.status, 201);
    assert.equal(fake.patients.get('1')?.name?.[0]?.family, 'Smith', 'patient 1 untouched');
    assert.ok(res.headers.location?.startsWith(`${BASE}/Patient/14/_history/`));
    assert.equal(res.headers['preference-applied'], 'return=OperationOutcome');
    const issues = oo(res.body).issue.map((i) => i.diagnostics);
    assert.ok(issues.some((d) => /id in the body was ignored/.test(d ?? '')));
    assert.ok(issues.includes('telecom not stored'), 'handler issues are reported');
  });

  it('Prefer: return=minimal → no body; return=representation → the resource', async () => {
    const { call } = setup();
    const min = await call('POST', '/Patient', { headers: { ...JSON_CT, prefer: 'return=minimal' }, body: newPatient() });
    assert.equal(min.status, 201);
    assert.equal(min.body, undefined);
    assert.ok(min.headers.location && min.headers.etag);
    const rep = await call('POST', '/Patient', { headers: { ...JSON_CT, prefer: 'return=representation' }, body: newPatient() });
    assert.equal((rep.body as Patient).resourceType, 'Patient');
  });

  it('body checks run before any handler: not an object, wrong resourceType → 400', async () => {
    const { fake, call } = setup();
    assert.equal((await call('POST', '/Patient', { headers: JSON_CT, body: [1, 2] })).status, 400);
    assert.equal((await call('POST', '/Patient', { headers: JSON_CT, body: 'Patient' })).status, 400);
    const wrong = await call('POST', '/Patient', { headers: JSON_CT, body: { resourceType: 'Practitioner' } });
    assert.equal(wrong.status, 400);
    assert.match(oo(wrong.body).issue[0]?.diagnostics ?? '', /a Practitioner, expected Patient/);
    assert.equal(callsTo(fake.calls), 0);
  });

  it('validator problems → 422 with one issue per problem, no handler call', async () => {
    const { fake, call } = setup({ validator });
    const res = await call('POST', '/Patient', { headers: JSON_CT, body: newPatient({ birthDate: undefined, gender: 'unknown' }) });
    assert.equal(res.status, 422);
    assert.deepEqual(oo(res.body).issue.map((i) => i.expression?.[0]), ['Patient.birthDate', 'Patient.gender', undefined]);
    assert.equal(callsTo(fake.calls), 0);
    assert.equal((await call('POST', '/Patient', { headers: JSON_CT, body: newPatient() })).status, 201, 'warnings alone do not block');
  });

  it('If-None-Exist: 0 matches → create; 1 → 200 with the existing one; several → 412', async () => {
    const { fake, call } = setup();
    const none = await call('POST', '/Patient', { headers: { ...JSON_CT, 'if-none-exist': 'identifier=https://clinic.example/demographic|99' }, body: newPatient() });
    assert.equal(none.status, 201);
    assert.equal(fake.calls['patient.create'], 1);
    const one = await call('POST', '/Patient', { headers: { ...JSON_CT, 'if-none-exist': 'identifier=https://clinic.example/demographic|2' }, body: newPatient() });
    assert.equal(one.status, 200);
    assert.equal((one.body as Patient).id, '2');
    assert.ok(one.headers.location?.startsWith(`${BASE}/Patient/2/_history/`));
    assert.ok(one.headers.etag);
    assert.equal(fake.calls['patient.create'], 1, 'nothing created');
    const many = await call('POST', '/Patient', { headers: { ...JSON_CT, 'if-none-exist': 'gender=male' }, body: newPatient() });
    assert.equal(many.status, 412);
    assert.equal(oo(many.body).issue[0]?.code, 'multiple-matches');
    assert.equal(fake.calls['patient.create'], 1);
    const bad = await call('POST', '/Patient', { headers: { ...JSON_CT, 'if-none-exist': 'bogus=1' }, body: newPatient() });
    assert.equal(bad.status, 400);
  });

  it('If-None-Exist on a type without conditional create is refused, not ignored', async () => {
    const { fake, call } = setup();
    fake.registry.get('Patient')!.conditionalCreate = false;
    const res = await call('POST', '/Patient', { headers: { ...JSON_CT, 'if-none-exist': 'gender=male' }, body: newPatient() });
    assert.equal(res.status, 400);
    assert.equal(fake.calls['patient.create'], undefined);
  });
});

describe('router: update and delete', () => {
  it('update: 200 with new version; body id must match the URL id', async () => {
    const { fake, call } = setup();
    const before = await call('GET', '/Patient/1');
    const body = { ...(before.body as Patient), active: false };
    const res = await call('PUT', '/Patient/1', { headers: JSON_CT, body });
    assert.equal(res.status, 200);
    assert.notEqual(res.headers.etag, before.headers.etag);
    assert.ok(res.headers.location?.startsWith(`${BASE}/Patient/1/_history/`));
    const mismatch = await call('PUT', '/Patient/1', { headers: JSON_CT, body: { ...body, id: '2' } });
    assert.equal(mismatch.status, 400);
    assert.match(oo(mismatch.body).issue[0]?.diagnostics ?? '', /does not match the URL id/);
    const missing = await call('PUT', '/Patient/1', { headers: JSON_CT, body: newPatient() });
    assert.equal(missing.status, 400);
    assert.equal(fake.calls['patient.update'], 1);
  });

  it('If-Match: the current ETag → 200, a stale one → 412 without calling update', async () => {
    const { fake, call } = setup();
    const current = await call('GET', '/Patient/1');
    const etag = current.headers.etag ?? '';
    const body = { ...(current.body as Patient), active: false };
    const stale = await call('PUT', '/Patient/1', { headers: { ...JSON_CT, 'if-match': 'W/"0000000000000000"' }, body });
    assert.equal(stale.status, 412);
    assert.equal(fake.calls['patient.update'], undefined);
    const ok = await call('PUT', '/Patient/1', { headers: { ...JSON_CT, 'if-match': etag }, body });
    assert.equal(ok.status, 200);
    const again = await call('PUT', '/Patient/1', { headers: { ...JSON_CT, 'if-match': etag }, body: { ...body, active: true } });
    assert.equal(again.status, 412, 'the old ETag no longer matches after the change');
  });

  it('update body goes through the validator (422) and Prefer: return=minimal', async () => {
    const { call } = setup({ validator });
    const bad = await call('PUT', '/Patient/1', { headers: JSON_CT, body: { ...newPatient({ birthDate: undefined }), id: '1' } });
    assert.equal(bad.status, 422);
    const min = await call('PUT', '/Patient/1', { headers: { ...JSON_CT, prefer: 'return=minimal' }, body: { ...newPatient(), id: '1' } });
    assert.equal(min.status, 200);
    assert.equal(min.body, undefined);
  });

  it('update with Prefer: return=OperationOutcome answers an information outcome and the headers', async () => {
    const { call } = setup();
    const res = await call('PUT', '/Patient/1', { headers: { ...JSON_CT, prefer: 'return=OperationOutcome' }, body: { ...newPatient(), id: '1' } });
    assert.equal(res.status, 200);
    assert.equal(oo(res.body).issue[0]?.diagnostics, 'Updated Patient/1');
    assert.ok(res.headers.etag && res.headers.location);
  });

  it('DELETE is a 405 naming the methods the instance allows, and touches nothing', async () => {
    const { fake, call } = setup();
    const res = await call('DELETE', '/Patient/3');
    assert.equal(res.status, 405);
    assert.equal(res.headers.allow, 'GET, PUT');
    assert.equal(fake.patients.has('3'), true);
    assert.equal((await call('DELETE', '/Appointment/100')).status, 405);
    assert.equal(Object.keys(fake.calls).length, 0, 'no handler was called');
  });
});

describe('router: operations', () => {
  it('$validate runs the validator and returns an OperationOutcome without calling a handler', async () => {
    const { fake, call } = setup({ validator });
    const bad = await call('POST', '/Patient/$validate', { headers: JSON_CT, body: newPatient({ birthDate: undefined }) });
    assert.equal(bad.status, 200);
    assert.deepEqual(oo(bad.body).issue.map((i) => i.severity), ['error', 'warning']);
    const good = await call('POST', '/Patient/$validate', { headers: JSON_CT, body: newPatient({ telecom: [{ system: 'phone', value: '1' }] }) });
    assert.deepEqual(oo(good.body).issue.map((i) => i.code), ['informational']);
    const params = await call('POST', '/Patient/$validate', {
      headers: JSON_CT,
      body: { resourceType: 'Parameters', parameter: [{ name: 'resource', resource: newPatient() }, { name: 'mode', valueCode: 'update' }] },
    });
    assert.ok(oo(params.body).issue.some((i) => i.code === 'required' && /id/.test(i.diagnostics ?? '')), 'mode=update needs an id');
    const wrongType = await call('POST', '/Patient/$validate', { headers: JSON_CT, body: { resourceType: 'Practitioner' } });
    assert.equal(oo(wrongType.body).issue[0]?.severity, 'error');
    assert.equal((await call('GET', '/Patient/$validate')).status, 405);
    assert.equal(callsTo(fake.calls), 0);
  });

  it('declared operations run at their level only; unknown ones are 404', async () => {
    const { fake, call } = setup();
    const res = await call('GET', '/Patient/1/$everything');
    assert.equal(res.status, 200);
    assert.equal((res.body as Bundle).total, 1);
    assert.equal(fake.calls['patient.everything'], 1);
    assert.equal((await call('GET', '/Patient/$everything')).status, 404, 'not type-level');
    assert.equal((await call('GET', '/Patient/1/$meta')).status, 404);
    assert.equal((await call('PUT', '/Patient/1/$everything')).status, 405);
  });
});

describe('router: what a write returns', () => {
  it('passes the checkResource hook on create and update, and its refusal is the answer', async () => {
    const seen: string[] = [];
    const refuseSmith = {
      checkResource(_ctx: unknown, r: Resource) {
        seen.push(`${r.resourceType}/${r.id ?? ''}`);
        if ((r as Patient).name?.[0]?.family === 'Smith') throw new FhirError(403, { severity: 'error', code: 'forbidden', diagnostics: 'outside the compartment' });
      },
    };
    const { call } = setup({ hooks: refuseSmith });
    const created = await call('POST', '/Patient', { headers: JSON_CT, body: newPatient() });
    assert.equal(created.status, 201);
    assert.deepEqual(seen, [`Patient/${(created.body as Patient).id}`]);
    const refused = await call('POST', '/Patient', { headers: JSON_CT, body: newPatient({ name: [{ family: 'Smith' }] }) });
    assert.equal(refused.status, 403, 'a created resource the hook refuses is not returned');
    const updated = await call('PUT', '/Patient/1', { headers: JSON_CT, body: newPatient({ id: '1', name: [{ family: 'Smith' }] }) });
    assert.equal(updated.status, 403, 'an updated resource the hook refuses is not returned');
    assert.deepEqual(seen.slice(-2).map((x) => x.split('/')[0]), ['Patient', 'Patient']);
  });
});
