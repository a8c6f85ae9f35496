// Slot ← OSCAR day templates + template codes + the day's appointments (scheduling §7.2-7.3),
// computed on every request: OSCAR has no slot table. Ids name the provider and the wall-clock
// start ({providerNo}-{yyyyMMdd}-{HHmm}), so a slot keeps its id while the template is unchanged.
import type { Slot } from 'fhir/r4.js';
import {
  dateRangeOf, defineResource, matchesDateClause, matchesReference, matchesToken, tooCostly,
  type DateClause, type FhirContext, type ParsedSearch, type ReferenceClause, type SearchClause, type SearchResult, type TokenClause,
} from '../../fhir/index.js';
import { bookableProviders, bookingContext } from '../../booking/context.js';
import { daysFrom } from '../../booking/calendar-days.js';
import { horizonOf } from '../../booking/horizon.js';
import { slotAt, slotsOf } from '../../booking/slot-at.js';
import { providerOfScheduleId, SLOT_ID, slotKeyOf } from '../../booking/slot-id.js';
import { dateWindow, localDays } from '../appointment/date-window.js';
import type { ResourceDeps } from '../deps.js';
import { referencedId } from '../references.js';
import { slotFromDay } from './mapper.js';
import { SLOT_INCLUDES, SLOT_SEARCH_PARAMS, SLOT_STATUS_SYSTEM } from './search-params.js';

function clausesNamed<C extends SearchClause>(s: ParsedSearch, name: string): C[] {
  return s.clauses.filter((c) => c.name === name && c.missing === undefined) as C[];
}

function slotMatches(slot: Slot, c: SearchClause, tz: string, now: number): boolean {
  const providerNo = providerOfScheduleId(referencedId(slot.schedule, 'Schedule') ?? '');
  switch (c.name) {
    case 'schedule': return matchesReference(c as ReferenceClause, [slot.schedule.reference]);
    case 'schedule.actor': return matchesReference(c as ReferenceClause, [providerNo === undefined ? undefined : `Practitioner/${providerNo}`]);
    case 'start': return matchesDateClause(c as DateClause, [dateRangeOf(slot.start, tz)], now);
    case 'status': return matchesToken(c as TokenClause, [{ system: SLOT_STATUS_SYSTEM, code: slot.status }]);
    case 'service-type': return matchesToken(c as TokenClause, (slot.serviceType ?? []).flatMap((t) => t.coding ?? []).map((x) => ({ system: x.system, code: x.code })));
    default: return false;
  }
}

export function slotDefinition(deps: ResourceDeps) {
  const tz = deps.mapping.timezone;

  async function read(_ctx: FhirContext, id: string): Promise<Slot | undefined> {
    const key = slotKeyOf(id);
    if (!key || !(await bookableProviders(deps)).includes(key.providerNo)) return undefined;
    const slot = await slotAt(deps, bookingContext(deps), key);
    return slot ? slotFromDay(slot, tz, deps.baseUrl) : undefined;
  }

  /** The bookable providers every schedule / schedule.actor clause names (values ORed, clauses ANDed). */
  async function providersOf(s: ParsedSearch): Promise<string[]> {
    let providers = await bookableProviders(deps);
    for (const c of clausesNamed<ReferenceClause>(s, 'schedule')) {
      const named = new Set(c.values.map((v) => providerOfScheduleId(v.id)));
      providers = providers.filter((p) => named.has(p));
    }
    for (const c of clausesNamed<ReferenceClause>(s, 'schedule.actor')) {
      const named = new Set(c.values.map((v) => v.id));
      providers = providers.filter((p) => named.has(p));
    }
    return providers;
  }

  async function search(_ctx: FhirContext, s: ParsedSearch): Promise<SearchResult<Slot>> {
    const b = bookingContext(deps);
    const now = b.now();
    const horizon = horizonOf(b);
    const w = dateWindow(clausesNamed<DateClause>(s, 'start'), now);
    const lo = Number.isFinite(w.lo) ? w.lo : now;
    const asked = Number.isFinite(w.hi) ? w.hi : horizon.endMs;
    if (asked > lo && localDays({ lo, hi: asked }, tz).days > b.rules.horizonDays) {
      throw tooCostly(`a Slot search spans at most ${b.rules.horizonDays} days (the planning horizon, BOOKING_HORIZON_DAYS)`, ['start']);
    }
    // No slot is offered beyond the planning horizon.
    const hi = Math.min(asked, horizon.endMs);
    if (hi <= lo) return { resources: [], unpaged: true };
    const days = localDays({ lo, hi }, tz);
    const providers = await providersOf(s);
    const slots = (await slotsOf(deps, b, providers, daysFrom(days.from, days.toExclusive))).map((x) => slotFromDay(x, tz, deps.baseUrl));
    const matches = slots
      .filter((slot) => s.clauses.every((c) => slotMatches(slot, c, tz, now)))
      .sort((a, x) => Date.parse(a.start) - Date.parse(x.start) || (a.id! < x.id! ? -1 : a.id! > x.id! ? 1 : 0));
    return { resources: matches, unpaged: true };
  }

  return defineResource<Slot>({
    type: 'Slot',
    documentation: 'Bookable time computed from OSCAR day templates (SOAP getDayWorkSchedule), template codes and the day\'s appointments (scheduling §7.2-7.3): free, busy or busy-unavailable with the reason in comment; serviceType is the template code (exact character); a code longer than a cell gives one appointment-sized slot. Book one with Appointment create naming it in Appointment.slot. OSCAR\'s scheduledate.available flag and multisite locations cannot be seen through its APIs.',
    idPattern: SLOT_ID,
    searchParams: SLOT_SEARCH_PARAMS,
    includes: SLOT_INCLUDES,
    readOnlyReason: 'slots are computed from OSCAR\'s templates; book one with an Appointment naming it in Appointment.slot',
    interactions: { read, search },
  });
}
