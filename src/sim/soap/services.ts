// Every SOAP endpoint the simulator serves under /ws (contract 1.7); each table drives its WSDL,
// request binding and response rendering.

import { allergyService } from './operations/allergy.js';
import { demographicService } from './operations/demographic.js';
import { documentService } from './operations/document.js';
import { loginService } from './operations/login.js';
import { preventionService } from './operations/prevention.js';
import { providerService } from './operations/provider.js';
import { scheduleService } from './operations/schedule.js';
import { systemInfoService } from './operations/system-info.js';
import { junoDemographicOperations, junoProviderProperties, junoScheduleOperations } from './operations/juno.js';
import { phrOperations } from './operations/phr.js';
import type { OperationDef, ServiceDef } from './schema.js';
import type { VariantProfile } from '../variants.js';

/** Line F's endpoints (contract 1.7). */
export const SERVICES: readonly ServiceDef[] = [
  loginService, systemInfoService, demographicService, scheduleService,
  allergyService, preventionService, documentService, providerService,
];

const JUNO_EXTRAS: Readonly<Record<string, readonly OperationDef[]>> = {
  DemographicService: junoDemographicOperations, ScheduleService: junoScheduleOperations,
};

/** The line's own version of an operation F also has (Juno's getProviderProperties returns one object). */
function variantOf(profile: VariantProfile, op: OperationDef): OperationDef {
  return profile.junoOps && op.name === junoProviderProperties.name ? junoProviderProperties : op;
}

/** The endpoints of a variant: F's without the operations the line lacks, plus the line's own (variants §4.1, Appendix A). */
export function soapServicesFor(profile: VariantProfile): ServiceDef[] {
  return SERVICES.map((s) => ({
    ...s,
    operations: [
      ...s.operations.filter((op) => !profile.absentOps.has(`${s.path}.${op.name}`)).map((op) => variantOf(profile, op)),
      ...(profile.phrOps && s.path === 'DemographicService' ? phrOperations : []),
      ...(profile.junoOps ? JUNO_EXTRAS[s.path] ?? [] : []),
    ],
  }));
}
