// Schedule and Slot over HTTP against the simulator: free/busy around appointments of every end
// convention, codes longer than a cell, the lunch gap, holidays, Do_Not_Book, the confirm modes,
// codes that differ only by case, lead time, and both daylight-saving days of 2026 with no slot
// shifted or lost. Expected tables are written from the template rows and docs/scheduling.md.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { validateResource } from '../../src/validation/index.js';
import { CODE_SYSTEM, PROVIDER, slotTable, startBookingStack, WEEKDAY, type BookingStack } from './booking-fixture.js';
import { timecode } from '../../src/sim/clinic/gen-schedules.js';

let s: BookingStack;
before(async () => {
  // No cache: each test changes OSCAR's rows and must see them at once.
  s = await startBookingStack({ env: { CACHE_MAX_BYTES: '0' } });
  s.schedule('2026-03-03', WEEKDAY, 'Weekday');
  s.appointment('2026-03-03', '09:00:00', '09:14:00'); // OSCAR's screens: last included minute
  s.appointment('2026-03-03', '09:30:00', '09:44:59'); // SOAP addAppointment: exclusive end − 1 ms
  s.appointment('2026-03-03', '10:00:00', '10:30:00'); // BookingWs: the exact end
  s.appointment('2026-03-03', '11:00:00', '11:44:00', { status: 'C' }); // cancelled: frees its time
  s.appointment('2026-03-03', '11:45:00', '11:59:00', { name: 'do_not_book', demographicNo: 0 });
  // A holiday: generated rows still exist (OSCAR does not skip holidays), the flag marks the day.
  s.schedule('2026-03-04', WEEKDAY, 'Weekday');
  s.sim.store.data.scheduleHolidays.push({ sdate: '2026-03-04', holidayName: 'Test holiday' });
  // The spring-forward day: 02:00-02:59 does not exist.
  s.schedule('2026-03-08', timecode(15, [['00:00', '04:00', '1'], ['08:00', '09:00', '1'], ['23:00', '24:00', '1']]), 'Night');
  // The fall-back day: 01:00-01:59 happens twice.
  s.schedule('2026-11-01', timecode(15, [['00:00', '03:00', '1'], ['08:00', '08:30', '1']]), 'Night2');
  // A no-show, and a 10-minute grid with a 15-minute code (two cells per slot).
  s.schedule('2026-03-06', timecode(10, [['09:00', '10:00', '1']]), 'Ten');
  s.appointment('2026-03-06', '09:20:00', '09:34:00', { status: 'N' });
});
after(async () => { await s.close(); });

const slots = async (query: string) => {
  const r = await s.fhir(`/Slot?schedule=Schedule/prov-${PROVIDER}&${query}`);
  assert.equal(r.status, 200, r.text);
  return r.body;
};

describe('free/busy of one day', () => {
  it('reads every end convention, cancelled, Do_Not_Book, long codes, the lunch gap and the confirm modes', async () => {
    assert.deepEqual(slotTable(await slots('start=ge2026-03-03&start=lt2026-03-04')), [
      '09:00 busy', '09:15 free', '09:30 busy', '09:45 free',
      '10:00 busy', '10:30 free', // '2' is 30 minutes: two cells per slot
      '11:00 free', // '3' is 45 minutes: three cells; the cancelled booking frees it
      '11:45 busy-unavailable (Do_Not_Book)',
      // 12:00-13:00: no slot at all (blank cells)
      '13:00 busy-unavailable (not a bookable code)', '13:15 busy-unavailable (not a bookable code)',
      // a fresh install has two C rows; the later one is On Call Clinic, confirm Onc
      '13:30 busy-unavailable (needs staff confirmation)', '13:45 busy-unavailable (needs staff confirmation)',
      '14:00 busy-unavailable (same-day only)', '14:30 busy-unavailable (same-day only)',
      '14:45 free', // W: same week, 1 day ahead
    ]);
  });

  it('gives slots the exact start and end instants, a code of the template and validates them', async () => {
    const b = await slots('start=ge2026-03-03&start=lt2026-03-04&status=free');
    const first = b.entry[0].resource;
    assert.equal(first.id, `${PROVIDER}-20260303-0915`);
    assert.equal(first.start, '2026-03-03T09:15:00-05:00');
    assert.equal(first.end, '2026-03-03T09:30:00-05:00');
    assert.deepEqual(first.serviceType, [{ coding: [{ system: CODE_SYSTEM(s.base), code: '1', display: '15 Minute Appointment' }] }]);
    assert.deepEqual(first.schedule, { reference: `Schedule/prov-${PROVIDER}` });
    const long = b.entry.find((e: { resource: { start: string } }) => e.resource.start.startsWith('2026-03-03T11:00')).resource;
    assert.equal(long.end, '2026-03-03T11:45:00-05:00');
    for (const e of b.entry) assert.deepEqual(validateResource(e.resource).filter((i) => i.severity === 'error'), []);
  });

  it('tells codes apart that differ only by case', async () => {
    const S = slotTable(await slots(`start=ge2026-03-03&start=lt2026-03-04&service-type=${encodeURIComponent(`${CODE_SYSTEM(s.base)}|S`)}`));
    const lower = slotTable(await slots(`start=ge2026-03-03&start=lt2026-03-04&service-type=${encodeURIComponent(`${CODE_SYSTEM(s.base)}|s`)}`));
    assert.deepEqual(S, ['14:00 busy-unavailable (same-day only)']);
    assert.deepEqual(lower, ['14:30 busy-unavailable (same-day only)']);
  });

  it('offers same-day codes on their day, and nothing inside the lead time', async () => {
    s.setNow('2026-03-03T08:50:00-05:00');
    try {
      const t = slotTable(await slots('start=ge2026-03-03&start=lt2026-03-04'));
      assert.equal(t[1], '09:15 busy-unavailable (lead time)');
      assert.equal(t[3], '09:45 busy-unavailable (lead time)');
      assert.equal(t[5], '10:30 free');
      assert.deepEqual(t.slice(-3), ['14:00 free', '14:30 free', '14:45 free']);
    } finally { s.setNow('2026-03-02T07:00:00-05:00'); }
  });

  it('marks a holiday busy-unavailable and has no slot on an unscheduled day', async () => {
    const t = slotTable(await slots('start=ge2026-03-04&start=lt2026-03-06'));
    assert.equal(t.length, 15);
    assert.ok(t.every((x) => x.endsWith('busy-unavailable (holiday)')), t.join('\n'));
  });

  it('keeps a no-show busy by default and spans two 10-minute cells with a 15-minute code', async () => {
    const b = await slots('start=ge2026-03-06&start=lt2026-03-07');
    assert.deepEqual(slotTable(b), ['09:00 free', '09:20 busy', '09:40 free']);
    assert.equal(b.entry[0].resource.end, '2026-03-06T09:20:00-05:00');
  });
});

describe('daylight-saving days of 2026 (America/Toronto)', () => {
  it('spring forward: no slot shifted, the missing hour has none, the day ends at midnight', async () => {
    const b = await slots('start=ge2026-03-08&start=lt2026-03-09');
    const starts = b.entry.map((e: { resource: { start: string } }) => e.resource.start);
    const expected = [
      ...['00:00', '00:15', '00:30', '00:45', '01:00', '01:15', '01:30', '01:45'].map((t) => `2026-03-08T${t}:00-05:00`),
      ...['03:00', '03:15', '03:30', '03:45', '08:00', '08:15', '08:30', '08:45', '23:00', '23:15', '23:30', '23:45'].map((t) => `2026-03-08T${t}:00-04:00`),
    ];
    assert.deepEqual(starts, expected);
    assert.equal(b.entry[7].resource.end, '2026-03-08T03:00:00-04:00'); // 01:45 + 15 minutes of wall clock
    assert.equal(b.entry[19].resource.end, '2026-03-09T00:00:00-04:00');
  });

  it('fall back: no slot shifted, the repeated hour is offered once and not bookable', async () => {
    s.setNow('2026-10-30T07:00:00-04:00');
    try {
      const b = await slots('start=ge2026-11-01&start=lt2026-11-02');
      const rows = b.entry.map((e: { resource: { start: string; status: string } }) => `${e.resource.start} ${e.resource.status}`);
      assert.deepEqual(rows, [
        '2026-11-01T00:00:00-04:00 free', '2026-11-01T00:15:00-04:00 free', '2026-11-01T00:30:00-04:00 free', '2026-11-01T00:45:00-04:00 free',
        '2026-11-01T01:00:00-04:00 busy-unavailable', '2026-11-01T01:15:00-04:00 busy-unavailable',
        '2026-11-01T01:30:00-04:00 busy-unavailable', '2026-11-01T01:45:00-04:00 busy-unavailable',
        '2026-11-01T02:00:00-05:00 free', '2026-11-01T02:15:00-05:00 free', '2026-11-01T02:30:00-05:00 free', '2026-11-01T02:45:00-05:00 free',
        '2026-11-01T08:00:00-05:00 free', '2026-11-01T08:15:00-05:00 free',
      ]);
    } finally { s.setNow('2026-03-02T07:00:00-05:00'); }
  });
});

describe('searches booking tools use', () => {
  it('finds the same slots by schedule.actor, and includes the Schedule', async () => {
    const r = await s.fhir(`/Slot?schedule.actor=Practitioner/${PROVIDER}&start=ge2026-03-03&start=lt2026-03-04&status=free&_include=Slot:schedule`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(slotTable(r.body), ['09:15 free', '09:45 free', '10:30 free', '11:00 free', '14:45 free']);
    const schedules = r.body.entry.filter((e: { resource: { resourceType: string } }) => e.resource.resourceType === 'Schedule');
    assert.equal(schedules.length, 1);
    assert.equal(schedules[0].search.mode, 'include');
    assert.equal(schedules[0].resource.id, `prov-${PROVIDER}`);
  });

  it('reads a Schedule by actor, valid, with the codes bookable online', async () => {
    const r = await s.fhir(`/Schedule?actor=Practitioner/${PROVIDER}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.entry.length, 1);
    const sc = r.body.entry[0].resource;
    assert.deepEqual(sc.actor, [{ reference: `Practitioner/${PROVIDER}`, display: 'Test Booker' }]);
    assert.deepEqual(sc.planningHorizon, { start: '2026-03-02T00:00:00-05:00', end: '2026-05-01T00:00:00-04:00' });
    const codes = sc.serviceType.map((t: { coding: { code: string }[] }) => t.coding[0]!.code);
    for (const c of ['1', '2', '3', '6', 's', 'S', 'W']) assert.ok(codes.includes(c), `${c} in ${codes.join('')}`);
    for (const c of ['a', 'V', 'm', 'A', 'C']) assert.ok(!codes.includes(c), `${c} not in ${codes.join('')}`);
    assert.deepEqual(validateResource(sc).filter((i) => i.severity === 'error'), []);
  });

  it('reads one Slot by id, and 404s a time the template has no slot at', async () => {
    const ok = await s.fhir(`/Slot/${PROVIDER}-20260303-1030`);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.status, 'free');
    assert.equal((await s.fhir(`/Slot/${PROVIDER}-20260303-1215`)).status, 404);
  });

  it('refuses a range longer than the planning horizon as too costly', async () => {
    const r = await s.fhir(`/Slot?schedule=Schedule/prov-${PROVIDER}&start=ge2026-03-02&start=lt2026-06-01`);
    assert.equal(r.status, 400);
    assert.equal(r.body.issue[0].code, 'too-costly');
  });

  it('costs one getDayWorkSchedule per provider per day and one appointment call per provider', async () => {
    s.sim.stats.reset();
    await slots('start=ge2026-03-02&start=lt2026-03-09');
    const ops = s.sim.stats.snapshot().byOperation;
    assert.equal(ops['ScheduleService.getDayWorkSchedule'], 7);
    assert.equal(ops['ScheduleService.getAppointmentsForDateRangeAndProvider2'], 1);
  });
});

describe('an OSCAR JVM in another zone than the clinic (variants B10)', () => {
  let v: BookingStack;
  before(async () => {
    v = await startBookingStack({ env: { CACHE_MAX_BYTES: '0' }, sim: { serverTimezone: 'America/Vancouver' } });
    v.schedule('2026-03-08', timecode(15, [['08:00', '09:00', '1'], ['23:00', '24:00', '1']]), 'Sunday');
    v.schedule('2026-03-03', WEEKDAY, 'Weekday');
  });
  after(async () => { await v.close(); });

  it('gives the clinic-zone slots a Toronto JVM gives, on a DST day and an ordinary one', async () => {
    const r = await v.fhir(`/Slot?schedule=Schedule/prov-${PROVIDER}&start=ge2026-03-08&start=lt2026-03-09`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.entry.map((e: { resource: { start: string } }) => e.resource.start), [
      ...['08:00', '08:15', '08:30', '08:45', '23:00', '23:15', '23:30', '23:45'].map((t) => `2026-03-08T${t}:00-04:00`),
    ]);
    const day = await v.fhir(`/Slot?schedule=Schedule/prov-${PROVIDER}&start=ge2026-03-03&start=lt2026-03-04&status=free`);
    assert.deepEqual(slotTable(day.body), ['09:00 free', '09:15 free', '09:30 free', '09:45 free', '10:00 free', '10:30 free', '11:00 free', '11:45 free', '14:45 free']);
  });
});

describe('capacity, no-shows and holidays follow the booking rules', () => {
  const GROUP = timecode(15, [['09:00', '09:45', 'k'], ['09:45', '10:00', '1']]);
  const seed = (x: BookingStack): void => {
    // A clinic code whose cells hold two bookings (scheduling §1.2 bookinglimit).
    x.sim.store.data.scheduleTemplateCodes.push({ id: 99, code: 'k', description: 'Group visit', duration: '15', color: null, confirm: 'N', bookinglimit: 2 });
    x.schedule('2026-03-10', GROUP, 'Group');
    x.appointment('2026-03-10', '09:00:00', '09:14:00');
    for (let i = 0; i < 2; i++) x.appointment('2026-03-10', '09:15:00', '09:29:00');
    for (let i = 0; i < 3; i++) x.appointment('2026-03-10', '09:30:00', '09:44:00');
    x.appointment('2026-03-10', '09:45:00', '09:59:00', { status: 'N' });
    x.schedule('2026-03-11', GROUP, 'GroupHoliday');
    x.sim.store.data.scheduleHolidays.push({ sdate: '2026-03-11', holidayName: 'Test holiday' });
  };
  const table = async (x: BookingStack, date: string) => {
    const r = await x.fhir(`/Slot?schedule=Schedule/prov-${PROVIDER}&start=ge${date}&start=lt${date}T23:59:59-04:00`);
    assert.equal(r.status, 200, r.text);
    return r.body.entry.map((e: { resource: { start: string; status: string; overbooked?: boolean } }) => `${e.resource.start.slice(11, 16)} ${e.resource.status}${e.resource.overbooked ? ' overbooked' : ''}`);
  };

  it('by default: bookinglimit honoured, overbooked shown, a no-show keeps its slot, a holiday closes the day', async () => {
    const d = await startBookingStack({ env: { CACHE_MAX_BYTES: '0' } });
    try {
      seed(d);
      assert.deepEqual(await table(d, '2026-03-10'), ['09:00 free', '09:15 busy', '09:30 busy overbooked', '09:45 busy']);
      assert.ok((await table(d, '2026-03-11')).every((x: string) => x.endsWith('busy-unavailable')));
    } finally { await d.close(); }
  });

  it('BOOKING_CAPACITY=one, BOOKING_NOSHOW_FREES_SLOT=true, BOOKING_HOLIDAYS=open', async () => {
    const o = await startBookingStack({ env: { CACHE_MAX_BYTES: '0', BOOKING_CAPACITY: 'one', BOOKING_NOSHOW_FREES_SLOT: 'true', BOOKING_HOLIDAYS: 'open' } });
    try {
      seed(o);
      assert.deepEqual(await table(o, '2026-03-10'), ['09:00 busy', '09:15 busy overbooked', '09:30 busy overbooked', '09:45 free']);
      assert.deepEqual(await table(o, '2026-03-11'), ['09:00 free', '09:15 free', '09:30 free', '09:45 free']);
    } finally { await o.close(); }
  });
});
