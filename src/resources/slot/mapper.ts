// Slot ← one computed block of a provider's day (booking/day-slots.ts; scheduling §7.2).
import type { Slot } from 'fhir/r4.js';
import type { DaySlot } from '../../booking/day-slots.js';
import { scheduleIdOf, slotIdOf } from '../../booking/slot-id.js';
import { formatFhirDateTime } from '../../time/zone.js';
import { withoutEmpty } from '../without-empty.js';
import { templateCodeSystem } from './search-params.js';

export function slotFromDay(s: DaySlot, tz: string, baseUrl: string): Slot {
  return withoutEmpty<Slot>({
    resourceType: 'Slot',
    id: slotIdOf(s),
    serviceType: [{ coding: [{ system: templateCodeSystem(baseUrl), code: s.code, ...(s.codeInfo?.description && { display: s.codeInfo.description }) }] }],
    schedule: { reference: `Schedule/${scheduleIdOf(s.providerNo)}` },
    status: s.status,
    start: formatFhirDateTime(s.startMs, tz),
    end: formatFhirDateTime(s.endMs, tz),
    overbooked: s.overbooked ? true : undefined,
    comment: s.reason,
  });
}
