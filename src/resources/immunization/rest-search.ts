// A patient's immunizations over OSCAR REST, for instances whose SOAP is out of reach (variants
// §7.4 REST-only mode; routing table options 'rest-immunizations' and 'rest-active-preventions').
// Only a search by patient has a REST call; the other anchors (_id, identifier, _lastUpdated) are
// SOAP-only, so the CapabilityStatement leaves them out there and the planner never gets them.
import type { Immunization } from 'fhir/r4.js';
import { mapLimited } from '../../fhir/index.js';
import type { PreventionTo1 } from '../../oscar/types.js';
import type { ResourceDeps } from '../deps.js';
import { immunizationFromRest, isImmunizationRow } from './rest-mapper.js';
import type { Plan } from './search.js';

const CALLS_AT_ONCE = 4;

export async function restImmunizations(plan: Plan, how: 'rest-immunizations' | 'rest-active-preventions', deps: ResourceDeps): Promise<Immunization[]> {
  if (plan.kind !== 'patients') throw new Error(`Immunization ${plan.kind} search has no REST call; the router refuses its parameter on this OSCAR`);
  const { oscar, mapping, providers } = deps;
  const lists = await mapLimited(plan.demographicNos, CALLS_AT_ONCE, async (d): Promise<PreventionTo1[]> => (how === 'rest-immunizations'
    ? oscar.restImmunizations(d)
    // contract 3.9: every active prevention; screenings are not immunizations.
    : (await oscar.restActivePreventions(d)).filter((p) => isImmunizationRow(p, mapping))));
  const rows = lists.flat();
  const names = new Map<string, string | undefined>();
  for (const p of new Set(rows.map((r) => r.providerNo ?? ''))) names.set(p, await providers.displayOf(p));
  return rows.map((r) => immunizationFromRest(r, mapping, names.get(r.providerNo ?? '')));
}
