// Appointment over real HTTP: the facade in front of the OSCAR simulator (seed-1 clinic).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Appointment, Bundle, BundleEntry, Resource } from 'fhir/r4.js';
import type { AppointmentRow } from '../../src/sim/clinic/model.js';
import { medplumValidate } from '../helpers/independent-validator.js';
import { startStack, type FhirAnswer, type Stack } from '../helpers/stack.js';

let stack: Stack;
// The tests change rows directly in the simulated OSCAR and count upstream calls: no cache here
// (test/cache covers cached behaviour and staleness bounds).
before(async () => { stack = await startStack({ env: { CACHE_MAX_BYTES: '0', CHANGE_POLL_SECONDS: '0' } }); });
after(async () => { await stack.close(); });

const DEMO = '999998';
/** Search parameters (and _include values) the tests below used: the CapabilityStatement check reads it. */
const exercised = new Set<string>();

const rows = (): AppointmentRow[] => stack.sim.store.data.appointments;
const count = (op: string): number => stack.sim.stats.count(`ScheduleService.${op}`);
const json = (body: unknown, method = 'POST'): RequestInit => ({ method, headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(body) });

function assertValid(r: Resource): void {
  assert.deepEqual(medplumValidate(r), [], `${r.resourceType}/${r.id ?? ''} is not valid`);
}

async function search(query: string): Promise<Bundle> {
  for (const [k, v] of new URLSearchParams(query)) exercised.add(k === '_include' ? `_include=${v}` : k.split(':')[0]!);
  const r = await stack.fhir(`/Appointment?${query}&_count=200`);
  assert.equal(r.status, 200, `${query}: ${r.text}`);
  const bundle = r.body as Bundle;
  for (const e of bundle.entry ?? []) assertValid(e.resource!);
  return bundle;
}

const matches = (b: Bundle): Appointment[] => (b.entry ?? []).filter((e: BundleEntry) => e.search?.mode === 'match').map((e) => e.resource as Appointment);
const ids = (b: Bundle): string[] => matches(b).map((a) => a.id!).sort();
const idsOf = (rs: readonly AppointmentRow[]): string[] => rs.map((r) => String(r.appointmentNo)).sort();

async function refused(path: string): Promise<FhirAnswer> {
  const r = await stack.fhir(path);
  assert.equal(r.status, 400, `${path}: ${r.text}`);
  assert.equal(r.body.resourceType, 'OperationOutcome');
  assert.equal(r.body.issue[0].code, 'too-costly');
  return r;
}

function rowAt(date: string, start: string): AppointmentRow {
  const r = rows().find((a) => a.appointmentDate === date && a.startTime === start && a.providerNo === DEMO);
  assert.ok(r, `the clinic has an appointment on ${date} at ${start}`);
  return r;
}

async function read(id: number | string): Promise<Appointment> {
  const r = await stack.fhir(`/Appointment/${id}`);
  assert.equal(r.status, 200, r.text);
  assertValid(r.body);
  return r.body as Appointment;
}

/** A patient with appointments on at least five different days. */
function busyPatient(): { demographicNo: number; rows: AppointmentRow[] } {
  const by = new Map<number, AppointmentRow[]>();
  for (const r of rows()) if (r.demographicNo > 0) by.set(r.demographicNo, [...(by.get(r.demographicNo) ?? []), r]);
  for (const [demographicNo, rs] of [...by].sort((a, b) => a[0] - b[0])) {
    if (new Set(rs.map((r) => r.appointmentDate)).size >= 5) return { demographicNo, rows: rs };
  }
  throw new Error('no busy patient in the clinic');
}

describe('Appointment read', () => {
  test('maps a stored appointment with both participants, named', async () => {
    const row = rowAt('2024-03-10', '09:00:00');
    const a = await read(row.appointmentNo);
    assert.equal(a.id, String(row.appointmentNo));
    assert.equal(a.start, '2024-03-10T09:00:00-04:00');
    assert.equal(a.end, '2024-03-10T09:20:00-04:00'); // stored 09:19 is the last included minute
    assert.equal(a.minutesDuration, 20);
    assert.deepEqual(a.participant.map((p) => p.actor?.reference), [`Patient/${row.demographicNo}`, `Practitioner/${DEMO}`]);
    assert.equal(a.participant[1]?.actor?.display, 'doctor oscardoc');
    assert.equal(a.participant[0]?.actor?.display, row.name);
  });

  test('an unknown or non-numeric id is a 404', async () => {
    assert.equal((await stack.fhir('/Appointment/99999999')).status, 404);
    const before = count('getAppointment2');
    assert.equal((await stack.fhir('/Appointment/abc')).status, 404);
    assert.equal(count('getAppointment2'), before, 'a non-numeric id never reaches OSCAR');
  });

  test('instants carry the right offset on both DST change days (America/Toronto)', async () => {
    assert.equal(stack.sim.store.timezone, 'America/Toronto');
    const spring1 = await read(rowAt('2024-03-10', '01:30:00').appointmentNo);
    assert.equal(spring1.start, '2024-03-10T01:30:00-05:00');
    assert.equal(spring1.end, '2024-03-10T01:45:00-05:00');
    const spring2 = await read(rowAt('2024-03-10', '03:15:00').appointmentNo);
    assert.equal(spring2.start, '2024-03-10T03:15:00-04:00');
    assert.equal(spring2.end, '2024-03-10T03:30:00-04:00');
    // 01:30 happens twice on the fall-back day; OSCAR (lenient Java calendar) means the first one.
    const fall1 = await read(rowAt('2024-11-03', '01:30:00').appointmentNo);
    assert.equal(fall1.start, '2024-11-03T01:30:00-04:00');
    assert.equal(fall1.end, '2024-11-03T01:45:00-04:00');
    const fall2 = await read(rowAt('2024-11-03', '03:15:00').appointmentNo);
    assert.equal(fall2.start, '2024-11-03T03:15:00-05:00');
    assert.equal(fall2.minutesDuration, 15);
  });

  test('end = stored inclusive end + 1 minute: 23:59 ends at midnight, a SOAP-stored hh:mm:59 ends on the next minute', async () => {
    const late = await read(rowAt('2024-11-03', '23:45:00').appointmentNo);
    assert.equal(late.end, '2024-11-04T00:00:00-05:00');
    assert.equal(late.minutesDuration, 15);
    const soapBooked = rows().find((r) => r.endTime.endsWith(':59') && r.providerNo === DEMO) ?? rows().find((r) => r.endTime.endsWith(':59'));
    assert.ok(soapBooked, 'the clinic has a SOAP-booked appointment');
    const a = await read(soapBooked.appointmentNo);
    const [h, m] = soapBooked.endTime.split(':').map(Number) as [number, number];
    const next = h * 60 + m + 1;
    const expected = `${String(Math.floor(next / 60)).padStart(2, '0')}:${String(next % 60).padStart(2, '0')}:00`;
    assert.equal(a.end!.slice(0, 19), `${soapBooked.appointmentDate}T${expected}`);
  });

  test('status codes map through the table: custom a–f booked, two-char codes by their first letter', async () => {
    const expected: Record<string, Appointment['status']> = {
      t: 'booked', T: 'booked', h: 'booked', H: 'arrived', HS: 'arrived', P: 'checked-in', PV: 'checked-in', E: 'checked-in',
      N: 'noshow', C: 'cancelled', B: 'fulfilled', BS: 'fulfilled', a: 'booked', b: 'booked', c: 'booked', d: 'booked', e: 'booked', f: 'booked',
    };
    for (const [code, status] of Object.entries(expected)) {
      const row = rows().find((r) => r.status === code);
      assert.ok(row, `the clinic uses status ${code}`);
      assert.equal((await read(row.appointmentNo)).status, status, `OSCAR status ${code}`);
    }
  });

  test('an appointment with OSCAR legacy status D is gone and never listed', async () => {
    const base = rowAt('2024-03-10', '09:00:00');
    const id = stack.sim.store.nextId('appointment');
    stack.sim.store.insertAppointment({ ...base, appointmentNo: id, appointmentDate: '2019-05-05', status: 'D' });
    assert.equal((await stack.fhir(`/Appointment/${id}`)).status, 410);
    const b = await search(`patient=${base.demographicNo}`);
    assert.ok(!ids(b).includes(String(id)));
    assert.ok(ids(b).includes(String(base.appointmentNo)));
  });
});

describe('Appointment search', () => {
  test('_id: one SOAP getAppointment2 per id; impossible ids never reach OSCAR', async () => {
    const a = rowAt('2024-03-10', '01:30:00');
    const b = rowAt('2024-11-03', '03:15:00');
    assert.deepEqual(ids(await search(`_id=${a.appointmentNo},${b.appointmentNo}`)), idsOf([a, b]));
    const before = count('getAppointment2');
    assert.equal(matches(await search('_id=abc')).length, 0);
    assert.equal(count('getAppointment2'), before);
  });

  test('patient: every appointment of the patient (cancelled included) via getAppointmentsForPatient2, never the consent-gated call', async () => {
    const p = busyPatient();
    const before = count('getAppointmentsForPatient2');
    const b = await search(`patient=Patient/${p.demographicNo}`);
    assert.deepEqual(ids(b), idsOf(p.rows.filter((r) => r.status !== 'D')));
    assert.ok(count('getAppointmentsForPatient2') > before);
    assert.equal(count('getAppointmentsByDemographicIdAfter'), 0);
    // results come in start order
    const starts = matches(b).map((a) => Date.parse(a.start!));
    assert.deepEqual(starts, [...starts].sort((x, y) => x - y));
  });

  test('date: every prefix with FHIR semantics on the appointment period (date-only values are OSCAR-zone days)', async () => {
    const p = busyPatient();
    const days = [...new Set(p.rows.map((r) => r.appointmentDate))].sort();
    const d = days[Math.floor(days.length / 2)]!;
    const expect: Record<string, (day: string) => boolean> = {
      eq: (x) => x === d, ne: (x) => x !== d, lt: (x) => x < d, gt: (x) => x > d, le: (x) => x <= d, ge: (x) => x >= d,
      sa: (x) => x > d, eb: (x) => x < d,
    };
    for (const [prefix, keep] of Object.entries(expect)) {
      const b = await search(`patient=${p.demographicNo}&date=${prefix}${d}`);
      assert.deepEqual(ids(b), idsOf(p.rows.filter((r) => keep(r.appointmentDate))), `date=${prefix}${d}`);
    }
    const ap = ids(await search(`patient=${p.demographicNo}&date=ap${d}`));
    for (const r of p.rows) {
      const away = Math.abs(Date.parse(r.appointmentDate) - Date.parse(d)) / 86_400_000;
      const tolerance = Math.max(1, 0.1 * Math.abs(Date.now() - Date.parse(d)) / 86_400_000);
      if (r.appointmentDate === d) assert.ok(ap.includes(String(r.appointmentNo)), 'ap includes the day itself');
      if (away > tolerance + 2) assert.ok(!ap.includes(String(r.appointmentNo)), `ap${d} excludes ${r.appointmentDate}`);
    }
  });

  test('date with minute precision and an explicit offset compares instants', async () => {
    const row = rowAt('2024-03-10', '03:15:00'); // 03:15–03:30 EDT = 07:15–07:30 UTC
    const q = (v: string) => search(`patient=${row.demographicNo}&date=${encodeURIComponent(v)}`);
    assert.ok(ids(await q('ge2024-03-10T07:15Z')).includes(String(row.appointmentNo)));
    assert.ok(ids(await q('eb2024-03-10T07:30Z')).includes(String(row.appointmentNo)), 'ends at 07:30, so ends before 07:30 begins');
    assert.ok(!ids(await q('eb2024-03-10T07:29Z')).includes(String(row.appointmentNo)));
    assert.ok(!ids(await q('gt2024-03-10T07:30Z')).includes(String(row.appointmentNo)), 'ends at 07:30, not after it');
    assert.ok(ids(await q('lt2024-03-10T07:16Z')).includes(String(row.appointmentNo)), 'starts before 07:16');
    assert.ok(ids(await q('sa2024-03-10T07:14Z')).includes(String(row.appointmentNo)), 'starts once the minute 07:14 is over');
    assert.ok(!ids(await q('sa2024-03-10T07:15Z')).includes(String(row.appointmentNo)), 'starts at 07:15, not after the minute 07:15');
  });

  test('practitioner + date range: getAppointmentsForDateRangeAndProvider2 (cancelled kept), never the single-day call', async () => {
    const day = rows().filter((r) => r.appointmentDate === '2024-03-10' && r.providerNo === DEMO);
    assert.ok(day.some((r) => r.status === 'C'), 'the DST day has a cancelled appointment');
    const before = count('getAppointmentsForDateRangeAndProvider2');
    assert.deepEqual(ids(await search(`practitioner=${DEMO}&date=ge2024-03-10&date=lt2024-03-11`)), idsOf(day));
    assert.deepEqual(ids(await search(`practitioner=Practitioner/${DEMO}&date=2024-03-10`)), idsOf(day));
    assert.equal(count('getAppointmentsForDateRangeAndProvider2'), before + 2);
    assert.equal(count('getAppointmentsForProvider2'), 0);
    // the appointment ending at midnight belongs to its own day only
    assert.ok(!ids(await search(`practitioner=${DEMO}&date=2024-03-11`)).includes(String(rowAt('2024-03-10', '23:45:00').appointmentNo)));
  });

  test('actor: typed Patient, typed Practitioner, and an untyped id tried as both', async () => {
    const p = busyPatient();
    assert.deepEqual(ids(await search(`actor=Patient/${p.demographicNo}`)), idsOf(p.rows));
    assert.deepEqual(ids(await search(`actor:Patient=${p.demographicNo}`)), idsOf(p.rows));
    const day = rows().filter((r) => r.appointmentDate === '2024-11-03' && r.providerNo === DEMO);
    assert.deepEqual(ids(await search(`actor=Practitioner/${DEMO}&date=2024-11-03`)), idsOf(day));
    assert.deepEqual(ids(await search(`actor=${DEMO}&date=2024-11-03`)), idsOf(day));
    assert.deepEqual(ids(await search(`actor=${p.demographicNo}`)), idsOf(p.rows));
  });

  test('practitioner and patient together: the patient call, filtered by practitioner', async () => {
    const p = busyPatient();
    const provider = p.rows[0]!.providerNo;
    const before = count('getAppointmentsForDateRangeAndProvider2');
    assert.deepEqual(ids(await search(`patient=${p.demographicNo}&practitioner=${provider}`)), idsOf(p.rows.filter((r) => r.providerNo === provider)));
    assert.equal(count('getAppointmentsForDateRangeAndProvider2'), before);
  });

  test('status (and status:not) filters with FHIR codes', async () => {
    const day = rows().filter((r) => r.appointmentDate === '2024-03-10' && r.providerNo === DEMO);
    const q = `practitioner=${DEMO}&date=2024-03-10`;
    assert.deepEqual(ids(await search(`${q}&status=cancelled`)), idsOf(day.filter((r) => r.status === 'C')));
    assert.deepEqual(ids(await search(`${q}&status:not=cancelled`)), idsOf(day.filter((r) => r.status !== 'C')));
    assert.deepEqual(ids(await search(`${q}&status=arrived,booked`)), idsOf(day.filter((r) => ['H', 'a', 't', 'h', 'T'].includes(r.status[0]!))));
    assert.equal((await stack.fhir(`/Appointment?${q}&status=here`)).status, 400);
  });

  test('identifier filters a patient\'s bookings on the client\'s own booking identifier; alone it is too costly', async () => {
    const system = 'https://booking.example.org/requests';
    const created = await stack.fhir('/Appointment', json({
      resourceType: 'Appointment', status: 'booked', start: '2034-01-09T10:00:00-05:00', end: '2034-01-09T10:30:00-05:00',
      identifier: [{ system, value: 'b-42' }],
      participant: [{ actor: { reference: 'Patient/1007' }, status: 'accepted' }, { actor: { reference: `Practitioner/${DEMO}` }, status: 'accepted' }],
    }));
    assert.equal(created.status, 201, created.text);
    assert.equal(stack.sim.store.appointment(Number(created.body.id))?.resources, `fhir-identifier:${system}|b-42`, 'kept in OSCAR\'s resources column');
    assert.deepEqual(ids(await search(`patient=1007&identifier=${encodeURIComponent(system)}|b-42`)), [created.body.id]);
    assert.deepEqual(ids(await search(`patient=1007&identifier=b-42`)), [created.body.id]);
    assert.deepEqual(ids(await search(`patient=1007&identifier=${encodeURIComponent(system)}|b-43`)), []);
    assert.equal((await refused(`/Appointment?identifier=b-42`)).body.issue[0].code, 'too-costly');
  });

  test('_lastUpdated: getAppointmentsUpdatedAfterDate over all patients (exclusive bound handled)', async () => {
    const stamps = [...new Set(rows().map((r) => r.updateDateTime))].sort();
    const t = stamps[stamps.length - 6]!; // a few of the latest changes
    const expected = rows().filter((r) => r.updateDateTime >= t && r.status !== 'D');
    const before = count('getAppointmentsUpdatedAfterDate');
    assert.deepEqual(ids(await search(`_lastUpdated=ge${t}`)), idsOf(expected));
    assert.deepEqual(ids(await search(`_lastUpdated=gt${t}`)), idsOf(expected.filter((r) => r.updateDateTime > t)));
    assert.equal(count('getAppointmentsUpdatedAfterDate'), before + 2);
    await refused(`/Appointment?_lastUpdated=lt${t}`);
  });

  test('_include resolves the Patient and the Practitioner of each match', async () => {
    const row = rowAt('2024-03-10', '09:00:00');
    for (const inc of ['_include=Appointment:patient&_include=Appointment:practitioner', '_include=Appointment:actor']) {
      const b = await search(`_id=${row.appointmentNo}&${inc}`);
      const included = (b.entry ?? []).filter((e) => e.search?.mode === 'include').map((e) => `${e.resource!.resourceType}/${e.resource!.id}`).sort();
      assert.deepEqual(included, [`Patient/${row.demographicNo}`, `Practitioner/${DEMO}`], inc);
    }
    exercised.add('_include=Appointment:actor:Patient').add('_include=Appointment:actor:Practitioner');
  });

  test('searches that would scan the clinic schedule are refused with too-costly, before any schedule call', async () => {
    const before = stack.sim.stats.snapshot().total;
    await refused('/Appointment');
    await refused('/Appointment?date=ge2024-03-10');
    await refused('/Appointment?date=ge2024-01-01&date=lt2024-03-01');
    await refused('/Appointment?status=booked');
    await refused(`/Appointment?practitioner=${DEMO}`);
    await refused(`/Appointment?practitioner=${DEMO}&date=ge2024-03-10`);
    await refused(`/Appointment?practitioner=${DEMO}&date=ne2024-03-10`);
    await refused(`/Appointment?actor=${DEMO}`);
    assert.equal(stack.sim.stats.snapshot().total, before, 'no OSCAR call for a refused search');
    const r = await refused(`/Appointment?practitioner=${DEMO}&date=ge2020-01-01&date=lt2024-01-01`);
    assert.match(r.body.issue[0].diagnostics, /366 days/);
  });
});

describe('Appointment writes', () => {
  const booking = (over: Partial<Appointment> = {}): Appointment => ({
    resourceType: 'Appointment', status: 'booked', description: 'Knee pain', comment: 'Bring X-rays',
    start: '2030-06-12T10:00:00-04:00', end: '2030-06-12T10:20:00-04:00',
    participant: [
      { actor: { reference: 'Patient/1001' }, status: 'accepted' },
      { actor: { reference: `Practitioner/${DEMO}` }, status: 'accepted' },
    ],
    ...over,
  });
  const stored = (id: string): AppointmentRow => {
    const r = stack.sim.store.appointment(Number(id));
    assert.ok(r, `Appointment/${id} is in the store`);
    return r;
  };
  const put = async (a: Appointment): Promise<Appointment> => {
    const r = await stack.fhir(`/Appointment/${a.id!}`, json(a, 'PUT'));
    assert.equal(r.status, 200, r.text);
    assertValid(r.body);
    return r.body as Appointment;
  };

  test('create books through SOAP addAppointment with the exclusive end, and reads back', async () => {
    const labelled = booking({ participant: [
      { actor: { reference: 'Patient/1001', display: 'Jane Doe, who called on Tuesday about her left knee again' }, status: 'accepted' },
      { actor: { reference: `Practitioner/${DEMO}` }, status: 'accepted' },
    ] });
    const r = await stack.fhir('/Appointment', json(labelled));
    assert.equal(r.status, 201, r.text);
    assertValid(r.body);
    const a = r.body as Appointment;
    assert.equal(a.start, '2030-06-12T10:00:00-04:00');
    assert.equal(a.end, '2030-06-12T10:20:00-04:00');
    assert.equal(a.status, 'booked');
    const row = stored(a.id!);
    assert.deepEqual([row.appointmentDate, row.startTime, row.endTime], ['2030-06-12', '10:00:00', '10:19:59']);
    assert.deepEqual([row.status, row.demographicNo, row.providerNo, row.name, row.reason, row.notes], ['t', 1001, DEMO, 'DOE, JANE', 'Knee pain', 'Bring X-rays']); // OSCAR's chart label, not the display
    assert.match(r.headers.get('location') ?? '', new RegExp(`/Appointment/${a.id!}/_history/`));
    assert.deepEqual(await read(a.id!), a);
  });

  test('create across the spring-forward gap stores local wall-clock times and reads back the same instants', async () => {
    const r = await stack.fhir('/Appointment', json(booking({ start: '2030-03-10T01:30:00-05:00', end: '2030-03-10T03:30:00-04:00' })));
    assert.equal(r.status, 201, r.text);
    const row = stored(r.body.id);
    assert.deepEqual([row.appointmentDate, row.startTime, row.endTime], ['2030-03-10', '01:30:00', '03:29:59']);
    assert.equal(r.body.start, '2030-03-10T01:30:00-05:00');
    assert.equal(r.body.end, '2030-03-10T03:30:00-04:00');
    assert.equal(r.body.minutesDuration, 60);
  });

  test('create from the first pass of the fall-back hour across the change reads back the same instants', async () => {
    const r = await stack.fhir('/Appointment', json(booking({ start: '2030-11-03T01:30:00-04:00', end: '2030-11-03T03:00:00-05:00' })));
    assert.equal(r.status, 201, r.text);
    const row = stored(r.body.id);
    assert.deepEqual([row.appointmentDate, row.startTime, row.endTime], ['2030-11-03', '01:30:00', '02:59:59']);
    assert.equal(r.body.start, '2030-11-03T01:30:00-04:00');
    assert.equal(r.body.end, '2030-11-03T03:00:00-05:00');
    assert.equal(r.body.minutesDuration, 150);
  });

  test('reschedule, cancel and arrive through SOAP updateAppointment keep every column FHIR does not carry', async () => {
    // Its own time: the create test above holds the default one, and a plain booking is checked for overlaps.
    const created = (await stack.fhir('/Appointment', json(booking({ start: '2030-06-12T11:00:00-04:00', end: '2030-06-12T11:20:00-04:00' })))).body as Appointment;
    // A receptionist sets columns the FHIR resource has no place for.
    Object.assign(stored(created.id!), { location: 'Room 9', resources: 'US-1', urgency: 'critical', remarks: 'wheelchair', programId: 10016, style: 'b', billing: 'Y', type: 'Office' });
    const untouched = (r: AppointmentRow) => [r.location, r.resources, r.urgency, r.remarks, r.programId, r.style, r.billing, r.name, r.demographicNo, r.notes, r.reason];
    const snapshot = untouched(stored(created.id!));
    const before = count('updateAppointment');

    const current = await read(created.id!);
    const moved = await put({ ...current, start: '2030-06-13T14:00:00-04:00', end: '2030-06-13T14:30:00-04:00' });
    assert.equal(moved.start, '2030-06-13T14:00:00-04:00');
    assert.equal(moved.end, '2030-06-13T14:30:00-04:00');
    assert.equal(moved.appointmentType?.text, 'Office');
    const row = stored(created.id!);
    assert.deepEqual([row.appointmentDate, row.startTime, row.endTime], ['2030-06-13', '14:00:00', '14:29:59']);
    assert.deepEqual(untouched(row), snapshot);

    await put({ ...moved, status: 'cancelled' });
    assert.equal(stored(created.id!).status, 'C');
    const arrived = await put({ ...(await read(created.id!)), status: 'arrived' });
    assert.equal(arrived.status, 'arrived');
    assert.equal(stored(created.id!).status, 'H');
    assert.deepEqual(untouched(stored(created.id!)), snapshot);
    assert.equal(count('updateAppointment'), before + 3);
  });

  test('an update keeps a custom or two-char OSCAR status that already means the FHIR status', async () => {
    for (const code of ['HS', 'a']) {
      const row = rows().find((r) => r.status === code && r.demographicNo > 0);
      assert.ok(row);
      const a = await read(row.appointmentNo);
      await put({ ...a, comment: 'seen' });
      assert.equal(stored(a.id!).status, code);
      assert.equal(stored(a.id!).notes, 'seen');
    }
  });

  test('If-Match with a stale version is a 412 and nothing is written', async () => {
    const row = rowAt('2024-11-03', '09:00:00');
    const a = await read(row.appointmentNo);
    const before = count('updateAppointment');
    const r = await stack.fhir(`/Appointment/${a.id!}`, { ...json({ ...a, comment: 'x' }, 'PUT'), headers: { 'content-type': 'application/fhir+json', 'if-match': 'W/"stale"' } });
    assert.equal(r.status, 412);
    assert.equal(count('updateAppointment'), before);
  });

  test('impossible bookings are a 422 and nothing is written', async () => {
    const n = rows().length;
    const adds = count('addAppointment');
    const cases: [string, Appointment][] = [
      ['no practitioner', booking({ participant: [{ actor: { reference: 'Patient/1001' }, status: 'accepted' }] })],
      ['crosses midnight', booking({ start: '2030-06-12T23:30:00-04:00', end: '2030-06-13T00:30:00-04:00' })],
      ['end before start', booking({ start: '2030-06-12T10:00:00-04:00', end: '2030-06-12T09:00:00-04:00' })],
      ['unknown patient', booking({ participant: [{ actor: { reference: 'Patient/987654' }, status: 'accepted' }, { actor: { reference: `Practitioner/${DEMO}` }, status: 'accepted' }] })],
      ['unknown practitioner', booking({ participant: [{ actor: { reference: 'Patient/1001' }, status: 'accepted' }, { actor: { reference: 'Practitioner/777777' }, status: 'accepted' }] })],
      ['status OSCAR cannot store', booking({ status: 'proposed' })],
      ['starts in the second pass of the fall-back hour', booking({ start: '2024-11-03T01:30:00-05:00', end: '2024-11-03T02:45:00-05:00' })],
      // stored end 01:59:59 would read back as 01:59 EDT, i.e. an end of 01:00 EST
      ['ends in the second pass of the fall-back hour', booking({ start: '2024-11-03T01:30:00-04:00', end: '2024-11-03T02:00:00-05:00' })],
      ['end not on a whole minute', booking({ end: '2030-06-12T10:20:30-04:00' })],
    ];
    for (const [why, body] of cases) {
      const r = await stack.fhir('/Appointment', json(body));
      assert.equal(r.status, 422, `${why}: ${r.text}`);
      assert.equal(r.body.resourceType, 'OperationOutcome', why);
    }
    assert.equal(rows().length, n);
    assert.equal(count('addAppointment'), adds);
    // the same rules hold on update
    const row = rowAt('2024-11-03', '09:00:00');
    const a = await read(row.appointmentNo);
    const r = await stack.fhir(`/Appointment/${a.id!}`, json({ ...a, start: '2024-11-03T23:30:00-05:00', end: '2024-11-04T00:30:00-05:00' }, 'PUT'));
    assert.equal(r.status, 422);
    assert.equal(stored(a.id!).startTime, '09:00:00');
  });

  test('updating an appointment OSCAR does not have is a 404', async () => {
    const r = await stack.fhir('/Appointment/99999999', json({ ...booking(), id: '99999999' }, 'PUT'));
    assert.equal(r.status, 404);
  });
});

describe('Appointment limits and conformance', () => {
  test('a patient history longer than the upstream row limit is refused, unless a date bound lets paging stop early', async () => {
    const base = rowAt('2024-03-10', '09:00:00');
    const demographicNo = 1002;
    let id = stack.sim.store.nextId('appointment');
    for (let i = 0; i < 1001; i++) {
      const day = new Date(Date.UTC(1990, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
      stack.sim.store.insertAppointment({ ...base, appointmentNo: id++, demographicNo, appointmentDate: day, status: 'B' });
    }
    await refused(`/Appointment?patient=${demographicNo}`);
    const recent = rows().filter((r) => r.demographicNo === demographicNo && r.appointmentDate >= '2020-01-01');
    assert.deepEqual(ids(await search(`patient=${demographicNo}&date=ge2020-01-01`)), idsOf(recent));
  });

  test('every advertised search parameter and _include was exercised above', async () => {
    const meta = await stack.fhir('/metadata');
    const res = meta.body.rest[0].resource.find((r: { type: string }) => r.type === 'Appointment');
    assert.ok(res, 'Appointment is in the CapabilityStatement');
    assert.deepEqual(res.interaction.map((i: { code: string }) => i.code).filter((c: string) => ['read', 'search-type', 'create', 'update'].includes(c)).sort(), ['create', 'read', 'search-type', 'update']);
    for (const p of res.searchParam as { name: string }[]) assert.ok(exercised.has(p.name), `search parameter ${p.name} is exercised`);
    for (const inc of res.searchInclude as string[]) {
      assert.ok(exercised.has(`_include=${inc}`) || exercised.has(`_include=${inc.split(':').slice(0, 2).join(':')}`), `_include=${inc} is exercised`);
    }
  });

  test('the consent-gated and the cancelled-dropping day calls were never used', () => {
    assert.equal(count('getAppointmentsByDemographicIdAfter'), 0);
    assert.equal(count('getAppointmentsForProvider2'), 0);
  });
});
