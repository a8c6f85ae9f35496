// AllergyIntolerance search: one anchor (_id, patient or _lastUpdated) chooses the OSCAR calls
// that bring the candidate rows; every FHIR criterion is then applied in memory on the mapped
// resources. Clinical status needs the REST active list of each row's patient (contract 4.8), so
// it is fetched only for the patients whose allergies are actually returned.
import type { AllergyIntolerance, CodeableConcept } from 'fhir/r4.js';
import {
  dateClauseWindow, dateRangeOf, mapLimited, matchesDateClause, matchesReference, matchesToken, tooCostly,
  type DateClause, type DateRange, type ParsedSearch, type ReferenceClause, type SearchClause, type TokenCandidate, type TokenClause,
} from '../../fhir/index.js';
import type { AllergyTransfer } from '../../oscar/types.js';
import { ofPatient } from '../answer-owner.js';
import { compartmentAnchor } from '../compartment-owner.js';
import type { ResourceDeps, SearchLimits } from '../deps.js';
import { xsEpoch } from '../oscar-dates.js';
import { ALLERGY_ANCHORS } from './search-params.js';

/** Calls one search keeps in flight toward OSCAR (the client bounds the whole server too). */
const CONCURRENCY = 4;
/** Earlier than any OSCAR record: "since the beginning" for the SOAP changed-after calls. */
const BEGINNING = '1900-01-01';
/** meta.lastUpdated has (at most) second precision: a value covers [t, t + 1 s). */
const INSTANT_WIDTH_MS = 1000;

const CATEGORY_SYSTEM = 'http://hl7.org/fhir/allergy-intolerance-category';
const CRITICALITY_SYSTEM = 'http://hl7.org/fhir/allergy-intolerance-criticality';

type Plan =
  | { kind: 'ids'; ids: number[] }
  | { kind: 'patients'; demographicNos: number[] }
  | { kind: 'updated'; window: DateRange };

/** Candidate rows, and the REST active-allergy ids of the patients already looked up. */
export interface AllergyCandidates {
  rows: AllergyTransfer[];
  /** false when this OSCAR has no REST active lists to ask (variants §6 B14): statuses stay unverified. */
  statusKnown: boolean;
  active: Map<number, ReadonlySet<number>>;
}

const NUMBER = /^\d{1,9}$/;
const unique = (ns: readonly number[]): number[] => [...new Set(ns)];

/**
 * Chooses the OSCAR calls for the search's anchor (see ALLERGY_SEARCH_PARAMS). A search confined
 * to one patient's compartment reads that patient's allergies, whatever else it names.
 */
export function planAllergySearch(search: ParsedSearch, limits: Pick<SearchLimits, 'ids' | 'patients'>, now: number = Date.now(), compartment?: string): Plan {
  const confined = compartmentAnchor(compartment);
  if (confined) return { kind: 'patients', demographicNos: confined };
  const ids = search.clauses.find((c): c is TokenClause => c.name === '_id' && c.type === 'token' && !c.missing);
  if (ids) {
    const list = unique(ids.values.flatMap((v) => (v.code && NUMBER.test(v.code) ? [Number(v.code)] : [])));
    if (list.length > limits.ids) throw tooCostly(`at most ${limits.ids} allergy ids can be searched at once`, ['_id']);
    return { kind: 'ids', ids: list };
  }
  const patient = search.clauses.find((c): c is ReferenceClause => c.name === 'patient' && c.type === 'reference' && !c.missing);
  if (patient) {
    const list = unique(patient.values.flatMap((v) => ((v.type ?? 'Patient') === 'Patient' && NUMBER.test(v.id) ? [Number(v.id)] : [])));
    if (list.length > limits.patients) throw tooCostly(`at most ${limits.patients} patients can be searched at once`, ['patient']);
    return { kind: 'patients', demographicNos: list };
  }
  const updated = search.clauses.filter((c): c is DateClause => c.name === '_lastUpdated' && c.type === 'date' && !c.missing);
  if (updated.length > 0) {
    // clauses are ANDed: the intersection of their windows
    const windows = updated.map((c) => dateClauseWindow(c, now));
    return { kind: 'updated', window: { low: Math.max(...windows.map((w) => w.low)), high: Math.min(...windows.map((w) => w.high)) } };
  }
  throw tooCostly(`this AllergyIntolerance search would read every allergy of the clinic: add one of ${ALLERGY_ANCHORS.join(', ')}`);
}

/** Ids of a patient's non-archived allergies (REST /allergies/active, contract 3.3). */
export async function activeIdsOf(deps: Pick<ResourceDeps, 'oscar'>, demographicNo: number): Promise<ReadonlySet<number>> {
  // Rows carry demographicNo (contract 3.3): a list holding another patient's is not this one's.
  const list = ofPatient(await deps.oscar.restActiveAllergies(demographicNo), demographicNo, 'rest:activeAllergies');
  return new Set(list.filter((a) => !a.archived).map((a) => a.id));
}

/** Fetches the active lists of the given patients that are not known yet (bounded fan-out). */
export async function loadActiveLists(deps: ResourceDeps, c: AllergyCandidates, demographicNos: readonly number[]): Promise<void> {
  if (!c.statusKnown) return;
  const missing = unique(demographicNos).filter((d) => !c.active.has(d));
  const lists = await mapLimited(missing, CONCURRENCY, (d) => activeIdsOf(deps, d));
  missing.forEach((d, i) => c.active.set(d, lists[i]!));
}

/** Runs the plan. */
export async function fetchAllergyCandidates(plan: Plan, deps: ResourceDeps, statusKnown: boolean): Promise<AllergyCandidates> {
  const { oscar, mapping, limits: { upstreamRows: maxUpstreamRows } } = deps;
  const out: AllergyCandidates = { rows: [], active: new Map(), statusKnown };
  switch (plan.kind) {
    case 'ids': {
      const found = await mapLimited(plan.ids, CONCURRENCY, (id) => oscar.soapGetAllergy(id));
      out.rows = found.filter((t): t is AllergyTransfer => t?.id !== undefined);
      break;
    }
    case 'patients': {
      // contract 7.9: this call has no consent gate (getAllergiesByDemographicIdAfter has one) and
      // includes archived rows; since is exclusive, so start before any record.
      const perPatient = await mapLimited(plan.demographicNos, CONCURRENCY / 2, async (d) => {
        const [rows, active] = await Promise.all([
          oscar.soapGetAllergiesByProgramProviderDemographicDate(d, BEGINNING, maxUpstreamRows + 1),
          statusKnown ? activeIdsOf(deps, d) : undefined,
        ]);
        if (rows.length > maxUpstreamRows) throw tooCostly(`a patient has more than ${maxUpstreamRows} allergies in OSCAR`);
        if (active) out.active.set(d, active);
        return rows;
      });
      out.rows = perPatient.flat();
      break;
    }
    case 'updated': {
      const { low, high } = plan.window;
      if (!(high > low)) break;
      const since = Number.isFinite(low) ? low - INSTANT_WIDTH_MS : BEGINNING;
      // contract 4.8: inclusive (>=), every patient, ordered by lastUpdateDate. A caller owning a
      // provider_consent_filter consent type would only see consenting patients here.
      const rows = await oscar.soapGetAllergiesUpdatedAfterDate(since, maxUpstreamRows + 1);
      const at = (t: AllergyTransfer | undefined): number => xsEpoch(t?.lastUpdateDate, mapping.timezone) ?? -Infinity;
      // Ordered by change time: the window is complete unless OSCAR's limit cut it before its end.
      if (rows.length > maxUpstreamRows && at(rows[rows.length - 1]) < high) {
        throw tooCostly(`more than ${maxUpstreamRows} allergies changed in this _lastUpdated window: narrow it or add patient`, ['_lastUpdated']);
      }
      out.rows = rows.filter((t) => at(t) < high);
      break;
    }
  }
  const seen = new Set<number>();
  out.rows = out.rows.filter((t) => t.id !== undefined && !seen.has(t.id) && seen.add(t.id));
  return out;
}

// ---- in-memory FHIR matching ------------------------------------------------------------------

function conceptCandidates(cc: CodeableConcept | undefined): TokenCandidate[] {
  const out: TokenCandidate[] = (cc?.coding ?? []).map((c) => ({ system: c.system, code: c.code, display: c.display }));
  if (cc?.text) out.push({ text: cc.text });
  return out;
}

/** Whether a mapped AllergyIntolerance satisfies one clause (values ORed), per FHIR search semantics. */
export function allergyMatches(a: AllergyIntolerance, clause: SearchClause, timezone: string): boolean {
  switch (clause.name) {
    case '_id': return matchesToken(clause as TokenClause, [{ code: a.id }]);
    case '_lastUpdated': return matchesDateClause(clause as DateClause, [dateRangeOf(a.meta?.lastUpdated, timezone)]);
    case 'patient': return matchesReference(clause as ReferenceClause, [a.patient.reference]);
    case 'clinical-status': return matchesToken(clause as TokenClause, conceptCandidates(a.clinicalStatus));
    case 'verification-status': return matchesToken(clause as TokenClause, conceptCandidates(a.verificationStatus));
    case 'category': return matchesToken(clause as TokenClause, (a.category ?? []).map((code) => ({ system: CATEGORY_SYSTEM, code })));
    case 'criticality': return matchesToken(clause as TokenClause, a.criticality ? [{ system: CRITICALITY_SYSTEM, code: a.criticality }] : []);
    case 'code': return matchesToken(clause as TokenClause, conceptCandidates(a.code));
    case 'date': return matchesDateClause(clause as DateClause, [dateRangeOf(a.recordedDate, timezone)]);
    default: return false; // an undeclared parameter never reaches a handler; be safe anyway
  }
}
