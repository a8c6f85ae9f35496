// Juno's own SOAP operations and its IP allow-list (variants §3 card H, Appendix A "H", B8).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { JUNO_NS, soap } from '../sim-deploy/wire.js';

const ret = (xml: string): string | undefined => /<return>([^<]*)<\/return>/.exec(xml)?.[1];
const juno = (sim: Simulator, service: string, op: string, args = '', signedCall = true) =>
  soap(sim, service, op, args, { ns: JUNO_NS, signed: signedCall });

describe('Juno SOAP operations', () => {
  let sim: Simulator;
  before(async () => { sim = await startSimulator({ patients: 30, variant: 'juno' }); });
  after(async () => { await sim.close(); });

  it('addDemographic stores a patient and returns its number; getDemographicByHealthNumber finds it', async () => {
    const t = '<arg0><firstName>ADA</firstName><lastName>LOVELACE</lastName><sex>F</sex><yearOfBirth>1985</yearOfBirth>'
      + '<monthOfBirth>12</monthOfBirth><dateOfBirth>10</dateOfBirth><hin>1112223339</hin><ver>AB</ver><hcType>ON</hcType></arg0>';
    const added = await juno(sim, 'DemographicService', 'addDemographic', t);
    assert.equal(added.status, 200, added.body);
    const id = Number(ret(added.body));
    assert.equal(sim.store.demographic(id)?.lastName, 'LOVELACE');
    const found = await juno(sim, 'DemographicService', 'getDemographicByHealthNumber', '<arg0>1112223339</arg0><arg1>AB</arg1>');
    assert.ok(found.body.startsWith(`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ns2:getDemographicByHealthNumberResponse xmlns:ns2="${JUNO_NS}"><return>`));
    assert.ok(found.body.includes(`<demographicNo>${id}</demographicNo>`));
    const dup = await juno(sim, 'DemographicService', 'addDemographic', t);
    assert.equal(dup.status, 500);
    assert.ok(dup.body.includes('<faultstring>Duplicate Hin</faultstring>'));
  });

  it('addDemographic refuses what validateDemographic refuses, with the Exception fault detail', async () => {
    const r = await juno(sim, 'DemographicService', 'addDemographic', '<arg0><firstName>X</firstName><lastName>Y</lastName><sex>T</sex>'
      + '<yearOfBirth>1985</yearOfBirth><monthOfBirth>1</monthOfBirth><dateOfBirth>1</dateOfBirth></arg0>');
    assert.equal(r.status, 500);
    assert.ok(r.body.includes('<faultstring>sex must be either "M" or "F".  </faultstring>'));
    assert.ok(r.body.includes(`<detail><ns1:Exception xmlns:ns1="${JUNO_NS}"><message>sex must be either "M" or "F".  </message></ns1:Exception></detail>`));
    const withId = await juno(sim, 'DemographicService', 'addDemographic', '<arg0><demographicNo>5</demographicNo></arg0>');
    assert.ok(withId.body.includes('<faultstring>Demographic number can not be specified on creation. It is automatically generated.</faultstring>'));
  });

  it('updateDemographic replaces the whole record and needs an existing number', async () => {
    Object.assign(sim.store.demographic(1001) ?? {}, { email: 'jane@example.org' });
    const r = await juno(sim, 'DemographicService', 'updateDemographic', '<arg0><demographicNo>1001</demographicNo><firstName>JANE</firstName>'
      + '<lastName>DOE</lastName><sex>F</sex><yearOfBirth>1980</yearOfBirth><monthOfBirth>1</monthOfBirth><dateOfBirth>2</dateOfBirth></arg0>');
    assert.equal(r.status, 200, r.body);
    assert.deepEqual([sim.store.demographic(1001)?.email, sim.store.demographic(1001)?.monthOfBirth], [null, '01']);
    const missing = await juno(sim, 'DemographicService', 'updateDemographic', '<arg0><firstName>A</firstName></arg0>');
    assert.ok(missing.body.includes('<faultstring>You must specify a demographic number.</faultstring>'));
    const unknown = await juno(sim, 'DemographicService', 'updateDemographic', '<arg0><demographicNo>999999</demographicNo></arg0>');
    assert.ok(unknown.body.includes("<faultstring>Demographic 999999 doesn't exist.</faultstring>"));
  });

  it('fills the cell phone on every DemographicTransfer, search answers included', async () => {
    const cell = sim.store.data.demographicExts.find((e) => e.key === 'demo_cell' && e.value);
    assert.ok(cell, 'the generated clinic has a cell phone');
    const last = sim.store.demographic(cell.demographicNo)?.lastName ?? '';
    const r = await juno(sim, 'DemographicService', 'searchDemographicByName', `<arg0>${last}</arg0><arg1>0</arg1><arg2>50</arg2>`);
    assert.ok(r.body.includes(`<cellPhone>${cell.value}</cellPhone>`), r.body.slice(0, 400));
  });

  it('getDemographicByHealthNumber refuses an empty number', async () => {
    const r = await juno(sim, 'DemographicService', 'getDemographicByHealthNumber', '<arg0></arg0>');
    assert.ok(r.body.includes('<faultstring>null or empty health numbers are not permitted</faultstring>'));
  });

  it('cancelAppointment sets the status to C', async () => {
    const appt = sim.store.data.appointments[0];
    assert.ok(appt);
    const r = await juno(sim, 'ScheduleService', 'cancelAppointment', `<arg0>${appt.appointmentNo}</arg0>`);
    assert.equal(r.body, `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ns2:cancelAppointmentResponse xmlns:ns2="${JUNO_NS}"/></soap:Body></soap:Envelope>`);
    assert.equal(sim.store.appointment(appt.appointmentNo)?.status, 'C');
  });
});

describe('SIM_IP_ALLOWLIST=deny (juno only)', () => {
  let sim: Simulator;
  before(async () => { sim = await startSimulator({ patients: 5, variant: 'juno', ipAllowlist: 'deny' }); });
  after(async () => { await sim.close(); });

  const FAULT = '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>'
    + '<faultcode xmlns:ns1="http://www.w3.org/2003/05/soap-envelope">ns1:Server</faultcode>'
    + '<faultstring>Unauthorized IP Address (127.0.0.1)</faultstring></soap:Fault></soap:Body></soap:Envelope>';

  it('faults every SOAP call, LoginService and SystemInfoService included, before WS-Security', async () => {
    for (const [service, op, args, signedCall] of [
      ['LoginService', 'login2', '<arg0>oscardoc</arg0><arg1>mac2002</arg1>', false], ['SystemInfoService', 'isAlive', '', false],
      ['DemographicService', 'getDemographic', '<arg0>1001</arg0>', true], ['DemographicService', 'getDemographic', '<arg0>1001</arg0>', false],
    ] as const) {
      const r = await juno(sim, service, op, args, signedCall);
      assert.deepEqual([r.status, r.body], [500, FAULT], `${service}.${op}`);
    }
  });

  it('still serves the WSDL (CXF answers ?wsdl before the in-interceptors run)', async () => {
    const r = await fetch(`${sim.url}/ws/DemographicService?wsdl`);
    assert.equal(r.status, 200);
  });

  it('is refused on every other variant', async () => {
    await assert.rejects(startSimulator({ patients: 5, variant: 'openo', ipAllowlist: 'deny' }), /needs variant "juno"/);
  });
});
