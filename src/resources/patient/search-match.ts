// In-memory Patient matching: whether a mapped Patient satisfies one search clause, with FHIR
// semantics, restricted to what OSCAR can also search on (search-params.ts), so a Patient matches
// the same way whichever upstream call brought it in.
import type { Address, Patient } from 'fhir/r4.js';
import {
  dateRangeOf, matchesDateClause, matchesString, matchesToken,
  type DateClause, type SearchClause, type StringClause, type TokenCandidate, type TokenClause,
} from '../../fhir/index.js';
import { HEALTH_CARD_INPUT_ALIASES, ONTARIO_HCN_SYSTEM } from './health-card-systems.js';
import type { NameParts } from './mapper.js';

/** Apostrophe look-alikes (typographic ’ ‘, modifier letter ʼ, backtick) that smart keyboards type for '. */
export const APOSTROPHES = /['\u2018\u2019\u02bc`]/g;

export function foldApostrophes(s: string): string {
  return s.replace(APOSTROPHES, "'");
}

/** The digits of a phone number, without a North American country code (+1 416… = 416…). */
export function phoneDigits(s: string | undefined): string {
  const d = (s ?? '').replace(/\D/g, '');
  return d.length === 11 && d.startsWith('1') ? d.slice(1) : d;
}

const ONTARIO_ALIASES = Object.keys(HEALTH_CARD_INPUT_ALIASES);

export function identifierCandidates(p: Patient): TokenCandidate[] {
  const out: TokenCandidate[] = [];
  for (const id of p.identifier ?? []) {
    out.push({ system: id.system, value: id.value });
    // Ontario health numbers answer to all three Ontario HCN systems in the wild (mapping §8.2).
    if (id.system === ONTARIO_HCN_SYSTEM) for (const alias of ONTARIO_ALIASES) out.push({ system: alias, value: id.value });
  }
  return out;
}

/** The mailing address: the one OSCAR's searches look at (the residential one is not searchable). */
function mailing(p: Patient): Address | undefined {
  return (p.address ?? []).find((a) => a.type !== 'physical');
}

function stringMatches(clause: StringClause, candidates: readonly (string | undefined)[]): boolean {
  const folded: StringClause = { ...clause, values: clause.values.map((v) => ({ value: foldApostrophes(v.value) })) };
  return matchesString(folded, candidates.map((c) => (c === undefined ? c : foldApostrophes(c))));
}

/** The clauses rowMatchesNames decides. */
const NAME_CLAUSES = new Set(['name', 'family', 'given']);

/** Whether rowMatchesNames decides `c` on a search row (a name, family or given clause). */
export function isNameClause(c: SearchClause): boolean {
  return NAME_CLAUSES.has(c.name);
}

/**
 * Whether a search row whose official name is `parts` (mapper.ts soapNameParts) satisfies every
 * name, family and given clause of `clauses`, decided as patientMatches decides them on the mapped
 * Patient: the same strings (its other name, the nickname, has neither family nor given) through
 * the same match, so a row it rejects would not match once mapped, and one it keeps matches every
 * name clause once mapped.
 */
export function rowMatchesNames(parts: NameParts, clauses: readonly SearchClause[]): boolean {
  for (const c of clauses) {
    if (!isNameClause(c)) continue;
    const candidates = c.name === 'family' ? [parts.family] : c.name === 'given' ? parts.given : [parts.family, ...parts.given];
    if (!stringMatches(c as StringClause, candidates)) return false;
  }
  return true;
}

/** Whether a mapped Patient satisfies one clause (values ORed), per FHIR search semantics. */
export function patientMatches(p: Patient, clause: SearchClause, timezone: string): boolean {
  const names = p.name ?? [];
  switch (clause.name) {
    case '_id': return matchesToken(clause as TokenClause, [{ code: p.id }]);
    case '_lastUpdated': return matchesDateClause(clause as DateClause, [dateRangeOf(p.meta?.lastUpdated, timezone)]);
    case 'identifier': return matchesToken(clause as TokenClause, identifierCandidates(p));
    // name: family or given names only — OSCAR searches last and first names, not title or alias.
    case 'name': return stringMatches(clause as StringClause, names.flatMap((n) => [n.family, ...(n.given ?? [])]));
    case 'family': return stringMatches(clause as StringClause, names.map((n) => n.family));
    case 'given': return stringMatches(clause as StringClause, names.flatMap((n) => n.given ?? []));
    case 'birthdate': return matchesDateClause(clause as DateClause, [dateRangeOf(p.birthDate, timezone)]);
    case 'gender': return matchesToken(clause as TokenClause, p.gender ? [{ system: 'http://hl7.org/fhir/administrative-gender', code: p.gender }] : []);
    case 'active': return matchesToken(clause as TokenClause, [{ code: String(p.active ?? false) }]);
    case 'address-city': return stringMatches(clause as StringClause, [mailing(p)?.city]);
    case 'address-state': return stringMatches(clause as StringClause, [mailing(p)?.state]);
    case 'phone': {
      // Home and work numbers: OSCAR cannot search the mobile number (it lives in demographicExt).
      const c = clause as TokenClause;
      const have = (p.telecom ?? []).filter((t) => t.system === 'phone' && t.use !== 'mobile' && t.value).map((t) => phoneDigits(t.value));
      return c.values.some((v) => !!v.code && have.includes(phoneDigits(v.code)));
    }
    case 'email': {
      const c = clause as TokenClause;
      const have = (p.telecom ?? []).filter((t) => t.system === 'email' && t.value).map((t) => t.value!.toLowerCase());
      return c.values.some((v) => !!v.code && have.includes(v.code.toLowerCase()));
    }
    default: return false; // an undeclared parameter never reaches a handler; be safe anyway
  }
}
