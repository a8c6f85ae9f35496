// Whether the connected OSCAR can serve the export at all (variants §7.3: what is listed is what
// is served). Every exported type and every group comes from OSCAR's SOAP web services: the
// population list, the demographics, the clinic-wide change feeds and the per-patient reads. Where
// one of them cannot be reached (a firewall in front of SOAP, variants B5) the CapabilityStatement
// lists neither $export nor Group, and a kick-off or a Group read answers 501 with the reason and
// what the operator can do, as an unavailable interaction does.
import type { Unavailable } from '../fhir/unavailable.js';
import type { CapabilityMap } from '../oscar/capabilities/map.js';
import { missing, type OscarOperation } from '../oscar/capabilities/wire-ops.js';
import { remedyFor } from '../routing/remedy.js';

/** The OSCAR operations an export and its groups are made of (src/bulk/groups.ts, src/bulk/sources/). */
const EXPORT_OPERATIONS: readonly OscarOperation[] = [
  'soapGetActiveDemographicsAfter', 'soapGetDemographics', 'soapGetPreventionsUpdatedAfterDate',
  'soapGetAllergiesByProgramProviderDemographicDate', 'soapGetAppointmentsForPatient2', 'soapGetDocumentsUpdateAfterDate',
  // Groups are rosters of the providers OSCAR lists.
  'soapGetProviders2',
];

/** Why the connected OSCAR cannot serve exports, or undefined when it can. */
export function exportUnavailable(map: CapabilityMap): Unavailable | undefined {
  for (const op of EXPORT_OPERATIONS) {
    const why = missing(map, op);
    if (why !== undefined) return { missing: why, remedy: remedyFor(map, op) };
  }
  return undefined;
}
