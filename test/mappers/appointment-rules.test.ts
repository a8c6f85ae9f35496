// Appointment ⇄ OSCAR appointment rule by rule (mapping §3; contract 4.6, 5.2, 7.8): a shifted or
// mis-stated booking is a patient-safety bug, so every instant here is a literal.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Appointment } from 'fhir/r4.js';
import type { AppointmentTransfer } from '../../src/oscar/types.js';
import { appointmentStatusFor, appointmentToTransfer, buildAppointment } from '../../src/resources/appointment/mapper.js';
import { defaultMappingConfig } from '../../src/resources/mapping-config.js';
import { expected555 } from './appointment-fixtures.js';

const cfg = defaultMappingConfig();
const booking = (over: Partial<Appointment> = {}): Appointment => ({ ...structuredClone(expected555), ...over });
const errorsOf = (over: Partial<Appointment>, current?: AppointmentTransfer) => appointmentToTransfer(booking(over), cfg, current).errors;
const PRACTITIONER = { actor: { reference: 'Practitioner/999998' }, status: 'accepted' } as const;
const patient = (reference: string, display?: string) => ({ actor: { reference, display }, status: 'accepted' as const });

describe('Appointment from a booking', () => {
  it('gives start and end together or not at all, and a duration only when positive', () => {
    const start = Date.parse('2024-03-12T09:00:00-04:00');
    assert.deepEqual(buildAppointment({ startMs: start }, cfg), { resourceType: 'Appointment', status: 'booked' });
    assert.deepEqual(buildAppointment({ storedEndMs: start }, cfg), { resourceType: 'Appointment', status: 'booked' });
    // a stored end one minute before the start: the exclusive end is the start, no duration
    const zero = buildAppointment({ startMs: start, storedEndMs: start - 60_000 }, cfg);
    assert.deepEqual([zero.start, zero.end, zero.minutesDuration], ['2024-03-12T09:00:00-04:00', '2024-03-12T09:00:00-04:00', undefined]);
    const one = buildAppointment({ startMs: start, storedEndMs: start }, cfg);
    assert.deepEqual([one.end, one.minutesDuration], ['2024-03-12T09:01:00-04:00', 1]);
  });

  it('rounds the duration to the nearest minute', () => {
    const start = Date.parse('2024-03-12T09:00:30-04:00');
    const a = buildAppointment({ startMs: start, storedEndMs: Date.parse('2024-03-12T09:14:00-04:00') }, cfg);
    assert.deepEqual([a.start, a.end, a.minutesDuration], ['2024-03-12T09:00:30-04:00', '2024-03-12T09:15:00-04:00', 15]);
    const b = buildAppointment({ startMs: Date.parse('2024-03-12T09:00:31-04:00'), storedEndMs: Date.parse('2024-03-12T09:14:00-04:00') }, cfg);
    assert.equal(b.minutesDuration, 14);
  });

  it('names the id 0 and the epoch instant, and leaves out what the row does not have', () => {
    const a = buildAppointment({ id: 0, updatedMs: 0, createdMs: 0 }, cfg);
    assert.deepEqual(a, {
      resourceType: 'Appointment', id: '0', meta: { lastUpdated: '1969-12-31T19:00:00-05:00' }, status: 'booked',
      created: '1969-12-31T19:00:00-05:00',
    });
  });

  it('reads a blank or space-padded status code by the table, never changing its case', () => {
    assert.equal(appointmentStatusFor(' C ', cfg), 'cancelled');
    assert.equal(appointmentStatusFor('  ', cfg), 'booked');
    assert.equal(appointmentStatusFor(null, cfg), 'booked');
    assert.equal(appointmentStatusFor('D', cfg), 'entered-in-error');
    assert.equal(appointmentStatusFor('n', cfg), 'booked');
    const custom = defaultMappingConfig({ appointmentStatuses: { fallback: 'noshow' } });
    assert.equal(appointmentStatusFor('', custom), 'noshow');
    assert.equal(appointmentStatusFor('Z', custom), 'noshow');
  });
});

describe('Appointment to a SOAP transfer: instants', () => {
  it('requires both instants with a time, and names each one missing', () => {
    assert.deepEqual(errorsOf({ start: '2024-03-12', end: '2024-03-12T09:15' }), [
      { expression: 'Appointment.start', message: 'OSCAR requires a start instant with a time zone' },
    ]);
    assert.deepEqual(errorsOf({ end: 'xT09:15:00-04:00' }), [
      { expression: 'Appointment.end', message: 'OSCAR requires an end instant with a time zone' },
    ]);
    const { transfer } = appointmentToTransfer(booking({ start: undefined, end: undefined }), cfg);
    assert.equal(transfer.appointmentStartDateTime, undefined);
    assert.equal(transfer.appointmentEndDateTime, undefined);
  });

  it('refuses an end at or before the start, and one past midnight in the clinic zone', () => {
    assert.deepEqual(errorsOf({ end: '2024-03-12T09:00:00-04:00' }), [{ expression: 'Appointment.end', message: 'end must be after start' }]);
    assert.deepEqual(errorsOf({ end: '2024-03-12T09:00:00.001-04:00' }), []);
    assert.deepEqual(errorsOf({ start: '2024-03-12T23:59:00-04:00', end: '2024-03-13T00:00:00.001-04:00' }),
      [{ expression: 'Appointment.end', message: 'OSCAR cannot store an appointment that crosses midnight (America/Toronto)' }]);
    const vancouver = defaultMappingConfig({ timezone: 'America/Vancouver' });
    // 23:30–00:30 in Toronto is 20:30–21:30 in Vancouver: one day there
    assert.deepEqual(appointmentToTransfer(booking({ start: '2024-03-12T23:30:00-04:00', end: '2024-03-13T00:30:00-04:00' }), vancouver).errors, []);
  });

  it('writes the exclusive end in the clinic zone with the offset of each instant (contract 4.6)', () => {
    const { transfer } = appointmentToTransfer(booking({ start: '2024-11-03T05:30:00Z', end: '2024-11-03T06:15:00Z' }), cfg);
    assert.equal(transfer.appointmentStartDateTime, '2024-11-03T01:30:00-04:00');
    assert.equal(transfer.appointmentEndDateTime, '2024-11-03T01:15:00-05:00');
  });
});

describe('Appointment to a SOAP transfer: participants', () => {
  it('books one Practitioner and at most one Patient, by OSCAR number', () => {
    assert.deepEqual(errorsOf({ participant: [patient('Patient/1001')] }),
      [{ expression: 'Appointment.participant', message: 'OSCAR requires a Practitioner participant' }]);
    assert.deepEqual(errorsOf({ participant: [PRACTITIONER, { actor: { reference: 'Practitioner/2' }, status: 'accepted' }] }),
      [{ expression: 'Appointment.participant', message: 'OSCAR books one Practitioner per appointment' }]);
    assert.deepEqual(errorsOf({ participant: [PRACTITIONER, patient('Patient/1'), patient('Patient/2')] }),
      [{ expression: 'Appointment.participant', message: 'OSCAR books one Patient per appointment' }]);
    for (const ref of ['Patient/0', 'Patient/01', 'Patient/12345678901', 'Patient/a']) {
      assert.deepEqual(errorsOf({ participant: [PRACTITIONER, patient(ref)] }),
        [{ expression: 'Appointment.participant.actor', message: 'Patient reference is not an OSCAR demographic number' }], ref);
    }
    const t = appointmentToTransfer(booking({ participant: [{ actor: { reference: 'Location/1' }, status: 'accepted' }, PRACTITIONER, patient('Patient/1234567890', ' ROE, R ')] }), cfg).transfer;
    assert.deepEqual([t.providerNo, t.demographicNo, t.name], ['999998', 1234567890, 'ROE, R']);
  });

  it('books no patient (demographic 0) without a Patient participant, keeping a stored name only for the same patient', () => {
    const t = appointmentToTransfer(booking({ participant: [PRACTITIONER] }), cfg, { id: 9, demographicNo: 0, name: 'LUNCH' }).transfer;
    assert.deepEqual([t.demographicNo, t.name], [0, 'LUNCH']);
    const n = appointmentToTransfer(booking({ participant: [PRACTITIONER] }), cfg, { id: 9, name: 'LUNCH' }).transfer;
    assert.equal(n.name, 'LUNCH');
  });
});

describe('Appointment to a SOAP transfer: texts and ids', () => {
  it('takes the type from its text, else the first coding’s display, else its code', () => {
    const type = (appointmentType: Appointment['appointmentType']) => appointmentToTransfer(booking({ appointmentType }), cfg).transfer.type;
    assert.equal(type({ text: ' Phone ', coding: [{ display: 'D', code: 'C' }] }), 'Phone');
    assert.equal(type({ coding: [{ display: 'Walk-in', code: 'W' }] }), 'Walk-in');
    assert.equal(type({ coding: [{ code: 'FOLLOWUP' }] }), 'FOLLOWUP');
    assert.equal(type(undefined), '');
  });

  it('refuses texts longer than their columns (contract 5.2) and accepts them exactly as long', () => {
    const table: [number, Partial<Appointment>, Partial<Appointment>, string][] = [
      [80, { description: 'r'.repeat(80) }, { description: 'r'.repeat(81) }, 'Appointment.description'],
      [255, { comment: 'n'.repeat(255) }, { comment: 'n'.repeat(256) }, 'Appointment.comment'],
      [50, { appointmentType: { text: 't'.repeat(50) } }, { appointmentType: { text: 't'.repeat(51) } }, 'Appointment.appointmentType'],
      [50, { participant: [PRACTITIONER, patient('Patient/1001', 'p'.repeat(50))] }, { participant: [PRACTITIONER, patient('Patient/1001', 'p'.repeat(51))] }, 'Appointment.participant.actor.display'],
    ];
    for (const [limit, at, over, expression] of table) {
      assert.deepEqual(errorsOf(at), [], `${expression} at ${limit}`);
      assert.deepEqual(errorsOf(over), [{ expression, message: `OSCAR stores at most ${limit} characters here` }], `${expression} over ${limit}`);
    }
  });

  it('takes the record number from a numeric id, else the current record’s, and sends none for a create', () => {
    assert.equal(appointmentToTransfer(booking({ id: '77' }), cfg).transfer.id, 77);
    assert.equal(appointmentToTransfer(booking({ id: 'abc' }), cfg, { id: 555 }).transfer.id, 555);
    const create = appointmentToTransfer(booking({ id: undefined }), cfg).transfer;
    assert.equal('id' in create, false);
  });

  it('sends back the columns OSCAR would otherwise lose, but not its own audit columns', () => {
    const current: AppointmentTransfer = {
      id: 555, location: 'Room 4', programId: 7, remarks: 'r', style: 's', billing: 'b', urgency: 'u', status: 'HS',
      createDateTime: '2024-03-08T12:13:20Z', updateDateTime: '2024-03-08T12:13:20Z', creator: '1', lastUpdateUser: '2',
    };
    const { transfer } = appointmentToTransfer(booking({ status: 'arrived' }), cfg, current);
    assert.deepEqual(transfer, {
      id: 555, location: 'Room 4', programId: 7, remarks: 'r', style: 's', billing: 'b', urgency: 'u', status: 'HS',
      appointmentStartDateTime: '2024-03-12T09:00:00-04:00', appointmentEndDateTime: '2024-03-12T09:15:00-04:00',
      providerNo: '999998', demographicNo: 1001, reason: 'Follow-up BP', notes: '', type: '', name: 'DOE, JANE',
    });
  });

  it('writes the table’s code for a status when the current code means another, or there is none', () => {
    const code = (status: Appointment['status'], current?: string) =>
      appointmentToTransfer(booking({ status }), cfg, current === undefined ? undefined : { id: 555, status: current }).transfer.status;
    assert.equal(code('checked-in'), 'P');
    assert.equal(code('checked-in', ' '), 'P');
    assert.equal(code('checked-in', 'E'), 'E');
    assert.equal(code('checked-in', 'H'), 'P');
  });
});
