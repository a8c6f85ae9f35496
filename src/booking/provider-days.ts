// What free/busy needs from OSCAR for some providers over some days (scheduling §7.3): the
// template codes (one call), one getDayWorkSchedule per provider per day (there is no bulk call),
// and one appointment range call per provider. The day calls run in parallel, at most as many at
// once as the facade may have in flight towards OSCAR.
import { mapLimited } from '../fhir/include.js';
import type { OscarClient } from '../oscar/client.js';
import { OscarFaultError } from '../oscar/errors.js';
import type { AppointmentTransfer } from '../oscar/types.js';
import { xsEpoch } from '../resources/oscar-dates.js';
import { localDateOf } from '../time/zone.js';
import { addDays } from './calendar-days.js';
import { dayCells, type DayCells } from './day-cells.js';
import { templateCodeTable, type TemplateCode } from './template-codes.js';

export interface ProviderDay {
  providerNo: string;
  date: string;
  day: DayCells;
  appointments: AppointmentTransfer[];
}

export interface ProviderDays {
  codes: Map<string, TemplateCode>;
  days: ProviderDay[];
}

/** One day's template; a SOAP fault (an empty template string divides by zero, trap 5) leaves the day unknown. */
export async function templateOf(oscar: OscarClient, providerNo: string, date: string, tz: string): Promise<DayCells> {
  try {
    return dayCells(date, await oscar.soapGetDayWorkSchedule(providerNo, date), tz);
  } catch (e) {
    if (e instanceof OscarFaultError) return { kind: 'unknown', holiday: false, why: 'OSCAR could not build the day schedule' };
    throw e;
  }
}

/** `dates` are consecutive clinic days, first to last. */
export async function fetchProviderDays(oscar: OscarClient, providers: readonly string[], dates: readonly string[], tz: string): Promise<ProviderDays> {
  if (providers.length === 0 || dates.length === 0) return { codes: new Map(), days: [] };
  const first = dates[0]!;
  const afterLast = addDays(dates[dates.length - 1]!, 1);
  const limit = Math.max(1, oscar.options.maxInFlight);
  const pairs = providers.flatMap((providerNo) => dates.map((date) => ({ providerNo, date })));
  const [codeRows, appointmentLists, templates] = await Promise.all([
    oscar.soapGetScheduleTemplateCodes(),
    // contract 4.6: appointment_date >= first and < afterLast, cancelled ones included (day-slots.ts drops them).
    mapLimited(providers, limit, (p) => oscar.soapGetAppointmentsForDateRangeAndProvider2(first, afterLast, p)),
    mapLimited(pairs, limit, (x) => templateOf(oscar, x.providerNo, x.date, tz)),
  ]);
  const byProviderDay = new Map<string, AppointmentTransfer[]>();
  providers.forEach((p, i) => {
    for (const a of appointmentLists[i] ?? []) {
      const start = xsEpoch(a.appointmentStartDateTime, tz);
      if (start === undefined) continue;
      const key = `${p}|${localDateOf(start, tz)}`;
      const list = byProviderDay.get(key);
      if (list) list.push(a); else byProviderDay.set(key, [a]);
    }
  });
  return {
    codes: templateCodeTable(codeRows),
    days: pairs.map((x, i) => ({ ...x, day: templates[i]!, appointments: byProviderDay.get(`${x.providerNo}|${x.date}`) ?? [] })),
  };
}
