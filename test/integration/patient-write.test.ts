// Patient create and update end to end (simulator + facade over HTTP): what reaches OSCAR's
// demographic table, conditional create against duplicates, the read-modify-write update that
// must leave every field the Patient did not change as it was, and the 422s for what OSCAR
// cannot store (with nothing written).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { OperationOutcome, Patient } from 'fhir/r4.js';
import type { DemographicRow } from '../../src/sim/clinic/model.js';
import { medplumValidate } from '../helpers/independent-validator.js';
import { startStack, type FhirAnswer, type Stack } from '../helpers/stack.js';

const ON = 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-patient-hcn';
const ON_DHIR = 'https://ehealthontario.ca/API/FHIR/NamingSystem/ca-on-patient-hcn';
const BC = 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-bc-patient-healthcare-id';
const JHN = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'JHN' }] };
const VERSION_EXT = 'http://hl7.org/fhir/ca/baseline/StructureDefinition/ext-identifierversion';
const JSON_HEADERS = { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' };
/** Columns DemographicTo1 cannot carry: every REST update clears them (contract 7.24). */
const REST_CLEARS = ['residentialAddress', 'residentialCity', 'residentialProvince', 'residentialPostal', 'consentToUseEmailForCare', 'rosterEnrolledTo'];

let stack: Stack;
before(async () => {
  stack = await startStack({ env: { CACHE_MAX_BYTES: '0' } });
  await stack.fhir('/Patient/1001'); // warm the provider directory and the SOAP session
});
after(async () => { await stack.close(); });

const demographics = (): DemographicRow[] => stack.sim.store.data.demographics;
const row = (id: number | string): DemographicRow => stack.sim.store.demographic(Number(id))!;
const snapshot = (id: number | string): DemographicRow => structuredClone(row(id));
const extsOf = (id: number): string[] => stack.sim.store.data.demographicExts.filter((e) => e.demographicNo === id).map((e) => `${e.key}=${e.value}`).sort();

function send(method: 'POST' | 'PUT', path: string, body: unknown, headers: Record<string, string> = {}): Promise<FhirAnswer> {
  return stack.fhir(path, { method, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) });
}

/** Columns that differ between two versions of a row. */
function changed(before: DemographicRow, after: DemographicRow, ignore: readonly string[] = []): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => !ignore.includes(k) && JSON.stringify((before as never)[k]) !== JSON.stringify((after as never)[k])).sort();
}

let hinSeq = 1000;
/** A fresh, well-formed Ontario health number (10 digits, unique in the clinic). */
function newHin(): string {
  for (;;) {
    const hin = `7${String(hinSeq++).padStart(9, '0')}`;
    if (!demographics().some((d) => d.hin === hin)) return hin;
  }
}

function newPatient(hin: string, extra: Partial<Patient> = {}): Patient {
  return {
    resourceType: 'Patient',
    identifier: [{ type: JHN, system: ON, value: hin, extension: [{ url: VERSION_EXT, valueString: 'KJ' }], period: { start: '2022-07-01', end: '2027-07-01' } }],
    active: true,
    name: [{ use: 'official', family: "D'ARCY-CÔTÉ", given: ['HÉLÈNE', 'MARIE JOSÉE'], prefix: ['MME'] }],
    telecom: [{ system: 'phone', value: '613-555-0177', use: 'home' }, { system: 'phone', value: '343-555-0178', use: 'mobile' }, { system: 'email', value: 'helene@example.org' }],
    gender: 'female',
    birthDate: '1985-11-03', // the day Ontario went back to EST
    address: [{ use: 'home', line: ['12 rue Saint-Jean'], city: 'Ottawa', state: 'ON', postalCode: 'K1A 0B1', country: 'CA' }],
    communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'fr' }] }, preferred: true }],
    generalPractitioner: [{ reference: 'Practitioner/999998' }],
    ...extra,
  };
}

function assertOutcome(r: FhirAnswer, status: number, expression?: RegExp): OperationOutcome {
  assert.equal(r.status, status, r.text.slice(0, 400));
  assert.equal(r.body.resourceType, 'OperationOutcome');
  if (expression) assert.ok((r.body as OperationOutcome).issue.some((i) => i.expression?.some((e) => expression.test(e))), JSON.stringify(r.body.issue));
  return r.body as OperationOutcome;
}

describe('create (REST POST /demographics)', () => {
  test('stores the Patient, answers 201 with Location and ETag, and reads back the same resource', async () => {
    const hin = newHin();
    const before = demographics().length;
    const r = await send('POST', '/Patient', newPatient(hin));
    assert.equal(r.status, 201, r.text);
    const created = r.body as Patient;
    assert.deepEqual(medplumValidate(created), []);
    assert.equal(demographics().length, before + 1);
    assert.equal(r.headers.get('location'), `${stack.base}/Patient/${created.id}/_history/${created.meta!.versionId}`);
    assert.equal(r.headers.get('etag'), `W/"${created.meta!.versionId}"`);
    const stored = row(created.id!);
    assert.equal(stored.lastName, "D'ARCY-CÔTÉ");
    assert.equal(stored.firstName, 'HÉLÈNE');
    assert.equal(stored.middleNames, 'MARIE JOSÉE');
    assert.deepEqual([stored.yearOfBirth, stored.monthOfBirth, stored.dateOfBirth], ['1985', '11', '03']);
    assert.deepEqual([stored.hin, stored.ver, stored.hcType, stored.effDate, stored.hcRenewDate], [hin, 'KJ', 'ON', '2022-07-01', '2027-07-01']);
    assert.deepEqual([stored.sex, stored.officialLanguage, stored.providerNo, stored.phone, stored.email], ['F', 'French', '999998', '613-555-0177', 'helene@example.org']);
    assert.ok(extsOf(Number(created.id)).includes('demo_cell=343-555-0178'), 'the cell phone went to demographicExt');
    // the complete record reads back with everything written
    const read = (await stack.fhir(`/Patient/${created.id}`)).body as Patient;
    assert.deepEqual(read, created);
    assert.deepEqual(read.name?.[0]?.given, ['HÉLÈNE', 'MARIE', 'JOSÉE']);
    assert.ok(read.telecom?.some((t) => t.use === 'mobile' && t.value === '343-555-0178'));
    assert.equal(read.birthDate, '1985-11-03');
  });

  test('Prefer: return=minimal answers without a body, return=OperationOutcome with one', async () => {
    const minimal = await send('POST', '/Patient', newPatient(newHin()), { prefer: 'return=minimal' });
    assert.equal(minimal.status, 201);
    assert.equal(minimal.text, '');
    assert.match(minimal.headers.get('location') ?? '', /\/Patient\/\d+\/_history\/[0-9a-f]+$/);
    const oo = await send('POST', '/Patient', newPatient(newHin(), { maritalStatus: { text: 'married' } }), { prefer: 'return=OperationOutcome' });
    assert.equal(oo.status, 201);
    assert.equal(oo.body.resourceType, 'OperationOutcome');
    assert.ok((oo.body as OperationOutcome).issue.some((i) => i.expression?.includes('Patient.maritalStatus')), 'reports what OSCAR could not store');
  });

  test('If-None-Exist on the health card: a retried create returns the existing patient and makes no duplicate', async () => {
    const hin = newHin();
    const body = newPatient(hin);
    const first = await send('POST', '/Patient', body, { 'if-none-exist': `identifier=${ON}|${hin}` });
    assert.equal(first.status, 201);
    const count = demographics().length;
    stack.sim.stats.reset();
    const retry = await send('POST', '/Patient', body, { 'if-none-exist': `identifier=${ON}|${hin}` });
    assert.equal(retry.status, 200, retry.text);
    assert.equal(retry.body.id, first.body.id);
    assert.equal(demographics().length, count, 'no duplicate patient');
    assert.equal(Object.keys(stack.sim.stats.snapshot().byOperation).filter((op) => op.startsWith('REST POST /demographics')).length, 0, 'no create reached OSCAR');
    // the same card named with the eHealth Ontario system is the same patient
    const alias = await send('POST', '/Patient', body, { 'if-none-exist': `identifier=${ON_DHIR}|${hin}` });
    assert.equal(alias.status, 200);
    assert.equal(alias.body.id, first.body.id);
    assert.equal(demographics().length, count);
    assert.equal(demographics().filter((d) => d.hin === hin).length, 1);
  });

  test('If-None-Exist matching several patients is a 412 and creates nothing', async () => {
    const count = demographics().length;
    const r = await send('POST', '/Patient', newPatient(newHin()), { 'if-none-exist': 'family=cote' });
    assertOutcome(r, 412);
    assert.equal(demographics().length, count);
  });

  test('what OSCAR cannot store is a 422 naming the element, and nothing is written', async () => {
    const cases: [Patient, RegExp][] = [
      [newPatient(newHin(), { name: [{ given: ['NO'] }] }), /name\.family/],
      [newPatient(newHin(), { name: [{ family: 'ONLY' }] }), /name\.given/],
      [newPatient(newHin(), { gender: undefined }), /gender/],
      [newPatient(newHin(), { birthDate: undefined }), /birthDate/],
      [newPatient(newHin(), { birthDate: '1985-11' }), /birthDate/],
      [newPatient(newHin(), { identifier: [{ type: JHN, system: ON, value: newHin() }, { type: JHN, system: BC, value: '9123456789' }] }), /identifier/],
    ];
    const count = demographics().length;
    for (const [body, expression] of cases) {
      stack.sim.stats.reset();
      assertOutcome(await send('POST', '/Patient', body), 422, expression);
      assert.equal(stack.sim.stats.count(), 0, 'refused before any OSCAR call');
    }
    assert.equal(demographics().length, count);
  });
});

describe('update (REST PUT /demographics, read-modify-write)', () => {
  /** Reads a Patient, changes its home phone, PUTs it (If-Match) and returns the answer. */
  async function changePhone(id: number, phone: string, headers: Record<string, string> = {}): Promise<{ answer: FhirAnswer; read: FhirAnswer }> {
    const read = await stack.fhir(`/Patient/${id}`);
    assert.equal(read.status, 200);
    const p = read.body as Patient;
    p.telecom = [...(p.telecom ?? []).filter((t) => !(t.system === 'phone' && t.use === 'home')), { system: 'phone', use: 'home', value: phone }];
    const answer = await send('PUT', `/Patient/${id}`, p, { 'if-match': read.headers.get('etag')!, ...headers });
    return { answer, read };
  }

  test('changing a phone number changes only that column; what OSCAR cannot keep is reported', async () => {
    const id = 1001;
    const before = snapshot(id);
    const extsBefore = extsOf(id);
    const { answer, read } = await changePhone(id, '613-555-0142', { prefer: 'return=OperationOutcome' });
    assert.equal(answer.status, 200, answer.text);
    const after = row(id);
    assert.equal(after.phone, '613-555-0142');
    assert.deepEqual(changed(before, after, ['lastUpdateDate', 'lastUpdateUser', ...REST_CLEARS]), ['phone']);
    assert.deepEqual(extsOf(id), extsBefore, 'the cell phone and other ext rows are kept');
    // 1001 is rostered to the demo provider and consented to email: OSCAR's update loses both, and says so
    assert.deepEqual(changed(before, after, ['lastUpdateDate', 'lastUpdateUser', 'phone']), ['consentToUseEmailForCare', 'rosterEnrolledTo']);
    const warning = (answer.body as OperationOutcome).issue.find((i) => i.severity === 'warning');
    assert.match(warning?.diagnostics ?? '', /consent to use email/);
    assert.match(warning?.diagnostics ?? '', /rostered to/);
    assert.notEqual(answer.headers.get('etag'), read.headers.get('etag'), 'a new version');
    assert.match(answer.headers.get('location') ?? '', new RegExp(`/Patient/${id}/_history/[0-9a-f]+$`));
  });

  test('middle names, mobile phone and title survive an update that did not touch them', async () => {
    const target = demographics().find((d) => d.patientStatus === 'AC' && d.middleNames && d.title && /^\d{4}$/.test(d.yearOfBirth ?? '') && d.dateOfBirth
      && stack.sim.store.data.demographicExts.some((e) => e.demographicNo === d.demographicNo && e.key === 'demo_cell'));
    assert.ok(target, 'the generated clinic has such a patient');
    const id = target.demographicNo;
    const before = snapshot(id);
    const extsBefore = extsOf(id);
    const { answer } = await changePhone(id, '(613) 555-0143');
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(changed(before, row(id), ['lastUpdateDate', 'lastUpdateUser', ...REST_CLEARS]), ['phone']);
    assert.deepEqual(extsOf(id), extsBefore);
    const p = answer.body as Patient;
    assert.deepEqual(p.name?.[0]?.given?.slice(1), before.middleNames!.split(/\s+/));
    assert.deepEqual(medplumValidate(p), []);
  });

  test('a residential address that OSCAR\'s update clears is reported', async () => {
    const target = demographics().find((d) => d.residentialAddress && d.dateOfBirth && /^\d{4}$/.test(d.yearOfBirth ?? '') && d.monthOfBirth);
    assert.ok(target);
    const { answer } = await changePhone(target.demographicNo, '613-555-0144', { prefer: 'return=OperationOutcome' });
    assert.equal(answer.status, 200, answer.text);
    assert.ok((answer.body as OperationOutcome).issue.some((i) => /residential address/.test(i.diagnostics ?? '')));
    assert.equal(row(target.demographicNo).residentialAddress, null);
  });

  test('a patient with a partial birth date (1002) can be given a full one: SOAP stands in for the failing REST read', async () => {
    const before = snapshot(1002);
    assert.equal(before.monthOfBirth, '');
    const read = (await stack.fhir('/Patient/1002')).body as Patient;
    stack.sim.stats.reset();
    const r = await send('PUT', '/Patient/1002', { ...read, birthDate: `${before.yearOfBirth}-07-01` });
    assert.equal(r.status, 200, r.text);
    const ops = stack.sim.stats.snapshot().byOperation;
    assert.equal(ops['REST GET /demographics/basic/{id}'], undefined, 'the REST read known to fail (contract 7.23) is not even tried');
    assert.equal(ops['REST PUT /demographics'], 1);
    assert.equal(r.body.birthDate, `${before.yearOfBirth}-07-01`);
    const after = row(1002);
    assert.deepEqual([after.yearOfBirth, after.monthOfBirth, after.dateOfBirth], [before.yearOfBirth, '07', '01']);
    // rebuilt from SOAP, which cannot tell NULL from '' for some columns: compare blank-insensitively
    const blankish = (v: unknown): unknown => (v === null || v === '' ? '' : v);
    const diff = Object.keys(before).filter((k) => JSON.stringify(blankish((before as never)[k])) !== JSON.stringify(blankish((after as never)[k])));
    assert.deepEqual(diff.filter((k) => !['lastUpdateDate', 'lastUpdateUser', ...REST_CLEARS].includes(k)).sort(), ['dateOfBirth', 'monthOfBirth']);
  });

  test('422 for a Patient OSCAR cannot store, with nothing written', async () => {
    const current = (await stack.fhir('/Patient/1001')).body as Patient;
    const hcn = current.identifier!.find((i) => i.system === ON)!;
    const bad: [Partial<Patient>, RegExp][] = [
      [{ name: [] }, /name/],
      [{ gender: undefined }, /gender/],
      [{ birthDate: '1980' }, /birthDate/],
      [{ birthDate: undefined }, /birthDate/],
      [{ identifier: [hcn, { type: JHN, system: BC, value: '9123456789' }] }, /identifier/],
    ];
    for (const [change, expression] of bad) {
      const before = snapshot(1001);
      stack.sim.stats.reset();
      assertOutcome(await send('PUT', '/Patient/1001', { ...current, ...change }), 422, expression);
      assert.deepEqual(row(1001), before, 'nothing written');
      assert.equal(stack.sim.stats.count('REST PUT /demographics'), 0);
    }
  });

  test('a search result (tagged SUBSETTED) cannot be used for an update: 422, nothing written', async () => {
    const bundle = (await stack.fhir('/Patient?_id=1001')).body;
    const fromSearch = bundle.entry[0].resource as Patient;
    assert.ok(fromSearch.meta?.tag?.some((t) => t.code === 'SUBSETTED'));
    const before = snapshot(1001);
    assertOutcome(await send('PUT', '/Patient/1001', fromSearch), 422, /meta\.tag/);
    assert.deepEqual(row(1001), before);
  });

  test('If-Match with a stale version is a 412 and writes nothing; an unknown patient is a 404', async () => {
    const read = await stack.fhir('/Patient/1001');
    const before = snapshot(1001);
    assertOutcome(await send('PUT', '/Patient/1001', read.body, { 'if-match': 'W/"0000000000000000"' }), 412);
    assert.deepEqual(row(1001), before);
    assertOutcome(await send('PUT', '/Patient/999999', { ...read.body, id: '999999' }), 404);
  });
});
