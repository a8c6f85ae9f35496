// Appointment from OSCAR's REST schedule transfers (contract 3.8): the same resource the SOAP path
// gives for the same row (sample 2a), whatever zone the OSCAR JVM renders epoch ms in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PatientListApptItemBean, SchedulingResponse } from '../../src/oscar/types.js';
import { appointmentFromDayItem, appointmentFromRest, appointmentToNewAppointment, restAppointmentUpdate } from '../../src/resources/appointment/rest-mapper.js';
import { defaultMappingConfig } from '../../src/resources/mapping-config.js';
import { assertValidResource } from './fhir-assert.js';
import { expected555 } from './appointment-fixtures.js';
import { REST_APPOINTMENT_HISTORY, REST_SCHEDULE_ADD } from './wire-samples.js';

const cfg = defaultMappingConfig(); // America/Toronto

/** Sample 2a as `POST /schedule/{demographicNo}/appointmentHistory` renders it from a Toronto JVM (samples §2). */
const rest555 = (JSON.parse(REST_APPOINTMENT_HISTORY) as SchedulingResponse).appointments![0]!;
/** The answer of `POST /schedule/add` (samples §2): times as epoch ms of the full instants. */
const added556 = (JSON.parse(REST_SCHEDULE_ADD) as SchedulingResponse).appointment!;


describe('Appointment from REST AppointmentTo1', () => {
  it('maps sample 2a like the SOAP path: inclusive 09:14 end (start + duration − 1 min) reads as 09:15', () => {
    const a = appointmentFromRest(rest555, cfg);
    assert.deepEqual(a, expected555);
    assertValidResource(a);
  });

  it('decodes epoch ms rendered by a Vancouver JVM back to the Toronto wall clock', () => {
    // 2024-03-12 00:00 PDT and 2024-03-08 07:13:20 rendered as a Pacific instant.
    const a = appointmentFromRest({ ...rest555, appointmentDate: 1710226800000, createDateTime: 1709910800000, updateDateTime: 1709910800000 }, cfg, 'America/Vancouver');
    assert.deepEqual(a, expected555);
  });

  it('needs no JVM zone for start and end: the date is the midnight nearest the clinic’s, the times are text', () => {
    // Rendered by a Vancouver JVM, mapped without telling the mapper so.
    const a = appointmentFromRest({ ...rest555, appointmentDate: 1710226800000 }, cfg);
    assert.equal(a.start, '2024-03-12T09:00:00-04:00');
    assert.equal(a.end, '2024-03-12T09:15:00-04:00');
  });

  it('reads the answer of POST /schedule/add, whose times are epoch ms of the full instants (10:30–10:44 stored)', () => {
    const a = appointmentFromRest(added556, cfg);
    assert.equal(a.id, '556');
    assert.equal(a.start, '2024-03-19T10:30:00-04:00');
    assert.equal(a.end, '2024-03-19T10:45:00-04:00');
    assert.equal(a.minutesDuration, 15);
    assert.equal(a.description, 'Flu shot');
  });

  it('keeps the status table, the client identifier column and a missing time as no start/end', () => {
    assert.equal(appointmentFromRest({ ...rest555, status: 'C' }, cfg).status, 'cancelled');
    assert.equal(appointmentFromRest({ ...rest555, status: 'HS' }, cfg).status, 'arrived');
    const untimed = appointmentFromRest({ ...rest555, startTime: null }, cfg);
    assert.equal(untimed.start, undefined);
    assert.equal(untimed.end, undefined);
  });
});

describe('Appointment from a provider day-list row', () => {
  const item: PatientListApptItemBean = {
    demographicNo: 1001, appointmentNo: 555, name: 'DOE, JANE', status: 't', startTime: '09:00 AM', reason: 'Follow-up BP',
    duration: '14m ', type: '', notes: '', date: 1710248400000,
  };

  it('rebuilds start and end from the start instant and the "14m " duration text', () => {
    const a = appointmentFromDayItem(item, '999998', cfg);
    const { meta: _m, created: _c, ...withoutTimes } = expected555;
    assert.deepEqual(a, withoutTimes);
    // Appointment.getDuration(): hours as "H ", minutes as "m ", each only when non-zero.
    assert.equal(appointmentFromDayItem({ ...item, duration: '1H 14m ' }, '999998', cfg).end, '2024-03-12T10:15:00-04:00');
    assert.equal(appointmentFromDayItem({ ...item, duration: '1H ' }, '999998', cfg).end, '2024-03-12T10:01:00-04:00');
    assert.equal(appointmentFromDayItem({ ...item, duration: '' }, '999998', cfg).end, '2024-03-12T09:01:00-04:00');
    assert.equal(appointmentFromDayItem({ ...item, duration: 'soon' }, '999998', cfg).end, undefined);
  });

  it('takes the start time from the "hh:mm AM" text and the date nearest the epoch ms, whatever the JVM zone', () => {
    assert.equal(appointmentFromDayItem({ ...item, date: 1710259200000 }, '999998', cfg).start, '2024-03-12T09:00:00-04:00');
    // 23:30 on 2024-03-12 rendered by a Vancouver JVM is 02:30 on the 13th in Toronto: still the 12th.
    const late = appointmentFromDayItem({ ...item, startTime: '11:30 PM', duration: '14m ', date: 1710311400000 }, '999998', cfg);
    assert.equal(late.start, '2024-03-12T23:30:00-04:00');
    assert.equal(appointmentFromDayItem({ ...item, startTime: '12:05 AM', date: 1710216300000 }, '999998', cfg).start, '2024-03-12T00:05:00-04:00');
    // A row without its time text falls back to the epoch ms in the given zone.
    assert.equal(appointmentFromDayItem({ ...item, startTime: null, date: 1710259200000 }, '999998', cfg, 'America/Vancouver').start, '2024-03-12T09:00:00-04:00');
  });
});

describe('Appointment to POST /schedule/add', () => {
  it('sends the clinic wall-clock date, HH:mm start and whole-minute duration', () => {
    const { body, errors } = appointmentToNewAppointment({ ...expected555, id: undefined }, cfg);
    assert.deepEqual(errors, []);
    assert.deepEqual(body, {
      providerNo: '999998', appointmentDate: '2024-03-12', startTime: '09:00', duration: 15, demographicNo: 1001,
      status: 't', type: '', reason: 'Follow-up BP', notes: '',
    });
  });

  it('takes instants in any offset to the clinic wall clock', () => {
    const { body } = appointmentToNewAppointment({ ...expected555, start: '2024-03-12T13:00:00Z', end: '2024-03-12T13:30:00Z' }, cfg);
    assert.equal(body.startTime, '09:00');
    assert.equal(body.duration, 30);
  });

  it('refuses what a REST booking cannot hold: seconds, no patient, and the SOAP path’s checks', () => {
    const sec = appointmentToNewAppointment({ ...expected555, start: '2024-03-12T09:00:30-04:00' }, cfg).errors;
    assert.deepEqual(sec.map((e) => e.message), ['OSCAR REST bookings start and end on whole minutes']);
    const noPatient = appointmentToNewAppointment({ ...expected555, participant: [{ actor: { reference: 'Practitioner/999998' }, status: 'accepted' }] }, cfg).errors;
    assert.deepEqual(noPatient.map((e) => e.message), ['an OSCAR REST booking needs a Patient participant']);
    const backwards = appointmentToNewAppointment({ ...expected555, end: '2024-03-12T08:00:00-04:00' }, cfg).errors;
    assert.deepEqual(backwards.map((e) => e.message), ['end must be after start']);
  });
});

describe('Appointment update over REST (status and type only)', () => {
  const msg = 'OSCAR can change only the status and the appointment type of a booking through its REST web services';

  it('turns a cancel into one status change, and an unchanged resource into nothing', () => {
    assert.deepEqual(restAppointmentUpdate({ ...expected555, status: 'cancelled' }, rest555, cfg), { status: 'C', errors: [] });
    assert.deepEqual(restAppointmentUpdate(expected555, rest555, cfg), { errors: [] });
    assert.deepEqual(restAppointmentUpdate({ ...expected555, status: 'arrived' }, rest555, cfg), { status: 'H', errors: [] });
  });

  it('keeps a current code that already means the asked status (h = confirmed = booked)', () => {
    assert.deepEqual(restAppointmentUpdate(expected555, { ...rest555, status: 'h' }, cfg), { errors: [] });
  });

  it('sets the type from appointmentType', () => {
    assert.deepEqual(restAppointmentUpdate({ ...expected555, appointmentType: { text: 'Phone' } }, rest555, cfg), { type: 'Phone', errors: [] });
  });

  it('refuses a reschedule, a new patient, new text or identifier, naming each element', () => {
    const moved = restAppointmentUpdate({ ...expected555, start: '2024-03-12T10:00:00-04:00', end: '2024-03-12T10:15:00-04:00' }, rest555, cfg);
    assert.deepEqual(moved.errors, [{ expression: 'Appointment.start', message: msg }, { expression: 'Appointment.end', message: msg }]);
    const sameTimesOtherOffset = restAppointmentUpdate({ ...expected555, start: '2024-03-12T13:00:00Z', end: '2024-03-12T13:15:00Z' }, rest555, cfg);
    assert.deepEqual(sameTimesOtherOffset.errors, []);
    const other = restAppointmentUpdate({
      ...expected555, description: 'Other', comment: 'note', identifier: [{ system: 'urn:x', value: '1' }],
      participant: [{ actor: { reference: 'Patient/1002' }, status: 'accepted' }, { actor: { reference: 'Practitioner/999998' }, status: 'accepted' }],
    }, rest555, cfg);
    assert.deepEqual(other.errors.map((e) => e.expression), ['Appointment.participant', 'Appointment.description', 'Appointment.comment', 'Appointment.identifier']);
  });
});
