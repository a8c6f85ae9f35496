// A client's own identifier for a booking (Appointment.identifier), kept in OSCAR's `resources`
// column (varchar(255), contract 5.2): the one free-text column addAppointment stores and every
// read returns that OSCAR itself never fills. It makes a create safely retryable: a client that
// got a 504 retries with `If-None-Exist: patient=…&identifier=system|value` and finds its booking
// instead of making a second one (mapping §3.3). The column also has a place in OSCAR's own
// appointment screen, so the text is marked to be told apart from a clinic's own notes there.
import type { Identifier } from 'fhir/r4.js';
import type { MappingError } from '../mapping-errors.js';

const MARK = 'fhir-identifier:';
/** contract 5.2: appointment.resources is varchar(255). */
const RESOURCES_MAX = 255;

/** The identifier a stored `resources` value carries, if it is one of ours. */
export function identifierOfResources(resources: string | null | undefined): Identifier | undefined {
  if (!resources?.startsWith(MARK)) return undefined;
  const text = resources.slice(MARK.length);
  const bar = text.indexOf('|');
  if (bar <= 0 || bar === text.length - 1) return undefined;
  return { system: text.slice(0, bar), value: text.slice(bar + 1) };
}

/**
 * The `resources` value for a write: the identifier's text; without one, an identifier stored
 * before is cleared and anything else is left as it is.
 * A column holding clinic text (not ours) is kept as it is, and an identifier cannot replace it.
 */
export function resourcesFor(identifiers: readonly Identifier[] | undefined, stored: string | null | undefined, errors: MappingError[]): string | undefined {
  const ours = stored === undefined || stored === null || stored === '' || stored.startsWith(MARK);
  const list = identifiers ?? [];
  if (list.length === 0) return ours && stored ? '' : stored ?? undefined;
  if (list.length > 1) { errors.push({ expression: 'Appointment.identifier', message: 'OSCAR keeps one identifier per appointment' }); return stored ?? ''; }
  const { system, value } = list[0]!;
  if (!system || !value) { errors.push({ expression: 'Appointment.identifier', message: 'the identifier needs a system and a value' }); return stored ?? ''; }
  if (system.includes('|')) { errors.push({ expression: 'Appointment.identifier.system', message: 'the identifier system cannot contain |' }); return stored ?? ''; }
  if (!ours) { errors.push({ expression: 'Appointment.identifier', message: 'OSCAR\'s resources column of this appointment holds clinic text; it cannot also hold an identifier' }); return stored; }
  const text = `${MARK}${system}|${value}`;
  if (text.length > RESOURCES_MAX) errors.push({ expression: 'Appointment.identifier', message: `OSCAR stores at most ${RESOURCES_MAX - MARK.length} characters of system and value together` });
  return text;
}
