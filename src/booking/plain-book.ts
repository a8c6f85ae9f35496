// Booking with plain start/end, no Slot (README "Online booking", BOOKING_PLAIN_CHECK). OSCAR
// checks nothing on insert (scheduling §5, §7.5 trap 15), so without a check two clients booking
// the same time both get it. 'overlap' holds the provider's day like a Slot booking
// (safe-book.ts), reads the day's appointments live, refuses a time with no room left
// (crowding.ts), inserts, reads the day again and gives the booking back when a concurrent one
// made in OSCAR's own screens won. 'rules' books it as the Slot starting then (the same rules as
// a Slot booking); 'off' inserts unchecked, as OSCAR's screens do.
import type { Appointment } from 'fhir/r4.js';
import { conflict } from '../fhir/index.js';
import type { ResourceDeps } from '../resources/deps.js';
import { localDateOf, localDateTimeOf } from '../time/zone.js';
import { exclusiveEndOf } from '../time/appointment-end.js';
import { bookingContext } from './context.js';
import { crowdIn, overfilled, overlapping, type CapacityCell, type Crowd, type Interval } from './crowding.js';
import type { Occupant } from './day-slots.js';
import { bookIntoSlot, holdingDay, rankOf, type BookingWrite } from './safe-book.js';

/** How a provider's day is read: its bookings (one OSCAR call) and, when needed, its cells. */
export interface DayReader {
  /** The bookings of the day that hold their time, read from OSCAR now. */
  occupants(): Promise<Occupant[]>;
  /** The day's template cells with the bookings each holds; [] when every moment holds one. */
  cells(): Promise<CapacityCell[]>;
}

export interface PlainBooking extends Interval { providerNo: string }

/** The reader of a provider's clinic day (YYYY-MM-DD). */
export type DayOf = (providerNo: string, date: string) => DayReader;

const clock = (ms: number, tz: string): string => localDateTimeOf(ms, tz).slice(11, 16);

/** Names what is in the way by appointment number and time, never by patient. */
function describe(want: PlainBooking, crowd: Crowd, tz: string): string {
  const held = crowd.holders.map((o) => `Appointment/${o.id ?? '?'} ${clock(o.startMs, tz)}-${clock(exclusiveEndOf(o.storedEndMs), tz)}`).join(', ');
  const why = crowd.holders.some((o) => o.doNotBook)
    ? 'the time is blocked in OSCAR (Do_Not_Book)'
    : `that time holds ${crowd.capacity} booking${crowd.capacity === 1 ? '' : 's'}`;
  return `Practitioner/${want.providerNo} is already booked at ${clock(crowd.atMs, tz)} (${held}); ${why}`;
}

/** BOOKING_PLAIN_CHECK=overlap: the check, the write and the check after it, holding the provider's day. */
export async function bookBeside(deps: ResourceDeps, want: PlainBooking, dayOf: DayOf, w: BookingWrite): Promise<number> {
  const b = bookingContext(deps);
  const date = localDateOf(want.startMs, b.tz);
  const day = dayOf(want.providerNo, date);
  return holdingDay(b, want.providerNo, date, async () => {
    let cells: CapacityCell[] | undefined;
    // The cells cost OSCAR calls and only matter where the booking meets another one.
    const cellsWhen = async (meets: boolean): Promise<CapacityCell[]> => (meets ? (cells ??= await day.cells()) : []);
    const others = (await day.occupants()).filter((o) => o.id === undefined || o.id !== w.mover);
    const crowd = crowdIn(want, others, await cellsWhen(overlapping(want, others).length > 0));
    if (crowd) throw conflict(describe(want, crowd, b.tz));
    const booked = await w.write();
    const after = await day.occupants();
    if (overfilled(want, after, await cellsWhen(overlapping(want, after).length > 1), booked, rankOf(w))) {
      await w.undo(booked);
      throw conflict(`Practitioner/${want.providerNo} was booked in OSCAR for the same time at the same moment; this ${w.mover === undefined ? 'booking was cancelled' : 'move was undone'} again (Appointment/${booked})`);
    }
    return booked;
  });
}

/** Books `a` (plain start/end, no Slot) as BOOKING_PLAIN_CHECK says; `dayOf` reads the provider's day. */
export async function bookPlain(deps: ResourceDeps, a: Appointment, want: PlainBooking, dayOf: DayOf, w: BookingWrite): Promise<number> {
  const b = bookingContext(deps);
  switch (b.rules.plainCheck) {
    case 'off': return w.write();
    case 'overlap': return bookBeside(deps, want, dayOf, w);
    case 'rules': {
      const local = localDateTimeOf(want.startMs, b.tz);
      const wallMinute = Number(local.slice(11, 13)) * 60 + Number(local.slice(14, 16));
      return bookIntoSlot(deps, { providerNo: want.providerNo, date: local.slice(0, 10), wallMinute }, a, w);
    }
  }
}
