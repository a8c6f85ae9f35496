// Whether a booking with plain start/end fits beside the appointments a provider already has
// (README "Online booking", BOOKING_PLAIN_CHECK=overlap). Appointments run from their start to
// their exclusive end (time/appointment-end.ts: the stored end + 1 ms, up to the minute), so a
// booking that starts when another ends does not overlap it. At each moment a template cell holds
// its capacity (BOOKING_CAPACITY); a moment outside every cell holds one booking. Pure, so the
// check before the insert and the one after it read OSCAR's rows the same way.
import { exclusiveEndOf } from '../time/appointment-end.js';
import type { Occupant } from './day-slots.js';

export interface Interval { startMs: number; endMs: number }

/** A stretch of the day and how many bookings it holds at once. */
export interface CapacityCell extends Interval { capacity: number }

export interface Crowd {
  /** The first moment of the interval where the bookings already hold all the room there is. */
  atMs: number;
  capacity: number;
  /** The bookings running at that moment. */
  holders: Occupant[];
}

const runsAt = (o: Occupant, ms: number): boolean => o.startMs <= ms && ms < exclusiveEndOf(o.storedEndMs);

function capacityAt(cells: readonly CapacityCell[], ms: number): number {
  return cells.find((c) => c.startMs <= ms && ms < c.endMs)?.capacity ?? 1;
}

/**
 * The moments worth looking at: the interval's start, and inside it every start of a booking or
 * a cell (the count of running bookings and the capacity only change there).
 */
function moments(want: Interval, others: readonly Occupant[], cells: readonly CapacityCell[]): number[] {
  const inside = [...others.map((o) => o.startMs), ...cells.map((c) => c.startMs)].filter((ms) => want.startMs < ms && ms < want.endMs);
  return [want.startMs, ...new Set(inside)].sort((a, b) => a - b);
}

/** Bookings of `others` running at some moment of `want`, in start order. */
export function overlapping(want: Interval, others: readonly Occupant[]): Occupant[] {
  return others.filter((o) => o.startMs < want.endMs && want.startMs < exclusiveEndOf(o.storedEndMs)).sort((a, b) => a.startMs - b.startMs);
}

/**
 * The first moment of `want` with no room left beside `others` (a Do_Not_Book booking leaves no
 * room, as in OSCAR's screens, scheduling §5), or undefined when the booking fits.
 */
export function crowdIn(want: Interval, others: readonly Occupant[], cells: readonly CapacityCell[]): Crowd | undefined {
  const running = overlapping(want, others);
  for (const atMs of moments(want, running, cells)) {
    const holders = running.filter((o) => runsAt(o, atMs));
    const capacity = capacityAt(cells, atMs);
    if (holders.length >= capacity || holders.some((o) => o.doNotBook)) return { atMs, capacity, holders };
  }
  return undefined;
}

/**
 * After the insert: whether booking `id` holds more than its place at some moment of `want`.
 * Where a moment holds more bookings than it may, the first ones by `rank` keep their place.
 */
export function overfilled(want: Interval, all: readonly Occupant[], cells: readonly CapacityCell[], id: number, rank: (o: Occupant) => number): boolean {
  const running = overlapping(want, all);
  return moments(want, running, cells).some((atMs) => {
    const holders = running.filter((o) => runsAt(o, atMs)).sort((a, b) => rank(a) - rank(b));
    const capacity = capacityAt(cells, atMs);
    return holders.length > capacity && holders.findIndex((o) => o.id === id) >= capacity;
  });
}
