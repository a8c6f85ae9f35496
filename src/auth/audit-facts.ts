// What the audit record of a request says it touched (audit.ts): the interaction and instance the
// router accepted, the patients it concerned, the resources it returned. Kept apart from the
// authorization decisions in enforce.ts, which only add why a request was refused.
import type { Resource } from 'fhir/r4.js';
import { NUMERIC_ID, type InteractionInfo, type ParsedSearch, type ResourceDefinition } from '../fhir/index.js';
import { forEachCompartmentPatient, narrowingParam } from './compartment.js';
import type { AuditFacts } from './context.js';

/** The interaction as the router parsed it: only ids it accepted reach the audit trail. */
export function recordInteraction(facts: AuditFacts | undefined, info: InteractionInfo): void {
  if (!facts) return;
  facts.interaction = info.interaction;
  if (info.type) facts.type = info.type;
  if (info.id) facts.id = info.id;
  if (info.operation) facts.operation = info.operation;
  if (info.type === 'Patient' && info.id) facts.patients.add(info.id);
}

/**
 * The patients a search asked for through the type's patient parameter: demographic numbers only,
 * so a name put where an id belongs (`patient=DOE-JANE`) never becomes an audit entity.
 */
export function recordSearchedPatients(facts: AuditFacts | undefined, search: ParsedSearch | undefined, def: ResourceDefinition | undefined): void {
  if (!facts || !search || !def) return;
  const param = narrowingParam(def);
  for (const c of search.clauses) {
    if (c.name !== param?.name) continue;
    for (const v of c.values) {
      const id = c.type === 'token' ? (v as { code?: string }).code : c.type === 'reference' && (v as { type?: string }).type !== 'Practitioner' ? (v as { id: string }).id : undefined;
      if (id && NUMERIC_ID.test(id)) facts.patients.add(id);
    }
  }
}

/** A resource about to leave: its id and the patients it belongs to. */
export function recordReturned(facts: AuditFacts | undefined, resource: Resource, baseUrl: string): void {
  if (!facts) return;
  const { patients } = facts;
  // A Patient is named once, as a patient: the line writes no object entity for a patient it
  // names (audit.ts), so a page of 50 Patients makes no 'Patient/id' strings.
  if (resource.resourceType === 'Patient') {
    if (resource.id) patients.add(resource.id);
    return;
  }
  if (resource.id) facts.resources.add(`${resource.resourceType}/${resource.id}`);
  // A Binary names no patient of its own (forEachCompartmentPatient finds none in it).
  forEachCompartmentPatient(resource, baseUrl, (p) => { patients.add(p); });
}
