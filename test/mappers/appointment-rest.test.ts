// Appointment from OSCAR's REST schedule transfers (contract 3.8): the same resource the SOAP path
// gives for the same row (sample 2a), whatever zone the OSCAR JVM renders epoch ms in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppointmentTo1, PatientListApptItemBean } from '../../src/oscar/types.js';
import { appointmentFromDayItem, appointmentFromRest, appointmentToNewAppointment } from '../../src/resources/appointment/rest-mapper.js';
import { defaultMappingConfig } from '../../src/resources/mapping-config.js';
import { assertValidResource } from './fhir-assert.js';
import { expected555 } from './appointment-fixtures.js';

const cfg = defaultMappingConfig(); // America/Toronto

/** Sample 2a as `POST /schedule/{demographicNo}/appointmentHistory` renders it from a Toronto JVM. */
const rest555: AppointmentTo1 = {
  id: 555, providerNo: '999998', appointmentDate: 1710216000000, startTime: '09:00:00', endTime: '09:14:00',
  name: 'DOE, JANE', demographicNo: 1001, programId: 0, notes: '', reason: 'Follow-up BP', location: '', resources: '',
  type: '', style: null, billing: null, status: 't', importedStatus: null,
  createDateTime: 1709900000000, updateDateTime: 1709900000000, creator: '999998', lastUpdateUser: '999998',
  remarks: '', urgency: '', creatorSecurityId: null, bookingSource: null, reasonCode: null,
  demographic: null, provider: null, billingDetail: null,
};


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

  it('reads the answer of POST /schedule/add, whose times are epoch ms of the full instant', () => {
    // 09:00 and 09:14 on 2024-03-12 Toronto.
    const a = appointmentFromRest({ ...rest555, appointmentDate: 1710248400000, startTime: 1710248400000, endTime: 1710249240000 }, cfg);
    assert.equal(a.start, '2024-03-12T09:00:00-04:00');
    assert.equal(a.end, '2024-03-12T09:15:00-04:00');
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
    assert.equal(appointmentFromDayItem({ ...item, duration: '1h 14m ' }, '999998', cfg).end, '2024-03-12T10:15:00-04:00');
  });

  it('decodes the start from a Vancouver JVM (09:00 Toronto rendered as a Pacific instant)', () => {
    assert.equal(appointmentFromDayItem({ ...item, date: 1710259200000 }, '999998', cfg, 'America/Vancouver').start, '2024-03-12T09:00:00-04:00');
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
