// Capability maps of the OSCAR lines and hosts the README's routing table covers, written by hand
// from variants §4.1 (SOAP operations), §4.2 (OAuth REST) and §6 (hosts: B2 REST module off, B4 PUT
// denied at the edge, B5 SOAP behind a WAF). Literal on purpose: they are the expectation the
// routing table is checked against, so they must not come from the simulator or from discovery.
import type { CapabilityMap, SoapCapabilities } from '../../src/oscar/capabilities/map.js';

const WS = 'http://ws.oscarehr.org/';
const JUNO_WS = 'http://v1.soap.external.ws.oscarehr.org/';

/** variants §4.1: what every line has. getDemographics, getProviders2 and the ByProgramProvider list calls are in every WSDL. */
const COMMON = {
  DemographicService: ['getDemographic', 'getDemographics', 'searchDemographicsByAttributes', 'searchDemographicByName'],
  // getAppointmentArchivesUpdatedAfterDate came with getAppointmentsUpdatedAfterDate (OSCAR 2014, Open-O history 63de1fd1f5).
  ScheduleService: ['getAppointment2', 'getAppointmentsForPatient2', 'getAppointmentsForDateRangeAndProvider2', 'addAppointment', 'updateAppointment', 'getAppointmentsUpdatedAfterDate', 'getAppointmentArchivesUpdatedAfterDate', 'getDayWorkSchedule', 'getScheduleTemplateCodes'],
  AllergyService: ['getAllergy', 'getAllergiesByProgramProviderDemographicDate', 'getAllergiesUpdatedAfterDate'],
  PreventionService: ['getPrevention', 'getPreventionsUpdatedAfterDate', 'getPreventionsByProgramProviderDemographicDate'],
  DocumentService: ['getDocument', 'getDocumentsUpdateAfterDate', 'getDocumentsByProgramProviderDemographicDate'],
  ProviderService: ['getProviders2', 'getLoggedInProviderTransfer'],
  LoginService: ['login2'],
  SystemInfoService: ['getServerTime', 'getServerTimeGmtOffset'],
} as const;

type Ops = Record<string, readonly string[]>;

function withOps(extra: Ops): Ops {
  const out: Record<string, string[]> = {};
  for (const [service, ops] of Object.entries(COMMON)) out[service] = [...ops, ...(extra[service] ?? [])];
  return out;
}

/** C–G: the `*ByDemographicIdAfter` operations and getActiveDemographicsAfter (variants §4.1). */
const BY_DEMOGRAPHIC = {
  ScheduleService: ['getAppointmentsByDemographicIdAfter'],
  AllergyService: ['getAllergiesByDemographicIdAfter'],
  PreventionService: ['getPreventionsByDemographicIdAfter'],
  DocumentService: ['getDocumentsByDemographicIdAfter'],
};

function soap(namespace: string, operations: Ops, genderCodes: readonly string[]): SoapCapabilities {
  return { reach: 'ok', namespace, operations, genderCodes };
}

/** variants §4.2 columns B–G: the OAuth REST resources the facade uses, as WADL templates. */
const OSCAR_REST_PATHS = [
  '/demographics/basic/{id}', '/demographics/search', '/demographics', '/allergies/active', '/oauth/info',
  '/schedule/getAppointment', '/schedule/{demographicNo}/appointmentHistory', '/schedule/{providerNo}/day/{date}',
  '/schedule/add', '/schedule/appointment/{id}/updateStatus', '/preventions/active',
  // contract 3.8 (docs/oscar-contract.md): the type has its own update call beside the status.
  '/schedule/appointment/{id}/updateType',
  // C–G (variants §4.2): immunizations by patient.
  '/preventions/immunizations/{demographicNo}',
];

const BASE = { probedAt: '2026-12-01T08:00:00.000Z', source: 'probe' as const, time: { clinicZone: 'America/Toronto', mismatch: false } };

/** F: Open-O ca.openosp.openo / OpenOSP, REST module on. */
const openo: CapabilityMap = {
  ...BASE, variant: 'openo',
  soap: soap(WS, withOps({
    ...BY_DEMOGRAPHIC,
    DemographicService: ['getDemographic2', 'getActiveDemographicsAfter', 'getActiveDemographicsAfter2'],
  }), ['M', 'F', 'X', 'O', 'U']),
  rest: { reach: 'ok', dialect: 'oscar', paths: [...OSCAR_REST_PATHS, '/document/saveDocumentToDemographic'], putAllowed: true },
};

/** H: Juno: another SOAP namespace, SOAP add/updateDemographic, no getDemographic2 or *ByDemographicIdAfter; REST is the integrator API under /ws/services/v1 (variants §3 H, B1, B16). */
const juno: CapabilityMap = {
  ...BASE, variant: 'juno',
  soap: soap(JUNO_WS, withOps({
    DemographicService: ['addDemographic', 'updateDemographic', 'getDemographicByHealthNumber'],
    ScheduleService: ['cancelAppointment', 'addAppointmentValidated'],
    DocumentService: ['addDocument'],
  }), ['M', 'F', 'T', 'O', 'U']),
  rest: {
    reach: 'ok', dialect: 'juno-v1', putAllowed: true,
    paths: ['/v1/demographic/{id}', '/v1/demographic', '/v1/demographics/search', '/v1/document', '/v1/demographic/{id}/chart/document/{docId}', '/v1/provider/{id}'],
  },
};

export const VARIANT_MAPS: Readonly<Record<string, CapabilityMap>> = {
  openo,
  // E: the org.oscarehr line: same operations as D plus the X sex code.
  'openo-legacy': { ...openo, variant: 'openo-legacy' },
  // D: OSCAR 19 community: getDemographic2 and REST document upload, sex code T.
  oscar19: { ...openo, variant: 'oscar19', soap: { ...openo.soap, genderCodes: ['M', 'F', 'T', 'O', 'U'] } },
  // A: OSCAR 15.0: no getDemographic2, no *ByDemographicIdAfter, no getActiveDemographicsAfter;
  // OAuth REST exposes only providerService (variants B3).
  oscar15: {
    ...BASE, variant: 'oscar15',
    soap: soap(WS, withOps({}), ['M', 'F', 'T', 'O', 'U']),
    rest: { reach: 'ok', dialect: 'oscar', paths: ['/providerService/providers_json'], putAllowed: true },
  },
  juno,
  // B2: OpenOSP as shipped (ModuleNames= empty): SOAP only.
  'REST module off': {
    ...openo, variant: 'openo',
    rest: { reach: 'module-off', dialect: 'oscar', detail: 'the REST module is off (ModuleNames in oscar.properties lacks REST)' },
  },
  // B4: OpenOSP hosting: HAProxy answers every PUT 403.
  'PUT blocked': { ...openo, rest: { ...openo.rest, putAllowed: false } },
  // B8: Juno's IP allow-list (on by default) does not list this server: SOAP faults 'Unauthorized IP Address', v1 REST 403.
  'IP not allowed': {
    ...juno,
    soap: { reach: 'ip-not-allowed', operations: {}, detail: "OSCAR's IP allow-list refuses this server (Unauthorized IP Address)" },
    rest: { reach: 'ip-not-allowed', dialect: 'juno-v1', detail: "OSCAR's IP allow-list refuses this server" },
  },
  // B5: a Cloudflare WAF in front of OSCAR refuses SOAP envelopes.
  'SOAP WAF': {
    ...openo,
    soap: { reach: 'edge-blocked', operations: {}, detail: 'a firewall in front of OSCAR refuses SOAP requests (HTTP 403 from Cloudflare)' },
  },
};
