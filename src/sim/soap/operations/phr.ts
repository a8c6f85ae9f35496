// DemographicWs's MyOSCAR (PHR) operations, which every line but F still has (variants §3 card F:
// removed in the 2025 refactor; Appendix A "Deltas"). The simulated clinic has no MyOSCAR
// accounts and no PHR verifications, so they find nothing. writePHRId (C–E) is not simulated.
import type { OperationDef } from '../schema.js';

export const phrOperations: OperationDef[] = [
  { name: 'getDemographicByMyOscarUserName', params: [['arg0', 'string']], returns: 'demographicTransfer', handler: () => null },
  { name: 'getLatestPhrVerificationByDemographic', params: [['arg0', 'int']], returns: 'phrVerificationTransfer', handler: () => null },
  { name: 'isPhrVerifiedToSendMessages', params: [['arg0', 'int']], returns: 'boolean!', handler: () => false },
  { name: 'isPhrVerifiedToSendMedicalData', params: [['arg0', 'int']], returns: 'boolean!', handler: () => false },
  {
    name: 'getDemographicIdsWithMyOscarAccounts', params: [['startDemographicIdExclusive', 'int'], ['itemsToReturn', 'int!']],
    returns: 'int[]', handler: () => [],
  },
];
