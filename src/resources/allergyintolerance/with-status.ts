// The AllergyIntolerance of one SOAP allergy row with the clinical status the connected OSCAR can
// give (mapping §4): from membership of the patient's REST active list when the route asks it
// ('with-rest-status'), otherwise `active`, tagged clinical-status-unverified (variants §6 B14).
// The read, the search and the export ($export, src/bulk/sources/per-patient.ts) all make their
// resources here, so one row is one resource, one version, whichever of them gives it (mapping §1.3).
import type { AllergyIntolerance } from 'fhir/r4.js';
import type { AllergyTransfer } from '../../oscar/types.js';
import { FIDELITY_CODES, tagFidelity } from '../fidelity.js';
import type { MappingConfig } from '../mapping-config.js';
import { allergyFromSoap } from './mapper.js';

/** `active`: the ids in the patient's REST active list; undefined when this OSCAR has none to ask. */
export function allergyWithStatus(t: AllergyTransfer, active: ReadonlySet<number> | undefined, mapping: MappingConfig, baseUrl: string, recorderDisplay?: string): AllergyIntolerance {
  if (!active) return tagFidelity(allergyFromSoap(t, undefined, mapping, recorderDisplay), baseUrl, FIDELITY_CODES.clinicalStatusUnverified);
  return allergyFromSoap(t, active, mapping, recorderDisplay);
}
