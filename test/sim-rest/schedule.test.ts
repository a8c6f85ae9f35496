import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { durationText } from '../../src/sim/rest/schedule.js';
import { SAMPLE_NOW, signed, startSim, type Sim } from './fixture.js';

// samples §2a and §2b, byte for byte
const SAMPLE_HISTORY = '{"appointment":null,"statuses":null,"types":null,"reasons":null,"appointments":[{"id":555,"providerNo":"999998","appointmentDate":1710216000000,"startTime":"09:00:00","endTime":"09:14:00","name":"DOE, JANE","demographicNo":1001,"programId":0,"notes":"","reason":"Follow-up BP","location":"","resources":"","type":"","style":null,"billing":null,"status":"t","importedStatus":null,"createDateTime":1709900000000,"updateDateTime":1709900000000,"creator":"999998","lastUpdateUser":"999998","remarks":"","urgency":"","creatorSecurityId":null,"bookingSource":null,"reasonCode":17,"demographic":null,"provider":null,"billingDetail":null}]}';
const SAMPLE_ADD_REQUEST = '{"providerNo":"999998","appointmentDate":"2024-03-19","startTime":"10:30","duration":15,"demographicNo":1001,"reason":"Flu shot","notes":"","type":"","status":"t"}';
const SAMPLE_ADD_RESPONSE = '{"appointment":{"id":556,"providerNo":"999998","appointmentDate":1710858600000,"startTime":1710858600000,"endTime":1710859440000,"name":"DOE, JANE","demographicNo":1001,"programId":0,"notes":"","reason":"Flu shot","location":null,"resources":null,"type":"","style":null,"billing":null,"status":"t","importedStatus":null,"createDateTime":1710520000000,"updateDateTime":1710520000000,"creator":"999998","lastUpdateUser":"999998","remarks":"","urgency":null,"creatorSecurityId":null,"bookingSource":null,"reasonCode":null,"demographic":null,"provider":null,"billingDetail":null},"statuses":null,"types":null,"reasons":null,"appointments":null}';

describe('ScheduleService', () => {
  let sim: Sim;
  before(async () => { sim = await startSim(SAMPLE_NOW); });
  after(async () => { await sim.close(); });
  const post = (path: string, body: string) =>
    signed(sim, 'POST', `/oscar/ws/services/schedule${path}`, { contentType: 'application/json', body });

  it('renders appointmentHistory as samples §2a: DB times as "HH:mm:ss", status D left out', async () => {
    const r = await post('/1001/appointmentHistory', '{}');
    assert.equal(r.status, 200);
    assert.equal(r.body, SAMPLE_HISTORY);
  });

  it('books as samples §2b: in-memory ms times, end = start + duration - 1 min, name from the patient', async () => {
    const r = await post('/add', SAMPLE_ADD_REQUEST.replace('"status":"t"', '"status":"t","name":"ignored"'));
    assert.equal(r.status, 200);
    assert.equal(r.body, SAMPLE_ADD_RESPONSE);
    const row = sim.store.appointment(556);
    assert.deepEqual([row?.appointmentDate, row?.startTime, row?.endTime, row?.name], ['2024-03-19', '10:30:00', '10:44:00', 'DOE, JANE']);
    const history = JSON.parse((await post('/1001/appointmentHistory', '{}')).body) as { appointments: Array<Record<string, unknown>> };
    assert.deepEqual(history.appointments.map((a) => [a.id, a.startTime, a.endTime]), [[556, '10:30:00', '10:44:00'], [555, '09:00:00', '09:14:00']]);
    const noPatient = await post('/add', SAMPLE_ADD_REQUEST.replace('"demographicNo":1001', '"demographicNo":4242'));
    assert.equal(noPatient.status, 500);
  });

  it('answers getAppointment with the DB row and its demographic and provider entities; an unknown id is a 500 page', async () => {
    const r = await post('/getAppointment', '{"id":555}');
    assert.equal(r.status, 200);
    const body = JSON.parse(r.body) as { appointment: Record<string, unknown> & { demographic: Record<string, unknown>; provider: Record<string, unknown> } };
    const { demographic, provider, ...appointment } = body.appointment;
    const sample = (JSON.parse(SAMPLE_HISTORY) as { appointments: Array<Record<string, unknown>> }).appointments[0] ?? {};
    const { demographic: _d, provider: _p, ...sampleAppointment } = sample;
    assert.deepEqual(appointment, sampleAppointment);
    assert.deepEqual([demographic.demographicNo, demographic.lastName, provider.providerNo], [1001, 'DOE', '999998']);
    const unknown = await post('/getAppointment', '{"id":4242}');
    assert.equal(unknown.status, 500);
    assert.match(unknown.body, /Source must not be null/);
  });

  it('lists a provider period as ProviderPeriodAppsResponse (contract 3.8): no times, updateDatetime in seconds, the element name as key', async () => {
    const get = (path: string) => signed(sim, 'GET', `/oscar/ws/services/schedule/fetchProviderAppts${path}`);
    const r = await get('/999998/2024-03-12/2024-03-13');
    assert.equal(r.status, 200);
    // Every status, the cancelled visit too (the day list leaves it out), by appointment number.
    assert.equal(r.body, `{"offset":0,"limit":0,"total":0,"timestamp":${SAMPLE_NOW},"ProviderPeriodApps":[`
      + '{"appointmentNo":554,"providerNo":"999998","appointmentDate":1710216000000,"demographicNo":1003,"notes":"","location":"","resources":"","status":"C","lastUpdateUser":"999998","updateDatetime":1709900000,"name":"DOE, JOHN"},'
      + '{"appointmentNo":555,"providerNo":"999998","appointmentDate":1710216000000,"demographicNo":1001,"notes":"","location":"","resources":"","status":"t","lastUpdateUser":"999998","updateDatetime":1709900000,"name":"DOE, JANE"}'
      + '],"query":null}');
    // The end date is excluded; a day without visits is an empty list.
    assert.match((await get('/999998/2024-03-11/2024-03-12')).body, /"ProviderPeriodApps":\[\]/);
    // The 400 for an unparsable date is thrown inside the method's catch-all: 500.
    const bad = await get('/999998/March/2024-03-13');
    assert.deepEqual([bad.status, bad.body], [500, 'Internal server error']);
  });

  it('fails updateAppointment with 500, and a "HH:mm:ss" startTime in an AppointmentTo1 with 400', async () => {
    const r = await post('/updateAppointment', '{"id":555,"status":"H"}');
    assert.equal(r.status, 500);
    assert.match(r.headers['content-type'] ?? '', /^text\/html/);
    assert.equal((await post('/updateAppointment', '{"id":555,"startTime":"09:00:00"}')).status, 400);
  });

  it('updates status and type on the loaded entity, and deletes', async () => {
    const s = JSON.parse((await post('/appointment/555/updateStatus', '{"status":"H"}')).body) as { appointment: Record<string, unknown> };
    assert.deepEqual([s.appointment.status, s.appointment.startTime, s.appointment.updateDateTime], ['H', '09:00:00', SAMPLE_NOW]);
    const t = JSON.parse((await post('/appointment/555/updateType', '{"type":"Phone"}')).body) as { appointment: Record<string, unknown> };
    assert.equal(t.appointment.type, 'Phone');
    assert.equal((await post('/appointment/9999/updateStatus', '{"status":"H"}')).status, 500);
    const del = await post('/deleteAppointment', '{"id":555}');
    assert.deepEqual([del.status, del.body], [200, '']);
    assert.equal(sim.store.appointment(555), undefined);
    assert.equal((await post('/deleteAppointment', '{"id":555}')).status, 500);
  });

  it('lists a provider day without cancelled visits, and the status table', async () => {
    sim.store.data.appointments.push({ ...structuredClone(sim.store.data.appointments[0]!), appointmentNo: 600, appointmentDate: '2024-03-20', startTime: '13:05:00', endTime: '13:34:00', status: 'H' });
    sim.store.reindex();
    const day = JSON.parse((await signed(sim, 'GET', '/oscar/ws/services/schedule/999998/day/2024-03-20')).body) as Array<Record<string, unknown>>;
    assert.deepEqual(day.map((d) => Object.keys(d)), [['demographicNo', 'appointmentNo', 'name', 'status', 'startTime', 'reason', 'duration', 'type', 'notes', 'date']]);
    assert.deepEqual([day[0]?.appointmentNo, day[0]?.startTime, day[0]?.duration, day[0]?.date], [600, '01:05 PM', '29m ', Date.parse('2024-03-20T13:05:00-04:00')]);
    const cancelledDay = JSON.parse((await signed(sim, 'GET', '/oscar/ws/services/schedule/999998/day/2024-03-12')).body) as Array<{ status: string }>;
    assert.ok(cancelledDay.every((d) => d.status !== 'C'));
    assert.equal((await signed(sim, 'GET', '/oscar/ws/services/schedule/999998/day/March-12')).status, 500);
    const statuses = JSON.parse((await signed(sim, 'GET', '/oscar/ws/services/schedule/statuses')).body) as { total: number; content: Array<{ status: string }> };
    assert.deepEqual([statuses.total, statuses.content.map((c) => c.status)], [2, ['t', 'H']]);
  });

  it('writes day-list durations as Appointment.getDuration does (contract 3.8): capital H, no zero parts', () => {
    assert.deepEqual([
      durationText({ startTime: '09:00:00', endTime: '09:14:00' }), durationText({ startTime: '09:00:00', endTime: '10:01:00' }),
      durationText({ startTime: '09:00:00', endTime: '10:00:00' }), durationText({ startTime: '09:00:00', endTime: '09:00:00' }),
    ], ['14m ', '1H 1m ', '1H ', '']);
  });

  it('updateStatus sets the status and the update time, not lastUpdateUser (contract 3.8)', async () => {
    const appt = sim.store.data.appointments[0];
    assert.ok(appt);
    appt.lastUpdateUser = 'someone-else';
    const r = await post(`/appointment/${appt.appointmentNo}/updateStatus`, '{"status":"H"}');
    assert.equal(r.status, 200);
    assert.deepEqual([appt.status, appt.lastUpdateUser], ['H', 'someone-else']);
  });
});
