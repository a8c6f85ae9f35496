// A provider's day read live over SOAP for a plain booking (plain-book.ts): its appointments
// (one range call, contract 4.6: cancelled ones included, occupants() drops them) and, only when
// BOOKING_CAPACITY=bookinglimit makes the cells differ, its template and codes (two more calls).
import type { ResourceDeps } from '../resources/deps.js';
import { addDays } from './calendar-days.js';
import { bookingContext } from './context.js';
import type { CapacityCell } from './crowding.js';
import { occupants } from './day-slots.js';
import type { DayOf } from './plain-book.js';
import { templateOf } from './provider-days.js';
import { capacityOf, templateCodeTable } from './template-codes.js';

export function soapDays(deps: ResourceDeps): DayOf {
  const b = bookingContext(deps);
  return (providerNo, date) => ({
    async occupants() {
      return occupants(await deps.oscar.soapGetAppointmentsForDateRangeAndProvider2(date, addDays(date, 1), providerNo), b.rules, b.tz);
    },
    async cells(): Promise<CapacityCell[]> {
      if (b.rules.capacity === 'one') return [];
      const [day, codeRows] = await Promise.all([templateOf(deps.oscar, providerNo, date, b.tz), deps.oscar.soapGetScheduleTemplateCodes()]);
      if (day.kind !== 'cells') return [];
      const codes = templateCodeTable(codeRows);
      return day.cells.map((c) => ({ startMs: c.startMs, endMs: c.endMs, capacity: capacityOf(codes.get(c.code), b.rules) }));
    },
  });
}
