// Patient search: choose the one OSCAR call (two at most) that narrows the clinic to a candidate
// set, then apply every FHIR criterion in memory with full FHIR semantics. A search page thus
// costs at most two upstream calls and never a call per row (issue 3).
import type { Patient } from 'fhir/r4.js';
import {
  dateRangeOf, invalidValue, matchesDateClause, matchesString, matchesToken, tooCostly,
  type DateClause, type ParsedSearch, type SearchClause, type StringClause, type TokenCandidate, type TokenClause,
} from '../../fhir/index.js';
import type { DemographicAttributeSearch } from '../../oscar/client.js';
import type { DemographicTransfer } from '../../oscar/types.js';
import type { ResourceDeps } from '../deps.js';
import { localSystem } from '../mapping-config.js';
import { hcTypeForSystem } from './mapper.js';

const ONTARIO_HCN_SYSTEMS = [
  'https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-patient-hcn',
  'https://ehealthontario.ca/API/FHIR/NamingSystem/ca-on-patient-hcn',
  'http://ehealthontario.ca/fhir/NamingSystem/ca-on-patient-hcn',
];
const MAX_IDS = 100;

const digits = (s: string | undefined): string => (s ?? '').replace(/\D/g, '');

/** What one upstream call (or two) should fetch. */
type Plan =
  | { kind: 'ids'; ids: number[] }
  | { kind: 'attributes'; calls: DemographicAttributeSearch[] }
  | { kind: 'chart'; chartNos: string[] }
  | { kind: 'activeAfter'; since: number | null };

function single<C extends SearchClause>(c: C | undefined): C['values'][number] | undefined {
  return c && !c.modifier && !c.missing && c.values.length === 1 ? c.values[0] : undefined;
}

function clausesNamed<C extends SearchClause>(search: ParsedSearch, name: string): C[] {
  return search.clauses.filter((c) => c.name === name) as C[];
}

function numericIds(values: readonly string[]): number[] {
  const ids = values.filter((v) => /^\d{1,9}$/.test(v)).map(Number);
  if (ids.length > MAX_IDS) throw invalidValue(`at most ${MAX_IDS} ids can be searched at once`, ['_id']);
  return ids;
}

/** Chooses the narrowest OSCAR call for the criteria (see PATIENT_SEARCH_PARAMS). */
export function planPatientSearch(search: ParsedSearch, deps: Pick<ResourceDeps, 'mapping'>): Plan {
  const demoSystem = localSystem(deps.mapping, 'demographicNo');
  const chartSystem = localSystem(deps.mapping, 'chartNo');

  const idClause = clausesNamed<TokenClause>(search, '_id')[0];
  if (idClause && !idClause.missing) return { kind: 'ids', ids: numericIds(idClause.values.flatMap((v) => (v.code ? [v.code] : []))) };

  const identifiers = clausesNamed<TokenClause>(search, 'identifier').filter((c) => !c.modifier && !c.missing);
  for (const c of identifiers) {
    if (c.values.every((v) => v.system === demoSystem && v.code)) return { kind: 'ids', ids: numericIds(c.values.map((v) => v.code!)) };
  }

  const criteria: DemographicAttributeSearch = {};
  const hcn = identifiers.map((c) => single(c)).find((v) => v?.code && v.system !== demoSystem && v.system !== chartSystem && (v.system === undefined || hcTypeForSystem(v.system)));
  if (hcn?.code) criteria.hin = hcn.code;
  const family = single(clausesNamed<StringClause>(search, 'family')[0]);
  if (family) criteria.lastName = family.value;
  const given = single(clausesNamed<StringClause>(search, 'given')[0]);
  if (given) criteria.firstName = given.value;
  const gender = single(clausesNamed<TokenClause>(search, 'gender')[0])?.code;
  const sex = ({ male: 'M', female: 'F', unknown: 'U' } as const)[gender as 'male'];
  if (sex) criteria.gender = sex;
  const birth = single(clausesNamed<DateClause>(search, 'birthdate')[0]);
  if (birth && birth.prefix === 'eq' && birth.precision === 'day') criteria.dateOfBirth = birth.raw.slice(0, 10);
  const phone = digits(single(clausesNamed<TokenClause>(search, 'phone')[0])?.code);
  // OSCAR matches phones as stored ('416-555-0100'): send the last four digits, compare all digits here.
  if (phone.length >= 4) criteria.phone = phone.slice(-4);
  const email = single(clausesNamed<TokenClause>(search, 'email')[0])?.code;
  if (email) criteria.email = email;
  const city = single(clausesNamed<StringClause>(search, 'address-city')[0]);
  if (city) criteria.city = city.value;
  const state = clausesNamed<StringClause>(search, 'address-state')[0];
  if (state && !state.missing && state.values.length === 1) criteria.province = state.values[0]!.value.toUpperCase();
  if (Object.keys(criteria).length > 0) return { kind: 'attributes', calls: [criteria] };

  const name = single(clausesNamed<StringClause>(search, 'name')[0]);
  if (name) return { kind: 'attributes', calls: [{ lastName: name.value }, { firstName: name.value }] };
  if (gender === 'other') return { kind: 'attributes', calls: [{ gender: 'X' }, { gender: 'O' }] };

  const chart = identifiers.find((c) => c.values.every((v) => v.system === chartSystem && v.code));
  if (chart) return { kind: 'chart', chartNos: chart.values.map((v) => v.code!) };

  const updated = clausesNamed<DateClause>(search, '_lastUpdated')[0];
  if (updated && !updated.missing) {
    const lows = updated.values.map((v) => v.range.low);
    // contract 4.5: lastUpdateDate > lastUpdate (exclusive); step back 1 ms so ge/eq include the bound.
    return { kind: 'activeAfter', since: Math.min(...lows) - 1 };
  }
  const active = clausesNamed<TokenClause>(search, 'active');
  const onlyActiveTrue = active.length > 0 && active.every((c) => !c.modifier && c.values.every((v) => v.code === 'true'));
  if (onlyActiveTrue || search.clauses.length === 0) return { kind: 'activeAfter', since: null };

  throw tooCostly(`this Patient search would read every patient of the clinic: add one of _id, identifier, name, family, given, birthdate (an exact day), gender, phone, email, address-city, address-state, _lastUpdated or active=true`);
}

/** Runs the plan: the candidate demographics, deduplicated. */
export async function fetchCandidates(plan: Plan, deps: ResourceDeps): Promise<DemographicTransfer[]> {
  const { oscar, maxUpstreamRows } = deps;
  const tooMany = (): never => {
    throw tooCostly(`more than ${maxUpstreamRows} patients match in OSCAR: add criteria to narrow the search`);
  };
  let rows: DemographicTransfer[];
  switch (plan.kind) {
    case 'ids':
      rows = plan.ids.length ? await oscar.getDemographics(plan.ids) : [];
      break;
    case 'attributes': {
      const results = await Promise.all(plan.calls.map((c) => oscar.searchDemographicsByAttributes({ ...c, startIndex: 0, itemsToReturn: maxUpstreamRows + 1 })));
      if (results.some((r) => r.length > maxUpstreamRows)) tooMany();
      rows = results.flat();
      break;
    }
    case 'chart': {
      const found = await Promise.all(plan.chartNos.map((term) => oscar.searchDemographics({ type: 'ChartNo', term, active: false, startIndex: 0, itemsToReturn: maxUpstreamRows })));
      const ids = [...new Set(found.flatMap((r) => r.content.map((c) => c.demographicNo)))];
      rows = ids.length ? await oscar.getDemographics(ids.slice(0, MAX_IDS)) : [];
      break;
    }
    case 'activeAfter':
      rows = await oscar.getActiveDemographicsAfter(plan.since);
      break;
  }
  const seen = new Set<number>();
  return rows.filter((r) => r.demographicNo !== undefined && !seen.has(r.demographicNo) && seen.add(r.demographicNo));
}

// ---- in-memory FHIR matching ------------------------------------------------------------------

function identifierCandidates(p: Patient): TokenCandidate[] {
  const out: TokenCandidate[] = [];
  for (const id of p.identifier ?? []) {
    out.push({ system: id.system, value: id.value, text: id.type?.text });
    // Ontario health numbers answer to all three Ontario HCN systems in the wild (canadian-profiles §2).
    if (id.system === ONTARIO_HCN_SYSTEMS[0]) for (const alias of ONTARIO_HCN_SYSTEMS.slice(1)) out.push({ system: alias, value: id.value });
  }
  return out;
}

function nameParts(p: Patient): string[] {
  return (p.name ?? []).flatMap((n) => [n.family, ...(n.given ?? []), ...(n.prefix ?? []), ...(n.suffix ?? []), n.text]).filter((s): s is string => !!s);
}

function telecoms(p: Patient, system: 'phone' | 'email'): string[] {
  return (p.telecom ?? []).filter((t) => t.system === system && t.value).map((t) => t.value!);
}

/** Whether a mapped Patient satisfies one clause (values ORed), per FHIR search semantics. */
export function patientMatches(p: Patient, clause: SearchClause, timezone: string): boolean {
  switch (clause.name) {
    case '_id': return matchesToken(clause as TokenClause, [{ code: p.id }]);
    case '_lastUpdated': return matchesDateClause(clause as DateClause, [dateRangeOf(p.meta?.lastUpdated, timezone)]);
    case 'identifier': return matchesToken(clause as TokenClause, identifierCandidates(p));
    case 'name': return matchesString(clause as StringClause, nameParts(p));
    case 'family': return matchesString(clause as StringClause, (p.name ?? []).map((n) => n.family));
    case 'given': return matchesString(clause as StringClause, (p.name ?? []).flatMap((n) => n.given ?? []));
    case 'birthdate': return matchesDateClause(clause as DateClause, [dateRangeOf(p.birthDate, timezone)]);
    case 'gender': return matchesToken(clause as TokenClause, p.gender ? [{ system: 'http://hl7.org/fhir/administrative-gender', code: p.gender }] : []);
    case 'active': return matchesToken(clause as TokenClause, [{ code: String(p.active ?? false) }]);
    case 'address-city': return matchesString(clause as StringClause, (p.address ?? []).map((a) => a.city));
    case 'address-state': return matchesString(clause as StringClause, (p.address ?? []).map((a) => a.state));
    case 'phone': {
      const c = clause as TokenClause;
      const have = telecoms(p, 'phone').map(digits);
      return c.values.some((v) => !!v.code && have.includes(digits(v.code)));
    }
    case 'email': {
      const c = clause as TokenClause;
      const have = telecoms(p, 'email').map((e) => e.toLowerCase());
      return c.values.some((v) => !!v.code && have.includes(v.code.toLowerCase()));
    }
    default: return false; // an undeclared parameter never reaches a handler; be safe anyway
  }
}
