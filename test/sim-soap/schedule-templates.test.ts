// The simulator's ScheduleWs template operations on the wire, against the facts of
// docs/scheduling.md §2: codes as numbers, an empty answer for an unscheduled day, the holiday
// flag at the exact midnight only, the Public-template fallback, and the elapsed-minute keys
// that shift by an hour after a daylight-saving change (the table of scheduling §2.2).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clinicData, envelope, post, startSim, usernameToken } from './fixture.js';
import type { RunningSim } from './fixture.js';
import { seedTemplateCodes, timecode } from '../../src/sim/clinic/gen-schedules.js';

let sim: RunningSim;
before(async () => {
  const data = clinicData();
  data.scheduleTemplateCodes = seedTemplateCodes();
  data.scheduleTemplates = [
    { providerNo: 'Public', name: 'P:OnCallClinic', summary: 'Weekends/Holidays', timecode: `${'_'.repeat(40)}${'C'.repeat(16)}${'_'.repeat(40)}` },
    // scheduling §2.1 sample: 1 09:00-09:29, 2 09:30-09:59, a 10:00-10:14, s 13:00-13:14
    { providerNo: '999998', name: 'P:Clinic15', summary: null, timecode: timecode(15, [['09:00', '09:30', '1'], ['09:30', '10:00', '2'], ['10:00', '10:15', 'a'], ['13:00', '13:15', 's']]) },
    { providerNo: '999998', name: 'AllDay', summary: null, timecode: timecode(15, [['00:00', '24:00', '1']]) },
    { providerNo: '999998', name: 'Empty', summary: null, timecode: '' },
  ];
  const row = (id: number, sdate: string, hour: string, status = 'A') =>
    ({ id, sdate, providerNo: '999998', available: '1', priority: 'b', reason: '', hour, creator: 'x', status });
  data.scheduleDates = [
    row(1, '2025-03-10', 'P:Clinic15'), row(2, '2025-03-09', 'AllDay'), row(3, '2025-11-02', 'AllDay'),
    row(4, '2025-03-11', 'P:OnCallClinic'), row(5, '2025-03-12', 'NoSuchTemplate'), row(6, '2025-03-13', 'Empty'),
    row(7, '2025-03-14', 'P:Clinic15', 'D'),
  ];
  data.scheduleHolidays = [{ sdate: '2025-03-11', holidayName: 'Test holiday' }];
  data.appointmentTypes = [
    { id: 3, name: 'Follow-up', notes: '', reason: 'Follow-up visit', location: 'Main', resources: '', duration: 15 },
    { id: 1, name: 'Annual', notes: '', reason: '', location: '', resources: '', duration: 45 },
  ];
  sim = await startSim(data);
});
after(async () => { await sim.close(); });

const call = (body: string) => post(`${sim.ws}/ScheduleService`, envelope(body, usernameToken('128', 'mac2002')));
const day = (date: string, provider = '999998') =>
  call(`<ws:getDayWorkSchedule><arg0>${provider}</arg0><arg1>${date}</arg1></ws:getDayWorkSchedule>`);
const slots = (xml: string): [string, number][] =>
  [...xml.matchAll(/<timeSlots><date>([^<]+)<\/date><scheduleCode>(\d+)<\/scheduleCode><\/timeSlots>/g)].map((m) => [m[1]!, Number(m[2])]);

describe('getDayWorkSchedule', () => {
  it('sends each non-blank cell with its code as a number (scheduling §2.1 sample)', async () => {
    const r = await day('2025-03-10T00:00:00-04:00');
    assert.equal(r.status, 200);
    assert.match(r.body, /<return><holiday>false<\/holiday><timeSlotDurationMin>15<\/timeSlotDurationMin><timeSlots>/);
    assert.deepEqual(slots(r.body), [
      ['2025-03-10T09:00:00-04:00', 49], ['2025-03-10T09:15:00-04:00', 49], ['2025-03-10T09:30:00-04:00', 50],
      ['2025-03-10T09:45:00-04:00', 50], ['2025-03-10T10:00:00-04:00', 97], ['2025-03-10T13:00:00-04:00', 115],
    ]);
  });

  it('answers an unscheduled day (or a deleted scheduledate row) with an empty wrapper', async () => {
    for (const d of ['2025-03-15T00:00:00', '2025-03-14T00:00:00']) {
      const r = await day(d);
      assert.equal(r.status, 200);
      assert.match(r.body, /<ns2:getDayWorkScheduleResponse xmlns:ns2="http:\/\/ws.oscarehr.org\/"\/>/);
    }
  });

  it('shifts every cell after the spring-forward change by one hour (elapsed minutes from midnight)', async () => {
    const r = slots((await day('2025-03-09T00:00:00')).body);
    assert.equal(r.length, 96);
    const at = (i: number) => r[i]?.[0];
    assert.equal(at(8), '2025-03-09T03:00:00-04:00'); // template 02:00
    assert.equal(at(36), '2025-03-09T10:00:00-04:00'); // template 09:00
    assert.equal(at(95), '2025-03-10T00:45:00-04:00'); // template 23:45, on the next date
  });

  it('shifts every cell after the fall-back change by one hour the other way', async () => {
    const r = slots((await day('2025-11-02T00:00:00')).body);
    assert.equal(r[8]?.[0], '2025-11-02T01:00:00-05:00');
    assert.equal(r[36]?.[0], '2025-11-02T08:00:00-05:00');
    assert.equal(r[95]?.[0], '2025-11-02T22:45:00-05:00');
  });

  it('falls back to the Public template and flags a holiday only at the exact midnight', async () => {
    const midnight = await day('2025-03-11T00:00:00');
    assert.match(midnight.body, /<holiday>true<\/holiday>/);
    assert.equal(slots(midnight.body)[0]?.[1], 67); // 'C'
    assert.equal(slots(midnight.body).length, 16);
    const noon = await day('2025-03-11T12:00:00');
    assert.match(noon.body, /<holiday>false<\/holiday>/);
  });

  it('answers only the holiday flag when the template is missing, and faults on an empty one', async () => {
    const missing = await day('2025-03-12T00:00:00');
    assert.match(missing.body, /<return><holiday>false<\/holiday><\/return>/);
    const empty = await day('2025-03-13T00:00:00');
    assert.equal(empty.status, 500);
    assert.match(empty.body, /<faultstring>\/ by zero<\/faultstring>/);
  });
});

describe('getScheduleTemplateCodes and getAppointmentTypes', () => {
  it('lists every code row, the duplicate C of a fresh install included, codes as numbers', async () => {
    const r = await call('<ws:getScheduleTemplateCodes/>');
    const rows = [...r.body.matchAll(/<return>(.*?)<\/return>/g)].map((m) => m[1]!);
    assert.equal(rows.length, 23);
    const cs = rows.filter((x) => x.includes('<code>67</code>'));
    assert.equal(cs.length, 2);
    assert.match(cs[1]!, /<confirm>Onc<\/confirm><description>On Call Clinic<\/description>/);
    // JAXB order, null color omitted, empty duration kept
    assert.equal(rows[0], '<bookinglimit>1</bookinglimit><code>65</code><confirm>N</confirm><description>Academic</description><duration></duration><id>1</id>');
  });

  it('lists appointment types by name', async () => {
    const r = await call('<ws:getAppointmentTypes/>');
    assert.deepEqual([...r.body.matchAll(/<name>([^<]+)<\/name>/g)].map((m) => m[1]), ['Annual', 'Follow-up']);
  });
});
