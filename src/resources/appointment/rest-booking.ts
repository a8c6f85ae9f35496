// Booking and changing appointments over OSCAR REST, for instances whose SOAP is out of reach
// (variants §7.4 REST-only mode; routing table option 'rest'). OSCAR books any numbers without
// complaint (contract 5.2): the patient is checked through the REST demographics search; the
// provider list is SOAP-only, so a practitioner is not checked (the CapabilityStatement says so).
import type { Appointment } from 'fhir/r4.js';
import type { AppointmentTo1 } from '../../oscar/types.js';
import type { ResourceDeps } from '../deps.js';
import type { MappingError } from '../mapping-errors.js';
import { rejectIfErrors } from '../write-issues.js';
import { bookingContext } from '../../booking/context.js';
import { occupants } from '../../booking/day-slots.js';
import { bookBeside, type DayOf } from '../../booking/plain-book.js';
import type { BookingWrite } from '../../booking/safe-book.js';
import { appointmentToNewAppointment, dayItemTimes, restAppointmentUpdate } from './rest-mapper.js';

/**
 * A provider's day over REST for a plain booking's check (booking/plain-book.ts): the day list
 * (one call, contract 3.8: cancelled ones left out, the stored end as a duration). No REST call
 * gives the day template (scheduling §3), so every moment holds one booking here.
 */
function restDays(deps: ResourceDeps): DayOf {
  const { rules, tz } = bookingContext(deps);
  return (providerNo, date) => ({
    async occupants() {
      const rows = (await deps.oscar.restProviderDay(providerNo, date)).flatMap((i) => {
        const { startMs, storedEndMs } = dayItemTimes(i, deps.mapping);
        if (startMs === undefined || storedEndMs === undefined) return [];
        return [{
          ...(i.appointmentNo !== null && { id: i.appointmentNo }), status: i.status ?? '', name: i.name ?? '',
          appointmentStartDateTime: new Date(startMs).toISOString(), appointmentEndDateTime: new Date(storedEndMs).toISOString(),
        }];
      });
      return occupants(rows, rules, tz);
    },
    async cells() { return []; },
  });
}

/**
 * Books `a` (422 listing every reason OSCAR cannot take it); the id OSCAR gave it. Checked for
 * overlaps like a SOAP booking unless BOOKING_PLAIN_CHECK=off; 'rules' needs the day template,
 * which only SOAP gives, so over REST it checks overlaps too.
 */
export async function bookOverRest(a: Appointment, deps: ResourceDeps): Promise<number> {
  const { body, errors } = appointmentToNewAppointment(a, deps.mapping);
  const problems: MappingError[] = [...errors];
  if (body.demographicNo > 0) {
    const found = await deps.oscar.restSearchDemographics({ type: 'DemographicNo', term: String(body.demographicNo), active: false, startIndex: 0, itemsToReturn: 2 });
    if (!found.content.some((c) => c.demographicNo === body.demographicNo)) {
      problems.push({ expression: 'Appointment.participant.actor', message: `Patient/${body.demographicNo} is not an OSCAR patient` });
    }
  }
  rejectIfErrors(problems);
  const w: BookingWrite = {
    write: async () => (await deps.oscar.restAddAppointment(body)).id!,
    undo: async (id) => { await deps.oscar.restUpdateAppointmentStatus(id, deps.mapping.appointmentStatuses.toOscar.cancelled ?? 'C'); },
  };
  if (bookingContext(deps).rules.plainCheck === 'off') return w.write();
  const want = { providerNo: body.providerNo, startMs: Date.parse(a.start ?? ''), endMs: Date.parse(a.end ?? '') };
  return bookBeside(deps, want, restDays(deps), w);
}

/** contract 3.8: only the status and the type can change over REST; any other change is a 422 before anything is written. */
export async function changeOverRest(id: number, proposed: Appointment, current: AppointmentTo1, deps: ResourceDeps): Promise<void> {
  const change = restAppointmentUpdate(proposed, current, deps.mapping);
  rejectIfErrors(change.errors);
  if (change.status !== undefined) await deps.oscar.restUpdateAppointmentStatus(id, change.status);
  if (change.type !== undefined) await deps.oscar.restUpdateAppointmentType(id, change.type);
}
