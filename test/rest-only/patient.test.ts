// Patient over OSCAR REST alone (variants §6 B5, §7.4 REST-only mode): read, create and update
// through /ws/services/demographics, with the REST traps handled — a partial birth date breaks the
// record read (contract 7.23), a PUT rebuilds the whole record (contract 3.1, 7.24), date-only
// values are JVM-zone midnights (contract 1.3; the simulator's JVM runs in Vancouver, the clinic
// in Toronto). Expected values are the simulator's stored rows.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Identifier, Patient } from 'fhir/r4.js';
import type { DemographicRow } from '../../src/sim/clinic/model.js';
import type { Stack } from '../helpers/stack.js';
import { callsSince, JSON_HEADERS, restOnlyStack, type Seen } from './setup.js';

const wholeBirthDate = (d: DemographicRow): boolean => /^\d{4}$/.test(d.yearOfBirth ?? '') && /^\d{1,2}$/.test(d.monthOfBirth ?? '') && /^\d{1,2}$/.test(d.dateOfBirth ?? '');
const pad2 = (s: string | null): string => (s ?? '').padStart(2, '0');
const tagCodes = (p: Patient): string[] => (p.meta?.tag ?? []).map((t) => t.code ?? '');

describe('Patient over OSCAR REST when SOAP is behind a WAF', () => {
  let stack: Stack;
  let seen: Seen[];
  before(async () => { ({ stack, seen } = await restOnlyStack()); });
  after(() => stack.close());

  const rows = (): DemographicRow[] => stack.sim.store.data.demographics;

  it('reads a patient from the REST record: names, birth date from its three parts, health card dates on the clinic day, tagged', async () => {
    const row = rows().find((d) => wholeBirthDate(d) && d.hin && d.effDate && d.hcType === 'ON')!;
    const from = seen.length;
    const res = await stack.fhir(`/Patient/${row.demographicNo}`);
    assert.equal(res.status, 200, res.text);
    const p = res.body as Patient;
    assert.equal(p.name?.[0]?.family, row.lastName);
    assert.equal(p.name?.[0]?.given?.[0], row.firstName);
    assert.equal(p.birthDate, `${row.yearOfBirth}-${pad2(row.monthOfBirth)}-${pad2(row.dateOfBirth)}`);
    const card = p.identifier?.find((i: Identifier) => i.value === row.hin)!;
    assert.equal(card.system, 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-patient-hcn');
    // The JVM's midnight of effDate in Vancouver is 03:00 in Toronto: still the same clinic day.
    assert.equal(card.period?.start, row.effDate!.slice(0, 10));
    assert.deepEqual(tagCodes(p), ['demographic-over-rest']);
    assert.deepEqual(callsSince(seen, from), ['POST /ws/services/demographics/search', `GET /ws/services/demographics/basic/${row.demographicNo}`]);
  });

  it('reads a patient whose birth date is partial from the search row, without asking for the record OSCAR cannot render', async () => {
    const row = rows().find((d) => !wholeBirthDate(d))!;
    const from = seen.length;
    const res = await stack.fhir(`/Patient/${row.demographicNo}`);
    assert.equal(res.status, 200, res.text);
    const p = res.body as Patient;
    assert.equal(p.name?.[0]?.family, row.lastName);
    assert.equal(p.birthDate, undefined);
    assert.deepEqual(tagCodes(p).sort(), ['SUBSETTED', 'demographic-search-row']);
    assert.deepEqual(callsSince(seen, from), ['POST /ws/services/demographics/search']);
  });

  it('answers an unknown patient 404 after one search', async () => {
    const from = seen.length;
    const res = await stack.fhir('/Patient/987654');
    assert.equal(res.status, 404);
    assert.equal(res.body.resourceType, 'OperationOutcome');
    assert.deepEqual(callsSince(seen, from), ['POST /ws/services/demographics/search']);
  });

  it('creates a patient with POST /demographics and answers the record as REST reads it back', async () => {
    const res = await stack.fhir('/Patient', {
      method: 'POST', headers: JSON_HEADERS,
      body: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'RESTONLY', given: ['Ada'] }], gender: 'female', birthDate: '1984-07-09', telecom: [{ system: 'phone', value: '416-555-0199', use: 'home' }] }),
    });
    assert.equal(res.status, 201, res.text);
    const stored = stack.sim.store.demographic(Number(res.body.id))!;
    assert.deepEqual([stored.lastName, stored.firstName, stored.yearOfBirth, stored.monthOfBirth, stored.dateOfBirth, stored.phone], ['RESTONLY', 'Ada', '1984', '07', '09', '416-555-0199']);
    assert.equal(res.body.birthDate, '1984-07-09');
    assert.ok(!seen.some((s) => s.path.startsWith('/ws/') && !s.path.startsWith('/ws/services/')), 'no SOAP call');
  });

  it('updates a patient by PUT of the whole current record: what the Patient changes, and nothing else', async () => {
    const row = rows().find((d) => wholeBirthDate(d) && d.hin && d.chartNo && d.patientStatus === 'AC')!;
    const before = { ...row };
    const current = (await stack.fhir(`/Patient/${row.demographicNo}`)).body as Patient;
    const changed: Patient = { ...current, telecom: [{ system: 'phone', value: '905-555-0142', use: 'home' }] };
    const from = seen.length;
    const res = await stack.fhir(`/Patient/${row.demographicNo}`, { method: 'PUT', headers: { ...JSON_HEADERS, prefer: 'return=OperationOutcome' }, body: JSON.stringify(changed) });
    assert.equal(res.status, 200, res.text);
    const after = stack.sim.store.demographic(row.demographicNo)!;
    assert.equal(after.phone, '905-555-0142');
    for (const k of ['hin', 'ver', 'hcType', 'chartNo', 'effDate', 'hcRenewDate', 'dateJoined', 'patientStatus', 'providerNo', 'familyDoctor', 'sin'] as const) {
      assert.equal(after[k], before[k], k);
    }
    assert.ok(callsSince(seen, from).includes('PUT /ws/services/demographics'));
    // contract 7.24: what the PUT clears cannot be seen without SOAP; the client is told.
    assert.ok(res.body.issue.some((i: { severity: string; diagnostics?: string }) => i.severity === 'warning' && /residential address/.test(i.diagnostics ?? '')), res.text);
  });

  it('refuses to update a patient whose record REST cannot read, before sending any PUT', async () => {
    const row = rows().find((d) => !wholeBirthDate(d))!;
    const from = seen.length;
    const res = await stack.fhir(`/Patient/${row.demographicNo}`, {
      method: 'PUT', headers: JSON_HEADERS,
      body: JSON.stringify({ resourceType: 'Patient', id: String(row.demographicNo), name: [{ family: row.lastName, given: [row.firstName] }], gender: 'male', birthDate: '1950-01-01' }),
    });
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.resourceType, 'OperationOutcome');
    assert.match(res.body.issue[0].diagnostics, /birth date is partial/);
    assert.ok(!callsSince(seen, from).some((c) => c.startsWith('PUT')));
  });

  it('answers bad input 4xx with an OperationOutcome and writes nothing', async () => {
    const count = rows().length;
    for (const body of [
      { resourceType: 'Patient', name: [{ family: 'NOSEX', given: ['X'] }], birthDate: '1990-01-01' },
      { resourceType: 'Patient', name: [{ family: 'PARTIAL', given: ['X'] }], gender: 'male', birthDate: '1990' },
      { resourceType: 'Patient', name: [{ family: 'BADDATE', given: ['X'] }], gender: 'male', birthDate: '1990-02-31' },
    ]) {
      const res = await stack.fhir('/Patient', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) });
      assert.ok(res.status >= 400 && res.status < 500, `${body.name[0]!.family}: ${res.status} ${res.text}`);
      assert.equal(res.body.resourceType, 'OperationOutcome');
    }
    assert.equal(rows().length, count);
  });

  const ids = (res: { body: { entry?: { resource: Patient; search?: { mode?: string } }[] } }): number[] =>
    (res.body.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => Number(e.resource.id));

  it('searches by family and given name with one REST search, matching as the stored rows say', async () => {
    const row = rows().find((d) => !/['’,]/.test(d.lastName))!;
    const family = row.lastName.slice(0, 3);
    const given = row.firstName.slice(0, 2);
    const expected = rows().filter((d) => d.lastName.toLowerCase().startsWith(family.toLowerCase()) && d.firstName.toLowerCase().startsWith(given.toLowerCase()))
      .map((d) => d.demographicNo).sort((a, b) => a - b);
    const from = seen.length;
    const res = await stack.fhir(`/Patient?family=${encodeURIComponent(family)}&given=${encodeURIComponent(given)}`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(ids(res), expected);
    const first = res.body.entry.find((e: { search?: { mode?: string } }) => e.search?.mode === 'match').resource as Patient;
    assert.deepEqual(tagCodes(first).sort(), ['SUBSETTED', 'demographic-search-row']);
    assert.deepEqual(callsSince(seen, from), ['POST /ws/services/demographics/search']);
  });

  it('finds a patient by _id, by health number and by chart number', async () => {
    const row = rows().find((d) => d.hin && d.hcType === 'ON' && d.chartNo)!;
    assert.deepEqual(ids(await stack.fhir(`/Patient?_id=${row.demographicNo}`)), [row.demographicNo]);
    const byCard = await stack.fhir(`/Patient?identifier=${encodeURIComponent(`https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-patient-hcn|${row.hin}`)}`);
    assert.deepEqual(ids(byCard), rows().filter((d) => d.hin === row.hin).map((d) => d.demographicNo));
    const byChart = await stack.fhir(`/Patient?identifier=${encodeURIComponent(`${stack.base}/sid/chart-no|${row.chartNo}`)}`);
    assert.deepEqual(ids(byChart), rows().filter((d) => d.chartNo === row.chartNo).map((d) => d.demographicNo));
  });

  it('pages a REST search', async () => {
    const family = rows()[0]!.lastName.slice(0, 1);
    const all = await stack.fhir(`/Patient?family=${encodeURIComponent(family)}`);
    const page = await stack.fhir(`/Patient?family=${encodeURIComponent(family)}&_count=1`);
    assert.equal(page.status, 200);
    assert.equal(ids(page).length, Math.min(1, ids(all).length));
  });

  it('refuses what REST search rows cannot answer 400 with an OperationOutcome, before calling OSCAR', async () => {
    const from = seen.length;
    for (const q of ['gender=female', 'email=a@example.org&family=A', 'address-city=Toronto&family=A', '_id=1,2,3']) {
      const res = await stack.fhir(`/Patient?${q}`);
      assert.equal(res.status, 400, `${q}: ${res.text}`);
      assert.equal(res.body.resourceType, 'OperationOutcome', q);
    }
    assert.deepEqual(callsSince(seen, from), []);
  });
});
