// Booking into a Slot without double-booking (scheduling §7.4). OSCAR checks nothing on insert
// (scheduling §5), so the facade: holds the provider's day (a lock shared by every booking this
// facade makes, src/state), recomputes the slot live from OSCAR (never from the cache: a write
// request reads fresh, cache/fresh-reads.ts), inserts, then reads the day again. OSCAR's own
// screens take no lock: when one of their bookings landed in the same cell between the check and
// the insert and the cell now holds more than it may, the booking with the higher appointment
// number (the later insert) is the facade's to give back. SOAP has no delete, so it is cancelled.
import type { Appointment } from 'fhir/r4.js';
import { conflict, FhirError, unprocessable } from '../fhir/index.js';
import type { ResourceDeps } from '../resources/deps.js';
import { referencedId } from '../resources/references.js';
import { LockTimeoutError, withLock } from '../state/index.js';
import { bookableProviders, bookingContext, type BookingContext } from './context.js';
import { occupants, occupies, type DaySlot } from './day-slots.js';
import { addDays } from './calendar-days.js';
import { slotAt } from './slot-at.js';
import { slotIdOf, slotKeyOf, type SlotKey } from './slot-id.js';
import { capacityOf } from './template-codes.js';

/** How long a booking waits for its provider's day, and holds it at most. */
const DAY_LOCK = { waitMs: 15_000, leaseMs: 30_000 };

/** The slot an Appointment names in Appointment.slot, or undefined when it names none. */
export function slotNamed(a: Appointment): SlotKey | undefined {
  const refs = a.slot ?? [];
  if (refs.length === 0) return undefined;
  if (refs.length > 1) throw unprocessable('OSCAR books one slot per appointment', ['Appointment.slot']);
  const key = slotKeyOf(referencedId(refs[0], 'Slot') ?? '');
  if (!key) throw unprocessable('Appointment.slot must reference a Slot of this server (Slot/{providerNo}-{yyyyMMdd}-{HHmm})', ['Appointment.slot']);
  return key;
}

/** The booking's own elements agree with the slot it names. */
function checkAgainst(a: Appointment, slot: DaySlot): void {
  const id = slotIdOf(slot);
  const practitioners = (a.participant ?? []).map((p) => referencedId(p.actor, 'Practitioner')).filter((x) => x !== undefined);
  if (practitioners.some((p) => p !== slot.providerNo)) throw unprocessable(`Slot/${id} belongs to Practitioner/${slot.providerNo}`, ['Appointment.participant']);
  if (Date.parse(a.start ?? '') !== slot.startMs || Date.parse(a.end ?? '') !== slot.endMs) {
    throw unprocessable(`Slot/${id} runs from ${new Date(slot.startMs).toISOString()} to ${new Date(slot.endMs).toISOString()}; start and end must be the slot's`, ['Appointment.start', 'Appointment.end']);
  }
}

/**
 * A booking's write and how to give it back. A create inserts (the new id; given back by
 * cancelling it, as SOAP has no delete); a move (`mover` = the appointment moving) rewrites it
 * and is given back by restoring what it was. A moving appointment keeps an old, low number, so
 * where it meets a concurrent booking it yields as if it were the latest insert.
 */
export interface BookingWrite {
  write: () => Promise<number>;
  undo: (id: number) => Promise<void>;
  mover?: number;
}

/** Where a cell or moment holds too many bookings, the earlier inserts keep their place; a move comes last. */
export const rankOf = (w: BookingWrite) => (o: { id?: number }): number => (o.id === undefined || o.id === w.mover ? Number.POSITIVE_INFINITY : o.id);

/**
 * After the insert: whether a cell of the slot now holds more bookings than it may and `id` is
 * not among the first ones by rank.
 */
async function lostRace(deps: ResourceDeps, b: BookingContext, slot: DaySlot, id: number, w: BookingWrite): Promise<boolean> {
  const rows = await deps.oscar.soapGetAppointmentsForDateRangeAndProvider2(slot.date, addDays(slot.date, 1), slot.providerNo);
  const live = occupants(rows, b.rules, b.tz);
  const capacity = capacityOf(slot.codeInfo, b.rules);
  const rank = rankOf(w);
  return slot.cells.some((cell) => {
    const inCell = live.filter((o) => o.id !== undefined && occupies(o, cell)).sort((x, y) => rank(x) - rank(y) || x.id! - y.id!);
    return inCell.length > capacity && inCell.findIndex((o) => o.id === id) >= capacity;
  });
}

/** Gives a new booking back: SOAP has no delete, so it is cancelled (status C) as it stands. */
export async function takeBack(deps: ResourceDeps, id: number): Promise<void> {
  const stored = await deps.oscar.soapGetAppointment2(id);
  if (stored?.id === undefined) return;
  await deps.oscar.soapUpdateAppointment({ ...stored, id, status: deps.mapping.appointmentStatuses.toOscar.cancelled ?? 'C' });
}

/**
 * Runs `fn` holding the provider's day: the lock every booking this facade makes for that
 * provider and clinic day takes (src/state/README.md). 503 when others hold it too long.
 */
export async function holdingDay<T>(b: BookingContext, providerNo: string, date: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await withLock(b.locks, `booking:${providerNo}:${date}`, DAY_LOCK, fn);
  } catch (e) {
    if (!(e instanceof LockTimeoutError)) throw e;
    throw new FhirError(503, { severity: 'error', code: 'transient', diagnostics: 'Other bookings for this provider\'s day are still under way. Retry later.' },
      { headers: { 'retry-after': String(Math.ceil(DAY_LOCK.waitMs / 1000)) } });
  }
}

/**
 * Books `a` into the slot it names through `w` (for a move, the moving appointment's own time
 * does not make the slot busy). 409 when the slot is not free, or was lost to a concurrent
 * booking made in OSCAR itself.
 */
export async function bookIntoSlot(deps: ResourceDeps, key: SlotKey, a: Appointment, w: BookingWrite): Promise<number> {
  const b = bookingContext(deps);
  const id = slotIdOf(key);
  if (!(await bookableProviders(deps)).includes(key.providerNo)) throw unprocessable(`Slot/${id} is not a slot of a provider offering online booking`, ['Appointment.slot']);
  return holdingDay(b, key.providerNo, key.date, async () => {
    const slot = await slotAt(deps, b, key, w.mover);
    if (!slot) throw conflict(`Slot/${id} does not exist (any more): the provider's day template has no slot starting then`);
    checkAgainst(a, slot);
    if (slot.status !== 'free') throw conflict(`Slot/${id} is ${slot.status}${slot.reason ? ` (${slot.reason})` : ''}`);
    const booked = await w.write();
    if (await lostRace(deps, b, slot, booked, w)) {
      await w.undo(booked);
      throw conflict(`Slot/${id} was booked in OSCAR at the same moment; this ${w.mover === undefined ? 'booking was cancelled' : 'move was undone'} again (Appointment/${booked})`);
    }
    return booked;
  });
}
