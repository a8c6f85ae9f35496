// Booking and changing appointments over OSCAR REST, for instances whose SOAP is out of reach
// (variants §7.4 REST-only mode; routing table option 'rest'). OSCAR books any numbers without
// complaint (contract 5.2): the patient is checked through the REST demographics search; the
// provider list is SOAP-only, so a practitioner is not checked (the CapabilityStatement says so).
import type { Appointment } from 'fhir/r4.js';
import type { AppointmentTo1 } from '../../oscar/types.js';
import type { ResourceDeps } from '../deps.js';
import type { MappingError } from '../mapping-errors.js';
import { rejectIfErrors } from '../write-issues.js';
import { appointmentToNewAppointment, restAppointmentUpdate } from './rest-mapper.js';

/** Books `a` (422 listing every reason OSCAR cannot take it); the id OSCAR gave it. */
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
  const created = await deps.oscar.restAddAppointment(body);
  return created.id!;
}

/** contract 3.8: only the status and the type can change over REST; any other change is a 422 before anything is written. */
export async function changeOverRest(id: number, proposed: Appointment, current: AppointmentTo1, deps: ResourceDeps): Promise<void> {
  const change = restAppointmentUpdate(proposed, current, deps.mapping);
  rejectIfErrors(change.errors);
  if (change.status !== undefined) await deps.oscar.restUpdateAppointmentStatus(id, change.status);
  if (change.type !== undefined) await deps.oscar.restUpdateAppointmentType(id, change.type);
}
