// The facade over an OSCAR that cannot do everything (variants §6, §7.3): the CapabilityStatement
// leaves out what the instance cannot serve, such requests are answered 501 / 400 with an
// OperationOutcome naming what is missing and what to do, and OSCAR never sees a call that cannot
// succeed. Each simulator runs with the switch the capability map describes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CapabilityStatement, CapabilityStatementRestResource } from 'fhir/r4.js';
import { VARIANT_MAPS } from '../../scripts/routing-doc/variant-maps.js';
import { startStack, type Stack } from '../helpers/stack.js';

interface Seen { method: string; path: string }

async function stackFor(variant: string, sim: NonNullable<Parameters<typeof startStack>[0]>['sim']): Promise<{ stack: Stack; seen: Seen[] }> {
  const seen: Seen[] = [];
  const map = VARIANT_MAPS[variant]!;
  const stack = await startStack({
    sim: { patients: 4, ...sim, onRequest: (r) => seen.push({ method: r.method, path: r.path }) },
    facade: { capabilities: { current: () => map } },
  });
  return { stack, seen };
}

function resourceOf(cs: CapabilityStatement, type: string): CapabilityStatementRestResource | undefined {
  return cs.rest?.[0]?.resource?.find((r) => r.type === type);
}

const codes = (r: CapabilityStatementRestResource | undefined): string[] => (r?.interaction ?? []).map((i) => i.code);
const JSON_HEADERS = { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' };

describe('REST module off (variants B2)', () => {
  let stack: Stack;
  let seen: Seen[];
  let patientId: string;
  before(async () => {
    ({ stack, seen } = await stackFor('REST module off', { restModule: false }));
    patientId = String(stack.sim.store.data.demographics[0]!.demographicNo);
  });
  after(() => stack.close());

  it('advertises no patient or document writes and no clinical-status search, and says how allergies are degraded', async () => {
    const cs = (await stack.fhir('/metadata')).body as CapabilityStatement;
    assert.deepEqual(codes(resourceOf(cs, 'Patient')), ['read', 'vread', 'search-type']);
    assert.deepEqual(codes(resourceOf(cs, 'DocumentReference')), ['read', 'vread', 'search-type']);
    assert.ok(!resourceOf(cs, 'AllergyIntolerance')!.searchParam!.some((p) => p.name === 'clinical-status'));
    const read = resourceOf(cs, 'AllergyIntolerance')!.interaction!.find((i) => i.code === 'read')!;
    assert.match(read.documentation ?? '', /Degraded on this OSCAR: no clinical status/);
    assert.match(cs.implementation?.description ?? '', /variant openo/);
    assert.equal(resourceOf(cs, 'Patient')!.conditionalCreate, undefined);
  });

  it('answers a patient create 501 naming the REST module and how to enable it, without calling OSCAR', async () => {
    const before = seen.length;
    const res = await stack.fhir('/Patient', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Test' }] }) });
    assert.equal(res.status, 501);
    assert.equal(res.body.resourceType, 'OperationOutcome');
    assert.equal(res.body.issue[0].code, 'not-supported');
    assert.match(res.body.issue[0].diagnostics, /Patient create is not possible with the connected OSCAR: OSCAR REST web services: the REST module is off/);
    assert.match(res.body.issue[0].diagnostics, /ModuleNames=REST in oscar\.properties/);
    assert.equal(seen.length, before);
  });

  it('answers a patient update 501 too', async () => {
    const res = await stack.fhir(`/Patient/${patientId}`, { method: 'PUT', headers: JSON_HEADERS, body: JSON.stringify({ resourceType: 'Patient', id: patientId }) });
    assert.equal(res.status, 501);
    assert.equal(res.body.issue[0].code, 'not-supported');
  });

  it('refuses clinical-status like an unknown parameter (400 strict, ignored with a warning when lenient)', async () => {
    const strict = await stack.fhir(`/AllergyIntolerance?patient=${patientId}&clinical-status=active`);
    assert.equal(strict.status, 400);
    assert.match(strict.body.issue[0].diagnostics, /Search parameter 'clinical-status' of AllergyIntolerance is not possible with the connected OSCAR/);
    const lenient = await stack.fhir(`/AllergyIntolerance?patient=${patientId}&clinical-status=active`, { headers: { prefer: 'handling=lenient' } });
    assert.equal(lenient.status, 200);
    const outcome = lenient.body.entry.find((e: { search?: { mode?: string } }) => e.search?.mode === 'outcome');
    assert.match(outcome.resource.issue[0].diagnostics, /clinical-status/);
  });

  it('treats a parameter named like an Object property as unknown, not as unavailable', async () => {
    for (const name of ['constructor', '__proto__', 'toString']) {
      const res = await stack.fhir(`/AllergyIntolerance?patient=${patientId}&${name}=1`);
      assert.equal(res.status, 400, name);
      assert.match(res.body.issue[0].diagnostics, /Unknown search parameter/, name);
    }
  });

  it('serves allergies from SOAP alone, tagged and without asking REST', async () => {
    const withAllergies = stack.sim.store.data.allergies.find((a) => !a.archived)?.demographicNo;
    const res = await stack.fhir(`/AllergyIntolerance?patient=${withAllergies}`);
    assert.equal(res.status, 200);
    const allergies = res.body.entry.filter((e: { search?: { mode?: string } }) => e.search?.mode === 'match');
    assert.ok(allergies.length > 0);
    for (const e of allergies) {
      assert.deepEqual(e.resource.meta.tag, [{ system: `${stack.base}/CodeSystem/fidelity`, code: 'clinical-status-unverified' }]);
      assert.equal(e.resource.clinicalStatus.text, 'Active or archived: this OSCAR does not say which');
    }
    assert.deepEqual(seen.filter((s) => s.path.includes('/ws/services') || s.path.includes('/ws/oauth')), []);
  });
});

describe('PUT denied at the edge (variants B4)', () => {
  let stack: Stack;
  let seen: Seen[];
  before(async () => { ({ stack, seen } = await stackFor('PUT blocked', { edgeDenyPut: true })); });
  after(() => stack.close());

  it('advertises patient create but not update, and answers an update 501 without sending a PUT', async () => {
    const cs = (await stack.fhir('/metadata')).body as CapabilityStatement;
    assert.deepEqual(codes(resourceOf(cs, 'Patient')), ['read', 'vread', 'search-type', 'create']);
    const id = String(stack.sim.store.data.demographics[0]!.demographicNo);
    const res = await stack.fhir(`/Patient/${id}`, { method: 'PUT', headers: JSON_HEADERS, body: JSON.stringify({ resourceType: 'Patient', id }) });
    assert.equal(res.status, 501);
    assert.match(res.body.issue[0].diagnostics, /a proxy in front of OSCAR refuses HTTP PUT/);
    assert.deepEqual(seen.filter((s) => s.method === 'PUT'), []);
  });
});

describe('SOAP behind a WAF (variants B5)', () => {
  let stack: Stack;
  let seen: Seen[];
  before(async () => { ({ stack, seen } = await stackFor('SOAP WAF', { soapWaf: true })); });
  after(() => stack.close());

  it('advertises patients, appointments, allergies, immunizations and document uploads only (over REST), and answers a practitioner read 501 naming the firewall, without a SOAP call', async () => {
    const cs = (await stack.fhir('/metadata')).body as CapabilityStatement;
    assert.deepEqual(cs.rest?.[0]?.resource?.map((r) => r.type), ['Patient', 'Appointment', 'AllergyIntolerance', 'Immunization', 'DocumentReference']);
    const read = resourceOf(cs, 'Patient')!.interaction!.find((i) => i.code === 'read')!;
    assert.match(read.documentation ?? '', /Served through OSCAR REST\. Degraded on this OSCAR: no residential address/);
    const res = await stack.fhir('/Practitioner/1');
    assert.equal(res.status, 501);
    assert.match(res.body.issue[0].diagnostics, /firewall/);
    const staff = await stack.fhir('/Practitioner?name=x');
    assert.equal(staff.status, 501);
    assert.deepEqual(seen.filter((s) => s.method === 'POST' && !s.path.includes('/ws/services/')), []);
  });

  it('lists no export and no Group (both need SOAP), and answers a kick-off and a Group read 501 naming the firewall, without a SOAP call', async () => {
    const cs = (await stack.fhir('/metadata')).body as CapabilityStatement;
    assert.equal(cs.rest?.[0]?.operation?.some((o) => o.name === 'export') ?? false, false, 'no system $export');
    assert.equal(resourceOf(cs, 'Patient')!.operation?.some((o) => o.name === 'export') ?? false, false, 'no Patient $export');
    assert.equal((cs.instantiates ?? []).some((u) => u.includes('bulkdata')), false);
    for (const path of ['/Patient/$export', '/$export', '/Group/clinic/$export', '/Group/clinic', '/Group?name=x']) {
      const res = await stack.fhir(path, { headers: { accept: 'application/fhir+json', prefer: 'respond-async' } });
      assert.equal(res.status, 501, path);
      assert.match(res.body.issue[0].diagnostics, /firewall/, path);
    }
    assert.deepEqual(seen.filter((s) => s.method === 'POST' && !s.path.includes('/ws/services/')), []);
  });

  it('searches a patient\'s immunizations over REST, without the lot number OSCAR REST does not carry', async () => {
    const withShots = stack.sim.store.data.preventions.find((p) => p.deleted === '0' && p.preventionType === 'Flu')!.demographicNo;
    const before = seen.length;
    const res = await stack.fhir(`/Immunization?patient=${withShots}`);
    assert.equal(res.status, 200, res.text);
    const found = res.body.entry.filter((e: { search?: { mode?: string } }) => e.search?.mode === 'match');
    assert.ok(found.length > 0);
    assert.ok(found.every((e: { resource: { lotNumber?: string } }) => e.resource.lotNumber === undefined));
    assert.deepEqual(seen.slice(before).map((s) => s.path.replace(/^\/oscar/, '')), [`/ws/services/preventions/immunizations/${withShots}`]);
  });

  it('books over REST, cancels over REST, and refuses a reschedule REST cannot make before writing anything', async () => {
    const d = stack.sim.store.data;
    const patient = d.demographics[0]!.demographicNo;
    const doctor = d.providers.find((p) => p.providerType === 'doctor')!.providerNo;
    const booked = await stack.fhir('/Appointment', {
      method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({
        resourceType: 'Appointment', status: 'booked', start: '2034-05-02T09:00:00-04:00', end: '2034-05-02T09:20:00-04:00',
        participant: [{ actor: { reference: `Patient/${patient}` }, status: 'accepted' }, { actor: { reference: `Practitioner/${doctor}` }, status: 'accepted' }],
      }),
    });
    assert.equal(booked.status, 201, booked.text);
    const id = booked.body.id as string;
    assert.equal(booked.body.end, '2034-05-02T09:20:00-04:00');
    const moved = await stack.fhir(`/Appointment/${id}`, { method: 'PUT', headers: JSON_HEADERS, body: JSON.stringify({ ...booked.body, start: '2034-05-02T10:00:00-04:00', end: '2034-05-02T10:20:00-04:00' }) });
    assert.equal(moved.status, 422, moved.text);
    assert.equal(stack.sim.store.appointment(Number(id))?.startTime.slice(0, 5), '09:00');
    const cancelled = await stack.fhir(`/Appointment/${id}`, { method: 'PUT', headers: JSON_HEADERS, body: JSON.stringify({ ...booked.body, status: 'cancelled' }) });
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.equal(cancelled.body.status, 'cancelled');
    assert.equal(stack.sim.store.appointment(Number(id))?.status, 'C');
    assert.deepEqual(seen.filter((s) => s.method === 'POST' && !s.path.includes('/ws/services/')), []);
  });

  it("searches a practitioner's appointments over REST one day at a time, and refuses a range longer than 31 days without calling OSCAR", async () => {
    const row = stack.sim.store.data.appointments.find((a) => !a.status.startsWith('D') && !a.status.startsWith('C'))!;
    const day = row.appointmentDate;
    const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const before = seen.length;
    const res = await stack.fhir(`/Appointment?practitioner=${row.providerNo}&date=ge${day}&date=lt${next}`);
    assert.equal(res.status, 200, res.text);
    assert.ok(res.body.entry.some((e: { resource: { id: string } }) => e.resource.id === String(row.appointmentNo)));
    assert.deepEqual(seen.slice(before).map((s) => `${s.method} ${s.path.replace(/^\/oscar/, '')}`), [`GET /ws/services/schedule/${row.providerNo}/day/${day}`]);
    const far = await stack.fhir(`/Appointment?practitioner=${row.providerNo}&date=ge2030-01-01&date=lt2030-03-01`);
    assert.equal(far.status, 400);
    assert.equal(far.body.issue[0].code, 'too-costly');
    assert.equal(seen.length, before + 1);
  });
});

describe('a capability map that changes while the facade runs (variants §7.3: re-discovery)', () => {
  let stack: Stack;
  let map = VARIANT_MAPS.openo!;
  before(async () => {
    stack = await startStack({ sim: { patients: 2 }, facade: { capabilities: { current: () => map } } });
  });
  after(() => stack.close());

  it('advertises and serves by the map in force at each request', async () => {
    const patientCodes = async (): Promise<string[]> => codes(resourceOf((await stack.fhir('/metadata')).body as CapabilityStatement, 'Patient'));
    assert.deepEqual(await patientCodes(), ['read', 'vread', 'search-type', 'create', 'update']);
    map = VARIANT_MAPS['PUT blocked']!;
    assert.deepEqual(await patientCodes(), ['read', 'vread', 'search-type', 'create']);
    const id = String(stack.sim.store.data.demographics[0]!.demographicNo);
    const res = await stack.fhir(`/Patient/${id}`, { method: 'PUT', headers: JSON_HEADERS, body: JSON.stringify({ resourceType: 'Patient', id }) });
    assert.equal(res.status, 501);
    map = VARIANT_MAPS.openo!;
    assert.deepEqual(await patientCodes(), ['read', 'vread', 'search-type', 'create', 'update']);
  });
});
