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
import type { ServiceDef } from './schema.js';

export const SERVICES: readonly ServiceDef[] = [
  loginService, systemInfoService, demographicService, scheduleService,
  allergyService, preventionService, documentService, providerService,
];
