import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Appointment } from 'fhir/r4.js';
import type { AppointmentTransfer } from '../../src/oscar/types.js';
import { appointmentFromSoap, appointmentStatusFor, appointmentToTransfer } from '../../src/resources/appointment/mapper.js';
import { defaultMappingConfig } from '../../src/resources/mapping-config.js';
import { assertValidResource } from './fhir-assert.js';
import { expected555 } from './appointment-fixtures.js';

const cfg = defaultMappingConfig();

/** Sample 2a as SOAP getAppointmentsForPatient2 renders it with useGMTTime=true (contract 4.6). */
const soap555: AppointmentTransfer = {
  appointmentEndDateTime: '2024-03-12T13:14:00Z', appointmentStartDateTime: '2024-03-12T13:00:00Z',
  createDateTime: '2024-03-08T12:13:20Z', creator: '999998', demographicNo: 1001, id: 555, lastUpdateUser: '999998',
  location: '', name: 'DOE, JANE', notes: '', programId: 0, providerNo: '999998', reason: 'Follow-up BP', remarks: '',
  resources: '', status: 't', type: '', updateDateTime: '2024-03-08T12:13:20Z', urgency: '',
};


function soapAt(start: string, storedEnd: string, extra: Partial<AppointmentTransfer> = {}): Appointment {
  return appointmentFromSoap({ ...soap555, appointmentStartDateTime: start, appointmentEndDateTime: storedEnd, ...extra }, cfg);
}

describe('Appointment from OSCAR', () => {
  it('maps sample 2a read through SOAP with useGMTTime: inclusive 09:14 end reads as 09:15', () => {
    const a = appointmentFromSoap(soap555, cfg);
    assert.deepEqual(a, expected555);
    assertValidResource(a);
  });

  it('handles SOAP local offsets as well as Z', () => {
    assert.deepEqual(soapAt('2024-03-12T09:00:00-04:00', '2024-03-12T09:14:00-04:00'), expected555);
  });

  it('reads a SOAP booking stored as 10:19:59 (exclusive end − 1 ms) as ending 10:20', () => {
    const a = soapAt('2024-03-19T14:00:00Z', '2024-03-19T14:19:59Z');
    assert.equal(a.start, '2024-03-19T10:00:00-04:00');
    assert.equal(a.end, '2024-03-19T10:20:00-04:00');
    assert.equal(a.minutesDuration, 20);
  });

  it('renders each instant with its own offset across the spring-forward gap (2024-03-10 Toronto)', () => {
    const a = soapAt('2024-03-10T06:45:00Z', '2024-03-10T07:14:00Z'); // 01:45 EST → 03:15 EDT
    assert.equal(a.start, '2024-03-10T01:45:00-05:00');
    assert.equal(a.end, '2024-03-10T03:15:00-04:00');
    assert.equal(a.minutesDuration, 30);
    assertValidResource(a);
  });

  it('renders each instant with its own offset across the fall-back overlap (2024-11-03 Toronto)', () => {
    const a = soapAt('2024-11-03T04:30:00Z', '2024-11-03T06:29:00Z'); // 00:30 EDT → 01:30 EST
    assert.equal(a.start, '2024-11-03T00:30:00-04:00');
    assert.equal(a.end, '2024-11-03T01:30:00-05:00');
    assert.equal(a.minutesDuration, 120);
  });

  it('maps status codes by exact code, then first char (second char S/V ignored), case-sensitively', () => {
    const s = (code: string): string => appointmentStatusFor(code, cfg);
    assert.equal(s('t'), 'booked');
    assert.equal(s('T'), 'booked');
    assert.equal(s('h'), 'booked');
    assert.equal(s('H'), 'arrived');
    assert.equal(s('HS'), 'arrived');
    assert.equal(s('PV'), 'checked-in');
    assert.equal(s('E'), 'checked-in');
    assert.equal(s('N'), 'noshow');
    assert.equal(s('C'), 'cancelled');
    assert.equal(s('BS'), 'fulfilled');
    for (const c of 'abcdef') assert.equal(s(c), 'booked');
    assert.equal(s('Z'), 'booked'); // unknown → configured fallback
    const custom = defaultMappingConfig({ appointmentStatuses: { exact: { HS: 'fulfilled' }, firstChar: { a: 'arrived' } } });
    assert.equal(appointmentStatusFor('HS', custom), 'fulfilled');
    assert.equal(appointmentStatusFor('H', custom), 'arrived');
    assert.equal(appointmentStatusFor('a', custom), 'arrived');
    assert.equal(soapAt('2024-03-12T13:00:00Z', '2024-03-12T13:14:00Z', { status: 'C' }).status, 'cancelled');
  });

  it('omits the patient participant for non-patient bookings and type/notes when blank', () => {
    const a = appointmentFromSoap({ ...soap555, demographicNo: 0, name: 'LUNCH', notes: 'n', type: 'Phone' }, cfg);
    assert.deepEqual(a.participant, [{ actor: { reference: 'Practitioner/999998' }, status: 'accepted' }]);
    assert.equal(a.comment, 'n');
    assert.deepEqual(a.appointmentType, { text: 'Phone' });
    assertValidResource(a);
  });
});

describe('Appointment to OSCAR', () => {
  const booking = (over: Partial<Appointment> = {}): Appointment => ({ ...expected555, ...over });

  it('builds a SOAP transfer with the EXCLUSIVE end and the OSCAR status code', () => {
    const { transfer, errors } = appointmentToTransfer(booking(), cfg);
    assert.deepEqual(errors, []);
    assert.deepEqual(transfer, {
      id: 555,
      appointmentStartDateTime: '2024-03-12T09:00:00-04:00',
      appointmentEndDateTime: '2024-03-12T09:15:00-04:00',
      providerNo: '999998', demographicNo: 1001, status: 't', reason: 'Follow-up BP', notes: '', type: '', name: 'DOE, JANE',
    });
  });

  it('uses the reverse status table and keeps a current code that means the same status', () => {
    const code = (status: Appointment['status'], current?: string): string | undefined =>
      appointmentToTransfer(booking({ status }), cfg, current ? { ...soap555, status: current } : undefined).transfer.status;
    assert.equal(code('cancelled'), 'C');
    assert.equal(code('arrived'), 'H');
    assert.equal(code('booked'), 't');
    assert.equal(code('noshow'), 'N');
    assert.equal(code('fulfilled'), 'B');
    assert.equal(code('arrived', 'HS'), 'HS');
    assert.equal(code('booked', 'a'), 'a');
    assert.equal(code('cancelled', 'a'), 'C');
  });

  it('refuses a status OSCAR has no code for, naming Appointment.status and the status', () => {
    for (const status of ['proposed', 'waitlist', 'entered-in-error'] as const) {
      const { errors } = appointmentToTransfer(booking({ status }), cfg);
      assert.deepEqual(errors, [{ expression: 'Appointment.status', message: `OSCAR has no appointment status for '${status}'` }]);
    }
  });

  it('keeps unmapped columns of the current record on update', () => {
    const current = { ...soap555, location: 'Room 4', resources: 'ECG', urgency: 'critical' };
    const { transfer } = appointmentToTransfer(booking({ comment: 'bring list' }), cfg, current);
    assert.equal(transfer.location, 'Room 4');
    assert.equal(transfer.resources, 'ECG');
    assert.equal(transfer.urgency, 'critical');
    assert.equal(transfer.notes, 'bring list');
    assert.equal(transfer.createDateTime, undefined);
  });

  it('keeps the stored patient name when the update names the same patient without a display, and drops it for another patient', () => {
    const participant = (ref: string): Appointment['participant'] => [
      { actor: { reference: ref }, status: 'accepted' }, { actor: { reference: 'Practitioner/999998' }, status: 'accepted' },
    ];
    const current = { ...soap555, name: 'DOE, JANE' };
    assert.equal(appointmentToTransfer(booking({ participant: participant('Patient/1001') }), cfg, current).transfer.name, 'DOE, JANE');
    assert.equal(appointmentToTransfer(booking({ participant: participant('Patient/1002') }), cfg, current).transfer.name, '');
    assert.equal(appointmentToTransfer(booking({ participant: participant('Patient/1001') }), cfg, { ...soap555, name: undefined }).transfer.name, '');
    assert.equal(appointmentToTransfer(booking({ participant: participant('Patient/1001') }), cfg).transfer.name, '');
  });

  it('writes DST-day instants with the offset in force at each one', () => {
    const { transfer, errors } = appointmentToTransfer(booking({ start: '2024-03-10T06:45:00Z', end: '2024-03-10T07:15:00Z' }), cfg);
    assert.deepEqual(errors, []);
    assert.equal(transfer.appointmentStartDateTime, '2024-03-10T01:45:00-05:00');
    assert.equal(transfer.appointmentEndDateTime, '2024-03-10T03:15:00-04:00');
  });

  it('rejects what OSCAR cannot book (422)', () => {
    const errs = (over: Partial<Appointment>): string[] => appointmentToTransfer(booking(over), cfg).errors.map((e) => `${e.expression}: ${e.message}`);
    assert.match(errs({ participant: [{ actor: { reference: 'Patient/1001' }, status: 'accepted' }] }).join(), /Practitioner participant/);
    assert.match(errs({ end: '2024-03-12T09:00:00-04:00' }).join(), /after start/);
    assert.match(errs({ end: '2024-03-12T08:00:00-04:00' }).join(), /after start/);
    assert.deepEqual(errs({ start: '2024-03-12T23:30:00-04:00', end: '2024-03-13T00:30:00-04:00' }), ['Appointment.end: OSCAR cannot store an appointment that crosses midnight (America/Toronto)']);
    assert.deepEqual(errs({ start: '2024-03-12T23:30:00-04:00', end: '2024-03-13T00:00:00-04:00' }), []); // ends at midnight
    assert.match(errs({ start: '2024-03-13T03:30:00Z', end: '2024-03-13T04:30:00Z' }).join(), /crosses midnight/); // 23:30–00:30 EDT
    assert.match(errs({ start: undefined, end: undefined }).join(), /Appointment.start.*Appointment.end/);
    assert.match(errs({ status: 'proposed' }).join(), /no appointment status for 'proposed'/);
    assert.match(errs({ status: 'waitlist' }).join(), /waitlist/);
    assert.match(errs({ description: 'x'.repeat(81) }).join(), /Appointment.description/);
  });
});

describe('Appointment.identifier ⇄ OSCAR resources column', () => {
  const booking = (over: Partial<Appointment> = {}): Appointment => ({ ...expected555, ...over });
  const id = { system: 'https://booking.example.org/requests', value: 'req-1' };

  it('stores one identifier as marked text and reads it back', () => {
    const { transfer, errors } = appointmentToTransfer(booking({ identifier: [id] }), cfg);
    assert.deepEqual(errors, []);
    assert.equal(transfer.resources, 'fhir-identifier:https://booking.example.org/requests|req-1');
    assert.deepEqual(appointmentFromSoap({ ...soap555, resources: transfer.resources }, cfg).identifier, [id]);
  });

  it('reads a clinic\'s own resources text as no identifier, and will not overwrite it', () => {
    assert.equal(appointmentFromSoap({ ...soap555, resources: 'ECG room' }, cfg).identifier, undefined);
    const { transfer, errors } = appointmentToTransfer(booking({ identifier: [id] }), cfg, { ...soap555, resources: 'ECG room' });
    assert.equal(transfer.resources, 'ECG room');
    assert.match(errors.map((e) => e.message).join(), /clinic/);
  });

  it('clears an identifier the update leaves out; a create without one sends no resources', () => {
    const stored = { ...soap555, resources: 'fhir-identifier:urn:x|1' };
    assert.equal(appointmentToTransfer(booking(), cfg, stored).transfer.resources, '');
    assert.equal(appointmentToTransfer(booking(), cfg).transfer.resources, undefined);
  });

  it('refuses what the column cannot hold: two identifiers, no value, a | in the system, more than 255 characters', () => {
    const errs = (identifier: Appointment['identifier']): number => appointmentToTransfer(booking({ identifier }), cfg).errors.length;
    assert.equal(errs([id, { ...id, value: 'req-2' }]), 1);
    assert.equal(errs([{ system: id.system }]), 1);
    assert.equal(errs([{ system: 'urn:a|b', value: 'x' }]), 1);
    assert.equal(errs([{ system: id.system, value: 'v'.repeat(250) }]), 1);
  });
});
