// Free/busy of one provider's days, and the one slot a Slot id names, recomputed from OSCAR.
// Inside a write request the client's reads bypass the cache (cache/fresh-reads.ts), so a
// booking always decides on OSCAR as it is now, never on a cached copy.
import type { ResourceDeps } from '../resources/deps.js';
import type { BookingContext } from './context.js';
import { daySlots, type DaySlot } from './day-slots.js';
import { fetchProviderDays } from './provider-days.js';
import type { SlotKey } from './slot-id.js';

/** `exclude`: an appointment whose own time does not count (the one a reschedule moves). */
export async function slotsOf(deps: ResourceDeps, b: BookingContext, providers: readonly string[], dates: readonly string[], exclude?: number): Promise<DaySlot[]> {
  const { codes, days } = await fetchProviderDays(deps.oscar, providers, dates, b.tz);
  const now = b.now();
  return days.flatMap((d) => daySlots({
    ...d, appointments: exclude === undefined ? d.appointments : d.appointments.filter((x) => x.id !== exclude), codes, rules: b.rules, now, tz: b.tz,
  }));
}

/** The slot starting at the key's wall-clock minute, or undefined when the template has none there. */
export async function slotAt(deps: ResourceDeps, b: BookingContext, key: SlotKey, exclude?: number): Promise<DaySlot | undefined> {
  return (await slotsOf(deps, b, [key.providerNo], [key.date], exclude)).find((s) => s.wallMinute === key.wallMinute);
}
