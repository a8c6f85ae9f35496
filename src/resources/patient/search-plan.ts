// Patient search planning: which OSCAR call(s) narrow the clinic to a candidate set for the
// criteria. Every FHIR criterion is applied afterwards in memory (search-match.ts), so a plan only
// has to return a SUPERSET of the matches, at a cost of at most two upstream calls per search
// (design principle 5) and never a call per row. Criteria OSCAR cannot narrow on alone are a 400 too-costly.
import {
  dateClauseWindow, invalidValue, notSupported, tooCostly,
  type DateClause, type Issue, type ParsedSearch, type SearchClause, type StringClause, type TokenClause, type TokenValue,
} from '../../fhir/index.js';
import type { DemographicAttributeSearch } from '../../oscar/client.js';
import type { SexCode } from '../../oscar/normalise/sex-codes.js';
import { localSystem, type MappingConfig } from '../mapping-config.js';
import type { SearchLimits } from '../deps.js';
import { hcTypeForSystem } from './mapper.js';
import { APOSTROPHES, phoneDigits } from './search-match.js';

/** One upstream read. `chart` costs one REST search per chart number plus one getDemographics. */
export type Fetch =
  | { kind: 'ids'; ids: number[] }
  | { kind: 'attributes'; criteria: DemographicAttributeSearch }
  | { kind: 'chart'; chartNos: string[] }
  | { kind: 'activeAfter'; since: number | null };

export interface PatientPlan {
  /** Union of these reads ⊇ the matches. Empty: nothing can match (no upstream call at all). */
  fetches: Fetch[];
  /** Warnings for the client about how OSCAR answered (a Bundle outcome entry). */
  notes: Issue[];
}

export const MAX_UPSTREAM_CALLS = 2;

export function costOf(fetches: readonly Fetch[]): number {
  return fetches.reduce((n, f) => n + (f.kind === 'chart' ? f.chartNos.length + 1 : 1), 0);
}

/** contract 4.5: OSCAR wraps attribute values in '%…%' without escaping; keep % _ \ literal. */
export function likeLiteral(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function usable<C extends SearchClause>(c: C): boolean {
  return c.missing === undefined && c.modifier !== 'not' && c.modifier !== 'text';
}

function clausesNamed<C extends SearchClause>(search: ParsedSearch, name: string): C[] {
  return search.clauses.filter((c): c is C => c.name === name && usable(c));
}

function numericId(code: string | undefined): number | undefined {
  return code !== undefined && /^\d{1,9}$/.test(code) ? Number(code) : undefined;
}

/** The attribute value(s) one clause can send upstream, one entry per ORed value; undefined when it cannot. */
type Alternatives = DemographicAttributeSearch[] | undefined;

/** mapping §2.1: sex codes per FHIR gender (X and O are both 'other'; the client sends T for X where the instance has T, variants B9). */
const SEXES_OF_GENDER: Readonly<Record<string, readonly SexCode[]>> = {
  male: ['M'], female: ['F'], other: ['X', 'O'], unknown: ['U'],
};

/**
 * A name or city as an OSCAR LIKE term. LIKE '%v%' under MySQL's case- and accent-insensitive
 * collation is a superset of FHIR's default, :exact and :contains matching. Apostrophes become
 * the one-character wildcard, so O'BRIEN, O’BRIEN and OʼBRIEN find each other.
 */
export function likeTerm(value: string): string {
  return likeLiteral(value.trim()).replace(APOSTROPHES, '_');
}

function stringAlternatives(c: StringClause, key: 'lastName' | 'firstName' | 'city'): Alternatives {
  return c.values.map((v) => ({ [key]: likeTerm(v.value) }));
}

function attributeAlternatives(c: SearchClause): Alternatives {
  switch (c.name) {
    case 'family': return stringAlternatives(c as StringClause, 'lastName');
    case 'given': return stringAlternatives(c as StringClause, 'firstName');
    case 'address-city': return stringAlternatives(c as StringClause, 'city');
    case 'name': {
      // mapping §2.3: name matches family or given, i.e. OSCAR last or first name: two calls per value.
      return (c as StringClause).values.flatMap((v) => [{ lastName: likeTerm(v.value) }, { firstName: likeTerm(v.value) }]);
    }
    case 'address-state': {
      // OSCAR compares the province with '=': only a whole two-letter code is a safe superset.
      const values = (c as StringClause).values.map((v) => v.value.trim());
      return values.every((v) => /^[A-Za-z]{2}$/.test(v)) ? values.map((v) => ({ province: v.toUpperCase() })) : undefined;
    }
    case 'gender': {
      const sexes = (c as TokenClause).values.map((v) => SEXES_OF_GENDER[v.code ?? '']);
      return sexes.every((s) => s !== undefined) ? sexes.flat().map((gender) => ({ gender })) : undefined;
    }
    case 'birthdate': {
      // Only an exact day can be asked of OSCAR (contract 4.5: exact y/m/d); other forms filter.
      const values = (c as DateClause).values;
      return values.every((v) => v.prefix === 'eq' && v.precision === 'day')
        ? values.map((v) => ({ dateOfBirth: v.raw.slice(0, 10) })) : undefined;
    }
    case 'phone': {
      // OSCAR matches the phone as typed ('416-555-0100', '(416) 555-0100'): send the last four
      // digits, which every format keeps together, and compare all digits in memory.
      const tails = (c as TokenClause).values.map((v) => phoneDigits(v.code).slice(-4));
      return tails.every((t) => t.length === 4) ? tails.map((phone) => ({ phone })) : undefined;
    }
    case 'email': {
      const values = (c as TokenClause).values;
      return values.every((v) => v.code) ? values.map((v) => ({ email: likeLiteral(v.code!) })) : undefined;
    }
    default: return undefined;
  }
}

/** What an identifier value can be looked up by. */
interface IdentifierLookups { hins: string[]; ids: number[]; chartNos: string[]; systemless: boolean }

/**
 * The lookups one identifier clause needs (values ORed), or undefined when some value cannot be
 * narrowed upstream (`system|` = any value of the system). A value that can never match (a system
 * this server never emits, `|code` = no system) contributes nothing.
 */
function identifierLookups(c: TokenClause, cfg: MappingConfig, ways: PatientSearchWays): IdentifierLookups | undefined {
  const demoSystem = localSystem(cfg, 'demographicNo');
  const chartSystem = localSystem(cfg, 'chartNo');
  const cardSystem = localSystem(cfg, 'healthCard');
  const out: IdentifierLookups = { hins: [], ids: [], chartNos: [], systemless: false };
  for (const v of c.values as TokenValue[]) {
    if (v.code === undefined) return undefined;
    if (v.system === undefined) {
      // Any system: a health card or a demographic number (a chart number needs its system:
      // looking it up too would cost a third call).
      out.systemless = true;
      out.hins.push(v.code);
      const id = numericId(v.code);
      if (id !== undefined) out.ids.push(id);
    } else if (v.system === demoSystem) {
      const id = numericId(v.code);
      if (id !== undefined) out.ids.push(id);
    } else if (v.system === chartSystem) {
      // Only OSCAR REST finds a chart number (contract 3.6); never send a call that cannot succeed.
      if (!ways.chartNumbers) throw notSupported('Chart numbers cannot be searched with the connected OSCAR: its REST demographics search is unavailable', ['identifier']);
      out.chartNos.push(v.code);
    } else if (v.system === cardSystem || hcTypeForSystem(v.system)) {
      out.hins.push(v.code);
    }
  }
  return out;
}

function identifierFetches(l: IdentifierLookups, criteria: DemographicAttributeSearch): Fetch[] {
  const fetches: Fetch[] = [];
  for (const hin of l.hins) fetches.push({ kind: 'attributes', criteria: { ...criteria, hin: likeLiteral(hin) } });
  if (l.ids.length) fetches.push({ kind: 'ids', ids: [...new Set(l.ids)] });
  if (l.chartNos.length) fetches.push({ kind: 'chart', chartNos: [...new Set(l.chartNos)] });
  return fetches;
}

const TOO_COSTLY = 'this Patient search would read every patient of the clinic: add one of _id, identifier, name, family, given, '
  + 'birthdate (an exact day), gender, phone, email, address-city, address-state (a province code), _lastUpdated (a lower bound) or active=true';

/** Which upstream reads the connected OSCAR offers beyond the attribute search (routing table 'Patient.search.*'). */
export interface PatientSearchWays {
  /** REST demographics search (chart numbers). */
  chartNumbers: boolean;
  /** getActiveDemographicsAfter (_lastUpdated, active=true). */
  activeAfter: boolean;
}

const EVERY_WAY: PatientSearchWays = { chartNumbers: true, activeAfter: true };

/** Chooses the cheapest upstream reads that are certain to return every match. */
export function planPatientSearch(search: ParsedSearch, cfg: MappingConfig, limits: Pick<SearchLimits, 'ids'>, ways: PatientSearchWays = EVERY_WAY): PatientPlan {
  const notes: Issue[] = [];
  const plan = (fetches: Fetch[]): PatientPlan => ({ fetches, notes });

  // 1. _id: the ids themselves (clauses ANDed: the intersection).
  const idClauses = clausesNamed<TokenClause>(search, '_id');
  if (idClauses.length) {
    let ids: number[] | undefined;
    for (const c of idClauses) {
      const these = c.values.map((v) => numericId(v.code)).filter((n): n is number => n !== undefined);
      ids = ids === undefined ? these : ids.filter((i) => these.includes(i));
    }
    const unique = [...new Set(ids)];
    if (unique.length > limits.ids) throw invalidValue(`at most ${limits.ids} ids can be searched at once`, ['_id']);
    return plan(unique.length ? [{ kind: 'ids', ids: unique }] : []);
  }

  // Attribute criteria every call can carry: single-valued clauses, ANDed.
  const criteria: DemographicAttributeSearch = {};
  const splits: DemographicAttributeSearch[][] = [];
  for (const c of search.clauses) {
    if (!usable(c) || c.name === 'identifier') continue;
    const alts = attributeAlternatives(c);
    if (!alts?.length) continue;
    if (alts.length === 1) Object.assign(criteria, alts[0]);
    else splits.push(alts);
  }

  // 2. identifier: health cards by hin (with the other criteria), demographic numbers by id.
  let identifierPlan: Fetch[] | undefined;
  let systemless = false;
  for (const c of clausesNamed<TokenClause>(search, 'identifier')) {
    const lookups = identifierLookups(c, cfg, ways);
    if (!lookups) continue;
    const fetches = identifierFetches(lookups, criteria);
    if (fetches.length === 0) return plan([]); // no value of this clause can ever match
    if (costOf(fetches) <= MAX_UPSTREAM_CALLS && (!identifierPlan || costOf(fetches) < costOf(identifierPlan))) {
      identifierPlan = fetches;
      systemless = lookups.systemless;
    }
  }
  const byIdentifier = (fetches: Fetch[]): PatientPlan => {
    if (systemless) {
      notes.push({
        severity: 'information', code: 'informational', expression: ['identifier'],
        diagnostics: `An identifier without a system was looked up as a health card number and as an OSCAR demographic number; give the system ${localSystem(cfg, 'chartNo')} to search chart numbers.`,
      });
    }
    return plan(fetches);
  };
  if (identifierPlan && costOf(identifierPlan) === 1) return byIdentifier(identifierPlan);

  // 3. the other attributes: one call, or one per alternative of a single two-way OR.
  if (Object.keys(criteria).length > 0) return plan([{ kind: 'attributes', criteria }]);
  if (identifierPlan) return byIdentifier(identifierPlan);
  const split = splits.find((alts) => alts.length <= MAX_UPSTREAM_CALLS);
  if (split) return plan(split.map((alt) => ({ kind: 'attributes', criteria: alt })));

  // 4. _lastUpdated: OSCAR lists ACTIVE patients changed after an instant (contract 4.5).
  const updated = clausesNamed<DateClause>(search, '_lastUpdated');
  const since = Math.max(...updated.map((c) => dateClauseWindow(c).low));
  if (ways.activeAfter && updated.length && Number.isFinite(since)) {
    notes.push({
      severity: 'warning', code: 'informational', expression: ['_lastUpdated'],
      diagnostics: 'OSCAR reports changes of active patients only: inactive, deceased and moved patients are not in this result.',
    });
    // contract 4.5: lastUpdateDate > lastUpdate (exclusive); step back 1 ms so a bound that is itself a match is kept.
    return plan([{ kind: 'activeAfter', since: since - 1 }]);
  }

  // 5. active=true: every active patient.
  const active = search.clauses.filter((c) => c.name === 'active');
  if (ways.activeAfter && active.length && active.every((c) => usable(c) && (c as TokenClause).values.every((v) => v.code === 'true'))) {
    return plan([{ kind: 'activeAfter', since: null }]);
  }
  throw tooCostly(TOO_COSTLY);
}
