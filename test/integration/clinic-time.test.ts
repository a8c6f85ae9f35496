// A clinic in Toronto whose OSCAR JVM runs in another zone (variants B10, §7.5: OpenOSP's compose
// file sets America/Vancouver). What the clinic booked at 09:00 is 09:00 Toronto time in FHIR,
// bookings made through FHIR are stored at the wall clock the client meant, and OSCAR's own time
// stamps stay exact instants. Expected values are written out, DST offsets included.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from '../helpers/stack.js';
import type { AppointmentRow } from '../../src/sim/clinic/model.js';

/** Booked wall clocks (as OSCAR stores them) and the FHIR start/end a Toronto clinic means by them. */
const BOOKED = [
  { date: '2026-03-02', start: '09:00:00', end: '09:14:00', fhirStart: '2026-03-02T09:00:00-05:00', fhirEnd: '2026-03-02T09:15:00-05:00', note: 'winter' },
  { date: '2026-03-08', start: '09:00:00', end: '09:29:59', fhirStart: '2026-03-08T09:00:00-04:00', fhirEnd: '2026-03-08T09:30:00-04:00', note: 'spring-forward day' },
  { date: '2026-07-15', start: '16:45:00', end: '16:59:00', fhirStart: '2026-07-15T16:45:00-04:00', fhirEnd: '2026-07-15T17:00:00-04:00', note: 'summer' },
  { date: '2026-11-01', start: '01:30:00', end: '01:44:00', fhirStart: '2026-11-01T01:30:00-04:00', fhirEnd: '2026-11-01T01:45:00-04:00', note: 'fall-back overlap, first pass' },
  { date: '2026-11-01', start: '09:00:00', end: '09:14:59', fhirStart: '2026-11-01T09:00:00-05:00', fhirEnd: '2026-11-01T09:15:00-05:00', note: 'fall-back day' },
] as const;

for (const serverTimezone of ['America/Vancouver', 'America/Toronto', 'UTC', 'Asia/Kolkata']) {
  describe(`a Toronto clinic on an OSCAR JVM in ${serverTimezone}`, () => {
    let stack: Stack;
    let template: AppointmentRow;
    const ids: number[] = [];

    before(async () => {
      stack = await startStack({ sim: { patients: 5, timezone: 'America/Toronto', serverTimezone } });
      const first = stack.sim.store.data.appointments.find((a) => a.demographicNo !== 0);
      assert.ok(first);
      template = first;
      for (const b of BOOKED) {
        const appointmentNo = stack.sim.store.nextId('appointment');
        stack.sim.store.insertAppointment({ ...template, appointmentNo, appointmentDate: b.date, startTime: b.start, endTime: b.end, status: 't' });
        ids.push(appointmentNo);
      }
    });
    after(async () => { await stack.close(); });

    BOOKED.forEach((b, i) => {
      it(`reads a ${b.note} booking at the clinic's wall clock (${b.fhirStart})`, async () => {
        const r = await stack.fhir(`/Appointment/${ids[i]}`);
        assert.equal(r.status, 200);
        assert.equal(r.body.start, b.fhirStart);
        assert.equal(r.body.end, b.fhirEnd);
      });
    });

    it('finds a day\'s bookings by practitioner and calendar day', async () => {
      const r = await stack.fhir(`/Appointment?practitioner=${template.providerNo}&date=ge2026-11-01&date=lt2026-11-02`);
      assert.equal(r.status, 200);
      const starts = (r.body.entry ?? []).map((e: { resource: { start: string } }) => e.resource.start).sort();
      assert.deepEqual(starts, ['2026-11-01T01:30:00-04:00', '2026-11-01T09:00:00-05:00']);
    });

    it('reads an immunization given at 10:30 on the spring-forward day at the clinic\'s wall clock', async () => {
      let found: string | undefined;
      for (const p of stack.sim.store.data.preventions.filter((x) => x.deleted === '0')) {
        const before = p.preventionDate;
        p.preventionDate = '2026-03-08T10:30:00';
        const r = await stack.fhir(`/Immunization/${p.id}`);
        if (r.status === 200) { found = r.body.occurrenceDateTime; break; }
        p.preventionDate = before;
      }
      assert.equal(found, '2026-03-08T10:30:00-04:00');
    });

    it('keeps a patient\'s dates on the days written, through REST create and a record rebuilt from SOAP', async () => {
      const created = await stack.fhir('/Patient', {
        method: 'POST', headers: { 'content-type': 'application/fhir+json' },
        body: JSON.stringify({
          resourceType: 'Patient', gender: 'female', birthDate: '1985-11-03', name: [{ family: 'ZONE', given: ['TEST'] }],
          identifier: [{ system: 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-patient-hcn', value: '7000009999', period: { start: '2022-07-01', end: '2027-07-01' } }],
        }),
      });
      assert.equal(created.status, 201, created.text);
      const id = Number(created.body.id);
      assert.deepEqual([stack.sim.store.demographic(id)?.effDate, stack.sim.store.demographic(id)?.hcRenewDate], ['2022-07-01', '2027-07-01']);

      // A partial birth date makes the update start from the SOAP record (REST cannot read it).
      const row = stack.sim.store.demographic(id)!;
      Object.assign(row, { monthOfBirth: '', dateOfBirth: '', dateJoined: '2019-03-01', patientStatusDate: '2020-01-15' });
      const current = await stack.fhir(`/Patient/${id}`);
      assert.equal(current.status, 200);
      const updated = await stack.fhir(`/Patient/${id}`, {
        method: 'PUT', headers: { 'content-type': 'application/fhir+json' },
        body: JSON.stringify({ ...current.body, birthDate: '1985-11-03' }),
      });
      assert.equal(updated.status, 200, updated.text);
      const after = stack.sim.store.demographic(id)!;
      assert.deepEqual([after.dateJoined, after.patientStatusDate, after.effDate, after.hcRenewDate], ['2019-03-01', '2020-01-15', '2022-07-01', '2027-07-01']);
    });

    it('stores a FHIR booking at the wall clock the client meant, across the spring change', async () => {
      const created = await stack.fhir('/Appointment', {
        method: 'POST', headers: { 'content-type': 'application/fhir+json' },
        body: JSON.stringify({
          resourceType: 'Appointment', status: 'booked',
          start: '2026-03-08T14:30:00-04:00', end: '2026-03-08T14:45:00-04:00',
          participant: [
            { actor: { reference: `Patient/${template.demographicNo}` }, status: 'accepted' },
            { actor: { reference: `Practitioner/${template.providerNo}` }, status: 'accepted' },
          ],
        }),
      });
      assert.equal(created.status, 201, created.text);
      const row = stack.sim.store.appointment(Number(created.body.id));
      assert.deepEqual([row?.appointmentDate, row?.startTime, row?.endTime], ['2026-03-08', '14:30:00', '14:44:59']);
      assert.equal(created.body.start, '2026-03-08T14:30:00-04:00');
      assert.equal(created.body.end, '2026-03-08T14:45:00-04:00');
      // OSCAR stamps the row with its own clock: an exact instant, whatever the JVM zone.
      const stamped = Date.parse(created.body.meta.lastUpdated);
      assert.ok(Math.abs(stamped - Date.now()) < 120_000, `lastUpdated ${created.body.meta.lastUpdated} is now`);
    });
  });
}
