// FHIR Appointment → the SOAP AppointmentTransfer OSCAR will store, with the checks OSCAR itself
// does not make: OSCAR books any provider number and any demographic number without complaint
// (no foreign keys, contract 5.2), which would leave an appointment whose references never resolve.
import type { Appointment } from 'fhir/r4.js';
import { epochOfLocal, localDateTimeOf } from '../../time/zone.js';
import type { AppointmentTransfer } from '../../oscar/types.js';
import type { ResourceDeps } from '../deps.js';
import type { MappingError } from '../mapping-errors.js';
import { referencedId } from '../references.js';
import { rejectIfErrors } from '../write-issues.js';
import { appointmentToTransfer } from './mapper.js';

/** contract 5.2: appointment.name is varchar(50). */
const NAME_MAX = 50;
const MINUTE = 60_000;

/**
 * OSCAR stores local wall-clock times (date, start_time, end_time − 1 ms to the second) and reads
 * the end back to the minute (contract 4.6, 7.8). Reports instants that would not read back
 * unchanged: the second pass of a fall-back hour (e.g. 01:30-05:00 on 2024-11-03 in Toronto reads
 * back as 01:30-04:00) and ends that are not on a whole minute.
 */
function roundTripErrors(a: Appointment, tz: string): MappingError[] {
  const start = a.start ? Date.parse(a.start) : NaN;
  const end = a.end ? Date.parse(a.end) : NaN;
  if (Number.isNaN(start) || Number.isNaN(end) || end <= start) return []; // the mapper reports these
  const errors: MappingError[] = [];
  const wholeSecond = Math.floor(start / 1000) * 1000;
  if (epochOfLocal(localDateTimeOf(start, tz), tz) !== wholeSecond) {
    errors.push({ expression: 'Appointment.start', message: `this local time occurs twice on a daylight-saving change day in ${tz}; OSCAR can only store its first occurrence` });
  }
  if (end % MINUTE !== 0) {
    errors.push({ expression: 'Appointment.end', message: 'OSCAR stores appointment ends to the whole minute' });
  } else if (Math.floor(epochOfLocal(localDateTimeOf(end - 1, tz), tz) / MINUTE) * MINUTE + MINUTE !== end) {
    errors.push({ expression: 'Appointment.end', message: `this local time occurs twice on a daylight-saving change day in ${tz}; OSCAR can only store its first occurrence` });
  }
  return errors;
}

/**
 * The transfer for addAppointment (no `current`) or updateAppointment (`current` = the record as
 * OSCAR has it: SOAP updateAppointment overwrites every column, so untouched ones must be sent
 * back). Throws a 422 listing every reason OSCAR cannot take the booking.
 */
export async function bookingTransfer(a: Appointment, deps: ResourceDeps, current?: AppointmentTransfer): Promise<AppointmentTransfer> {
  // A reference display is only a label: OSCAR's name column gets the chart name (below), so a
  // client's display is neither stored nor held against the column width.
  const participant = (a.participant ?? []).map((p) => (referencedId(p.actor, 'Patient') && p.actor ? { ...p, actor: { ...p.actor, display: undefined } } : p));
  const { transfer, errors } = appointmentToTransfer({ ...a, participant }, deps.mapping, current);
  const problems: MappingError[] = [...errors, ...roundTripErrors(a, deps.mapping.timezone)];

  const [provider, patient] = await Promise.all([
    transfer.providerNo ? deps.providers.get(transfer.providerNo) : undefined,
    // Same patient as before: nothing to check, and the stored name (OSCAR's own label) stays.
    transfer.demographicNo && transfer.demographicNo !== current?.demographicNo
      ? deps.oscar.soapGetDemographic(transfer.demographicNo) : undefined,
  ]);
  if (transfer.providerNo && !provider) {
    problems.push({ expression: 'Appointment.participant.actor', message: `Practitioner/${transfer.providerNo} is not an OSCAR provider` });
  }
  if (transfer.demographicNo && transfer.demographicNo !== current?.demographicNo) {
    if (patient?.demographicNo === undefined) {
      problems.push({ expression: 'Appointment.participant.actor', message: `Patient/${transfer.demographicNo} is not an OSCAR patient` });
    } else {
      // OSCAR labels a patient's booking with the chart name (as POST /schedule/add does, contract 7.26).
      transfer.name = `${patient.lastName ?? ''}, ${patient.firstName ?? ''}`.slice(0, NAME_MAX);
    }
  } else if (transfer.demographicNo && current) {
    transfer.name = current.name ?? '';
  }
  rejectIfErrors(problems);
  return transfer;
}
