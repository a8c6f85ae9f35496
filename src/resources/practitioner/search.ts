// Practitioner search matching: every criterion is applied in memory to the mapped providers.
import type { Practitioner } from 'fhir/r4.js';
import { matchesString, matchesToken, type SearchClause, type StringClause, type TokenClause } from '../../fhir/index.js';

function nameParts(p: Practitioner): string[] {
  return (p.name ?? []).flatMap((n) => [n.family, ...(n.given ?? []), ...(n.prefix ?? []), ...(n.suffix ?? []), n.text]).filter((s): s is string => !!s);
}

/** Whether a mapped Practitioner satisfies one clause (values ORed), per FHIR search semantics. */
export function practitionerMatches(p: Practitioner, clause: SearchClause): boolean {
  switch (clause.name) {
    case '_id': return matchesToken(clause as TokenClause, [{ code: p.id }]);
    case 'identifier':
      return matchesToken(clause as TokenClause, (p.identifier ?? []).map((i) => ({ system: i.system, value: i.value, text: i.type?.text })));
    case 'name': return matchesString(clause as StringClause, nameParts(p));
    case 'family': return matchesString(clause as StringClause, (p.name ?? []).map((n) => n.family));
    case 'given': return matchesString(clause as StringClause, (p.name ?? []).flatMap((n) => n.given ?? []));
    // A provider without a status is neither active nor inactive: it matches no active= value.
    case 'active': return matchesToken(clause as TokenClause, p.active === undefined ? [] : [{ code: String(p.active) }]);
    default: return false; // an undeclared parameter never reaches a handler; be safe anyway
  }
}
