// Patient search over OSCAR REST alone (SOAP behind a WAF, variants §6 B5): `POST
// /demographics/search` (contract 3.1, 3.6) takes one mode and one term per call, and answers
// summary rows (DemographicSearchResult, contract 3.7). A plan picks at most two calls that
// return a superset of the matches (design principle 5); every criterion is then applied in
// memory: name, family and given on the rows (search-match.ts rowMatchesNames), the others on the
// rows mapped by patientFromSearchRow. Criteria the rows cannot decide (email,
// city, province, phone, _lastUpdated) are SOAP-only in the routing table, so they never get here.
import type { Patient } from 'fhir/r4.js';
import {
  rowMatches, tooCostly, type DateClause, type ParsedSearch, type SearchClause, type SearchResult, type StringClause, type TokenCandidate, type TokenClause,
} from '../../fhir/index.js';
import { matchesToken } from '../../fhir/index.js';
import type { DemographicSearchParams } from '../../oscar/client.js';
import type { DemographicSearchResult } from '../../oscar/types.js';
import type { ResourceDeps } from '../deps.js';
import { isLocalSystem, localSystem, type MappingConfig } from '../mapping-config.js';
import { HEALTH_CARD_INPUT_ALIASES, HEALTH_CARD_SYSTEMS } from './health-card-systems.js';
import { hcTypeForSystem } from './mapper.js';
import { patientFromSearchRow, searchRowNameParts } from './rest-mapper.js';
import { APOSTROPHES, identifierCandidates, isNameClause, patientMatches, rowMatchesNames } from './search-match.js';
import { MAX_UPSTREAM_CALLS } from './search-plan.js';

type Mode = DemographicSearchParams['type'];
interface Lookup { type: Mode; term: string }

const TOO_COSTLY = 'this Patient search cannot be narrowed by OSCAR REST: add one of _id, identifier, family, given, name or birthdate (an exact day)';

const usable = (c: SearchClause): boolean => c.missing === undefined && c.modifier !== 'not' && c.modifier !== 'text';
const clausesNamed = <C extends SearchClause>(s: ParsedSearch, name: string): C[] => s.clauses.filter((c): c is C => c.name === name && usable(c));
const numeric = (code: string | undefined): string | undefined => (code !== undefined && /^\d{1,9}$/.test(code) ? String(Number(code)) : undefined);

/**
 * A name as a REST Name term: the part before an apostrophe or comma. OSCAR matches names from
 * their start, and a comma would split "Last,First" (contract 3.1); a shorter start is a superset.
 */
function nameStart(value: string): string | undefined {
  const start = value.trim().split(APOSTROPHES)[0]!.split(',')[0]!.trim();
  return start === '' ? undefined : start;
}

/** The lookups of one identifier clause (values ORed); undefined when a value cannot be looked up. */
function identifierLookups(c: TokenClause, cfg: MappingConfig): Lookup[] | undefined {
  const out: Lookup[] = [];
  for (const v of c.values) {
    if (!v.code) return undefined;
    if (v.system === undefined) {
      out.push({ type: 'HIN', term: v.code });
      const id = numeric(v.code);
      if (id) out.push({ type: 'DemographicNo', term: id });
    } else if (isLocalSystem(cfg, v.system, 'demographicNo')) {
      const id = numeric(v.code);
      if (id) out.push({ type: 'DemographicNo', term: id });
    } else if (isLocalSystem(cfg, v.system, 'chartNo')) out.push({ type: 'ChartNo', term: v.code });
    else if (isLocalSystem(cfg, v.system, 'healthCard') || hcTypeForSystem(v.system)) out.push({ type: 'HIN', term: v.code });
  }
  return out;
}

function nameLookups(s: ParsedSearch): Lookup[] | undefined {
  const family = clausesNamed<StringClause>(s, 'family');
  const given = clausesNamed<StringClause>(s, 'given');
  const single = (cs: StringClause[]): string | undefined => (cs.length > 0 && cs[0]!.values.length === 1 ? nameStart(cs[0]!.values[0]!.value) : undefined);
  const last = single(family);
  const first = single(given);
  if (last !== undefined) return [{ type: 'Name', term: first !== undefined ? `${last},${first}` : last }];
  if (first !== undefined) return [{ type: 'Name', term: `,${first}` }];
  // Several ORed family names: one call each.
  const lasts = family[0]?.values.map((v) => nameStart(v.value));
  if (lasts && lasts.every((l) => l !== undefined)) return lasts.map((term) => ({ type: 'Name', term: term! }));
  // name = family or given: a last-name and a first-name call.
  const name = clausesNamed<StringClause>(s, 'name')[0];
  const any = name?.values.length === 1 ? nameStart(name.values[0]!.value) : undefined;
  if (any !== undefined) return [{ type: 'Name', term: any }, { type: 'Name', term: `,${any}` }];
  return undefined;
}

/** The REST calls for the search's anchor, cheapest first; [] when nothing can match. */
export function planRestPatientSearch(s: ParsedSearch, cfg: MappingConfig): Lookup[] {
  const ids = clausesNamed<TokenClause>(s, '_id');
  if (ids.length) {
    let set: string[] | undefined;
    for (const c of ids) {
      const these = c.values.map((v) => numeric(v.code)).filter((n): n is string => n !== undefined);
      set = set === undefined ? these : set.filter((i) => these.includes(i));
    }
    const unique = [...new Set(set)];
    if (unique.length > MAX_UPSTREAM_CALLS) throw tooCostly(`at most ${MAX_UPSTREAM_CALLS} ids can be searched at once with this OSCAR (its REST web services look each up alone)`, ['_id']);
    return unique.map((term) => ({ type: 'DemographicNo', term }));
  }
  let best: Lookup[] | undefined;
  for (const c of clausesNamed<TokenClause>(s, 'identifier')) {
    const l = identifierLookups(c, cfg);
    if (l && l.length === 0) return []; // no value of this clause can ever match
    if (l && l.length <= MAX_UPSTREAM_CALLS && (!best || l.length < best.length)) best = l;
  }
  if (best) return best;
  const names = nameLookups(s);
  if (names && names.length <= MAX_UPSTREAM_CALLS) return names;
  const day = clausesNamed<DateClause>(s, 'birthdate').find((c) => c.values.length === 1 && c.values[0]!.prefix === 'eq' && c.values[0]!.precision === 'day');
  if (day) return [{ type: 'DOB', term: day.values[0]!.raw.slice(0, 10) }];
  throw tooCostly(TOO_COSTLY);
}

/** Every health-card system: a search row has the number without its province (contract 3.7). */
const CARD_SYSTEMS = [...new Set([...Object.values(HEALTH_CARD_SYSTEMS), ...Object.keys(HEALTH_CARD_INPUT_ALIASES)])];

/** Whether a row, mapped to `p`, satisfies a clause; an identifier also matches the row's health number under any province. */
function rowMeets(row: DemographicSearchResult, p: Patient, clause: SearchClause, cfg: MappingConfig): boolean {
  if (clause.name !== 'identifier' || !row.hin) return patientMatches(p, clause, cfg.timezone);
  const cards: TokenCandidate[] = [...CARD_SYSTEMS, localSystem(cfg, 'healthCard')].map((system) => ({ system, value: row.hin! }));
  return matchesToken(clause as TokenClause, [...identifierCandidates(p), ...cards]);
}

/**
 * Runs the plan and keeps the rows that meet every criterion, in demographic-number order: as
 * Patients, or as rows mapped a page at a time (registry.ts rowMatches) when the names decided
 * every match on the rows.
 */
export async function restPatientSearch(s: ParsedSearch, deps: ResourceDeps): Promise<Pick<SearchResult<Patient>, 'resources' | 'rows'>> {
  const { oscar, mapping, limits: { upstreamRows } } = deps;
  const lookups = planRestPatientSearch(s, mapping);
  // active=true alone narrows OSCAR's own search too (contract 3.6); otherwise every status.
  const activeOnly = s.clauses.some((c) => c.name === 'active' && usable(c) && (c as TokenClause).values.every((v) => v.code === 'true'));
  const answers = await Promise.all(lookups.map((l) => oscar.restSearchDemographics({ ...l, active: activeOnly, startIndex: 0, itemsToReturn: upstreamRows + 1 })));
  if (answers.some((a) => a.content.length > upstreamRows)) throw tooCostly(`more than ${upstreamRows} patients match in OSCAR: add criteria to narrow the search`);
  const seen = new Set<number>();
  const fetched = answers.flatMap((a) => a.content)
    .filter((r) => !seen.has(r.demographicNo) && seen.add(r.demographicNo))
    .sort((a, b) => a.demographicNo - b.demographicNo);
  // A row whose name cannot match is not mapped: the row holds every name the mapped Patient has
  // (searchRowNameParts), and OSCAR's Name search is a superset (a start of the value, `,first`).
  const named = s.clauses.some(isNameClause);
  const rows = named ? fetched.filter((r) => rowMatchesNames(searchRowNameParts(r), s.clauses)) : fetched;
  const toPatient = (row: DemographicSearchResult): Patient => patientFromSearchRow(row, mapping);
  if (s.clauses.every(isNameClause)) return { resources: [], rows: rowMatches(rows, toPatient) };
  const rest = named ? s.clauses.filter((c) => !isNameClause(c)) : s.clauses;
  return {
    resources: rows.flatMap((row) => {
      const p = toPatient(row);
      return rest.every((c) => rowMeets(row, p, c, mapping)) ? [p] : [];
    }),
  };
}
