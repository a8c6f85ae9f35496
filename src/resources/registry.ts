// Every FHIR type this server offers, registered in one place.
import { Registry, type ResourceDefinition } from '../fhir/index.js';
import type { ResourceDeps } from './deps.js';
import { withOutgoingValidation, type OutgoingPolicy } from './outgoing.js';
import { patientDefinition } from './patient/index.js';

export function buildRegistry(deps: ResourceDeps, policy: OutgoingPolicy): Registry {
  const registry = new Registry();
  const defs: ResourceDefinition[] = [patientDefinition(deps) as unknown as ResourceDefinition];
  for (const def of defs) registry.register(withOutgoingValidation(def, policy));
  registry.check();
  return registry;
}
