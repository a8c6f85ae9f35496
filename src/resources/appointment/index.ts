// Appointment ← OSCAR schedule (mapping §3). Everything goes through SOAP ScheduleWs
// in the clinic zone (client: useGMTTime=false, variants §7.5; contract 4.6): reads by id, patient, provider-and-days or update
// time; bookings with addAppointment; reschedule / cancel / arrive with updateAppointment (the
// REST update is broken, contract 3.2).
import type { Appointment } from 'fhir/r4.js';
import {
  defineResource, gone, notFound, NUMERIC_ID, rowMatches, unprocessable, type FhirContext, type ParsedSearch, type ReferenceClause, type SearchResult,
} from '../../fhir/index.js';
import type { AppointmentTo1, AppointmentTransfer } from '../../oscar/types.js';
import { hiddenFrom } from '../compartment-owner.js';
import type { ResourceDeps } from '../deps.js';
import { referencedId } from '../references.js';
import { withoutEmpty } from '../without-empty.js';
import { bookingTransfer } from './booking.js';
import { soapDays } from '../../booking/live-day.js';
import { bookPlain, type PlainBooking } from '../../booking/plain-book.js';
import { bookIntoSlot, slotNamed, takeBack, type BookingWrite } from '../../booking/safe-book.js';
import { exclusiveEndOf } from '../../time/appointment-end.js';
import { chosen } from '../../routing/routes.js';
import { appointmentFromSoap, appointmentStatusFor } from './mapper.js';
import { appointmentFromRest } from './rest-mapper.js';
import { bookOverRest, changeOverRest } from './rest-booking.js';
import { fetchRestCandidates } from './rest-search.js';
import { APPOINTMENT_INCLUDES, APPOINTMENT_SEARCH_PARAMS, MAX_CLINIC_RANGE_DAYS, MAX_PRACTITIONER_RANGE_DAYS } from './search-params.js';
import { appointmentMatchesAll, BookingRow, byStart, fetchCandidates, isDeletedStatus, planAppointmentSearch, rowMatchesAll, rowsByStart } from './search.js';

/** scheduling §3: no REST call exposes a day template, so slots can only be checked over SOAP. */
const SLOT_NEEDS_SOAP = 'booking into a Slot needs OSCAR\'s SOAP ScheduleService, which this OSCAR does not serve; book with start and end only';

/** The time and practitioner a transfer books (bookingTransfer has checked both). */
const intervalOf = (t: AppointmentTransfer): PlainBooking => ({
  providerNo: t.providerNo ?? '', startMs: Date.parse(t.appointmentStartDateTime ?? ''), endMs: Date.parse(t.appointmentEndDateTime ?? ''),
});

/** Statuses whose booking holds no time (booking/day-slots.ts occupants). */
const FREEING_STATUSES = new Set(['cancelled', 'noshow', 'entered-in-error']);

/**
 * Practitioner display names from the provider list (none when this OSCAR does not serve it): on
 * every Appointment the API answers and every exported one (src/bulk/sources/per-patient.ts), so
 * both carry the same content and version (mapping §1.3).
 */
export async function withPractitionerDisplays(a: Appointment, providers: ResourceDeps['providers']): Promise<Appointment> {
  for (const p of a.participant ?? []) {
    const providerNo = referencedId(p.actor, 'Practitioner');
    const display = providerNo ? await providers.displayOf(providerNo) : undefined;
    // A new Reference in canonical member order (display before reference), as withoutEmpty
    // built the rest: its version id is then written without a sorted copy (fhir/version.ts).
    if (p.actor && display) p.actor = withoutEmpty({ ...p.actor, display });
  }
  return a;
}

export function appointmentDefinition(deps: ResourceDeps) {
  const { oscar, mapping, providers } = deps;

  async function toAppointment(t: AppointmentTransfer): Promise<Appointment> {
    return withDisplays(appointmentFromSoap(t, mapping));
  }

  const withDisplays = (a: Appointment): Promise<Appointment> => withPractitionerDisplays(a, providers);

  /**
   * The stored record, or undefined when OSCAR has none (or it is hidden from the caller's
   * compartment); a legacy-deleted one (status D) is 410, told only to whom may see it.
   */
  async function current(ctx: FhirContext, id: number): Promise<AppointmentTransfer | undefined> {
    const t = await oscar.soapGetAppointment2(id);
    if (t?.id === undefined || hiddenFrom(ctx, t.demographicNo)) return undefined;
    if (isDeletedStatus(t.status)) throw gone(`Appointment/${id} was deleted in OSCAR`);
    return t;
  }

  async function read(ctx: FhirContext, id: string): Promise<Appointment | undefined> {
    if (chosen(deps.routes, 'Appointment.read') === 'rest') return readOverRest(ctx, Number(id));
    const t = await current(ctx, Number(id));
    return t ? toAppointment(t) : undefined;
  }

  /** variants §7.4 REST-only mode; contract 3.8: OSCAR answers an unknown id with an error, not an empty answer. */
  async function storedOverRest(ctx: FhirContext, id: number): Promise<AppointmentTo1 | undefined> {
    const t = await oscar.restGetAppointment(id);
    if (t?.id === undefined || t.id === null || hiddenFrom(ctx, t.demographicNo)) return undefined;
    if (isDeletedStatus(t.status ?? undefined)) throw gone(`Appointment/${id} was deleted in OSCAR`);
    return t;
  }

  async function readOverRest(ctx: FhirContext, id: number): Promise<Appointment | undefined> {
    const t = await storedOverRest(ctx, id);
    return t ? withDisplays(appointmentFromRest(t, mapping)) : undefined;
  }

  async function readBackOverRest(ctx: FhirContext, id: number): Promise<Appointment> {
    const a = await readOverRest(ctx, id);
    if (!a) throw notFound(`Appointment/${id} was written but cannot be read back from OSCAR`);
    return a;
  }

  /** Provider numbers, loaded only when an untyped actor id must be told apart from a demographic number. */
  async function knownProviders(s: ParsedSearch): Promise<Set<string>> {
    const untyped = s.clauses.some((c) => c.name === 'actor' && (c as ReferenceClause).values.some((v) => v.type === undefined));
    if (!untyped) return new Set();
    return new Set((await providers.all()).map((p) => p.providerNo ?? ''));
  }

  async function search(ctx: FhirContext, s: ParsedSearch): Promise<SearchResult<Appointment>> {
    const now = Date.now();
    const known = ctx.compartment === undefined ? await knownProviders(s) : new Set<string>();
    const plan = planAppointmentSearch(s, (id) => known.has(id), deps.limits, now, ctx.compartment, mapping.timezone);
    // Mapped without the practitioners' display names: no parameter matches or sorts on them, so
    // they are looked up for the returned page alone (finish), as a read adds them.
    if (chosen(deps.routes, 'Appointment.search-type') === 'rest') {
      const all = await fetchRestCandidates(plan, deps);
      const matches = byStart(all.filter((a) => appointmentMatchesAll(a, s.clauses, mapping.timezone, now)));
      return { resources: matches, unpaged: true, finish: withDisplays };
    }
    // Matched and sorted on the rows' epochs: only the returned page is built and spelled (search.ts, BookingRow).
    const rows = (await fetchCandidates(plan, deps)).map((t) => new BookingRow(t, mapping));
    const matches = rowsByStart(rows.filter((r) => rowMatchesAll(r, s.clauses, mapping.timezone, now)));
    return { resources: [], rows: rowMatches(matches, (r) => r.resource()), unpaged: true, finish: withDisplays };
  }

  async function readBack(id: number): Promise<Appointment> {
    const t = await oscar.soapGetAppointment2(id);
    if (t?.id === undefined) throw notFound(`Appointment/${id} was written but cannot be read back from OSCAR`);
    return toAppointment(t);
  }

  return defineResource<Appointment>({
    type: 'Appointment',
    recordKind: 'appointment',
    documentation: `OSCAR schedule bookings. end is the exclusive end (OSCAR stores the last included minute); an appointment cannot cross midnight in the OSCAR server zone and needs exactly one Practitioner participant. status maps through the configurable OSCAR status table; cancel with status=cancelled (OSCAR C), arrive with status=arrived (OSCAR H). A booking, a move, or a cancelled booking brought back, with plain start and end, is refused (409) where the practitioner has no room left at that time (BOOKING_PLAIN_CHECK); naming a Slot in Appointment.slot applies the online-booking rules. A practitioner search needs a date range of at most ${MAX_PRACTITIONER_RANGE_DAYS} days; a date range alone (at most ${MAX_CLINIC_RANGE_DAYS} days, e.g. date=2026-12-07) lists the whole clinic's appointments at one OSCAR call per provider (reminder tools); any other search with no patient, practitioner, actor, _id or _lastUpdated is refused as too costly.`,
    idPattern: NUMERIC_ID,
    // A retried create finds its booking (resources/client-identifier.ts) instead of booking twice.
    conditionalCreate: true,
    searchParams: APPOINTMENT_SEARCH_PARAMS,
    includes: APPOINTMENT_INCLUDES,
    interactions: {
      read,
      search,
      async create(ctx, a) {
        const slot = slotNamed(a);
        if (chosen(deps.routes, 'Appointment.create') === 'rest') {
          if (slot) throw unprocessable(SLOT_NEEDS_SOAP, ['Appointment.slot']);
          return readBackOverRest(ctx, await bookOverRest(a, deps));
        }
        const transfer = await bookingTransfer(a, deps);
        // contract 4.6: the transfer carries the EXCLUSIVE end; OSCAR subtracts 1 ms itself.
        const w: BookingWrite = { write: () => oscar.soapAddAppointment(transfer), undo: (id) => takeBack(deps, id) };
        return readBack(slot ? await bookIntoSlot(deps, slot, a, w) : await bookPlain(deps, a, intervalOf(transfer), soapDays(deps), w));
      },
      async update(ctx, id, a) {
        if (chosen(deps.routes, 'Appointment.update') === 'rest') {
          const stored = await storedOverRest(ctx, Number(id));
          if (!stored) throw notFound(`Appointment/${id} is not known (OSCAR assigns appointment ids, so an update cannot create one)`);
          await changeOverRest(Number(id), a, stored, deps);
          return readBackOverRest(ctx, Number(id));
        }
        const stored = await current(ctx, Number(id));
        if (!stored) throw notFound(`Appointment/${id} is not known (OSCAR assigns appointment ids, so an update cannot create one)`);
        // contract 4.6: updateAppointment overwrites every column (missing → null/0): start from the stored record.
        const transfer = await bookingTransfer(a, deps, stored);
        const write = async (): Promise<number> => { await oscar.soapUpdateAppointment({ ...transfer, id: Number(id) }); return Number(id); };
        // Given back by writing the record as it was (contract 4.6: the whole row).
        const w: BookingWrite = { write, undo: async () => { await oscar.soapUpdateAppointment({ ...stored, id: Number(id) }); }, mover: Number(id) };
        // A move is checked like a booking; a cancel or a status change frees or keeps its time.
        const storedEnd = Date.parse(stored.appointmentEndDateTime ?? '');
        const moves = Date.parse(transfer.appointmentStartDateTime ?? '') !== Date.parse(stored.appointmentStartDateTime ?? '')
          || Date.parse(transfer.appointmentEndDateTime ?? '') !== (Number.isNaN(storedEnd) ? storedEnd : exclusiveEndOf(storedEnd))
          || transfer.providerNo !== stored.providerNo;
        // A cancelled or no-show booking brought back takes its time again: checked like a move.
        const revives = FREEING_STATUSES.has(appointmentStatusFor(stored.status, mapping)) && !FREEING_STATUSES.has(a.status);
        const slot = slotNamed(a);
        if ((!moves && !revives) || FREEING_STATUSES.has(a.status)) await write();
        else if (slot) await bookIntoSlot(deps, slot, a, w);
        else await bookPlain(deps, a, intervalOf(transfer), soapDays(deps), w);
        return readBack(Number(id));
      },
    },
  });
}
