// Service semantics of the SOAP simulator, exercised through the `soap` package against the
// served WSDLs (an independent client): DST-aware xs:dateTime, useGMTTime, the inclusive
// appointment end, consent gates versus the recommended calls, deleted/archived rows, documents
// and list limits (contract 4.5–4.10, 7.8–7.13).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as soap from 'soap';
import { startSim } from './fixture.js';
import type { RunningSim } from './fixture.js';

let sim: RunningSim;
before(async () => { sim = await startSim(); });
after(async () => { await sim.close(); });

// Keep xs:dateTime as the wire text so offsets can be asserted.
const keepText = { customDeserializer: { dateTime: (t: string): string => t, unsignedShort: (t: string): number => Number(t) } };

type Rec = Record<string, unknown>;

async function clientFor(service: string, user = '128', password = 'mac2002'): Promise<soap.Client> {
  const client = await soap.createClientAsync(`${sim.ws}/${service}?wsdl`, keepText);
  client.setSecurity(new soap.WSSecurity(user, password, { passwordType: 'PasswordText', hasTimeStamp: false, hasTokenCreated: false }));
  return client;
}

/** Calls an operation and returns its `return` as a list (absent → []). */
async function list(client: soap.Client, op: string, args: Rec): Promise<Rec[]> {
  const fn = client[`${op}Async`] as (a: Rec) => Promise<[Rec | null]>;
  const [result] = await fn(args);
  const ret = result?.return;
  return ret === undefined || ret === null ? [] : Array.isArray(ret) ? (ret as Rec[]) : [ret as Rec];
}

/** The faultstring of a call expected to fail. */
async function faultOf(client: soap.Client, op: string, args: Rec): Promise<string> {
  const fn = client[`${op}Async`] as (a: Rec) => Promise<unknown>;
  try {
    await fn(args);
  } catch (e) {
    const fault = (e as { root?: { Envelope?: { Body?: { Fault?: { faultstring?: string } } } } }).root?.Envelope?.Body?.Fault;
    return String(fault?.faultstring);
  }
  throw new Error(`${op} did not fault`);
}

const EPOCH = '1970-01-01T00:00:00Z';

describe('ScheduleService', () => {
  it('renders appointment times with the offset in force on each side of the 2024-03-10 DST change', async () => {
    const c = await clientFor('ScheduleService');
    const appts = await list(c, 'getAppointmentsForPatient2', { arg0: 1001, arg1: 0, arg2: 10, arg3: false });
    assert.deepEqual(appts.map((a) => a.id), [502, 501]); // ORDER BY appointment_date DESC
    assert.equal(appts[0]?.appointmentStartDateTime, '2024-03-11T09:00:00-04:00');
    assert.equal(appts[0]?.appointmentEndDateTime, '2024-03-11T09:14:00-04:00'); // stored inclusive end, unadjusted
    assert.equal(appts[1]?.appointmentStartDateTime, '2024-03-09T09:00:00-05:00');
    assert.equal(appts[1]?.createDateTime, '2024-03-01T08:00:00-05:00');
    const gmt = await list(c, 'getAppointmentsForPatient2', { arg0: 1001, arg1: 0, arg2: 10, arg3: true });
    assert.equal(gmt[0]?.appointmentStartDateTime, '2024-03-11T13:00:00Z');
    assert.equal(gmt[1]?.appointmentStartDateTime, '2024-03-09T14:00:00Z');
    assert.equal(gmt[1]?.bookingSource, undefined);
    assert.equal(gmt[1]?.type, ''); // Appointment.getType() turns null into ""
  });

  it('lists a provider day without cancelled appointments', async () => {
    const c = await clientFor('ScheduleService');
    const day = await list(c, 'getAppointmentsForProvider2', { arg0: '999998', arg1: '2024-03-11T00:00:00-04:00', arg2: false });
    assert.deepEqual(day.map((a) => a.id), [502]);
  });

  it('stores addAppointment end minus 1 ms, truncated to seconds, and stamps the caller', async () => {
    const c = await clientFor('ScheduleService');
    const [added] = await c.addAppointmentAsync({
      arg0: {
        appointmentEndDateTime: '2024-03-10T10:20:00-04:00', appointmentStartDateTime: '2024-03-10T10:00:00-04:00',
        demographicNo: 1001, name: 'DOE,JANE', providerNo: '999998', reason: 'Flu shot', status: 't',
      },
    });
    const id = added.return as number;
    const row = sim.store.appointment(id);
    assert.ok(row);
    assert.deepEqual([row.appointmentDate, row.startTime, row.endTime], ['2024-03-10', '10:00:00', '10:19:59']);
    assert.equal(row.creator, 'oscardoc');
    assert.equal(row.creatorSecurityId, 128);
    const [got] = await c.getAppointment2Async({ arg0: id, arg1: false });
    assert.equal(got.return.appointmentEndDateTime, '2024-03-10T10:19:59-04:00');
    assert.equal(got.return.appointmentStartDateTime, '2024-03-10T10:00:00-04:00');

    // updateAppointment copies every property, so what the client leaves out is cleared.
    await c.updateAppointmentAsync({
      arg0: {
        appointmentEndDateTime: '2024-03-10T10:30:00-04:00', appointmentStartDateTime: '2024-03-10T10:00:00-04:00',
        demographicNo: 1001, id, name: 'DOE,JANE', providerNo: '999998', status: 'H',
      },
    });
    assert.deepEqual([row.status, row.endTime, row.reason, row.lastUpdateUser], ['H', '10:29:59', '', '999998']);
    assert.match(await faultOf(c, 'updateAppointment', { arg0: { id: 987654, providerNo: '999998' } }), /^Target must not be null$/);
  });

  it('gates getAppointmentsByDemographicIdAfter on consent while getAppointmentsForPatient2 returns data', async () => {
    const c = await clientFor('ScheduleService');
    assert.deepEqual(await list(c, 'getAppointmentsByDemographicIdAfter', { lastUpdate: EPOCH, demographicId: 1001, useGMTTime: false }), []);
    assert.ok((await list(c, 'getAppointmentsForPatient2', { arg0: 1001, arg1: 0, arg2: 10, arg3: false })).length >= 2);
    const consenting = await clientFor('ScheduleService', '131', 'pw131');
    const gated = await list(consenting, 'getAppointmentsByDemographicIdAfter', { lastUpdate: EPOCH, demographicId: 1001, useGMTTime: true });
    assert.ok(gated.length >= 2);
    assert.match(String(gated[0]?.updateDateTime), /Z$/);
  });

  it('faults above the 5000-row limit', async () => {
    const c = await clientFor('ScheduleService');
    assert.equal(await faultOf(c, 'getAppointmentsUpdatedAfterDate', { arg0: EPOCH, arg1: 5001, arg2: false }), 'Requested too large of a result list size : 5001');
    assert.ok((await list(c, 'getAppointmentsUpdatedAfterDate', { arg0: EPOCH, arg1: 5000, arg2: false })).length >= 3);
  });
});

describe('AllergyService', () => {
  it('returns archived allergies (no archived flag) through the ungated call only', async () => {
    const doc = await clientFor('AllergyService');
    const all = await list(doc, 'getAllergiesByProgramProviderDemographicDate', { arg0: 0, arg1: 'ignored', arg2: 1001, arg3: EPOCH, arg4: 100 });
    assert.deepEqual(all.map((a) => a.id), [7, 8]);
    assert.ok(!('archived' in (all[1] ?? {})));
    assert.equal(all[0]?.entryDate, '2021-06-01T00:00:00-04:00');
    assert.equal(all[1]?.lastUpdateDate, '2022-02-10T14:02:11-05:00');
    assert.deepEqual(await list(doc, 'getAllergiesByDemographicIdAfter', { lastUpdate: EPOCH, demographicId: 1001 }), []);
    const consenting = await clientFor('AllergyService', '131', 'pw131');
    assert.equal((await list(consenting, 'getAllergiesByDemographicIdAfter', { lastUpdate: EPOCH, demographicId: 1001 })).length, 2);
    assert.deepEqual(await list(consenting, 'getAllergiesByDemographicIdAfter', { lastUpdate: EPOCH, demographicId: 1002 }), []);
  });

  it('compares dates exclusively on …ByProgramProviderDemographicDate and inclusively on …UpdatedAfterDate', async () => {
    const c = await clientFor('AllergyService');
    const at = '2022-02-10T14:02:11-05:00'; // allergy 8's lastUpdateDate
    assert.deepEqual((await list(c, 'getAllergiesByProgramProviderDemographicDate', { arg2: 1001, arg3: at, arg4: 10 })).map((a) => a.id), []);
    assert.deepEqual((await list(c, 'getAllergiesUpdatedAfterDate', { arg0: at, arg1: 10 })).map((a) => a.id), [8]);
    assert.equal(await faultOf(c, 'getAllergiesUpdatedAfterDate', { arg0: EPOCH, arg1: 6000 }), 'Requested too large of a result list size : 6000');
  });
});

describe('PreventionService', () => {
  it('omits deleted rows from getPreventionsByDemographicIdAfter and renders refused only for "1"', async () => {
    const c = await clientFor('PreventionService');
    const rows = await list(c, 'getPreventionsByDemographicIdAfter', { lastUpdate: EPOCH, demographicId: 1001 });
    assert.deepEqual(rows.map((p) => p.id), [42, 44, 45]);
    assert.deepEqual(rows.map((p) => p.refused), [false, true, false]); // '2' (ineligible) looks "given"
    const exts = rows[0]?.preventionExts as Rec[];
    assert.deepEqual(exts.map((e) => [e.key, e.value]), [['lot', 'AB1234'], ['route', 'IM']]);
    assert.equal(rows[0]?.preventionDate, '2023-10-11T00:00:00-04:00');
  });

  it('shows deleted rows through getPrevention and getPreventionsUpdatedAfterDate', async () => {
    const c = await clientFor('PreventionService');
    const [one] = await c.getPreventionAsync({ arg0: 43 });
    assert.equal(one.return.deleted, true);
    const updated = await list(c, 'getPreventionsUpdatedAfterDate', { arg0: EPOCH, arg1: 100 });
    assert.ok(updated.some((p) => p.id === 43 && p.deleted === true));
  });
});

describe('DocumentService', () => {
  it('returns status as the char code, inlines the file and skips documents whose file is missing', async () => {
    const consenting = await clientFor('DocumentService', '131', 'pw131');
    const docs = await list(consenting, 'getDocumentsByDemographicIdAfter', { lastUpdate: EPOCH, demographicId: 1001 });
    assert.deepEqual(docs.map((d) => [d.documentNo, d.status]), [[300, 65], [301, 68]]);
    assert.equal(docs[0]?.fileContents, 'JVBERi0xLjQKJQ==');
    assert.equal(docs[0]?.observationdate, '2024-03-11T00:00:00-04:00');
    assert.equal(docs[0]?.ctlModule, 'demographic');
  });

  it('gates getDocumentsByDemographicIdAfter when the clinic has a consent type the caller lacks', async () => {
    const c = await clientFor('DocumentService');
    assert.deepEqual(await list(c, 'getDocumentsByDemographicIdAfter', { lastUpdate: EPOCH, demographicId: 1001 }), []);
    const byProvider = await list(c, 'getDocumentsByProgramProviderDemographicDate', { arg0: 10034, arg1: '999998', arg2: 1001, arg3: EPOCH, arg4: 100 });
    assert.deepEqual(byProvider.map((d) => d.documentNo), [300, 301]);
  });

  it('shows provider-module documents only in getDocumentsUpdateAfterDate, and faults getDocument on a missing file', async () => {
    const c = await clientFor('DocumentService');
    const all = await list(c, 'getDocumentsUpdateAfterDate', { arg0: EPOCH, arg1: 100 });
    assert.deepEqual(all.map((d) => d.documentNo), [300, 301, 302]);
    assert.equal(all[2]?.ctlModule, 'provider');
    assert.equal(await faultOf(c, 'getDocument', { arg0: 303 }), 'java.nio.file.NoSuchFileException: /var/lib/OscarDocument/oscar/document/lost.pdf');
  });
});

describe('DemographicService', () => {
  it('searches by "Last[,First]" prefix across all statuses, with paging', async () => {
    const c = await clientFor('DemographicService');
    assert.deepEqual((await list(c, 'searchDemographicByName', { arg0: 'doe', arg1: 0, arg2: 10 })).map((d) => d.demographicNo), [1001, 1003]);
    assert.deepEqual((await list(c, 'searchDemographicByName', { arg0: 'DOE,ja', arg1: 0, arg2: 10 })).map((d) => d.demographicNo), [1001]);
    assert.deepEqual((await list(c, 'searchDemographicByName', { arg0: 'doe', arg1: 1, arg2: 10 })).map((d) => d.demographicNo), [1003]);
    assert.deepEqual((await list(c, 'searchDemographicByName', { arg0: 'smith', arg1: 0, arg2: 10 })).map((d) => d.patientStatus), ['IN']);
  });

  it('searches by attributes and requires at least one criterion', async () => {
    const c = await clientFor('DemographicService');
    assert.deepEqual((await list(c, 'searchDemographicsByAttributes', { arg5: 'TTA', arg10: 0, arg11: 10 })).map((d) => d.demographicNo), [1003]);
    assert.deepEqual((await list(c, 'searchDemographicsByAttributes', { arg4: '1980-01-17T00:00:00Z', arg10: 0, arg11: 10 })).map((d) => d.demographicNo), [1001]);
    assert.equal(await faultOf(c, 'searchDemographicsByAttributes', { arg10: 0, arg11: 10 }), 'at least one parameter must be present');
  });

  it('getActiveDemographicsAfter is exclusive, AC only, and its projection copies phone2 into phone', async () => {
    const c = await clientFor('DemographicService');
    const rows = await list(c, 'getActiveDemographicsAfter', { lastUpdate: '2024-03-08T10:00:00-05:00', fields: 'demographicNo,phone2' });
    assert.deepEqual(rows, [{ demographicNo: 1003, phone: '613-555-0123' }]);
  });

  it('getDemographics returns the known ids in key order; getDemographic2 has no ext fields', async () => {
    const c = await clientFor('DemographicService');
    assert.deepEqual((await list(c, 'getDemographics', { arg0: [1003, 1001, 77] })).map((d) => d.demographicNo), [1001, 1003]);
    const [two] = await c.getDemographic2Async({ arg0: 1001 });
    assert.equal(two.return.cellPhone, undefined);
    assert.equal(two.return.middleNames, 'Q');
    const [one] = await c.getDemographicAsync({ arg0: 1001 });
    assert.equal(one.return.cellPhone, '647-555-0199');
  });
});

describe('ProviderService', () => {
  it('returns the logged-in provider', async () => {
    const c = await clientFor('ProviderService');
    const [me] = await c.getLoggedInProviderTransferAsync({});
    assert.equal(me.return.providerNo, '999998');
    assert.equal(me.return.dob, '1970-01-01T00:00:00-05:00');
  });
});
