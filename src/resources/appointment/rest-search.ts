// Appointment candidates over OSCAR REST, for instances whose SOAP is out of reach (variants §7.4
// "REST-only mode", routing table option 'rest'): by id, by patient (appointment history) and by
// practitioner one day at a time. The same plan as SOAP (search.ts); _lastUpdated has no REST call,
// so the CapabilityStatement leaves it out there and the planner never gets it.
import type { Appointment } from 'fhir/r4.js';
import { mapLimited, tooCostly } from '../../fhir/index.js';
import type { ResourceDeps } from '../deps.js';
import { localDays, type Window } from './date-window.js';
import { appointmentFromDayItem, appointmentFromRest } from './rest-mapper.js';
import { isDeletedStatus, type Plan, type Source } from './search.js';

/** One REST call per day: a practitioner's range is kept short (design principle 5). */
export const REST_PRACTITIONER_RANGE_DAYS = 31;
/** REST calls one search keeps in flight. */
const CALLS_AT_ONCE = 4;

/** Without SOAP, a clinic-wide list costs a call per provider per day. */
const REST_CLINIC_RANGE_DAYS = 7;

async function providerDays(providerNo: string, window: Window, deps: ResourceDeps, maxDays: number): Promise<Appointment[]> {
  const range = localDays(window, deps.mapping.timezone);
  if (range.days > maxDays) {
    throw tooCostly(`this OSCAR lists a practitioner's appointments one day at a time: search at most ${maxDays} days at once`, ['date']);
  }
  const days = Array.from({ length: range.days }, (_, i) => new Date(Date.parse(`${range.from}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10));
  const lists = await mapLimited(days, CALLS_AT_ONCE, (day) => deps.oscar.restProviderDay(providerNo, day));
  return lists.flat().filter((i) => !isDeletedStatus(i.status ?? undefined)).map((item) => appointmentFromDayItem(item, providerNo, deps.mapping));
}

async function appointmentsOf(source: Source, window: Window, deps: ResourceDeps): Promise<Appointment[]> {
  const { oscar, mapping } = deps;
  switch (source.kind) {
    case 'ids': {
      const found = await mapLimited(source.ids, CALLS_AT_ONCE, (id) => oscar.restGetAppointment(id));
      return found.flatMap((t) => (t && !isDeletedStatus(t.status ?? undefined) ? [appointmentFromRest(t, mapping)] : []));
    }
    case 'patient': {
      // contract 3.8: every appointment of the patient but the deleted ones, newest first.
      const rows = await oscar.restAppointmentHistory(source.demographicNo);
      if (rows.length > deps.limits.upstreamRows) throw tooCostly(`more than ${deps.limits.upstreamRows} appointments are booked for this patient in OSCAR`);
      return rows.filter((t) => !isDeletedStatus(t.status ?? undefined)).map((t) => appointmentFromRest(t, mapping));
    }
    case 'provider': return providerDays(source.providerNo, window, deps, REST_PRACTITIONER_RANGE_DAYS);
    case 'clinic': {
      // One REST call per provider per day: the clinic's day list is kept to a few days here.
      const providers = (await deps.providers.all()).flatMap((p) => (p.providerNo ? [p.providerNo] : []));
      return (await mapLimited(providers, 1, (p) => providerDays(p, window, deps, REST_CLINIC_RANGE_DAYS))).flat();
    }
    case 'updatedAfter':
      throw new Error('Appointment _lastUpdated has no REST call; the router refuses the parameter on this OSCAR');
  }
}

/** Runs the plan over REST: the candidate appointments, deduplicated, without deleted ones. */
export async function fetchRestCandidates(plan: Plan, deps: ResourceDeps): Promise<Appointment[]> {
  const results = await Promise.all(plan.sources.map((s) => appointmentsOf(s, plan.window, deps)));
  const seen = new Set<string>();
  return results.flat().filter((a) => a.id !== undefined && !seen.has(a.id) && !!seen.add(a.id));
}
