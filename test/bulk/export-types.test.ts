// Every exported type against the simulator's rows, Group exports, the patient parameter, and
// _elements (bulk-data §a D, G, I).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CapabilityStatement } from 'fhir/r4.js';
import { medplumValidate } from '../helpers/independent-validator.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { validateResource } from '../../src/validation/index.js';
import { activePatients, immunizationIds, KICK_OFF_HEADERS, kickOff, manifestOf, resourcesOf, simIds, sortedIds } from './export-helpers.js';

const ALL = 'Patient,Immunization,AllergyIntolerance,Appointment,DocumentReference';

describe('export of every type', () => {
  let stack: Stack;
  before(async () => { stack = await startStack({ sim: { patients: 30, seed: 11 }, env: { BULK_MIN_POLL_MS: '0' } }); });
  after(async () => { await stack.close(); });

  it('exports each type\'s records of the active patients, every line a valid R4 resource', async () => {
    const m = await manifestOf(await kickOff(stack, `/$export?_type=${ALL}`));
    const data = stack.sim.store.data;
    const active = activePatients(data);
    assert.deepEqual(sortedIds(await resourcesOf(m, 'Patient')), active);
    assert.deepEqual(sortedIds(await resourcesOf(m, 'Immunization')), immunizationIds(data, active));
    for (const type of ['AllergyIntolerance', 'Appointment', 'DocumentReference'] as const) {
      const got = await resourcesOf(m, type);
      assert.deepEqual(sortedIds(got), simIds(data, type, active), type);
      assert.ok(got.length > 0, `${type}: the clinic has some`);
      for (const r of got) assert.deepEqual(validateResource(r), [], `${type}/${r.id}`);
    }
  });

  it('never inlines document bytes: each attachment is an absolute Binary URL that serves the file', async () => {
    const m = await manifestOf(await kickOff(stack, '/Patient/$export?_type=DocumentReference'));
    const docs = await resourcesOf(m, 'DocumentReference');
    const withUrl = docs.filter((d) => d.content[0].attachment.url);
    assert.ok(withUrl.length > 0);
    for (const d of docs) assert.equal(d.content[0].attachment.data, undefined);
    const url = withUrl[0].content[0].attachment.url as string;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/fhir\/Binary\/\d+$/);
    const res = await fetch(url, { headers: { accept: '*/*' } });
    assert.equal(res.status, 200);
  });

  it('_type defaults to every type but DocumentReference', async () => {
    const m = await manifestOf(await kickOff(stack, '/Patient/$export'));
    assert.deepEqual([...new Set(m.output.map((o) => o.type))].sort(), ['AllergyIntolerance', 'Appointment', 'Immunization', 'Patient']);
  });

  it('_elements keeps the asked and the mandatory elements and tags lines SUBSETTED', async () => {
    const m = await manifestOf(await kickOff(stack, '/Patient/$export?_type=Patient,Immunization&_elements=Patient.birthDate,Immunization.lotNumber'));
    for (const p of await resourcesOf(m, 'Patient')) {
      assert.deepEqual(Object.keys(p).filter((k) => !['resourceType', 'id', 'meta', 'birthDate'].includes(k)), []);
      assert.ok(p.meta.tag.some((t: { code: string }) => t.code === 'SUBSETTED'));
    }
    for (const i of await resourcesOf(m, 'Immunization')) {
      assert.ok(i.status && i.vaccineCode && i.patient, 'mandatory elements stay');
      assert.equal(i.performer, undefined);
    }
  });

  it('Group/{id}/$export of a provider roster holds exactly the active patients whose MRP is that provider', async () => {
    const data = stack.sim.store.data;
    const mrp = data.demographics.find((d) => d.patientStatus.trim() === 'AC' && d.providerNo)!.providerNo!;
    const expected = data.demographics.filter((d) => d.patientStatus.trim() === 'AC' && d.providerNo === mrp).map((d) => d.demographicNo).sort((a, b) => a - b);
    const m = await manifestOf(await kickOff(stack, `/Group/mrp-${mrp}/$export?_type=Patient,Immunization`));
    assert.deepEqual(sortedIds(await resourcesOf(m, 'Patient')), expected);
    assert.deepEqual(sortedIds(await resourcesOf(m, 'Immunization')), immunizationIds(data, expected));
  });

  it('the rostered-only group keeps the roster\'s patients with roster status RO', async () => {
    const data = stack.sim.store.data;
    const rostered = data.demographics.filter((d) => d.patientStatus.trim() === 'AC' && d.rosterStatus?.trim() === 'RO' && d.providerNo);
    const mrp = rostered[0]!.providerNo!;
    const expected = rostered.filter((d) => d.providerNo === mrp).map((d) => d.demographicNo).sort((a, b) => a - b);
    const m = await manifestOf(await kickOff(stack, `/Group/rostered-${mrp}/$export?_type=Patient`));
    assert.deepEqual(sortedIds(await resourcesOf(m, 'Patient')), expected);
  });

  it('an unknown Group is 404 at kick-off; Groups can be read and searched', async () => {
    assert.equal((await fetch(`${stack.base}/Group/mrp-NOPE1/$export`, { headers: KICK_OFF_HEADERS })).status, 404);
    assert.equal((await fetch(`${stack.base}/Group/whatever/$export`, { headers: KICK_OFF_HEADERS })).status, 404);
    const g = await stack.fhir('/Group/clinic');
    assert.equal(g.status, 200);
    assert.equal(g.body.resourceType, 'Group');
    const search = await stack.fhir('/Group?name=rostered');
    assert.equal(search.body.resourceType, 'Bundle');
    assert.ok(search.body.entry.length > 0);
    assert.ok(search.body.entry.every((e: { resource: { id: string } }) => e.resource.id.startsWith('rostered-')));
  });

  it('the CapabilityStatement lists Group with read, search and Group/[id]/$export, and every search parameter it lists is answered', async () => {
    const cs = (await stack.fhir('/metadata')).body as CapabilityStatement;
    assert.deepEqual(medplumValidate(cs), [], 'the statement with Group is valid R4');
    const group = cs.rest![0]!.resource!.find((r) => r.type === 'Group');
    assert.ok(group, 'Group is listed');
    assert.deepEqual(group.interaction!.map((i) => i.code).sort(), ['read', 'search-type']);
    assert.deepEqual(group.operation, [{ name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export', documentation: group.operation![0]!.documentation }]);
    const asked: Record<string, string> = { name: 'clinic', identifier: 'clinic', _id: 'clinic' };
    assert.deepEqual(group.searchParam!.map((p) => p.name).sort(), Object.keys(asked).sort());
    for (const p of group.searchParam!) {
      const found = await stack.fhir(`/Group?${p.name}=${asked[p.name]}`);
      assert.equal(found.status, 200, `${p.name}: ${found.text}`);
      assert.deepEqual(found.body.entry.map((e: { resource: { id: string } }) => e.resource.id), ['clinic'], p.name);
    }
    const notListed = await stack.fhir('/Group?type=person');
    assert.equal(notListed.status, 400, 'a parameter the statement does not list is refused');
  });

  it('POST with a Parameters body and the patient parameter exports only those patients; one outside the group is reported in error', async () => {
    const data = stack.sim.store.data;
    const active = activePatients(data);
    const inactive = data.demographics.find((d) => d.patientStatus.trim() !== 'AC')!.demographicNo;
    const wanted = [active[0]!, active[3]!];
    const body = { resourceType: 'Parameters', parameter: [
      { name: '_type', valueString: 'Patient,Immunization' },
      ...[...wanted, inactive].map((p) => ({ name: 'patient', valueReference: { reference: `Patient/${p}` } })),
    ] };
    const status = await kickOff(stack, '/Patient/$export', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/fhir+json' } });
    const m = await manifestOf(status);
    assert.equal(m.request, `${stack.base}/Patient/$export`);
    assert.deepEqual(sortedIds(await resourcesOf(m, 'Patient')), wanted);
    assert.deepEqual(sortedIds(await resourcesOf(m, 'Immunization')), immunizationIds(data, wanted));
    assert.equal(m.error.length, 1);
    const sys = await fetch(`${stack.base}/$export`, { method: 'POST', body: JSON.stringify(body), headers: { ...KICK_OFF_HEADERS, 'content-type': 'application/fhir+json' } });
    assert.equal(sys.status, 400, 'patient is refused at system level');
  });

  it('_typeFilter keeps the immunizations given in a date range and the patients of one gender; a filter on anything else is 400', async () => {
    const data = stack.sim.store.data;
    const active = activePatients(data);
    const filters = ['Immunization?date=ge2020-01-01&date=lt2024-01-01', 'Patient?gender=female'].map((f) => `_typeFilter=${encodeURIComponent(f)}`).join('&');
    const m = await manifestOf(await kickOff(stack, `/Patient/$export?_type=Patient,Immunization&${filters}`));
    const given = new Set(data.preventions.filter((p) => p.preventionDate.slice(0, 10) >= '2020-01-01' && p.preventionDate.slice(0, 10) < '2024-01-01').map((p) => p.id));
    const expected = immunizationIds(data, active).filter((id) => given.has(id));
    assert.ok(expected.length > 0 && expected.length < immunizationIds(data, active).length);
    assert.deepEqual(sortedIds(await resourcesOf(m, 'Immunization')), expected);
    const women = data.demographics.filter((d) => active.includes(d.demographicNo) && d.sex === 'F').map((d) => d.demographicNo);
    assert.deepEqual(sortedIds(await resourcesOf(m, 'Patient')), women);
    const bad = await fetch(`${stack.base}/Patient/$export?_type=Immunization&_typeFilter=${encodeURIComponent('Immunization?lot-number=X')}`, { headers: KICK_OFF_HEADERS });
    assert.equal(bad.status, 400);
  });
});
