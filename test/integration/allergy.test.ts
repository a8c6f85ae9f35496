// AllergyIntolerance over real HTTP: the facade in front of the OSCAR simulator (seed-1 clinic).
// Expectations come from the simulator's own rows, so they hold whatever "today" is.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AllergyIntolerance, Bundle, BundleEntry, CapabilityStatementRestResource, Resource } from 'fhir/r4.js';
import { epochOfWallClock } from '../../src/sim/wall-clock.js';
import type { AllergyRow } from '../../src/sim/clinic/model.js';
import { medplumValidate } from '../helpers/independent-validator.js';
import { startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;
// No cache: the tests count the OSCAR calls each FHIR interaction makes.
before(async () => { stack = await startStack({ env: { CACHE_MAX_BYTES: '0' } }); });
after(async () => { await stack.close(); });

const SNOMED = 'http://snomed.info/sct';
const DIN = 'http://hl7.org/fhir/sid/ca-hc-din';
/** Search parameters (and _include values) the tests below used: the CapabilityStatement check reads it. */
const exercised = new Set<string>();

const rows = (): AllergyRow[] => stack.sim.store.data.allergies;
const rowsOf = (demographicNo: number): AllergyRow[] => rows().filter((r) => r.demographicNo === demographicNo);
const epoch = (r: AllergyRow): number => epochOfWallClock(r.lastUpdateDate, stack.sim.store.timezone);
const count = (op: string): number => stack.sim.stats.count(op);
const REST_ACTIVE = 'REST GET /allergies/active';

function assertValid(r: Resource): void {
  assert.deepEqual(medplumValidate(r), [], `${r.resourceType}/${r.id ?? ''} is not valid`);
}

const matches = (b: Bundle): AllergyIntolerance[] => (b.entry ?? []).filter((e: BundleEntry) => e.search?.mode === 'match').map((e) => e.resource as AllergyIntolerance);
const ids = (b: Bundle): string[] => matches(b).map((a) => a.id!).sort((x, y) => Number(x) - Number(y));
const idsOf = (rs: readonly AllergyRow[]): string[] => rs.map((r) => String(r.allergyId)).sort((x, y) => Number(x) - Number(y));
const status = (a: AllergyIntolerance): string | undefined => a.clinicalStatus?.coding?.[0]?.code;

async function search(query: string, count = 200): Promise<Bundle> {
  for (const [k, v] of new URLSearchParams(query)) exercised.add(k === '_include' ? `_include=${v}` : k.split(':')[0]!);
  const r = await stack.fhir(`/AllergyIntolerance?${query}&_count=${count}`);
  assert.equal(r.status, 200, `${query}: ${r.text}`);
  const bundle = r.body as Bundle;
  for (const e of bundle.entry ?? []) assertValid(e.resource!);
  return bundle;
}

async function read(id: number | string): Promise<AllergyIntolerance> {
  const r = await stack.fhir(`/AllergyIntolerance/${id}`);
  assert.equal(r.status, 200, r.text);
  assertValid(r.body);
  return r.body as AllergyIntolerance;
}

async function tooCostly(query: string): Promise<void> {
  const r = await stack.fhir(`/AllergyIntolerance?${query}`);
  assert.equal(r.status, 400, `${query}: ${r.text}`);
  assert.equal(r.body.issue[0].code, 'too-costly', r.text);
}

test('read maps JANE DOE\'s PENICILLIN G with two OSCAR calls: SOAP getAllergy + her REST active list', async () => {
  const row = rowsOf(1001).find((r) => r.description === 'PENICILLIN G')!;
  stack.sim.stats.reset();
  const a = await read(row.allergyId);
  assert.equal(count('AllergyService.getAllergy'), 1);
  assert.equal(count(REST_ACTIVE), 1);
  assert.equal(status(a), 'active');
  assert.equal(a.verificationStatus?.coding?.[0]?.code, 'confirmed');
  assert.deepEqual(a.category, ['medication']);
  assert.deepEqual(a.code, { text: 'PENICILLIN G' });
  assert.equal(a.patient.reference, 'Patient/1001');
  assert.equal(a.onsetDateTime, '2015-04-01');
  assert.equal(a.recordedDate, '2021-06-01');
  assert.equal(a.meta?.lastUpdated, '2021-06-01T10:15:42-04:00');
  assert.deepEqual(a.reaction, [{ manifestation: [{ text: 'Hives' }], severity: 'moderate', description: 'Onset of reaction: Immediate' }]);
  assert.equal(a.meta?.profile?.[0], 'http://hl7.org/fhir/ca/baseline/StructureDefinition/profile-allergyintolerance');
});

test('the recorder is a Practitioner reference that resolves', async () => {
  const a = await read(rowsOf(1001)[0]!.allergyId);
  assert.match(a.recorder?.reference ?? '', /^Practitioner\/\d+$/);
  assert.ok(a.recorder?.display, 'the provider name is shown');
  const p = await stack.fhir(`/${a.recorder!.reference}`);
  assert.equal(p.status, 200, p.text);
  assert.equal(p.body.resourceType, 'Practitioner');
});

test('unknown and non-numeric ids are 404', async () => {
  assert.equal((await stack.fhir('/AllergyIntolerance/987654')).status, 404);
  stack.sim.stats.reset();
  assert.equal((await stack.fhir('/AllergyIntolerance/abc')).status, 404);
  assert.equal(stack.sim.stats.count(), 0, 'a non-numeric id never reaches OSCAR');
});

test('patient search: archived allergies are inactive, the others active (patient 1024)', async () => {
  const own = rowsOf(1024);
  assert.ok(own.some((r) => r.archived) && own.some((r) => !r.archived), 'the clinic has an archived and an active allergy for 1024');
  stack.sim.stats.reset();
  const b = await search('patient=Patient/1024');
  assert.equal(count('AllergyService.getAllergiesByProgramProviderDemographicDate'), 1);
  assert.equal(count(REST_ACTIVE), 1);
  assert.deepEqual(ids(b), idsOf(own));
  for (const a of matches(b)) {
    const row = own.find((r) => String(r.allergyId) === a.id)!;
    assert.equal(status(a), row.archived ? 'inactive' : 'active', `allergy ${a.id}`);
  }
  assert.deepEqual(ids(await search('patient=1024&clinical-status=inactive')), idsOf(own.filter((r) => r.archived)));
  assert.deepEqual(ids(await search('patient=1024&clinical-status=active')), idsOf(own.filter((r) => !r.archived)));
  assert.deepEqual(ids(await search('patient=1024&clinical-status=resolved')), []);
});

test('a read of an archived allergy is inactive too', async () => {
  const archived = rowsOf(1024).find((r) => r.archived)!;
  assert.equal(status(await read(archived.allergyId)), 'inactive');
});

test('NKDA (1022, 1023) is SNOMED 409137002 without a category', async () => {
  const b = await search(`patient=1022,1023&code=${SNOMED}|409137002`);
  const nkda = [...rowsOf(1022), ...rowsOf(1023)].filter((r) => r.description.toUpperCase() === 'NKDA');
  assert.equal(nkda.length, 2);
  assert.deepEqual(ids(b), idsOf(nkda));
  for (const a of matches(b)) {
    assert.deepEqual(a.code?.coding, [{ system: SNOMED, code: '409137002', display: 'No known drug allergy' }]);
    assert.equal(a.category, undefined);
    assert.equal(a.reaction, undefined);
  }
});

test('free-text allergens (typeCode 0, patient 1025) get no guessed category', async () => {
  const b = await search('patient=1025');
  assert.deepEqual(matches(b).map((a) => a.code?.text).sort(), ['BEE STINGS', 'LATEX', 'PEANUTS']);
  for (const a of matches(b)) {
    assert.equal(a.category, undefined, a.code?.text);
    assert.equal(a.code?.coding, undefined);
  }
  assert.deepEqual(ids(await search('patient=1025&category=medication')), []);
  assert.deepEqual(ids(await search('patient=1025&code:text=latex')), idsOf(rowsOf(1025).filter((r) => r.description === 'LATEX')));
});

test('a DIN-coded drug allergy carries a ca-hc-din coding and is found by it', async () => {
  const row = rows().find((r) => /^\d{8}$/.test(r.regionalIdentifier ?? '') && r.typeCode !== 0)!;
  const b = await search(`patient=${row.demographicNo}&code=${DIN}|${row.regionalIdentifier}`);
  assert.ok(ids(b).includes(String(row.allergyId)));
  const a = matches(b).find((x) => x.id === String(row.allergyId))!;
  assert.deepEqual(a.code?.coding, [{ system: DIN, code: row.regionalIdentifier }]);
  assert.deepEqual(a.category, ['medication']);
  assert.deepEqual(ids(await search(`patient=${row.demographicNo}&code=${DIN}|00000000`)), []);
});

test('_id, criticality, verification-status, date and category filter in memory', async () => {
  const own = rowsOf(1001);
  stack.sim.stats.reset();
  assert.deepEqual(ids(await search(`_id=${own.map((r) => r.allergyId).join(',')}`)), idsOf(own));
  assert.equal(count('AllergyService.getAllergy'), own.length);
  const peanuts = own.find((r) => r.description === 'PEANUTS')!; // severity 3
  assert.deepEqual(ids(await search('patient=1001&criticality=high')), [String(peanuts.allergyId)]);
  assert.deepEqual(ids(await search('patient=1001&verification-status=confirmed')), idsOf(own));
  assert.deepEqual(ids(await search('patient=1001&verification-status=refuted')), []);
  assert.deepEqual(ids(await search('patient=1001&date=ge2022-01-01')), [String(peanuts.allergyId)]);
  assert.deepEqual(ids(await search('patient=1001&date=lt2022')), idsOf(own.filter((r) => r !== peanuts)));
  assert.deepEqual(ids(await search('patient=1001&category=medication')), idsOf(own.filter((r) => r !== peanuts)));
});

test('_lastUpdated: every patient\'s allergies changed in the window, bound inclusive, status right', async () => {
  const sorted = [...rows()].sort((a, b) => epoch(a) - epoch(b));
  const from = sorted[sorted.length - 25]!; // the 25 most recent changes
  const since = `${from.lastUpdateDate}`; // local time without offset = the OSCAR zone
  const expected = rows().filter((r) => epoch(r) >= epoch(from));
  stack.sim.stats.reset();
  const b = await search(`_lastUpdated=ge${since}`);
  assert.equal(count('AllergyService.getAllergiesUpdatedAfterDate'), 1);
  assert.ok(count(REST_ACTIVE) <= new Set(expected.map((r) => r.demographicNo)).size, 'one active list per patient at most');
  assert.deepEqual(ids(b), idsOf(expected));
  assert.ok(ids(b).includes(String(from.allergyId)), 'the bound itself is included');
  for (const a of matches(b)) assert.equal(status(a), rows().find((r) => String(r.allergyId) === a.id)!.archived ? 'inactive' : 'active', `allergy ${a.id}`);
  // eq on the exact second, and an upper bound
  assert.ok(ids(await search(`_lastUpdated=${since}`)).includes(String(from.allergyId)));
  assert.ok(!ids(await search(`_lastUpdated=lt${since}&_lastUpdated=ge${sorted[0]!.lastUpdateDate.slice(0, 10)}`)).includes(String(from.allergyId)));
});

test('_lastUpdated pages fetch only the active lists of the patients on the page', async () => {
  const since = [...rows()].sort((a, b) => epoch(a) - epoch(b))[rows().length - 40]!.lastUpdateDate;
  const all = ids(await search(`_lastUpdated=ge${since}`));
  const seen: string[] = [];
  let path: string | undefined = `/AllergyIntolerance?_lastUpdated=ge${since}&_count=7`;
  for (let pages = 0; path && pages < 20; pages++) {
    stack.sim.stats.reset();
    const r = await stack.fhir(path);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.total, all.length);
    const page = matches(r.body as Bundle);
    assert.ok(page.length > 0 && page.length <= 7);
    const patients = new Set(page.map((a) => a.patient.reference));
    assert.equal(count(REST_ACTIVE), patients.size, 'one REST active list per patient on the page, no more');
    seen.push(...page.map((a) => a.id!));
    path = (r.body as Bundle).link?.find((l) => l.relation === 'next')?.url?.slice(stack.base.length);
  }
  assert.deepEqual(seen.sort((x, y) => Number(x) - Number(y)), all);
});

test('clinical-status with _lastUpdated filters by the REST lists, within a patient cap', async () => {
  const since = [...rows()].sort((a, b) => epoch(a) - epoch(b))[rows().length - 30]!.lastUpdateDate;
  const inWindow = rows().filter((r) => r.lastUpdateDate >= since);
  assert.deepEqual(ids(await search(`_lastUpdated=ge${since}&clinical-status=inactive`)), idsOf(inWindow.filter((r) => r.archived)));
  // the whole clinic spans far more than 50 patients
  await tooCostly('_lastUpdated=ge2000-01-01&clinical-status=active');
});

test('_include=AllergyIntolerance:patient adds the Patient', async () => {
  const b = await search('patient=1001&_include=AllergyIntolerance:patient');
  const included = (b.entry ?? []).filter((e) => e.search?.mode === 'include').map((e) => e.resource!);
  assert.deepEqual(included.map((p) => `${p.resourceType}/${p.id}`), ['Patient/1001']);
});

test('a search without _id, patient or _lastUpdated is refused as too costly', async () => {
  await tooCostly('clinical-status=active');
  await tooCostly('code=http://snomed.info/sct|409137002');
  await tooCostly('patient=' + Array.from({ length: 21 }, (_, i) => 1001 + i).join(','));
});

test('AllergyIntolerance is read-only: writes are 405 and the CapabilityStatement says so', async () => {
  const body = { resourceType: 'AllergyIntolerance', patient: { reference: 'Patient/1001' } };
  const init = (method: string): RequestInit => ({ method, headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(body) });
  assert.equal((await stack.fhir('/AllergyIntolerance', init('POST'))).status, 405);
  assert.equal((await stack.fhir('/AllergyIntolerance/1', init('PUT'))).status, 405);
  assert.equal((await stack.fhir('/AllergyIntolerance/1', { method: 'DELETE' })).status, 405);
  const meta = await stack.fhir('/metadata');
  const res = (meta.body.rest[0].resource as CapabilityStatementRestResource[]).find((r) => r.type === 'AllergyIntolerance')!;
  assert.deepEqual(res.interaction?.map((i) => i.code).filter((c) => !['read', 'vread', 'search-type'].includes(c)), []);
  assert.match(res.documentation ?? '', /Read-only/);
});

test('the consent-gated getAllergiesByDemographicIdAfter was never called', () => {
  assert.equal(stack.sim.stats.count('AllergyService.getAllergiesByDemographicIdAfter'), 0);
});

test('every advertised search parameter and _include was exercised above', async () => {
  const meta = await stack.fhir('/metadata');
  const res = (meta.body.rest[0].resource as CapabilityStatementRestResource[]).find((r) => r.type === 'AllergyIntolerance')!;
  const advertised = [...(res.searchParam ?? []).map((p) => p.name), ...(res.searchInclude ?? []).map((i) => `_include=${i}`)];
  assert.ok(advertised.length >= 10);
  for (const name of advertised) assert.ok(exercised.has(name), `${name} is advertised but no test uses it`);
});
