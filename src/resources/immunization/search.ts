// Immunization search: one anchor (_id, identifier, patient or _lastUpdated) chooses the OSCAR
// calls that bring the candidate preventions; screenings are dropped and every FHIR criterion is
// applied in memory on the mapped resources. A search costs at most a few calls, never one per row.
import type { CodeableConcept, Immunization } from 'fhir/r4.js';
import {
  dateClauseWindow, dateRangeOf, mapLimited, matchesDateClause, matchesReference, matchesString, matchesToken, tooCostly,
  type DateClause, type DateRange, type ParsedSearch, type ReferenceClause, type SearchClause, type StringClause,
  type TokenCandidate, type TokenClause,
} from '../../fhir/index.js';
import type { PreventionTransfer } from '../../oscar/types.js';
import { compartmentAnchor } from '../compartment-owner.js';
import { chosen } from '../../routing/routes.js';
import type { ResourceDeps } from '../deps.js';
import { localSystem } from '../mapping-config.js';
import { xsEpoch } from '../oscar-dates.js';
import { isImmunizationPrevention } from './mapper.js';
import { IMMUNIZATION_ANCHORS } from './search-params.js';

/** Calls one search keeps in flight toward OSCAR (the client bounds the whole server too). */
const CONCURRENCY = 4;
/** Earlier than any OSCAR record: "since the beginning" for the SOAP changed-after calls (exclusive). */
const BEGINNING = '1900-01-01';
/** meta.lastUpdated has (at most) second precision: a value covers [t, t + 1 s). */
const INSTANT_WIDTH_MS = 1000;
const EVENT_STATUS = 'http://hl7.org/fhir/event-status';

export type Plan =
  | { kind: 'ids'; ids: number[] }
  | { kind: 'previous'; ids: number[] }
  | { kind: 'patients'; demographicNos: number[] }
  | { kind: 'updated'; window: DateRange };

const NUMBER = /^\d{1,9}$/;
const unique = (ns: readonly number[]): number[] => [...new Set(ns)];

function clausesNamed<C extends SearchClause>(search: ParsedSearch, name: string): C[] {
  return search.clauses.filter((c) => c.name === name && !c.missing) as C[];
}

/** Prevention ids an identifier clause names, or undefined when a value cannot be looked up by id. */
function identifierIds(c: TokenClause, system: string): number[] | undefined {
  if (c.modifier) return undefined;
  const ids: number[] = [];
  for (const v of c.values) {
    if (v.system !== undefined && v.system !== system) continue; // another system: matches nothing here
    if (!v.code) return undefined;
    if (NUMBER.test(v.code)) ids.push(Number(v.code));
  }
  return unique(ids);
}

/**
 * Chooses the OSCAR calls for the search's anchor (see IMMUNIZATION_SEARCH_PARAMS). A search
 * confined to one patient's compartment reads that patient's list, whatever else it names (so
 * its entered-in-error records, which OSCAR leaves out of that list, are not found).
 */
export function planImmunizationSearch(search: ParsedSearch, deps: Pick<ResourceDeps, 'mapping' | 'limits'>, now: number = Date.now(), compartment?: string): Plan {
  const confined = compartmentAnchor(compartment);
  if (confined) return { kind: 'patients', demographicNos: confined };
  const idClause = clausesNamed<TokenClause>(search, '_id')[0];
  if (idClause) {
    const ids = unique(idClause.values.flatMap((v) => (v.code && NUMBER.test(v.code) ? [Number(v.code)] : [])));
    if (ids.length > deps.limits.ids) throw tooCostly(`at most ${deps.limits.ids} immunization ids can be searched at once`, ['_id']);
    return { kind: 'ids', ids };
  }
  const system = localSystem(deps.mapping, 'preventionId');
  for (const c of clausesNamed<TokenClause>(search, 'identifier')) {
    const ids = identifierIds(c, system);
    if (!ids) continue;
    // Each names a prevention row read by id, as `_id` does: the same limit.
    if (ids.length > deps.limits.ids) throw tooCostly(`at most ${deps.limits.ids} identifiers can be searched at once`, ['identifier']);
    return { kind: 'previous', ids };
  }
  const patient = clausesNamed<ReferenceClause>(search, 'patient')[0];
  if (patient) {
    const list = unique(patient.values.flatMap((v) => ((v.type ?? 'Patient') === 'Patient' && NUMBER.test(v.id) ? [Number(v.id)] : [])));
    if (list.length > deps.limits.patients) throw tooCostly(`at most ${deps.limits.patients} patients can be searched at once`, ['patient']);
    return { kind: 'patients', demographicNos: list };
  }
  const updated = clausesNamed<DateClause>(search, '_lastUpdated');
  if (updated.length > 0) {
    const windows = updated.map((c) => dateClauseWindow(c, now));
    return { kind: 'updated', window: { low: Math.max(...windows.map((w) => w.low)), high: Math.min(...windows.map((w) => w.high)) } };
  }
  throw tooCostly(`this Immunization search would read every prevention of the clinic: add one of ${IMMUNIZATION_ANCHORS.join(', ')}`);
}

const previousIdOf = (t: PreventionTransfer): string | undefined =>
  t.preventionExts?.find((e) => e.key === 'previousId' && e.value?.trim())?.value?.trim();

/** Recorded by an outside provider (contract 4.9). */
const OUTSIDE_PROVIDER = '-1';

/**
 * variants B23: OSCAR 15, KAI-15 and Juno have no getPreventionsByDemographicIdAfter. The list by
 * program, provider and patient filters on the recording provider (a null one matches nothing,
 * contract 4.9), so it is asked once per OSCAR provider and for outside providers; it keeps deleted
 * rows, which the other call leaves out.
 */
async function preventionsByRecorder(demographicNo: number, deps: ResourceDeps): Promise<PreventionTransfer[]> {
  const max = deps.limits.upstreamRows;
  const recorders = [OUTSIDE_PROVIDER, ...new Set((await deps.providers.all()).flatMap((p) => (p.providerNo ? [p.providerNo] : [])))];
  const lists = await mapLimited(recorders, CONCURRENCY, (p) => deps.oscar.soapGetPreventionsByProgramProviderDemographicDate(p, demographicNo, BEGINNING, max + 1));
  const rows = lists.flat().filter((t) => !t.deleted);
  if (rows.length > max) throw tooCostly(`a patient has more than ${max} preventions in OSCAR`);
  return rows;
}

/** Runs the plan: candidate preventions that are immunizations, deduplicated. */
export async function fetchImmunizationCandidates(plan: Plan, deps: ResourceDeps): Promise<PreventionTransfer[]> {
  const { oscar, mapping, limits: { upstreamRows: maxUpstreamRows } } = deps;
  // contract 4.9, 7.9: no consent gate, deleted rows left out; since is exclusive, so start before any record.
  const ofPatient = (d: number): Promise<PreventionTransfer[]> => (chosen(deps.routes, 'Immunization.search-type') === 'by-demographic'
    ? oscar.soapGetPreventionsByDemographicIdAfter(d, BEGINNING)
    : preventionsByRecorder(d, deps));
  let rows: PreventionTransfer[] = [];
  switch (plan.kind) {
    case 'ids':
      rows = (await mapLimited(plan.ids, CONCURRENCY, (id) => oscar.soapGetPrevention(id))).filter((t): t is PreventionTransfer => t !== undefined);
      break;
    case 'previous': {
      // contract 5.4: an edit soft-deletes row N and inserts a new row with ext previousId = N, for
      // the same patient. getPrevention(N) finds N (deleted rows included) and its patient.
      const named = (await mapLimited(plan.ids, CONCURRENCY, (id) => oscar.soapGetPrevention(id))).filter((t): t is PreventionTransfer => t?.id !== undefined);
      const patients = unique(named.flatMap((t) => (t.demographicId !== undefined ? [t.demographicId] : [])));
      const lists = await mapLimited(patients, CONCURRENCY, ofPatient);
      const wanted = new Set(plan.ids.map(String));
      rows = [...named, ...lists.flat().filter((t) => wanted.has(previousIdOf(t) ?? ''))];
      break;
    }
    case 'patients':
      rows = (await mapLimited(plan.demographicNos, CONCURRENCY, ofPatient)).flat();
      break;
    case 'updated': {
      const { low, high } = plan.window;
      if (!(high > low)) break;
      // contract 4.9: exclusive bound, every patient, deleted rows included, ordered by change time.
      const since = Number.isFinite(low) ? low - INSTANT_WIDTH_MS - 1 : BEGINNING;
      const found = await oscar.soapGetPreventionsUpdatedAfterDate(since, maxUpstreamRows + 1);
      const at = (t: PreventionTransfer | undefined): number => xsEpoch(t?.lastUpdateDate, mapping.timezone) ?? -Infinity;
      if (found.length > maxUpstreamRows && at(found[found.length - 1]) < high) {
        throw tooCostly(`more than ${maxUpstreamRows} preventions changed in this _lastUpdated window: narrow it or add patient`, ['_lastUpdated']);
      }
      rows = found.filter((t) => at(t) < high);
      break;
    }
  }
  const seen = new Set<number>();
  return rows.filter((t) => t.id !== undefined && !seen.has(t.id) && seen.add(t.id) && isImmunizationPrevention(t, mapping));
}

// ---- in-memory FHIR matching ------------------------------------------------------------------

function conceptCandidates(cc: CodeableConcept | undefined): TokenCandidate[] {
  const out: TokenCandidate[] = (cc?.coding ?? []).map((c) => ({ system: c.system, code: c.code, display: c.display }));
  if (cc?.text) out.push({ text: cc.text });
  return out;
}

/** Whether a mapped Immunization satisfies one clause (values ORed), per FHIR search semantics. */
export function immunizationMatches(i: Immunization, clause: SearchClause, timezone: string): boolean {
  switch (clause.name) {
    case '_id': return matchesToken(clause as TokenClause, [{ code: i.id }]);
    case '_lastUpdated': return matchesDateClause(clause as DateClause, [dateRangeOf(i.meta?.lastUpdated, timezone)]);
    case 'identifier': return matchesToken(clause as TokenClause, (i.identifier ?? []).map((id) => ({ system: id.system, value: id.value })));
    case 'patient': return matchesReference(clause as ReferenceClause, [i.patient.reference]);
    case 'date': return matchesDateClause(clause as DateClause, [dateRangeOf(i.occurrenceDateTime, timezone)]);
    case 'status': return matchesToken(clause as TokenClause, [{ system: EVENT_STATUS, code: i.status }]);
    case 'vaccine-code': return matchesToken(clause as TokenClause, conceptCandidates(i.vaccineCode));
    case 'lot-number': return matchesString(clause as StringClause, [i.lotNumber]);
    default: return false; // an undeclared parameter never reaches a handler; be safe anyway
  }
}
