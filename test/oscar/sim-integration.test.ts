// The client against the real simulator over HTTP: OAuth-signed REST, WS-Security SOAP, and the
// login2 token dying with a server restart (contract 7.18).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OscarClient } from '../../src/oscar/client.js';
import { OscarAuthError, OscarUnavailableError } from '../../src/oscar/errors.js';
import { startSimulator } from '../../src/sim/server.js';
import { demoCredentials } from '../../src/sim/options.js';

describe('OscarClient against the simulator', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let client: OscarClient;
  const creds = demoCredentials({});
  let patientNo = 0;
  let lastName = '';

  before(async () => {
    sim = await startSimulator();
    const timezone = sim.store.timezone;
    client = new OscarClient({
      baseUrl: sim.url, timezone,
      oauth: { consumerKey: creds.consumerKey, consumerSecret: creds.consumerSecret, token: creds.accessToken, tokenSecret: creds.accessTokenSecret },
      soap: { userName: creds.soapUserName, password: creds.soapPassword },
    });
    // A patient with a complete birth date (contract 7.23: partial ones break the REST read).
    const row = sim.store.data.demographics.find((d) => d.yearOfBirth && d.monthOfBirth && d.dateOfBirth);
    assert.ok(row, 'the synthetic clinic has patients');
    patientNo = row.demographicNo;
    lastName = row.lastName;
  });
  after(async () => { client.close(); await sim.close(); });

  it('reads a demographic over OAuth-signed REST with the demo credentials', async () => {
    const d = await client.restGetDemographicBasic(patientNo);
    assert.equal(d?.demographicNo, patientNo);
    assert.equal(d?.lastName, lastName);
    assert.equal((await client.restOauthInfo()).login, creds.providerNo);
  });

  it('reads the same demographic over SOAP, dates kept as xs:dateTime strings', async () => {
    const d = await client.soapGetDemographic(patientNo);
    assert.equal(d?.demographicNo, patientNo);
    assert.equal(d?.lastName, lastName);
    if (d?.lastUpdateDate !== undefined) assert.match(d.lastUpdateDate, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$/);
    assert.equal(await client.soapGetDemographic(999_999_999), undefined);
  });

  it('logs in again transparently after the simulator restarts (token invalidated)', async () => {
    await client.soapGetDemographic(patientNo);
    const before = client.login2Count;
    assert.ok(before >= 1);
    await sim.restart();
    const d = await client.soapGetDemographic(patientNo);
    assert.equal(d?.demographicNo, patientNo);
    assert.equal(client.login2Count, before + 1);
  });

  it('answers every SOAP read the FHIR layer uses, with arrays and typed values', async () => {
    const d = sim.store.data;
    const appt = d.appointments.find((a) => a.demographicNo === patientNo) ?? d.appointments[0];
    const prevention = d.preventions[0];
    const allergy = d.allergies[0];
    const doc = d.documents[0];
    assert.ok(appt && prevention && allergy && doc);
    assert.equal((await client.soapGetDemographic2(patientNo))?.demographicNo, patientNo);
    assert.deepEqual((await client.soapGetDemographics([patientNo])).map((x) => x.demographicNo), [patientNo]);
    assert.ok((await client.soapSearchDemographicsByAttributes({ lastName })).some((x) => x.demographicNo === patientNo));
    assert.ok((await client.soapGetActiveDemographicsAfter(null, ['demographicNo'])).length > 0);
    assert.equal((await client.soapGetAppointment2(appt.appointmentNo))?.id, appt.appointmentNo);
    assert.ok(Array.isArray(await client.soapGetAppointmentsForPatient2(patientNo, 0, 10)));
    assert.ok(Array.isArray(await client.soapGetAppointmentsUpdatedAfterDate(0, 5)));
    assert.equal((await client.soapGetAllergy(allergy.allergyId))?.id, allergy.allergyId);
    assert.ok((await client.soapGetAllergiesByProgramProviderDemographicDate(allergy.demographicNo, 0, 50)).length > 0);
    const p = await client.soapGetPrevention(prevention.id);
    assert.equal(p?.id, prevention.id);
    assert.equal(typeof p?.deleted, 'boolean');
    assert.ok(Array.isArray(p?.preventionExts));
    assert.ok((await client.soapGetPreventionsByDemographicIdAfter(prevention.demographicNo)).every((x) => Array.isArray(x.preventionExts)));
    const document = await client.soapGetDocument(doc.documentNo);
    assert.equal(document?.documentNo, doc.documentNo);
    assert.ok(document?.status === 65 || document?.status === 68);
    assert.ok((await client.soapGetProviders2(null)).some((x) => x.providerNo === creds.providerNo));
    assert.deepEqual(await client.probe(), { soap: 'ok', rest: 'ok' });
  });

  it('books over SOAP and reads the booking back with its wire offsets', async () => {
    const appt = sim.store.data.appointments[0];
    assert.ok(appt);
    const id = await client.soapAddAppointment({
      providerNo: appt.providerNo, demographicNo: patientNo, status: 't', reason: 'client test',
      appointmentStartDateTime: '2030-03-20T10:30:00-04:00', appointmentEndDateTime: '2030-03-20T10:45:00-04:00',
    });
    const back = await client.soapGetAppointment2(id);
    assert.equal(back?.appointmentStartDateTime, '2030-03-20T10:30:00-04:00');
    assert.equal(back?.demographicNo, patientNo);
  });

  it('retries a read through a dropped connection but sends a write only once', async () => {
    const rule = sim.faults.add({ match: { path: '/ws/services/demographics' }, mode: 'reset', times: 1 });
    assert.equal((await client.restGetDemographicBasic(patientNo))?.demographicNo, patientNo);
    sim.faults.remove(rule);
    const before = sim.store.data.demographics.length;
    sim.faults.add({ match: { path: '/ws/services/demographics', method: 'POST' }, mode: 'reset', times: 1 });
    await assert.rejects(client.restCreateDemographic({ firstName: 'ONCE', lastName: 'ONLY', sex: 'F', dobYear: '1990', dobMonth: '01', dobDay: '01' }),
      (e: unknown) => e instanceof OscarUnavailableError && e.reason === 'connection');
    assert.equal(sim.store.data.demographics.length, before, 'the write was not retried into a duplicate');
  });

  it('reports a wrong OAuth secret as OscarAuthError naming the OAuth problem', async () => {
    const bad = new OscarClient({
      baseUrl: sim.url, timezone: sim.store.timezone,
      oauth: { consumerKey: creds.consumerKey, consumerSecret: 'wrong', token: creds.accessToken, tokenSecret: creds.accessTokenSecret },
      soap: { userName: creds.soapUserName, password: creds.soapPassword }, retries: 0,
    });
    await assert.rejects(bad.restGetDemographicBasic(patientNo), (e: unknown) => e instanceof OscarAuthError && e.cause === 'invalid_signature');
    bad.close();
  });
});
