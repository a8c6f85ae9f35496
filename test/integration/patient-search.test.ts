// Patient search end to end (simulator + facade over HTTP), driven by the CapabilityStatement:
// every advertised Patient search parameter has cases here, and the expected matches of each case
// are computed independently from the simulator's rows. Every search page must cost at most two
// upstream calls and no per-row read; every Patient returned must satisfy the independent validator.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Bundle, OperationOutcome, Patient } from 'fhir/r4.js';
import { epochOfWallClock } from '../../src/sim/wall-clock.js';
import type { DemographicRow } from '../../src/sim/clinic/model.js';
import { medplumValidate } from '../helpers/independent-validator.js';
import { nextPath, pageCap } from '../helpers/paging.js';
import { startStack, type Stack } from '../helpers/stack.js';

const ON = 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-patient-hcn';
const ON_ALIASES = ['https://ehealthontario.ca/API/FHIR/NamingSystem/ca-on-patient-hcn', 'http://ehealthontario.ca/fhir/NamingSystem/ca-on-patient-hcn'];
const BC = 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-bc-patient-healthcare-id';
const QC = 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-qc-patient-healthcare-id';
/** Operations that read one patient: never allowed in a search. */
const PER_ROW = ['DemographicService.getDemographic', 'DemographicService.getDemographic2', 'REST GET /demographics/basic/{id}', 'REST GET /demographics/{id}'];

let stack: Stack;
let tz: string;
const systems = { demographicNo: '', chartNo: '', healthCard: '' };

before(async () => {
  // No facade cache: these tests measure what each search asks of OSCAR, and edit the simulator's rows.
  stack = await startStack({ env: { CACHE_MAX_BYTES: '0' } });
  tz = stack.sim.store.timezone;
  // Warm the provider directory (one cold getProviders2) and the SOAP session, then learn the
  // local identifier systems from what the facade emits.
  const p1001 = (await stack.fhir('/Patient/1001')).body as Patient;
  systems.demographicNo = p1001.identifier!.find((i) => i.value === '1001')!.system!;
  systems.chartNo = p1001.identifier!.find((i) => i.value === 'C-1001')!.system!;
  const p1012 = (await stack.fhir('/Patient/1012')).body as Patient;
  systems.healthCard = p1012.identifier!.find((i) => !i.type)!.system!;
});
after(async () => { await stack.close(); });

// ---- ground truth from the simulator's rows -------------------------------------------------

const rows = (): DemographicRow[] => stack.sim.store.data.demographics;
const fold = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[\u2018\u2019\u02bc`]/g, "'");
const startsWith = (v: string | null | undefined, q: string): boolean => !!v && fold(v.trim()).startsWith(fold(q));
const digits = (s: string | null | undefined): string => (s ?? '').replace(/\D/g, '');
const sortIds = (ids: Iterable<string>): string[] => [...ids].sort((a, b) => Number(a) - Number(b));
const idsWhere = (pred: (r: DemographicRow) => boolean): string[] => sortIds(rows().filter(pred).map((r) => String(r.demographicNo)));
const row = (id: number): DemographicRow => stack.sim.store.demographic(id)!;
const firstRow = (pred: (r: DemographicRow) => boolean): DemographicRow => {
  const r = rows().find(pred);
  assert.ok(r, 'the generated clinic has such a patient');
  return r;
};

/** [low, high) of a stored birth date as ISO days (partial dates cover their year / month). */
function birthRange(r: DemographicRow): [string, string] | undefined {
  const y = r.yearOfBirth?.trim();
  if (!y || !/^\d{4}$/.test(y)) return undefined;
  const m = r.monthOfBirth?.trim();
  const d = r.dateOfBirth?.trim();
  const iso = (yy: number, mm: number, dd: number): string => new Date(Date.UTC(yy, mm - 1, dd)).toISOString().slice(0, 10);
  if (!m) return [iso(+y, 1, 1), iso(+y + 1, 1, 1)];
  if (!d) return [iso(+y, +m, 1), iso(+y, +m + 1, 1)];
  return [iso(+y, +m, +d), iso(+y, +m, +d + 1)];
}

/** R4 date prefix semantics on ISO day ranges (search value [sLow, sHigh), target [low, high)). */
function birthMatches(r: DemographicRow, prefix: string, sLow: string, sHigh: string): boolean {
  const t = birthRange(r);
  if (!t) return false;
  const [low, high] = t;
  const eq = low >= sLow && high <= sHigh;
  switch (prefix) {
    case 'eq': return eq;
    case 'ne': return !eq;
    case 'gt': return high > sHigh;
    case 'ge': return high > sHigh || eq;
    case 'lt': return low < sLow;
    case 'le': return low < sLow || eq;
    case 'sa': return low >= sHigh;
    case 'eb': return high <= sLow;
    default: throw new Error(prefix);
  }
}

/** YYYY-MM of some male patient's full birth date, and the month after a YYYY-MM. */
const maleBirthMonth = (): string => { const r = firstRow((x) => x.sex === 'M' && birthRange(x)?.[0] !== undefined && !!x.dateOfBirth); return `${r.yearOfBirth}-${r.monthOfBirth}`; };
const nextMonth = (ym: string): string => new Date(Date.UTC(Number(ym.slice(0, 4)), Number(ym.slice(5, 7)), 1)).toISOString().slice(0, 10);

const updatedEpoch = (r: DemographicRow): number => epochOfWallClock(r.lastUpdateDate!, tz);

// ---- the facade -----------------------------------------------------------------------------

interface Result { ids: string[]; patients: Patient[]; outcome: OperationOutcome | undefined; total: number | undefined; pages: number }

const validated = new Set<string>();

/** Reads every page of a search, checking each page's upstream cost and every Patient's validity. */
async function searchAll(query: string): Promise<Result> {
  let url: string | undefined = `/Patient?${query}&_count=200`;
  const patients: Patient[] = [];
  let outcome: OperationOutcome | undefined;
  let total: number | undefined;
  let pages = 0;
  // _count=200 and no search can match more than every patient
  const page = pageCap(Math.ceil(stack.sim.store.data.demographics.length / 200), query);
  while (url) {
    page();
    stack.sim.stats.reset();
    const r = await stack.fhir(url);
    assert.equal(r.status, 200, `${query}: ${r.text.slice(0, 300)}`);
    const snap = stack.sim.stats.snapshot();
    assert.ok(snap.total <= 2, `${query}: a page cost ${snap.total} upstream calls ${JSON.stringify(snap.byOperation)}`);
    for (const op of PER_ROW) assert.equal(snap.byOperation[op], undefined, `${query}: per-row read ${op}`);
    const bundle = r.body as Bundle;
    assert.equal(bundle.type, 'searchset');
    total = bundle.total;
    for (const e of bundle.entry ?? []) {
      if (e.search?.mode === 'outcome') outcome = e.resource as OperationOutcome;
      else patients.push(e.resource as Patient);
    }
    url = nextPath(bundle, stack.base);
    pages++;
  }
  for (const p of patients) {
    // each distinct version once: the same Patient comes back from many searches
    if (!validated.has(p.meta!.versionId!)) assert.deepEqual(medplumValidate(p), [], `Patient/${p.id}`);
    validated.add(p.meta!.versionId!);
    assert.ok(p.meta?.tag?.some((t) => t.code === 'SUBSETTED'), 'search results are tagged SUBSETTED');
  }
  const ids = patients.map((p) => p.id!);
  assert.equal(new Set(ids).size, ids.length, `${query}: a patient appeared twice`);
  if (total !== undefined) assert.equal(total, ids.length, `${query}: Bundle.total`);
  return { ids: sortIds(ids), patients, outcome, total, pages };
}

async function expectTooCostly(query: string): Promise<void> {
  stack.sim.stats.reset();
  const r = await stack.fhir(`/Patient?${query}`);
  assert.equal(r.status, 400, `${query}: ${r.text.slice(0, 200)}`);
  assert.equal(r.body.resourceType, 'OperationOutcome');
  assert.equal(r.body.issue[0].code, 'too-costly');
  assert.equal(stack.sim.stats.count(), 0, `${query}: refused without calling OSCAR`);
}

interface Case {
  query: string | (() => string);
  expected: () => string[];
  /** Exact upstream operation counts for the (single) page, when the plan matters. */
  ops?: Record<string, number>;
  /** The case is meant to match nothing. */
  none?: boolean;
}

const attr = 'DemographicService.searchDemographicsByAttributes';

/** Cases per advertised parameter. The CapabilityStatement test fails if a parameter has none. */
const CASES: Record<string, Case[]> = {
  _id: [
    { query: '_id=1001,1002,99999', expected: () => ['1001', '1002'], ops: { 'DemographicService.getDemographics': 1 } },
    { query: '_id=1001&_id=1002', expected: () => [], none: true },
  ],
  _lastUpdated: [
    {
      // alone: OSCAR lists active patients changed after the bound
      query: '_lastUpdated=ge2025-06-01',
      expected: () => idsWhere((r) => r.patientStatus === 'AC' && updatedEpoch(r) >= epochOfWallClock('2025-06-01T00:00:00', tz)),
      ops: { 'DemographicService.getActiveDemographicsAfter': 1 },
    },
    {
      // with another criterion: every status
      query: '_lastUpdated=gt2023-01-01&gender=other',
      expected: () => idsWhere((r) => ['X', 'O'].includes(r.sex) && updatedEpoch(r) >= epochOfWallClock('2023-01-02T00:00:00', tz)),
    },
  ],
  identifier: [
    { query: `identifier=${ON}|9876543217`, expected: () => ['1001'], ops: { [attr]: 1 } },
    { query: `identifier=${ON_ALIASES[0]}|9876543217`, expected: () => ['1001'] },
    { query: `identifier=${ON_ALIASES[1]}|9876543217`, expected: () => ['1001'] },
    { query: 'identifier=9876543217', expected: () => ['1001'] },
    { query: () => `identifier=${BC}|${firstRow((r) => r.hcType === 'BC' && !!r.hin).hin}`, expected: () => [String(firstRow((r) => r.hcType === 'BC' && !!r.hin).demographicNo)] },
    { query: () => `identifier=${QC}|${firstRow((r) => r.hcType === 'QC' && !!r.hin).hin}`, expected: () => [String(firstRow((r) => r.hcType === 'QC' && !!r.hin).demographicNo)] },
    // a BC number under the Ontario system is not a match
    { query: () => `identifier=${ON}|${firstRow((r) => r.hcType === 'BC' && !!r.hin).hin}`, expected: () => [], none: true },
    { query: () => `identifier=${systems.healthCard}|${row(1012).hin}`, expected: () => ['1012'] },
    { query: () => `identifier=${systems.demographicNo}|1001,${systems.demographicNo}|1005`, expected: () => ['1001', '1005'], ops: { 'DemographicService.getDemographics': 1 } },
    { query: () => `identifier=${systems.chartNo}|C-1001`, expected: () => ['1001'], ops: { 'REST POST /demographics/search': 1, 'DemographicService.getDemographics': 1 } },
    { query: () => `identifier=${systems.chartNo}|${row(1030).chartNo}`, expected: () => idsWhere((r) => r.chartNo === row(1030).chartNo && !!r.chartNo) },
    { query: 'identifier=1001', expected: () => idsWhere((r) => r.demographicNo === 1001 || r.hin === '1001') },
    { query: 'identifier=http://example.org/other|9876543217', expected: () => [], none: true, ops: {} },
  ],
  name: [
    { query: 'name=helene', expected: () => idsWhere((r) => startsWith(r.lastName, 'helene') || startsWith(r.firstName, 'helene')), ops: { [attr]: 2 } },
    { query: 'name=CÔTÉ', expected: () => idsWhere((r) => startsWith(r.lastName, 'cote') || startsWith(r.firstName, 'cote')) },
    { query: "name=o'brien", expected: () => idsWhere((r) => startsWith(r.lastName, "o'brien") || startsWith(r.firstName, "o'brien")) },
    { query: 'name=jane&gender=female', expected: () => idsWhere((r) => r.sex === 'F' && (startsWith(r.lastName, 'jane') || startsWith(r.firstName, 'jane'))), ops: { [attr]: 1 } },
  ],
  family: [
    { query: 'family=cote', expected: () => idsWhere((r) => startsWith(r.lastName, 'cote')), ops: { [attr]: 1 } },
    { query: 'family=CÔTÉ', expected: () => idsWhere((r) => startsWith(r.lastName, 'cote')) },
    { query: "family=O'BRIEN", expected: () => idsWhere((r) => startsWith(r.lastName, "o'brien")) },
    { query: 'family=o\u2019brien', expected: () => idsWhere((r) => startsWith(r.lastName, "o'brien")) },
    { query: "family=d'arcy", expected: () => idsWhere((r) => startsWith(r.lastName, "d'arcy")) },
    { query: 'family:exact=CÔTÉ', expected: () => idsWhere((r) => r.lastName === 'CÔTÉ') },
    { query: 'family:contains=jones', expected: () => idsWhere((r) => fold(r.lastName).includes('jones')) },
    { query: 'family=nguyen', expected: () => idsWhere((r) => startsWith(r.lastName, 'nguyen')) },
    { query: 'family=DOE,TREMBLAY', expected: () => idsWhere((r) => startsWith(r.lastName, 'doe') || startsWith(r.lastName, 'tremblay')), ops: { [attr]: 2 } },
    { query: 'family=100%', expected: () => [], none: true },
  ],
  given: [
    { query: 'given=helene', expected: () => idsWhere((r) => startsWith(r.firstName, 'helene')), ops: { [attr]: 1 } },
    { query: 'given=ZOË', expected: () => idsWhere((r) => startsWith(r.firstName, 'zoe')) },
    { query: 'given=jean-pierre', expected: () => idsWhere((r) => startsWith(r.firstName, 'jean-pierre')) },
  ],
  birthdate: [
    {
      query: 'birthdate=1980-01-17',
      expected: () => idsWhere((r) => birthMatches(r, 'eq', '1980-01-17', '1980-01-18')),
      ops: { [attr]: 1 },
    },
    ...(['ge', 'gt', 'le', 'lt', 'sa', 'eb', 'ne'] as const).map((prefix): Case => ({
      query: `gender=female&birthdate=${prefix}1980-06-15`,
      expected: () => idsWhere((r) => r.sex === 'F' && birthMatches(r, prefix, '1980-06-15', '1980-06-16')),
      ops: { [attr]: 1 },
    })),
    { query: 'gender=male&birthdate=1975', expected: () => idsWhere((r) => r.sex === 'M' && birthMatches(r, 'eq', '1975-01-01', '1976-01-01')) },
    {
      query: () => `gender=male&birthdate=${maleBirthMonth()}`,
      expected: () => idsWhere((r) => r.sex === 'M' && birthMatches(r, 'eq', `${maleBirthMonth()}-01`, nextMonth(maleBirthMonth()))),
    },
    // partial birth dates (1002 year only, 1003 year-month) compare as ranges
    {
      query: () => `_id=1001,1002,1003,1004&birthdate=${row(1002).yearOfBirth}`,
      expected: () => idsWhere((r) => [1001, 1002, 1003, 1004].includes(r.demographicNo) && birthMatches(r, 'eq', `${row(1002).yearOfBirth}-01-01`, `${Number(row(1002).yearOfBirth) + 1}-01-01`)),
    },
    {
      query: () => `_id=1002,1003&birthdate=${row(1003).yearOfBirth}-${row(1003).monthOfBirth}`,
      expected: () => idsWhere((r) => [1002, 1003].includes(r.demographicNo) && birthMatches(r, 'eq', `${row(1003).yearOfBirth}-${row(1003).monthOfBirth}-01`, nextMonth(`${row(1003).yearOfBirth}-${row(1003).monthOfBirth}`))),
    },
  ],
  gender: [
    { query: 'gender=other', expected: () => { const e = idsWhere((r) => r.sex === 'X' || r.sex === 'O'); assert.ok(e.includes('1009') && e.includes('1011'), 'X (1009) and O (1011)'); return e; }, ops: { [attr]: 2 } },
    { query: 'gender=unknown', expected: () => idsWhere((r) => !['M', 'F', 'X', 'O'].includes(r.sex.toUpperCase())) },
    { query: 'gender=male', expected: () => idsWhere((r) => r.sex === 'M') },
    { query: 'gender:not=male&family=cote', expected: () => idsWhere((r) => r.sex !== 'M' && startsWith(r.lastName, 'cote')) },
  ],
  phone: [
    ...['4165550100', '416-555-0100', '(416) 555-0100', '+1 416 555 0100', '416.555.0100'].map((q): Case => ({
      query: `phone=${encodeURIComponent(q)}`,
      expected: () => idsWhere((r) => digits(r.phone) === '4165550100' || digits(r.phone2) === '4165550100'),
      ops: { [attr]: 1 },
    })),
    // a work number, typed the way another patient stored it
    {
      query: () => `phone=${encodeURIComponent(firstRow((r) => !!r.phone2 && r.phone2.includes('(')).phone2!)}`,
      expected: () => { const d = digits(firstRow((r) => !!r.phone2 && r.phone2.includes('(')).phone2); return idsWhere((r) => digits(r.phone) === d || digits(r.phone2) === d); },
    },
    // 1001's cell phone (demographicExt): OSCAR cannot search it
    { query: 'phone=6475550199', expected: () => idsWhere((r) => digits(r.phone) === '6475550199' || digits(r.phone2) === '6475550199'), none: true },
  ],
  email: [
    { query: 'email=JANE.DOE@example.org', expected: () => ['1001'], ops: { [attr]: 1 } },
    { query: () => `email=${firstRow((r) => !!r.email && /\d@/.test(r.email)).email}`, expected: () => idsWhere((r) => r.email === firstRow((x) => !!x.email && /\d@/.test(x.email)).email) },
  ],
  'address-city': [
    { query: 'address-city=montreal', expected: () => idsWhere((r) => startsWith(r.city, 'montreal')), ops: { [attr]: 1 } },
    { query: 'address-city=trois', expected: () => idsWhere((r) => startsWith(r.city, 'trois')) },
    { query: "address-city=st. john's", expected: () => idsWhere((r) => startsWith(r.city, "st. john's")) },
  ],
  'address-state': [
    { query: 'address-state=bc', expected: () => idsWhere((r) => startsWith(r.province, 'bc')), ops: { [attr]: 1 } },
    { query: 'address-state=Q&gender=other', expected: () => idsWhere((r) => ['X', 'O'].includes(r.sex) && startsWith(r.province, 'q')) },
  ],
  active: [
    { query: 'active=true', expected: () => idsWhere((r) => r.patientStatus === 'AC'), ops: { 'DemographicService.getActiveDemographicsAfter': 1 } },
    { query: 'active=false&gender=other', expected: () => idsWhere((r) => ['X', 'O'].includes(r.sex) && r.patientStatus !== 'AC') },
    { query: 'active=false&_id=1001,1005,1006,1007,1008', expected: () => ['1005', '1006', '1007', '1008'] },
  ],
};

test('every search parameter the CapabilityStatement advertises for Patient has cases here', async () => {
  const cs = (await stack.fhir('/metadata')).body;
  const patient = cs.rest[0].resource.find((r: { type: string }) => r.type === 'Patient');
  const advertised = (patient.searchParam as { name: string }[]).map((p) => p.name).sort();
  assert.deepEqual(advertised, Object.keys(CASES).sort());
});

describe('each advertised Patient search parameter, against the simulated clinic', () => {
  for (const [param, cases] of Object.entries(CASES)) {
    test(param, async () => {
      for (const c of cases) {
        const query = typeof c.query === 'function' ? c.query() : c.query;
        const expected = c.expected();
        if (!c.none) assert.ok(expected.length > 0, `${query}: the case must expect at least one match`);
        const result = await searchAll(query);
        assert.deepEqual(result.ids, expected, query);
        if (c.ops) {
          stack.sim.stats.reset();
          await stack.fhir(`/Patient?${query}&_count=1`);
          const ops = Object.fromEntries(Object.entries(stack.sim.stats.snapshot().byOperation).filter(([op]) => !op.endsWith('.wsdl')));
          assert.deepEqual(ops, c.ops, `${query}: upstream operations`);
        }
      }
    });
  }
});

describe('the Bundle explains how OSCAR answered', () => {
  test('_lastUpdated alone warns that only active patients are listed', async () => {
    const r = await searchAll('_lastUpdated=ge2025-01-01');
    assert.ok(r.outcome?.issue.some((i) => i.severity === 'warning' && /active patients only/.test(i.diagnostics ?? '')));
    assert.ok(r.ids.length > 0);
  });

  test('an identifier without a system says chart numbers need their system', async () => {
    const r = await searchAll('identifier=C-1001');
    assert.deepEqual(r.ids, [], 'the chart number is not looked up without its system');
    assert.ok(r.outcome?.issue.some((i) => /chart numbers/.test(i.diagnostics ?? '') && i.diagnostics?.includes(systems.chartNo)));
  });
});

test('searches OSCAR cannot narrow are refused as too costly, without an upstream call', async () => {
  for (const q of ['birthdate=1980', 'birthdate=ge1980-01-01', 'birthdate=1980-01-17T10:00', 'active=false', 'gender:not=male',
    'address-state=O', 'phone=555', `identifier=${ON}|`, 'given:contains=a,e,i']) {
    await expectTooCostly(q);
  }
  // a bare Patient search would be "every patient": OSCAR can only list the active ones
  await expectTooCostly('_count=10');
});

test('paging a large result costs at most two upstream calls per page, with no patient lost or repeated', async () => {
  const all = idsWhere((r) => r.patientStatus === 'AC');
  let url: string | undefined = '/Patient?active=true&_count=37';
  const seen: string[] = [];
  const page = pageCap(Math.ceil(all.length / 37), 'active=true&_count=37');
  while (url) {
    page();
    stack.sim.stats.reset();
    const r = await stack.fhir(url);
    assert.equal(r.status, 200);
    assert.ok(stack.sim.stats.count() <= 2);
    assert.equal(r.body.total, all.length);
    seen.push(...(r.body.entry ?? []).map((e: { resource: Patient }) => e.resource.id));
    url = nextPath(r.body as Bundle, stack.base);
  }
  assert.deepEqual(seen, all);
});

describe('dates across daylight-saving changes and partial birth dates', () => {
  test('meta.lastUpdated carries the offset in force on each side of a DST change, and _lastUpdated compares instants', async () => {
    const [a, b, c, d] = [1040, 1041, 1042, 1043].map((id) => row(id));
    for (const r of [a, b, c, d]) r!.patientStatus = 'AC';
    a!.lastUpdateDate = '2024-03-09T23:30:00'; // EST
    b!.lastUpdateDate = '2024-03-10T03:30:00'; // EDT: the clocks went forward at 02:00
    c!.lastUpdateDate = '2024-11-02T12:00:00'; // EDT
    d!.lastUpdateDate = '2024-11-03T12:00:00'; // EST: the clocks went back at 02:00
    const read = async (id: number): Promise<Patient> => (await stack.fhir(`/Patient/${id}`)).body as Patient;
    assert.match((await read(1040)).meta!.lastUpdated!, /^2024-03-09T23:30:00(\.000)?-05:00$/);
    assert.match((await read(1041)).meta!.lastUpdated!, /^2024-03-10T03:30:00(\.000)?-04:00$/);
    assert.match((await read(1042)).meta!.lastUpdated!, /^2024-11-02T12:00:00(\.000)?-04:00$/);
    assert.match((await read(1043)).meta!.lastUpdated!, /^2024-11-03T12:00:00(\.000)?-05:00$/);
    const ids = '_id=1040,1041,1042,1043';
    // 03:30 EDT = 07:30Z; 23:30 EST = 04:30Z
    assert.deepEqual((await searchAll(`${ids}&_lastUpdated=ge2024-03-10T07:30:00Z`)).ids, ['1041', '1042', '1043']);
    assert.deepEqual((await searchAll(`${ids}&_lastUpdated=gt2024-03-10T03:30:00-04:00`)).ids, ['1042', '1043']);
    // a date-only value is the local day (the 23-hour 10 March)
    assert.deepEqual((await searchAll(`${ids}&_lastUpdated=eq2024-03-10`)).ids, ['1041']);
    assert.deepEqual((await searchAll(`${ids}&_lastUpdated=eq2024-11-03`)).ids, ['1043']);
    // local time without an offset is read in the OSCAR zone: 12:00 on 3 Nov is EST
    assert.deepEqual((await searchAll(`${ids}&_lastUpdated=ge2024-11-03T12:00:00`)).ids, ['1043']);
    // alone (OSCAR getActiveDemographicsAfter with the bound): the instants must agree upstream too
    const alone = await searchAll('_lastUpdated=ge2024-03-10T03:30:00-04:00');
    assert.ok(alone.ids.includes('1041') && !alone.ids.includes('1040'));
    const allAfter = await searchAll('_lastUpdated=ge2024-03-09T23:30:00');
    assert.ok(allAfter.ids.includes('1040') && allAfter.ids.includes('1041'));
  });

  test('birth dates on DST-change days are searched and emitted as the calendar day', async () => {
    const spring = row(1044);
    const fall = row(1045);
    Object.assign(spring, { yearOfBirth: '2021', monthOfBirth: '03', dateOfBirth: '14' });
    Object.assign(fall, { yearOfBirth: '2021', monthOfBirth: '11', dateOfBirth: '07' });
    const springMatch = await searchAll('birthdate=2021-03-14');
    assert.ok(springMatch.ids.includes('1044'));
    assert.equal(springMatch.patients.find((p) => p.id === '1044')!.birthDate, '2021-03-14');
    const fallMatch = await searchAll('birthdate=2021-11-07');
    assert.ok(fallMatch.ids.includes('1045'));
    assert.equal(((await stack.fhir('/Patient/1045')).body as Patient).birthDate, '2021-11-07');
  });

  test('partial birth dates are emitted with their precision; a blank or null one is omitted', async () => {
    const p = async (id: number): Promise<Patient> => {
      const r = await stack.fhir(`/Patient/${id}`);
      assert.equal(r.status, 200);
      assert.deepEqual(medplumValidate(r.body), []);
      return r.body as Patient;
    };
    assert.equal((await p(1002)).birthDate, row(1002).yearOfBirth);
    assert.match(row(1002).yearOfBirth!, /^\d{4}$/);
    assert.equal((await p(1003)).birthDate, `${row(1003).yearOfBirth}-${row(1003).monthOfBirth}`);
    assert.equal((await p(1004)).birthDate, undefined);
    assert.equal((await p(1020)).birthDate, undefined);
    // and the same through search
    const listed = await searchAll('_id=1002,1003,1004');
    assert.deepEqual(listed.patients.map((x) => x.birthDate), [row(1002).yearOfBirth, `${row(1003).yearOfBirth}-${row(1003).monthOfBirth}`, undefined]);
  });
});
