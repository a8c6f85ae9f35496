// Juno's own calls against the simulator's Juno variant (SOAP namespace
// http://v1.soap.external.ws.oscarehr.org/, integrator REST at /ws/services/v1): contract 3.10, 4.13.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OscarClient } from '../../src/oscar/client.js';
import { OscarFaultError } from '../../src/oscar/errors.js';
import { startSimulator } from '../../src/sim/server.js';
import { demoCredentials } from '../../src/sim/options.js';
import { defaultMappingConfig } from '../../src/resources/mapping-config.js';
import { patientFromSoap } from '../../src/resources/patient/mapper.js';
import { junoTransferFor, patientFromJunoRest } from '../../src/resources/patient/juno-mapper.js';
import { junoDocumentUpload } from '../../src/resources/documentreference/juno-mapper.js';

describe('Juno calls against the simulator (variant juno)', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let client: OscarClient;
  const creds = demoCredentials({});

  before(async () => {
    sim = await startSimulator({ patients: 6, variant: 'juno' });
    client = new OscarClient({
      baseUrl: sim.url, timezone: sim.store.timezone,
      oauth: { consumerKey: creds.consumerKey, consumerSecret: creds.consumerSecret, token: creds.accessToken, tokenSecret: creds.accessTokenSecret },
      soap: { userName: creds.soapUserName, password: creds.soapPassword },
    });
  });
  after(async () => { client.close(); await sim.close(); });

  const someone = () => {
    const d = sim.store.data.demographics.find((x) => x.hin && x.yearOfBirth && x.monthOfBirth && x.dateOfBirth);
    assert.ok(d);
    return d;
  };

  it('reads a demographic over /v1 with ISO dates, and finds it by name', async () => {
    const d = someone();
    const v1 = await client.restV1GetDemographic(d.demographicNo);
    assert.equal(v1?.lastName, d.lastName);
    assert.equal(v1?.dateOfBirth, `${d.yearOfBirth}-${d.monthOfBirth}-${d.dateOfBirth}`);
    assert.equal(await client.restV1GetDemographic(999_999), undefined, 'Juno\'s 400 "Invalid Demographic Number"');
    const page = await client.restV1SearchDemographics({ lastName: d.lastName, perPage: 100 });
    assert.ok(page.rows.some((r) => r.demographicNo === d.demographicNo));
    assert.equal(page.total, sim.store.data.demographics.filter((x) => x.lastName.toUpperCase().startsWith(d.lastName.toUpperCase())).length);
  });

  it('creates over /v1 and reads the new record back', async () => {
    const id = await client.restV1CreateDemographic({ firstName: 'ANA', lastName: 'ZED', sex: 'F', dateJoined: '2024-01-01', dateOfBirth: '1990-02-03' });
    const row = sim.store.demographic(id);
    assert.deepEqual([row?.lastName, row?.yearOfBirth, row?.monthOfBirth, row?.dateOfBirth], ['ZED', '1990', '02', '03']);
  });

  it('uploads a mapped DocumentReference over /v1 and files it in the patient’s chart', async () => {
    const d = someone();
    const { body, demographicNo, errors } = junoDocumentUpload({
      resourceType: 'DocumentReference', status: 'current', type: { coding: [{ system: 'http://loinc.org', code: '11502-2' }] },
      subject: { reference: `Patient/${d.demographicNo}` }, description: 'CBC results',
      content: [{ attachment: { contentType: 'application/pdf', data: 'JVBERi0xLjQKJQ==', title: 'cbc.pdf' } }],
    }, creds.providerNo, defaultMappingConfig({ timezone: sim.store.timezone }));
    assert.deepEqual(errors, []);
    const docNo = await client.restV1PostDocument(body);
    await client.restV1AssignDocument(demographicNo ?? 0, docNo);
    assert.ok(sim.store.data.ctlDocuments.some((c) => c.documentNo === docNo && c.moduleId === d.demographicNo));
    assert.equal(sim.store.document(docNo)?.docdesc, 'CBC results');
  });

  it('SOAP in Juno\'s namespace: find by health number, add, replace, cancel', async () => {
    const d = someone();
    assert.equal((await client.soapGetDemographicByHealthNumber(d.hin ?? '', d.ver ?? undefined))?.demographicNo, d.demographicNo);
    const id = await client.soapAddDemographic({ firstName: 'BOB', lastName: 'ZED', sex: 'M', yearOfBirth: '1980', monthOfBirth: '01', dateOfBirth: '17' }, { remoteId: 'r-1', integrationType: 'FHIR' });
    assert.equal(sim.store.demographic(id)?.firstName, 'BOB');
    const current = await client.soapGetDemographic(id);
    assert.ok(current);
    await client.soapUpdateDemographic({ ...current, demographicNo: id, email: 'bob@example.org' });
    assert.equal(sim.store.demographic(id)?.email, 'bob@example.org');
    assert.equal(sim.store.demographic(id)?.firstName, 'BOB', 'the merged whole record kept the other fields');
    const appt = sim.store.data.appointments.find((a) => a.status !== 'C' && a.status !== 'D');
    assert.ok(appt);
    await client.soapCancelAppointment(appt.appointmentNo);
    assert.equal(sim.store.appointment(appt.appointmentNo)?.status, 'C');
  });

  it('Juno refuses a SOAP add with a sex other than M or F (contract 4.13)', async () => {
    await assert.rejects(client.soapAddDemographic({ firstName: 'C', lastName: 'ZED', sex: 'U', yearOfBirth: '1980', monthOfBirth: '01', dateOfBirth: '17' }), OscarFaultError);
  });

  it('a patient reads the same over /v1 and over SOAP (but for the day-only lastUpdated), and a mapped Patient is accepted by SOAP add', async () => {
    const cfg = defaultMappingConfig({ timezone: sim.store.timezone });
    const full = sim.store.data.demographics.filter((d) => d.yearOfBirth && d.monthOfBirth && d.dateOfBirth);
    assert.ok(full.length >= 3);
    for (const d of full.slice(0, 5)) {
      const v1 = await client.restV1GetDemographic(d.demographicNo);
      const soap = await client.soapGetDemographic(d.demographicNo);
      assert.ok(v1 && soap);
      const { meta: _m1, ...fromRest } = patientFromJunoRest(v1, cfg);
      const { meta: _m2, ...fromSoap } = patientFromSoap(soap, cfg);
      assert.deepEqual(fromRest, fromSoap, `demographic ${d.demographicNo}`);
    }
    // contract 3.10: a partial birth date is no LocalDate, so /v1 gives none.
    const partial = sim.store.data.demographics.find((d) => d.yearOfBirth && !d.dateOfBirth);
    if (partial) {
      const v1 = await client.restV1GetDemographic(partial.demographicNo);
      assert.ok(v1);
      assert.equal(patientFromJunoRest(v1, cfg).birthDate, undefined);
    }
    const { value, errors } = junoTransferFor({ resourceType: 'Patient', name: [{ family: 'YU', given: ['LI'] }], gender: 'female', birthDate: '1975-06-30' }, undefined, cfg);
    assert.deepEqual(errors, []);
    const id = await client.soapAddDemographic(value);
    const row = sim.store.demographic(id);
    assert.deepEqual([row?.lastName, row?.firstName, row?.sex, row?.yearOfBirth, row?.monthOfBirth, row?.dateOfBirth], ['YU', 'LI', 'F', '1975', '06', '30']);
  });
});
