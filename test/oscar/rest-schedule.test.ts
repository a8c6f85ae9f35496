// The REST schedule and prevention calls that stand in for SOAP when a WAF blocks it (variants
// §7.4 "REST-only mode"), against the simulator with the OSCAR JVM in another zone than the clinic
// (contract 3.8, 3.9), and against a fake server for the call the simulator does not serve.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OscarClient } from '../../src/oscar/client.js';
import { OscarFaultError } from '../../src/oscar/errors.js';
import { startSimulator } from '../../src/sim/server.js';
import { demoCredentials } from '../../src/sim/options.js';
import { defaultMappingConfig } from '../../src/resources/mapping-config.js';
import { appointmentFromSoap } from '../../src/resources/appointment/mapper.js';
import { appointmentFromDayItem, appointmentFromRest, appointmentToNewAppointment } from '../../src/resources/appointment/rest-mapper.js';
import { sendJson, startFake } from './fake-http.js';
import type { FakeServer, SeenRequest } from './fake-http.js';

const SERVER_ZONE = 'America/Vancouver';

describe('REST schedule and preventions against the simulator', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let client: OscarClient;
  const creds = demoCredentials({});

  before(async () => {
    sim = await startSimulator({ patients: 8, serverTimezone: SERVER_ZONE });
    client = new OscarClient({
      baseUrl: sim.url, timezone: sim.store.timezone,
      oauth: { consumerKey: creds.consumerKey, consumerSecret: creds.consumerSecret, token: creds.accessToken, tokenSecret: creds.accessTokenSecret },
      soap: { userName: creds.soapUserName, password: creds.soapPassword },
    });
  });
  after(async () => { client.close(); await sim.close(); });

  const patientWithAppointments = (): number => {
    const a = sim.store.data.appointments.find((x) => x.demographicNo > 0 && x.status !== 'D');
    assert.ok(a, 'the synthetic clinic has booked patients');
    return a.demographicNo;
  };

  it('appointmentHistory lists the patient’s appointments but status D, newest first', async () => {
    const demo = patientWithAppointments();
    const expected = sim.store.data.appointments.filter((a) => a.demographicNo === demo && a.status !== 'D')
      .sort((a, b) => `${b.appointmentDate}T${b.startTime}`.localeCompare(`${a.appointmentDate}T${a.startTime}`) || b.appointmentNo - a.appointmentNo)
      .map((a) => a.appointmentNo);
    const rows = await client.restAppointmentHistory(demo);
    assert.deepEqual(rows.map((r) => r.id), expected);
  });

  it('maps history rows to the stored wall clock in the clinic zone, though the JVM renders Pacific epoch ms', async () => {
    const cfg = defaultMappingConfig({ timezone: sim.store.timezone });
    assert.notEqual(sim.store.timezone, SERVER_ZONE);
    const rows = await client.restAppointmentHistory(patientWithAppointments());
    assert.ok(rows.length > 0);
    for (const row of rows) {
      const stored = sim.store.appointment(row.id ?? 0);
      assert.ok(stored);
      const a = appointmentFromRest(row, cfg, SERVER_ZONE);
      assert.equal(a.start?.slice(0, 19), `${stored.appointmentDate}T${stored.startTime}`, `appointment ${row.id}`);
      // start and end need no JVM zone (REST-only instances cannot ask SOAP for it)
      const unzoned = appointmentFromRest(row, cfg);
      assert.deepEqual([unzoned.start, unzoned.end], [a.start, a.end]);
      assert.equal(a.meta?.lastUpdated?.slice(0, 19), stored.updateDateTime.replace(' ', 'T').slice(0, 19));
    }
  });

  it('a provider’s day lists that day’s bookings except status C', async () => {
    const a = sim.store.data.appointments.find((x) => x.status !== 'C' && x.status !== 'D');
    assert.ok(a);
    const expected = sim.store.data.appointments
      .filter((x) => x.providerNo === a.providerNo && x.appointmentDate === a.appointmentDate && x.status !== 'C')
      .map((x) => x.appointmentNo).sort((x, y) => x - y);
    const items = await client.restProviderDay(a.providerNo, a.appointmentDate);
    assert.deepEqual(items.map((i) => i.appointmentNo).sort((x, y) => (x ?? 0) - (y ?? 0)), expected);
    const cfg = defaultMappingConfig({ timezone: sim.store.timezone });
    for (const i of items) {
      const stored = sim.store.appointment(i.appointmentNo ?? 0);
      assert.ok(stored);
      // the Pacific JVM's epoch ms, mapped without the JVM zone
      assert.equal(appointmentFromDayItem(i, a.providerNo, cfg).start?.slice(0, 19), `${stored.appointmentDate}T${stored.startTime.slice(0, 5)}:00`);
    }
  });

  it('books through POST /schedule/add: stored end is start + duration − 1 min, read back as the exclusive end', async () => {
    const demo = patientWithAppointments();
    const providerNo = sim.store.data.appointments.find((x) => x.demographicNo === demo)?.providerNo ?? '';
    const cfg = defaultMappingConfig({ timezone: sim.store.timezone });
    const { body, errors } = appointmentToNewAppointment({
      resourceType: 'Appointment', status: 'booked', start: '2031-05-06T10:00:00-04:00', end: '2031-05-06T10:20:00-04:00',
      participant: [{ actor: { reference: `Patient/${demo}` }, status: 'accepted' }, { actor: { reference: `Practitioner/${providerNo}` }, status: 'accepted' }],
    }, defaultMappingConfig({ timezone: 'America/Toronto' }));
    assert.deepEqual(errors, []);
    assert.equal(sim.store.timezone, 'America/Toronto');
    const made = await client.restAddAppointment(body);
    assert.ok(typeof made.id === 'number');
    const row = sim.store.appointment(made.id);
    assert.equal(row?.appointmentDate, '2031-05-06');
    assert.equal(row?.startTime, '10:00:00');
    assert.equal(row?.endTime, '10:19:00');
    const fromAnswer = appointmentFromRest(made, cfg, SERVER_ZONE);
    assert.equal(fromAnswer.start, '2031-05-06T10:00:00-04:00');
    assert.equal(fromAnswer.end, '2031-05-06T10:20:00-04:00');
    const listed = (await client.restAppointmentHistory(demo)).find((r) => r.id === made.id);
    assert.ok(listed);
    assert.equal(appointmentFromRest(listed, cfg, SERVER_ZONE).end, '2031-05-06T10:20:00-04:00');

    const changed = await client.restUpdateAppointmentStatus(made.id, 'C');
    assert.equal(changed?.status, 'C');
    assert.equal(sim.store.appointment(made.id)?.status, 'C');
    await client.restUpdateAppointmentType(made.id, 'Phone');
    assert.equal(sim.store.appointment(made.id)?.type, 'Phone');
  });

  it('reads immunizations and the latest prevention of each type', async () => {
    const p = sim.store.data.preventions.find((x) => x.deleted === '0');
    assert.ok(p);
    const active = await client.restActivePreventions(p.demographicNo);
    assert.ok(active.length > 0);
    assert.ok(active.every((x) => x.demographicId === p.demographicNo));
    const types = active.map((x) => x.preventionType);
    assert.equal(new Set(types).size, types.length, 'one row per type');
    const immunizations = await client.restImmunizations(p.demographicNo);
    const activeIds = new Set(active.map((x) => x.id));
    assert.ok(immunizations.every((x) => activeIds.has(x.id)));
  });

  it('refuses path segments that are not numbers, dates or provider numbers before calling OSCAR', async () => {
    await assert.rejects(client.restProviderDay('../demographics', '2024-03-12'), RangeError);
    await assert.rejects(client.restProviderDay('999998', '2024-03-12/../x'), RangeError);
    await assert.rejects(client.restProviderDay('', '2024-03-12'), RangeError);
    await assert.rejects(client.restAppointmentHistory(1.5), RangeError);
    await assert.rejects(client.restAddAppointment({ providerNo: '1', appointmentDate: '2024-03-12', startTime: '9:00 AM', duration: 15, demographicNo: 1, status: 't' }), RangeError);
  });
});

describe('REST and SOAP give one appointment the same resource (JVM in the clinic zone)', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let client: OscarClient;
  const creds = demoCredentials({});

  before(async () => {
    sim = await startSimulator({ patients: 5 });
    client = new OscarClient({
      baseUrl: sim.url, timezone: sim.store.timezone,
      oauth: { consumerKey: creds.consumerKey, consumerSecret: creds.consumerSecret, token: creds.accessToken, tokenSecret: creds.accessTokenSecret },
      soap: { userName: creds.soapUserName, password: creds.soapPassword },
    });
  });
  after(async () => { client.close(); await sim.close(); });

  it('same ids, statuses, times and end for every row of a patient’s history', async () => {
    const cfg = defaultMappingConfig({ timezone: sim.store.timezone });
    const demo = sim.store.data.appointments.find((x) => x.demographicNo > 0 && x.status !== 'D')?.demographicNo ?? 0;
    const rows = await client.restAppointmentHistory(demo);
    assert.ok(rows.length > 0);
    for (const row of rows) {
      const soap = await client.soapGetAppointment2(row.id ?? 0);
      assert.ok(soap);
      assert.deepEqual(appointmentFromRest(row, cfg), appointmentFromSoap(soap, cfg), `appointment ${row.id}`);
    }
  });

  it('reads by id over REST to the same resource, and an unknown id is a failure, never "not found" (contract 3.8)', async () => {
    const cfg = defaultMappingConfig({ timezone: sim.store.timezone });
    const a = sim.store.data.appointments.find((x) => x.demographicNo > 0 && x.status !== 'D');
    assert.ok(a);
    const [rest, soap] = [await client.restGetAppointment(a.appointmentNo), await client.soapGetAppointment2(a.appointmentNo)];
    assert.ok(rest && soap);
    assert.deepEqual(appointmentFromRest(rest, cfg), appointmentFromSoap(soap, cfg));
    await assert.rejects(client.restGetAppointment(999_999), OscarFaultError);
  });
});

describe('POST /schedule/getAppointment (fake server: the simulator does not serve it yet)', () => {
  let server: FakeServer;
  let seen: SeenRequest | undefined;
  let status = 200;
  let client: OscarClient;
  const appointment = { id: 555, providerNo: '999998', appointmentDate: 1710216000000, startTime: '09:00:00', endTime: '09:14:00', demographicNo: 1001, status: 't', demographic: { demographicNo: 1001 }, provider: { providerNo: '999998' } };

  before(async () => {
    server = await startFake((req, res) => {
      seen = req;
      if (status !== 200) { res.writeHead(status, { 'Content-Type': 'text/html' }).end('<html>Looks like something went wrong...</html>'); return; }
      sendJson(res, 200, { appointment, statuses: null, types: null, reasons: null, appointments: null });
    });
    client = new OscarClient({ baseUrl: server.base, timezone: 'America/Toronto', oauth: { consumerKey: 'k', consumerSecret: 's', token: 't', tokenSecret: 'ts' }, soap: { userName: 'u', password: 'p' }, retries: 0, timeoutMs: 2000 });
  });
  after(async () => { client.close(); await server.close(); });

  it('posts {"id"} as JSON and returns the appointment of the SchedulingResponse', async () => {
    status = 200;
    const a = await client.restGetAppointment(555);
    assert.equal(a?.id, 555);
    assert.equal(seen?.method, 'POST');
    assert.equal(seen?.url, '/oscar/ws/services/schedule/getAppointment');
    assert.equal(seen?.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(seen?.body ?? ''), { id: 555 });
  });

  it('an unknown id is OSCAR’s 500 error page: a failure, never "not found"', async () => {
    status = 500;
    await assert.rejects(client.restGetAppointment(999_999), OscarFaultError);
  });
});
