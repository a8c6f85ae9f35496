// Every FHIR type this server offers, registered in one place.
import { instanceView, Registry, type ResourceDefinition } from '../fhir/index.js';
import type { ResourceDeps } from './deps.js';
import { withOutgoingValidation, type OutgoingPolicy } from './outgoing.js';
import { patientDefinition } from './patient/index.js';
import { documentReferenceDefinition } from './documentreference/index.js';
import { binaryDefinition } from './binary/index.js';
import { allergyIntoleranceDefinition } from './allergyintolerance/index.js';
import { immunizationDefinition } from './immunization/index.js';
import { appointmentDefinition } from './appointment/index.js';
import { practitionerDefinition } from './practitioner/index.js';
import { scheduleDefinition } from './schedule/index.js';
import { slotDefinition } from './slot/index.js';

export function buildRegistry(deps: ResourceDeps, policy: OutgoingPolicy): Registry {
  const registry = new Registry();
  // $everything gathers what the connected OSCAR can serve now, as the router does.
  const served = (): Registry => instanceView(registry, deps.routes?.limits()).registry;
  const lookup = { get: (type: string) => served().get(type), all: () => served().all() };
  const defs: ResourceDefinition[] = [patientDefinition(deps, lookup) as unknown as ResourceDefinition];
  defs.push(appointmentDefinition(deps) as unknown as ResourceDefinition);
  defs.push(practitionerDefinition(deps) as unknown as ResourceDefinition);
  defs.push(allergyIntoleranceDefinition(deps) as unknown as ResourceDefinition);
  defs.push(immunizationDefinition(deps) as unknown as ResourceDefinition);
  defs.push(documentReferenceDefinition(deps) as unknown as ResourceDefinition);
  defs.push(binaryDefinition(deps) as unknown as ResourceDefinition);
  defs.push(scheduleDefinition(deps) as unknown as ResourceDefinition);
  defs.push(slotDefinition(deps) as unknown as ResourceDefinition);
  for (const def of defs) registry.register(withOutgoingValidation(def, policy));
  registry.check();
  return registry;
}
