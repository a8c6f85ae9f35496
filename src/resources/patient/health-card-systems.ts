// Health-card identifier systems per OSCAR hc_type (mapping §8.1). Only Ontario uses
// the '-hcn' pattern; every other province is '…/ca-xx-patient-healthcare-id'.

import { lookupTable } from '../lookup-table.js';

const INFOWAY = 'https://fhir.infoway-inforoute.ca/NamingSystem/';

export const ONTARIO_HCN_SYSTEM = `${INFOWAY}ca-on-patient-hcn`;

/** OSCAR hc_type → JHN system emitted. NF and PQ are legacy spellings of NL and QC. */
export const HEALTH_CARD_SYSTEMS: Readonly<Record<string, string>> = {
  AB: `${INFOWAY}ca-ab-patient-healthcare-id`,
  BC: `${INFOWAY}ca-bc-patient-healthcare-id`,
  MB: `${INFOWAY}ca-mb-patient-healthcare-id`,
  NB: `${INFOWAY}ca-nb-patient-healthcare-id`,
  NL: `${INFOWAY}ca-nl-patient-healthcare-id`,
  NF: `${INFOWAY}ca-nl-patient-healthcare-id`,
  NS: `${INFOWAY}ca-ns-patient-healthcare-id`,
  NT: `${INFOWAY}ca-nt-patient-healthcare-id`,
  NU: `${INFOWAY}ca-nu-patient-healthcare-id`,
  ON: ONTARIO_HCN_SYSTEM,
  PE: `${INFOWAY}ca-pe-patient-healthcare-id`,
  QC: `${INFOWAY}ca-qc-patient-healthcare-id`,
  PQ: `${INFOWAY}ca-qc-patient-healthcare-id`,
  SK: `${INFOWAY}ca-sk-patient-healthcare-id`,
  YT: `${INFOWAY}ca-yt-patient-healthcare-id`,
};

/**
 * Systems accepted on input (writes and searches) besides the emitted ones: the eHealth Ontario
 * URIs used by Open-O's DHIR code and by upstream OSCAR's DHIR query (mapping §8.2).
 */
export const HEALTH_CARD_INPUT_ALIASES: Readonly<Record<string, string>> = lookupTable({
  'https://ehealthontario.ca/API/FHIR/NamingSystem/ca-on-patient-hcn': 'ON',
  'http://ehealthontario.ca/fhir/NamingSystem/ca-on-patient-hcn': 'ON',
});

/** Legacy hc_type spellings and the code they stand for. */
export const LEGACY_HC_TYPES: Readonly<Record<string, string>> = { NF: 'NL', PQ: 'QC' };

/** Province/territory codes that make an address Canadian (country CA). */
export const CANADIAN_PROVINCES: ReadonlySet<string> = new Set([
  'AB', 'BC', 'MB', 'NB', 'NL', 'NF', 'NS', 'NT', 'NU', 'ON', 'PE', 'QC', 'PQ', 'SK', 'YT',
]);
