// Years 0-99 are the years written in the simulator, as in OSCAR's Java (GregorianCalendar, Jackson,
// JAXB take the year as given; docs/oscar-contract.md 1.3, 4.1), not 1900-1999 as Date.UTC reads
// them. Expected instants are literals: Date.parse of the ISO 'Z' spelling, with Toronto's local
// mean time before 1884 (-05:17:32, tzdata) applied by hand.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ageOf } from '../../src/sim/rest/jackson.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { signed as signedCall, soap } from '../sim-deploy/wire.js';

const rest = (sim: Simulator, method: string, path: string, body?: unknown): ReturnType<typeof signedCall> => signedCall(sim, method, `/ws/services${path}`, body);

describe('simulator: years 0001-0099 as written', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ patients: 5 });
    sim.store.now = () => Date.parse('2026-12-07T17:00:00Z');
    const p = sim.store.demographic(1001);
    assert.ok(p);
    Object.assign(p, { yearOfBirth: '0050', monthOfBirth: '06', dateOfBirth: '15' });
  });
  after(async () => { await sim.close(); });

  it('REST GET /demographics/{id}: a birth date of 0050-06-15 keeps its year and age', async () => {
    const r = await rest(sim, 'GET', '/demographics/1001');
    assert.equal(r.status, 200, r.body);
    const to = JSON.parse(r.body) as Record<string, unknown>;
    assert.equal(to.dobYear, '0050');
    // contract 7.4: epoch 0's Toronto time of day (19:00) on the birth date, LMT -05:17:32
    assert.equal(to.dateOfBirth, -60574952548000); // 0050-06-16T00:17:32Z
    // 0050-06-15 → 2026-11-15 is 1976 years 5 months, then 22 days to 2026-12-07
    assert.deepEqual(to.age, { days: 22, months: 5, years: 1976 });
  });

  it('REST POST /demographics/search: formattedDOB and dob (local midnight) of year 0050', async () => {
    const r = await rest(sim, 'POST', '/demographics/search?startIndex=0&itemsToReturn=50', { type: 'DemographicNo', term: '1001', active: true, integrator: false, outofdomain: true, params: {} });
    assert.equal(r.status, 200, r.body);
    const text = r.body;
    assert.match(text, /"formattedDOB":"0050-06-15"/);
    assert.match(text, /"dob":-60575020948000/); // 0050-06-15T05:17:32Z
  });

  it('REST POST /demographics: JSON dates of years 0050 and 0001 (ISO and RFC 1123 forms) are stored as written', async () => {
    const r = await rest(sim, 'POST', '/demographics', { firstName: 'ANNA', lastName: 'YEARFIFTY', sex: 'F', dobYear: '0050', dobMonth: '06', dobDay: '15', dateJoined: '0050-06-15T12:00:00-05:17',
      endDate: 'Wed, 15 Jun 0050 17:17:32 GMT', effDate: 'Fri, 01 Jun 0001 17:17:32 GMT', hcRenewDate: 'Mon, 15 Jun 2020 16:00:00 GMT' });
    assert.equal(r.status, 200, r.body);
    const row = sim.store.data.demographics.find((d) => d.lastName === 'YEARFIFTY');
    assert.deepEqual([row?.dateJoined, row?.endDate, row?.effDate, row?.hcRenewDate], ['0050-06-15', '0050-06-15', '0001-06-01', '2020-06-15']);
  });

  it('REST POST /schedule/add and GET /schedule/{providerNo}/day/{date}: an appointment on 0050-06-01', async () => {
    const providerNo = sim.store.data.providers[0]!.providerNo;
    const r = await rest(sim, 'POST', '/schedule/add', { appointmentDate: '0050-06-01', startTime: '10:00', duration: 15, demographicNo: 1001, providerNo, status: 't' });
    assert.equal(r.status, 200, r.body);
    const to = (JSON.parse(r.body) as { appointment: Record<string, unknown> }).appointment;
    assert.equal(to.startTime, -60576194548000); // 0050-06-01T15:17:32Z
    const row = sim.store.data.appointments.find((a) => a.demographicNo === 1001 && a.appointmentDate.startsWith('0050'));
    assert.equal(row?.appointmentDate, '0050-06-01');
    assert.equal(row?.startTime, '10:00:00');
    const day = await rest(sim, 'GET', `/schedule/${providerNo}/day/0050-06-01`);
    assert.equal(day.status, 200);
    const list = JSON.parse(day.body) as Array<Record<string, unknown>>;
    assert.deepEqual(list.map((a) => [a.appointmentNo, a.startTime, a.date]), [[row?.appointmentNo, '10:00 AM', -60576194548000]]);
    const period = await rest(sim, 'GET', `/schedule/fetchProviderAppts/${providerNo}/0050-06-01/0050-06-02`);
    assert.equal(period.status, 200, period.body);
    const apps = (JSON.parse(period.body) as { ProviderPeriodApps: Array<Record<string, unknown>> }).ProviderPeriodApps;
    assert.deepEqual(apps.map((a) => [a.appointmentNo, a.appointmentDate]), [[row?.appointmentNo, -60576230548000]]); // 0050-06-01T05:17:32Z
  });

  it('REST GET /oauth/info: json-lib\'s Date bean of a provider born 0050-06-15 (a Wednesday)', async () => {
    const me = sim.store.data.providers.find((p) => p.providerNo === sim.options.credentials.providerNo);
    assert.ok(me);
    me.dob = '0050-06-15';
    const r = await rest(sim, 'GET', '/oauth/info');
    assert.equal(r.status, 200, r.body);
    const dob = (JSON.parse(r.body) as { providers: { dob: Record<string, number> } }).providers.dob;
    assert.deepEqual({ date: dob.date, day: dob.day, month: dob.month, year: dob.year, time: dob.time },
      { date: 15, day: 3, month: 5, year: -1850, time: -60575020948000 });
  });

  it('SOAP: the birth date and the 0050-06-01 appointment come out as year 0050', async () => {
    const r = await soap(sim, 'DemographicService', 'getDemographic', '<arg0>1001</arg0>');
    assert.equal(r.status, 200, r.body);
    assert.match(r.body, /<dateOfBirth>15<\/dateOfBirth>.*<monthOfBirth>06<\/monthOfBirth>.*<yearOfBirth>0050<\/yearOfBirth>/s);
    const providerNo = sim.store.data.providers[0]!.providerNo;
    const a = await soap(sim, 'ScheduleService', 'getAppointmentsForProvider2', `<arg0>${providerNo}</arg0><arg1>0050-06-01T12:00:00-05:17</arg1><arg2>false</arg2>`);
    assert.equal(a.status, 200, a.body);
    // the year and wall clock are the point here; the LMT offset -05:17:32 in whole minutes is
    // printed -05:18 by formatJaxbDateTime but -05:17 by testTimeZone, so either is accepted
    assert.match(a.body, /<appointmentStartDateTime>0050-06-01T10:00:00-05:1[78]<\/appointmentStartDateTime>/);
  });
});

describe('ageOf (Joda Period, proleptic Gregorian) in years 0-99', () => {
  it('born 0000-01-31, on 0000-03-01: one month and one day (0000 is a leap year, 1900 is not)', () => {
    // one month on is 0000-02-29 (the last day of a leap February), then one day to 1 March
    assert.deepEqual(ageOf({ year: 0, month: 1, day: 31 }, Date.parse('0000-03-01T12:00:00Z'), 'UTC'), { days: 1, months: 1, years: 0 });
  });

  it('born 0050-06-15, on 0099-03-01: 48 years, 8 months, 14 days', () => {
    assert.deepEqual(ageOf({ year: 50, month: 6, day: 15 }, Date.parse('0099-03-01T12:00:00Z'), 'UTC'), { days: 14, months: 8, years: 48 });
  });
});
