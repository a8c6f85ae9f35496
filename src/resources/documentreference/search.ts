// DocumentReference search: one narrowing criterion picks the OSCAR calls (ids, patients, or a
// change date); every clause is then applied in memory with full FHIR semantics. A criterion
// that would make OSCAR send every file of the clinic is refused as too costly.
import type { DocumentReference } from 'fhir/r4.js';
import {
  dateClauseWindow, dateRangeOf, invalidValue, mapLimited, matchesDateClause, matchesReference, matchesToken, tooCostly,
  type DateClause, type Issue, type ParsedSearch, type ReferenceClause, type SearchClause, type TokenCandidate, type TokenClause,
} from '../../fhir/index.js';
import { compartmentAnchor } from '../compartment-owner.js';
import type { ResourceDeps, SearchLimits } from '../deps.js';
import { documentsById, documentsOfPatient, documentsUpdatedSince, type ToDocumentReference } from './listing.js';
import { DOCUMENT_STATUS_SYSTEM } from './search-params.js';

const OSCAR_ID = /^[1-9]\d{0,9}$/;
const SQL_INT_MAX = 2_147_483_647;

type Plan =
  | { kind: 'ids'; ids: number[] }
  | { kind: 'patients'; demographicNos: number[] }
  | { kind: 'updatedSince'; sinceMs: number };

function clauses<C extends SearchClause>(s: ParsedSearch, ...names: string[]): C[] {
  return s.clauses.filter((c) => names.includes(c.name) && !c.missing && !c.modifier) as C[];
}

function numeric(values: readonly string[], max: number, param: string): number[] {
  // Anything but an SQL int can name no OSCAR row: it matches nothing and never reaches OSCAR.
  const ids = [...new Set(values.filter((v) => OSCAR_ID.test(v)).map(Number).filter((n) => n <= SQL_INT_MAX))];
  if (ids.length > max) throw invalidValue(`at most ${max} values of '${param}' can be searched at once`, [param]);
  return ids;
}

/**
 * Chooses the OSCAR calls for the criteria (see DOCUMENT_SEARCH_PARAMS). A search confined to one
 * patient's compartment lists that patient's documents, whatever else it names: no file of
 * another patient is ever fetched for it.
 */
export function planDocumentSearch(s: ParsedSearch, limits: Pick<SearchLimits, 'ids' | 'patients'>, compartment?: string): Plan {
  const confined = compartmentAnchor(compartment);
  if (confined) return { kind: 'patients', demographicNos: confined };
  const idClause = clauses<TokenClause>(s, '_id')[0];
  if (idClause) return { kind: 'ids', ids: numeric(idClause.values.flatMap((v) => (v.code ? [v.code] : [])), limits.ids, '_id') };

  const patientClause = clauses<ReferenceClause>(s, 'patient', 'subject')[0];
  if (patientClause) {
    const ids = patientClause.values.filter((v) => v.type === undefined || v.type === 'Patient').map((v) => v.id);
    return { kind: 'patients', demographicNos: numeric(ids, limits.patients, patientClause.name) };
  }

  const updated = s.clauses.find((c): c is DateClause => c.name === '_lastUpdated' && !c.missing);
  if (updated) {
    const { low } = dateClauseWindow(updated);
    if (low === -Infinity) {
      throw tooCostly('_lastUpdated needs a lower bound (gt, ge, eq, sa or ap) unless patient, subject or _id is given: OSCAR would send every document of the clinic', ['_lastUpdated']);
    }
    // contract 4.10: updatedatetime > since (exclusive); step back 1 ms so the bound itself is included.
    return { kind: 'updatedSince', sinceMs: low - 1 };
  }
  throw tooCostly('a DocumentReference search needs patient, subject, _id or _lastUpdated: OSCAR sends every file with its document list');
}

/** Runs the plan: the candidate documents (patient documents only), and warnings for the client. */
export async function fetchCandidates(plan: Plan, deps: ResourceDeps, toResource: ToDocumentReference): Promise<{ docs: DocumentReference[]; issues: Issue[] }> {
  switch (plan.kind) {
    case 'ids': {
      const { found, unreadable } = await documentsById(deps, plan.ids, toResource);
      const issues: Issue[] = unreadable.map((id) => ({
        severity: 'warning', code: 'incomplete',
        diagnostics: `DocumentReference/${id} is left out: OSCAR cannot read its file (contract 4.10)`,
      }));
      return { docs: found, issues };
    }
    case 'patients': {
      // Each patient is up to one call per provider: two patients at a time is plenty for OSCAR.
      const lists = await mapLimited(plan.demographicNos, 2, (demo) => documentsOfPatient(deps, demo, toResource));
      const byId = new Map(lists.flat().map((d) => [d.id, d])); // ctl_document may link one document to two patients
      return { docs: [...byId.values()], issues: [] };
    }
    case 'updatedSince':
      return { docs: await documentsUpdatedSince(deps, plan.sinceMs, toResource), issues: [] };
  }
}

// ---- in-memory FHIR matching ------------------------------------------------------------------

function typeCandidates(d: DocumentReference): TokenCandidate[] {
  const out: TokenCandidate[] = (d.type?.coding ?? []).map((c) => ({ system: c.system, code: c.code, display: c.display, text: d.type?.text }));
  // The OSCAR doctype is the type's text: searchable as a code without system ('type=lab').
  if (d.type?.text) out.push({ code: d.type.text, text: d.type.text });
  return out;
}

/** Whether a mapped DocumentReference satisfies one clause (values ORed), per FHIR search semantics. */
export function documentMatches(d: DocumentReference, clause: SearchClause, timezone: string): boolean {
  switch (clause.name) {
    case '_id': return matchesToken(clause as TokenClause, [{ code: d.id }]);
    case '_lastUpdated': return matchesDateClause(clause as DateClause, [dateRangeOf(d.meta?.lastUpdated, timezone)]);
    case 'patient':
    case 'subject': return matchesReference(clause as ReferenceClause, [d.subject?.reference]);
    case 'type': return matchesToken(clause as TokenClause, typeCandidates(d));
    case 'date': return matchesDateClause(clause as DateClause, [dateRangeOf(d.date, timezone)]);
    case 'status': return matchesToken(clause as TokenClause, [{ system: DOCUMENT_STATUS_SYSTEM, code: d.status }]);
    case 'identifier': return matchesToken(clause as TokenClause, (d.identifier ?? []).map((i) => ({ system: i.system, code: i.value })));
    default: return false; // an undeclared parameter never reaches a handler
  }
}
