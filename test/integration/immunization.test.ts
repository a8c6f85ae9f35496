// Immunization over real HTTP: the facade in front of the OSCAR simulator (seed-1 clinic).
// Expectations come from the simulator's own rows, so they hold whatever "today" is.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Bundle, BundleEntry, CapabilityStatementRestResource, Immunization, Resource } from 'fhir/r4.js';
import { epochOfWallClock } from '../../src/sim/wall-clock.js';
import type { PreventionRow } from '../../src/sim/clinic/model.js';
import { VACCINES } from '../../src/sim/clinic/vaccines.js';
import { medplumValidate } from '../helpers/independent-validator.js';
import { startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;
// No cache: the tests count the OSCAR calls each FHIR interaction makes.
before(async () => { stack = await startStack({ env: { CACHE_MAX_BYTES: '0' } }); });
after(async () => { await stack.close(); });

const SNOMED = 'http://snomed.info/sct';
const CVX = 'http://hl7.org/fhir/sid/cvx';
const DIN = 'http://hl7.org/fhir/sid/ca-hc-din';
/** Search parameters (and _include values) the tests below used: the CapabilityStatement check reads it. */
const exercised = new Set<string>();

const VACCINE_TYPES = new Set(VACCINES.map((v) => v.type)); // the simulator's own list, not the facade's
const rows = (): PreventionRow[] => stack.sim.store.data.preventions;
const isVaccine = (r: PreventionRow): boolean => VACCINE_TYPES.has(r.preventionType);
const ext = (r: PreventionRow, key: string): string | undefined => stack.sim.store.data.preventionExts.find((e) => e.preventionId === r.id && e.key === key && e.value)?.value;
const epoch = (r: PreventionRow): number => epochOfWallClock(r.lastUpdateDate, stack.sim.store.timezone);

function assertValid(r: Resource): void {
  assert.deepEqual(medplumValidate(r), [], `${r.resourceType}/${r.id ?? ''} is not valid`);
}

const matches = (b: Bundle): Immunization[] => (b.entry ?? []).filter((e: BundleEntry) => e.search?.mode === 'match').map((e) => e.resource as Immunization);
const ids = (b: Bundle): string[] => matches(b).map((a) => a.id!).sort((x, y) => Number(x) - Number(y));
const idsOf = (rs: readonly PreventionRow[]): string[] => rs.map((r) => String(r.id)).sort((x, y) => Number(x) - Number(y));

async function search(query: string): Promise<Bundle> {
  for (const [k, v] of new URLSearchParams(query)) exercised.add(k === '_include' ? `_include=${v}` : k.split(':')[0]!);
  const r = await stack.fhir(`/Immunization?${query}&_count=200`);
  assert.equal(r.status, 200, `${query}: ${r.text}`);
  const bundle = r.body as Bundle;
  for (const e of bundle.entry ?? []) assertValid(e.resource!);
  return bundle;
}

async function read(id: number | string): Promise<Immunization> {
  const r = await stack.fhir(`/Immunization/${id}`);
  assert.equal(r.status, 200, r.text);
  assertValid(r.body);
  return r.body as Immunization;
}

async function tooCostly(query: string): Promise<void> {
  const r = await stack.fhir(`/Immunization?${query}`);
  assert.equal(r.status, 400, `${query}: ${r.text}`);
  assert.equal(r.body.issue[0].code, 'too-costly', r.text);
}

/** The patient (other than 1001) with the most live immunization records. */
function busyPatient(): { demographicNo: number; rows: PreventionRow[] } {
  const by = new Map<number, PreventionRow[]>();
  for (const r of rows()) if (r.deleted === '0' && isVaccine(r)) by.set(r.demographicNo, [...(by.get(r.demographicNo) ?? []), r]);
  const [demographicNo, list] = [...by].sort((a, b) => b[1].length - a[1].length)[0]!;
  return { demographicNo, rows: list };
}

test("JANE DOE's 2023 Flu shot is fully mapped from one SOAP getPrevention", async () => {
  const row = rows().find((r) => r.demographicNo === 1001 && r.preventionType === 'Flu')!;
  stack.sim.stats.reset();
  const i = await read(row.id);
  assert.equal(stack.sim.stats.count('PreventionService.getPrevention'), 1);
  assert.equal(i.status, 'completed');
  assert.equal(i.patient.reference, 'Patient/1001');
  assert.equal(i.occurrenceDateTime, '2023-10-11');
  assert.equal(i.recorded, '2023-10-11T09:41:07-04:00');
  assert.deepEqual(i.vaccineCode, {
    coding: [
      { system: SNOMED, code: '1181000221105', display: '[Inf] Influenza vaccine' },
      { system: SNOMED, code: '20691000087107', display: '[Inf] FLUZONE Quadrivalent' },
      { system: CVX, code: '88' },
      { system: DIN, code: '02432730' },
    ],
    text: 'FLUZONE Quadrivalent',
  });
  assert.equal(i.lotNumber, 'AB1234');
  assert.equal(i.expirationDate, '2024-06-30');
  assert.deepEqual(i.site, { text: 'Deltoid Lt' });
  assert.deepEqual(i.route, { coding: [{ system: SNOMED, code: '78421000', display: 'Intramuscular route' }], text: 'IM' });
  assert.deepEqual(i.doseQuantity, { value: 0.5, unit: 'mL', system: 'http://unitsofmeasure.org', code: 'mL' });
  assert.deepEqual(i.manufacturer, { display: 'Sanofi Pasteur Limited' });
  assert.equal(i.primarySource, true);
  assert.equal(i.performer?.[0]?.function?.coding?.[0]?.code, 'AP');
  assert.equal(i.performer?.[0]?.actor.reference, 'Practitioner/999998');
  assert.equal(i.meta?.profile?.[0], 'http://hl7.org/fhir/ca/baseline/StructureDefinition/profile-immunization');
  const p = await stack.fhir(`/${i.performer![0]!.actor.reference!}`);
  assert.equal(p.status, 200, `the performer resolves: ${p.text}`);
});

test('patient search returns the live immunizations and no screening', async () => {
  const { demographicNo, rows: live } = busyPatient();
  stack.sim.stats.reset();
  const b = await search(`patient=Patient/${demographicNo}`);
  assert.equal(stack.sim.stats.count('PreventionService.getPreventionsByDemographicIdAfter'), 1);
  assert.equal(stack.sim.stats.count('PreventionService.getPrevention'), 0, 'never a call per row');
  assert.deepEqual(ids(b), idsOf(live));
  for (const i of matches(b)) {
    const own = rows().find((r) => String(r.id) === i.id)!;
    if (own.providerNo !== '-1' && own.providerNo !== '' && i.status !== 'not-done') assert.match(i.performer?.[0]?.actor.reference ?? '', /^Practitioner\/\d+$/);
  }
});

test('records last changed before 1970 are not lost to an epoch-0 "since"', async () => {
  const old = rows().find((r) => r.lastUpdateDate < '1970' && r.deleted === '0' && isVaccine(r))!;
  assert.ok(old, 'the clinic has a record charted before 1970');
  assert.ok(ids(await search(`patient=${old.demographicNo}`)).includes(String(old.id)));
});

test('screenings (PAP, MAM, FOBT, PSA, Tuberculosis) never become Immunizations', async () => {
  for (const type of ['PAP', 'MAM', 'Tuberculosis']) {
    const row = rows().find((r) => r.preventionType === type && r.deleted === '0')!;
    assert.ok(row, `the clinic has a ${type} record`);
    assert.equal((await stack.fhir(`/Immunization/${row.id}`)).status, 404, `${type} read`);
    const b = await search(`patient=${row.demographicNo}`);
    assert.ok(!ids(b).includes(String(row.id)), `${type} in patient search`);
    const expected = rows().filter((r) => r.demographicNo === row.demographicNo && r.deleted === '0' && isVaccine(r));
    assert.deepEqual(ids(b), idsOf(expected));
  }
  const mam = rows().find((r) => r.preventionType === 'MAM')!;
  const b = await search(`_lastUpdated=${mam.lastUpdateDate.slice(0, 10)}`);
  assert.ok(!ids(b).includes(String(mam.id)));
  assert.deepEqual(ids(b), idsOf(rows().filter((r) => r.lastUpdateDate.startsWith(mam.lastUpdateDate.slice(0, 10)) && isVaccine(r))));
});

test('a refused immunization is not-done with reason PATOBJ and the refusal text, and no administering provider', async () => {
  const row = rows().find((r) => r.refused === '1' && r.deleted === '0' && isVaccine(r) && ext(r, 'neverReason'))!;
  const i = await read(row.id);
  assert.equal(i.status, 'not-done');
  assert.deepEqual(i.statusReason, {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'PATOBJ', display: 'patient objection' }],
    text: ext(row, 'neverReason'),
  });
  assert.equal(i.performer, undefined);
  const refusedOfPatient = rows().filter((r) => r.demographicNo === row.demographicNo && r.deleted === '0' && r.refused === '1' && isVaccine(r));
  assert.deepEqual(ids(await search(`patient=${row.demographicNo}&status=not-done`)), idsOf(refusedOfPatient));
  const given = rows().filter((r) => r.demographicNo === row.demographicNo && r.deleted === '0' && r.refused !== '1' && isVaccine(r));
  assert.deepEqual(ids(await search(`patient=${row.demographicNo}&status=completed`)), idsOf(given));
});

test('a shot given elsewhere is not primary source, reported by another provider, performer by name', async () => {
  const row = rows().find((r) => r.refused === '3' && r.providerNo === '-1' && r.deleted === '0' && isVaccine(r) && ext(r, 'providerName'))!;
  const i = await read(row.id);
  assert.equal(i.status, 'completed');
  assert.equal(i.primarySource, false);
  assert.deepEqual(i.reportOrigin?.coding?.[0]?.code, 'provider');
  assert.deepEqual(i.performer?.[0]?.actor, { display: ext(row, 'providerName') });
});

test('a deleted prevention is entered-in-error through read, _id and _lastUpdated, and absent from the patient list', async () => {
  const row = rows().filter((r) => r.deleted === '1' && isVaccine(r)).sort((a, b) => epoch(b) - epoch(a))[2]!; // a recent deletion
  assert.equal((await read(row.id)).status, 'entered-in-error');
  assert.deepEqual(matches(await search(`_id=${row.id}`)).map((i) => i.status), ['entered-in-error']);
  assert.ok(!ids(await search(`patient=${row.demographicNo}`)).includes(String(row.id)));
  // contract 4.9: OSCAR's bound is exclusive; the facade still includes a change at exactly the bound
  stack.sim.stats.reset();
  const b = await search(`_lastUpdated=ge${row.lastUpdateDate}&status=entered-in-error`);
  assert.equal(stack.sim.stats.count('PreventionService.getPreventionsUpdatedAfterDate'), 1);
  const expected = rows().filter((r) => r.deleted === '1' && isVaccine(r) && epoch(r) >= epoch(row));
  assert.deepEqual(ids(b), idsOf(expected));
  assert.ok(ids(b).includes(String(row.id)));
});

test('_lastUpdated covers every patient, deleted rows included, with both bounds', async () => {
  const sorted = rows().filter(isVaccine).sort((a, b) => epoch(a) - epoch(b));
  const lo = sorted[sorted.length - 60]!;
  const hi = sorted[sorted.length - 20]!;
  const expected = sorted.filter((r) => epoch(r) >= epoch(lo) && epoch(r) < epoch(hi));
  const b = await search(`_lastUpdated=ge${lo.lastUpdateDate}&_lastUpdated=lt${hi.lastUpdateDate}`);
  assert.deepEqual(ids(b), idsOf(expected));
  assert.ok(new Set(expected.map((r) => r.demographicNo)).size > 1);
  for (const i of matches(b)) {
    const own = rows().find((r) => String(r.id) === i.id)!;
    assert.equal(i.status, own.deleted === '1' ? 'entered-in-error' : own.refused === '1' ? 'not-done' : 'completed', `Immunization/${i.id}`);
  }
});

test('an edited prevention: the old id finds the replaced record and its replacement (identifier)', async () => {
  const link = stack.sim.store.data.preventionExts.find((e) => e.key === 'previousId' && isVaccine(stack.sim.store.prevention(e.preventionId)!))!;
  const flu = await read(rows().find((r) => r.demographicNo === 1001)!.id);
  const system = flu.identifier![0]!.system!;
  const b = await search(`identifier=${system}|${link.value}`);
  assert.deepEqual(ids(b), [link.value, String(link.preventionId)].sort((x, y) => Number(x) - Number(y)));
  const [old, replacement] = [matches(b).find((i) => i.id === link.value)!, matches(b).find((i) => i.id === String(link.preventionId))!];
  assert.equal(old.status, 'entered-in-error');
  assert.deepEqual(replacement.identifier, [{ use: 'usual', system, value: String(link.preventionId) }, { use: 'old', system, value: link.value }]);
  assert.deepEqual(ids(await search(`identifier=http://elsewhere.example/ids|${link.value}`)), []);
});

test('vaccine-code matches SNOMED CT CA generic and tradename, CVX, DIN and text', async () => {
  const flu = String(rows().find((r) => r.demographicNo === 1001)!.id);
  for (const code of [`${SNOMED}|1181000221105`, `${SNOMED}|20691000087107`, `${CVX}|88`, `${DIN}|02432730`, '20691000087107']) {
    assert.deepEqual(ids(await search(`patient=1001&vaccine-code=${code}`)), [flu], code);
  }
  assert.deepEqual(ids(await search(`patient=1001&vaccine-code=${CVX}|03`)), []);
  assert.deepEqual(ids(await search('patient=1001&vaccine-code:text=fluzone')), [flu]);
});

test('lot-number and date (every prefix) filter in memory', async () => {
  const flu = String(rows().find((r) => r.demographicNo === 1001)!.id);
  assert.deepEqual(ids(await search('patient=1001&lot-number=ab12')), [flu]);
  assert.deepEqual(ids(await search('patient=1001&lot-number:exact=AB12')), []);
  assert.deepEqual(ids(await search('patient=1001&lot-number:contains=1234')), [flu]);

  const { demographicNo, rows: live } = busyPatient();
  const days = live.map((r) => r.preventionDate.slice(0, 10)).sort();
  const d = days[Math.floor(days.length / 2)]!;
  const on = (pred: (day: string) => boolean): string[] => idsOf(live.filter((r) => pred(r.preventionDate.slice(0, 10))));
  const cases: [string, string[]][] = [
    [`ge${d}`, on((x) => x >= d)], [`gt${d}`, on((x) => x > d)], [`le${d}`, on((x) => x <= d)], [`lt${d}`, on((x) => x < d)],
    [`eq${d}`, on((x) => x === d)], [d, on((x) => x === d)], [`ne${d}`, on((x) => x !== d)],
    [`sa${d}`, on((x) => x > d)], [`eb${d}`, on((x) => x < d)], [`eq${d.slice(0, 4)}`, on((x) => x.startsWith(d.slice(0, 4)))],
  ];
  for (const [value, expected] of cases) assert.deepEqual(ids(await search(`patient=${demographicNo}&date=${value}`)), expected, `date=${value}`);
  assert.ok(ids(await search(`patient=${demographicNo}&date=ap${d}`)).length >= on((x) => x === d).length);
});

test('_include=Immunization:patient adds the Patient', async () => {
  const b = await search('patient=1001&_include=Immunization:patient');
  const included = (b.entry ?? []).filter((e) => e.search?.mode === 'include').map((e) => `${e.resource!.resourceType}/${e.resource!.id}`);
  assert.deepEqual(included, ['Patient/1001']);
});

test('unknown and non-numeric ids are 404', async () => {
  assert.equal((await stack.fhir('/Immunization/987654')).status, 404);
  assert.equal((await stack.fhir('/Immunization/flu-1')).status, 404);
});

test('a search without _id, identifier, patient or _lastUpdated is refused as too costly', async () => {
  await tooCostly('status=completed');
  await tooCostly(`vaccine-code=${SNOMED}|1181000221105`);
  await tooCostly('date=ge2024-01-01');
});

test('Immunization is read-only: writes are 405 and the CapabilityStatement says so', async () => {
  const body = { resourceType: 'Immunization', status: 'completed', patient: { reference: 'Patient/1001' } };
  const init = (method: string): RequestInit => ({ method, headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(body) });
  assert.equal((await stack.fhir('/Immunization', init('POST'))).status, 405);
  assert.equal((await stack.fhir('/Immunization/1', init('PUT'))).status, 405);
  assert.equal((await stack.fhir('/Immunization/1', { method: 'DELETE' })).status, 405);
  const meta = await stack.fhir('/metadata');
  const res = (meta.body.rest[0].resource as CapabilityStatementRestResource[]).find((r) => r.type === 'Immunization')!;
  assert.deepEqual(res.interaction?.map((i) => i.code).filter((c) => !['read', 'vread', 'search-type'].includes(c)), []);
  assert.match(res.documentation ?? '', /Read-only/);
});

test('every advertised search parameter and _include was exercised above', async () => {
  const meta = await stack.fhir('/metadata');
  const res = (meta.body.rest[0].resource as CapabilityStatementRestResource[]).find((r) => r.type === 'Immunization')!;
  const advertised = [...(res.searchParam ?? []).map((p) => p.name), ...(res.searchInclude ?? []).map((i) => `_include=${i}`)];
  assert.ok(advertised.length >= 9);
  for (const name of advertised) assert.ok(exercised.has(name), `${name} is advertised but no test uses it`);
});
