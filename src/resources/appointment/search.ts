// Appointment search: choose the OSCAR call(s) that narrow the clinic's schedule to a candidate
// set — by id, by patient, by provider over a bounded range of days, or by update time — then
// apply every FHIR criterion in memory with full FHIR semantics. A search without one of these
// anchors would read the whole schedule, so it is refused as too costly.
import type { Appointment, AppointmentParticipant } from 'fhir/r4.js';
import {
  dateRangeOf, invalidValue, mapLimited, matchesDateClause, matchesReference, matchesToken, tooCostly,
  type DateClause, type ParsedSearch, type ReferenceClause, type SearchClause, type TokenClause,
} from '../../fhir/index.js';
import { localDateOf, spelledInstantOf } from '../../time/zone.js';
import type { AppointmentTransfer } from '../../oscar/types.js';
import { compartmentAnchor } from '../compartment-owner.js';
import type { ResourceDeps, SearchLimits } from '../deps.js';
import type { MappingConfig } from '../mapping-config.js';
import { xsEpoch } from '../oscar-dates.js';
import { appointmentFromSoap, endOfBooking, participantsOf } from './mapper.js';
import { nonBlank } from '../without-empty.js';
import { PRACTITIONER_ID } from '../practitioner/search-params.js';
import { dateWindow, isBounded, isEmpty, localDays, type Window } from './date-window.js';
import { APPOINTMENT_STATUS_SYSTEM, MAX_CLINIC_RANGE_DAYS, MAX_PRACTITIONER_RANGE_DAYS } from './search-params.js';

/** OSCAR calls one clinic-wide search keeps in flight. */
const CONCURRENCY = 4;
/** Rows per getAppointmentsForPatient2 page. */
const PATIENT_PAGE = 250;
/** contract 7.13: OSCAR list calls fault above 5000 rows. */
const OSCAR_LIST_MAX = 5000;

/** One OSCAR call family that yields candidates. */
export type Source =
  | { kind: 'ids'; ids: number[] }
  | { kind: 'patient'; demographicNo: number }
  | { kind: 'provider'; providerNo: string }
  | { kind: 'updatedAfter'; since: number }
  /** Every provider over a short date range: the clinic's day list (reminder tools). */
  | { kind: 'clinic' };

export interface Plan {
  sources: Source[];
  /** The instant window the date criteria confine appointments to (unbounded when none). */
  window: Window;
}

function clausesNamed<C extends SearchClause>(search: ParsedSearch, name: string): C[] {
  return search.clauses.filter((c) => c.name === name && c.missing === undefined) as C[];
}

const DEMOGRAPHIC_NO = /^[1-9]\d{0,9}$/;
const isDemographicNo = (id: string): boolean => DEMOGRAPHIC_NO.test(id) && Number(id) <= 2_147_483_647;

/**
 * Sources answering one reference clause (its values ORed), or 'needs-range' when some value is
 * a provider and the date criteria are not bounded.
 */
function referenceSources(clause: ReferenceClause, window: Window, knownProvider: (id: string) => boolean, maxRefs: number): Source[] | 'needs-range' {
  if (clause.values.length > maxRefs) throw invalidValue(`at most ${maxRefs} references can be ORed in '${clause.name}'`, [clause.name]);
  const sources: Source[] = [];
  let needsRange = false;
  for (const v of clause.values) {
    const asPatient = v.type === 'Patient' || (v.type === undefined && isDemographicNo(v.id));
    const asProvider = v.type === 'Practitioner' || (v.type === undefined && PRACTITIONER_ID.test(v.id) && knownProvider(v.id));
    if (asPatient && isDemographicNo(v.id)) sources.push({ kind: 'patient', demographicNo: Number(v.id) });
    if (asProvider) {
      if (isBounded(window)) sources.push({ kind: 'provider', providerNo: v.id });
      else needsRange = true;
    }
  }
  return needsRange ? 'needs-range' : sources;
}

/**
 * Chooses the narrowest OSCAR calls for the criteria (see APPOINTMENT_SEARCH_PARAMS). A search
 * confined to one patient's compartment reads that patient's appointments, whatever else it names.
 */
export function planAppointmentSearch(search: ParsedSearch, knownProvider: (id: string) => boolean, limits: Pick<SearchLimits, 'ids' | 'patients'>, now: number = Date.now(), compartment?: string, timezone = 'UTC'): Plan {
  const window = dateWindow(clausesNamed<DateClause>(search, 'date'), now);
  const confined = compartmentAnchor(compartment);
  if (confined) return { sources: confined.map((demographicNo) => ({ kind: 'patient', demographicNo })), window };

  const idClause = clausesNamed<TokenClause>(search, '_id')[0];
  if (idClause) {
    const ids = [...new Set(idClause.values.flatMap((v) => (v.code && /^\d{1,9}$/.test(v.code) ? [Number(v.code)] : [])))];
    if (ids.length > limits.ids) throw invalidValue(`at most ${limits.ids} ids can be searched at once`, ['_id']);
    return { sources: [{ kind: 'ids', ids }], window };
  }

  // Reference clauses are ANDed: any one of them bounds the candidates. Patients first (cheapest),
  // then providers over the date range, then mixed actor clauses.
  const refClauses = ['patient', 'practitioner', 'actor'].flatMap((n) => clausesNamed<ReferenceClause>(search, n));
  const options = refClauses.map((c) => referenceSources(c, window, knownProvider, limits.patients));
  const cost = (s: Source[]): number => (s.every((x) => x.kind === 'patient') ? 0 : s.every((x) => x.kind === 'provider') ? 1 : 2);
  const usable = options.filter((o): o is Source[] => o !== 'needs-range').sort((a, b) => cost(a) - cost(b));
  if (usable[0]) return { sources: usable[0], window };

  const updated = clausesNamed<DateClause>(search, '_lastUpdated');
  const since = dateWindow(updated, now).lo;
  if (updated.length > 0 && Number.isFinite(since)) {
    // contract 4.6: updateDateTime > since (exclusive). meta.lastUpdated has whole seconds, so a
    // record updated within the second before the bound can still match: step back one second.
    return { sources: [{ kind: 'updatedAfter', since: since - 1000 }], window };
  }

  // A date range alone, bounded and short: every provider's appointments over it (one call each).
  if (refClauses.length === 0 && isBounded(window) && !isEmpty(window) && localDays(window, timezone).days <= MAX_CLINIC_RANGE_DAYS) {
    return { sources: [{ kind: 'clinic' }], window };
  }

  if (options.includes('needs-range')) {
    throw tooCostly(`an Appointment search by practitioner needs a date range bounded on both sides of at most ${MAX_PRACTITIONER_RANGE_DAYS} days (e.g. date=ge2024-03-01&date=lt2024-04-01), or a patient, _id or _lastUpdated criterion; a Patient actor must be typed (actor=Patient/…)`, ['date']);
  }
  throw tooCostly(`this Appointment search would read the whole clinic schedule: add one of _id, patient, practitioner or actor (with a bounded date range for a practitioner), _lastUpdated with a lower bound, or a date range bounded on both sides of at most ${MAX_CLINIC_RANGE_DAYS} days (the clinic's day list)`);
}

// ---- fetching ---------------------------------------------------------------------------------

function tooMany(deps: ResourceDeps, what: string): never {
  throw tooCostly(`more than ${deps.limits.upstreamRows} appointments ${what} in OSCAR: narrow the search (e.g. with a date range)`);
}

async function patientRows(demographicNo: number, window: Window, deps: ResourceDeps): Promise<AppointmentTransfer[]> {
  const { oscar, mapping, limits: { upstreamRows: maxUpstreamRows } } = deps;
  const tz = mapping.timezone;
  const dayOf = (t: AppointmentTransfer): string | undefined => {
    const ms = xsEpoch(t.appointmentStartDateTime, tz);
    return ms === undefined ? undefined : localDateOf(ms, tz);
  };
  // contract 4.6: newest appointment_date first, so paging can stop below the window's first day.
  const oldestDay = Number.isFinite(window.lo) ? localDateOf(window.lo, tz) : undefined;
  const inWindow = (t: AppointmentTransfer): boolean => oldestDay === undefined || (dayOf(t) ?? oldestDay) >= oldestDay;
  const size = Math.min(PATIENT_PAGE, maxUpstreamRows + 1, OSCAR_LIST_MAX);
  const out: AppointmentTransfer[] = [];
  for (let start = 0; ; start += size) {
    const page = await oscar.soapGetAppointmentsForPatient2(demographicNo, start, size);
    out.push(...page);
    if (out.filter(inWindow).length > maxUpstreamRows) tooMany(deps, 'are booked for this patient');
    const last = page[page.length - 1];
    if (page.length < size || (last && !inWindow(last))) return out;
  }
}

async function providerRows(providerNo: string, window: Window, deps: ResourceDeps): Promise<AppointmentTransfer[]> {
  const days = localDays(window, deps.mapping.timezone);
  if (days.days > MAX_PRACTITIONER_RANGE_DAYS) {
    throw tooCostly(`the date range spans ${days.days} days; a practitioner's appointments can be searched over at most ${MAX_PRACTITIONER_RANGE_DAYS} days at once`, ['date']);
  }
  // contract 4.6: appointment_date >= start and < end, local days; unlike getAppointmentsForProvider2
  // it keeps cancelled (C) appointments.
  const rows = await deps.oscar.soapGetAppointmentsForDateRangeAndProvider2(days.from, days.toExclusive, providerNo);
  if (rows.length > deps.limits.upstreamRows) tooMany(deps, 'are booked for this practitioner in that range');
  return rows;
}

async function rowsOf(source: Source, window: Window, deps: ResourceDeps): Promise<AppointmentTransfer[]> {
  switch (source.kind) {
    case 'ids': {
      const found = await Promise.all(source.ids.map((id) => deps.oscar.soapGetAppointment2(id)));
      return found.filter((t): t is AppointmentTransfer => t !== undefined);
    }
    case 'patient': return patientRows(source.demographicNo, window, deps);
    case 'provider': return providerRows(source.providerNo, window, deps);
    case 'clinic': {
      // Every provider OSCAR lists, active or not (a retired doctor's booking still counts), CONCURRENCY at once.
      const providers = (await deps.providers.all()).flatMap((p) => (p.providerNo ? [p.providerNo] : []));
      const rows = (await mapLimited(providers, CONCURRENCY, (p) => providerRows(p, window, deps))).flat();
      if (rows.length > deps.limits.upstreamRows) tooMany(deps, 'are booked in the clinic in that range');
      return rows;
    }
    case 'updatedAfter': {
      const n = Math.min(deps.limits.upstreamRows + 1, OSCAR_LIST_MAX);
      const rows = await deps.oscar.soapGetAppointmentsUpdatedAfterDate(source.since, n);
      if (rows.length > deps.limits.upstreamRows) tooMany(deps, 'changed since then');
      return rows;
    }
  }
}

/** contract 5.2: 'D' is OSCAR's legacy "deleted" status; OSCAR's own queries leave it out. */
export function isDeletedStatus(status: string | undefined): boolean {
  return (status ?? '').startsWith('D');
}

/** Runs the plan: the candidate appointments, deduplicated, without deleted rows. */
export async function fetchCandidates(plan: Plan, deps: ResourceDeps): Promise<AppointmentTransfer[]> {
  if (isEmpty(plan.window)) return [];
  const results = await Promise.all(plan.sources.map((s) => rowsOf(s, plan.window, deps)));
  const seen = new Set<number>();
  return results.flat().filter((t) => t.id !== undefined && !isDeletedStatus(t.status) && !seen.has(t.id) && !!seen.add(t.id));
}

// ---- in-memory FHIR matching ------------------------------------------------------------------

function participantRefs(participant: readonly AppointmentParticipant[] | undefined, type?: 'Patient' | 'Practitioner'): string[] {
  return (participant ?? [])
    .map((p) => p.actor?.reference)
    .filter((r): r is string => typeof r === 'string' && (type === undefined || r.startsWith(`${type}/`)));
}

/** The appointment occupies [start, end): a visit ending at midnight belongs to its own day only. */
function periodOf(a: Appointment): { low: number; high: number } | undefined {
  const low = a.start ? Date.parse(a.start) : NaN;
  const high = a.end ? Date.parse(a.end) : NaN;
  return Number.isNaN(low) || Number.isNaN(high) ? undefined : { low, high };
}

/**
 * Whether a mapped Appointment satisfies every clause of `clauses` (ANDed, in their order), each as
 * appointmentMatches decides it; its period is parsed once for all its date clauses, not once for
 * each (a practitioner's range is two of them).
 */
export function appointmentMatchesAll(a: Appointment, clauses: readonly SearchClause[], timezone: string, now: number): boolean {
  let period: [{ low: number; high: number } | undefined] | undefined;
  for (const c of clauses) {
    if (c.name === 'date') {
      period ??= [periodOf(a)];
      if (!matchesDateClause(c as DateClause, period, now)) return false;
    } else if (!appointmentMatches(a, c, timezone, now)) return false;
  }
  return true;
}

/**
 * The search's order: by start instant, and by id among those that spell the same start. Each
 * start is parsed once (a sort compares a row many times); the order is the one a comparator
 * parsing both starts at each comparison gave, as it gives the same answer for every pair.
 */
export function byStart(found: readonly Appointment[]): Appointment[] {
  const keyed = found.map((a) => ({ a, start: a.start ?? '', at: Date.parse(a.start ?? ''), id: Number(a.id) }));
  keyed.sort((x, y) => (x.start === y.start ? x.id - y.id : x.at - y.at));
  return keyed.map((k) => k.a);
}

/** Whether a mapped Appointment satisfies one clause (values ORed), per FHIR search semantics. */
export function appointmentMatches(a: Appointment, clause: SearchClause, timezone: string, now: number = Date.now()): boolean {
  switch (clause.name) {
    case '_id': return matchesToken(clause as TokenClause, [{ code: a.id }]);
    case 'patient': return matchesReference(clause as ReferenceClause, participantRefs(a.participant, 'Patient'));
    case 'practitioner': return matchesReference(clause as ReferenceClause, participantRefs(a.participant, 'Practitioner'));
    case 'actor': return matchesReference(clause as ReferenceClause, participantRefs(a.participant));
    case 'date': return matchesDateClause(clause as DateClause, [periodOf(a)], now);
    case 'status': return matchesToken(clause as TokenClause, [{ system: APPOINTMENT_STATUS_SYSTEM, code: a.status }]);
    case 'identifier': return matchesToken(clause as TokenClause, (a.identifier ?? []).map((i) => ({ system: i.system, code: i.value })));
    case '_lastUpdated': return matchesDateClause(clause as DateClause, [dateRangeOf(a.meta?.lastUpdated, timezone)], now);
    default: return false; // an undeclared parameter never reaches a handler; be safe anyway
  }
}

// ---- matching on the rows ---------------------------------------------------------------------

/**
 * A SOAP row of a search, matched and sorted on its booking (instants as epoch ms), its Appointment
 * built only when a clause needs it or its page is returned: spelling every row's four instants in
 * the clinic's zone and pruning its Appointment was a third of a practitioner's 231-row search
 * (bench/results.md, "Appointment search CPU"). It decides every clause as appointmentMatchesAll
 * and sorts as byStart does on its Appointment (test/resources/appointment-rows.test.ts compares them).
 */
export class BookingRow {
  private made: Appointment | undefined;
  /** The start and exclusive end, when the booking has both (the Appointment's start and end, app-2). */
  readonly startMs: number | undefined;
  readonly endMs: number | undefined;

  constructor(readonly transfer: AppointmentTransfer, private readonly cfg: MappingConfig) {
    // As appointmentFromSoap reads them; its other instants (created, updated) only for the resource.
    const startMs = xsEpoch(transfer.appointmentStartDateTime, cfg.timezone);
    const storedEndMs = xsEpoch(transfer.appointmentEndDateTime, cfg.timezone);
    const endMs = endOfBooking({ storedEndMs });
    const timed = startMs !== undefined && endMs !== undefined;
    this.startMs = timed ? startMs : undefined;
    this.endMs = timed ? endMs : undefined;
  }

  /** The row's Appointment (appointmentFromSoap), built once. */
  resource(): Appointment {
    return (this.made ??= appointmentFromSoap(this.transfer, this.cfg));
  }

  /** The Appointment's participants (participantsOf the booking; display names play no part in a match). */
  participants(): AppointmentParticipant[] {
    return participantsOf({ demographicNo: this.transfer.demographicNo, providerNo: nonBlank(this.transfer.providerNo) });
  }

  /** The instant the Appointment's start reads back as (NaN without one, as Date.parse('')). */
  startAt(): number {
    return this.startMs === undefined ? NaN : spelledInstantOf(this.startMs, this.cfg.timezone);
  }

  /**
   * periodOf of the Appointment: the instants its start and end spell (spelledInstantOf reads
   * them back without spelling them where that is the instant itself).
   */
  period(): { low: number; high: number } | undefined {
    if (this.startMs === undefined || this.endMs === undefined) return undefined;
    const low = this.startAt();
    const high = spelledInstantOf(this.endMs, this.cfg.timezone);
    return Number.isNaN(low) || Number.isNaN(high) ? undefined : { low, high };
  }
}

/**
 * Whether a row satisfies every clause of `clauses`, as appointmentMatchesAll decides it on the
 * row's Appointment: dates on the row's period, references on its participants (participantsOf,
 * those the Appointment is built with; display names play no part), any other clause on the
 * Appointment itself.
 */
export function rowMatchesAll(row: BookingRow, clauses: readonly SearchClause[], timezone: string, now: number): boolean {
  let period: [{ low: number; high: number } | undefined] | undefined;
  let participant: AppointmentParticipant[] | undefined;
  for (const c of clauses) {
    switch (c.name) {
      case 'date':
        period ??= [row.period()];
        if (!matchesDateClause(c as DateClause, period, now)) return false;
        break;
      case 'patient': case 'practitioner': case 'actor': {
        participant ??= row.participants();
        const type = c.name === 'patient' ? 'Patient' : c.name === 'practitioner' ? 'Practitioner' : undefined;
        if (!matchesReference(c as ReferenceClause, participantRefs(participant, type))) return false;
        break;
      }
      default:
        if (!appointmentMatches(row.resource(), c, timezone, now)) return false;
    }
  }
  return true;
}

/**
 * byStart over rows: the same comparisons, on the epochs. Two starts spell alike when both rows
 * have none, or both the same instant (a zone spells one instant one way, and two instants two
 * ways: a wall clock repeats only under another offset); the spelled start reads back as
 * spelledInstantOf (NaN without one, as Date.parse('')); the id is the booking's.
 */
export function rowsByStart(found: readonly BookingRow[]): BookingRow[] {
  const keyed = found.map((r) => ({
    r, start: r.startMs, at: r.startAt(), id: Number(r.transfer.id),
  }));
  keyed.sort((x, y) => (x.start === y.start ? x.id - y.id : x.at - y.at));
  return keyed.map((k) => k.r);
}
