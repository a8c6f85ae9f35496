// The wire operation behind each OscarClient operation method, and whether a discovered instance
// offers it (variants §4.1, §4.2). Routing asks this, never the variant name: two instances of one
// variant can differ (REST module off, PUT blocked at the edge, SOAP behind a WAF).
import type { OscarClient } from '../client.js';
import type { CapabilityMap } from './map.js';

/** Every method of OscarClient that is one OSCAR call (its name says the protocol). */
export type OscarOperation = Extract<keyof OscarClient, `rest${string}` | `soap${string}`>;

export type WireOp =
  | { protocol: 'soap'; service: string; operation: string }
  /** `path` is the resource template as the WADL lists it, e.g. '/demographics/basic/{id}'. */
  | { protocol: 'rest'; method: 'GET' | 'POST' | 'PUT'; path: string };

const soap = (service: string, operation: string): WireOp => ({ protocol: 'soap', service, operation });
const rest = (method: 'GET' | 'POST' | 'PUT', path: string): WireOp => ({ protocol: 'rest', method, path });

export const WIRE_OPS = {
  restGetDemographicBasic: rest('GET', '/demographics/basic/{id}'),
  restSearchDemographics: rest('POST', '/demographics/search'),
  restCreateDemographic: rest('POST', '/demographics'),
  restUpdateDemographic: rest('PUT', '/demographics'),
  restActiveAllergies: rest('GET', '/allergies/active'),
  restSaveDocumentToDemographic: rest('POST', '/document/saveDocumentToDemographic'),
  restOauthInfo: rest('GET', '/oauth/info'),
  restGetAppointment: rest('POST', '/schedule/getAppointment'),
  restAppointmentHistory: rest('POST', '/schedule/{demographicNo}/appointmentHistory'),
  restProviderDay: rest('GET', '/schedule/{providerNo}/day/{date}'),
  restAddAppointment: rest('POST', '/schedule/add'),
  restUpdateAppointmentStatus: rest('POST', '/schedule/appointment/{id}/updateStatus'),
  restUpdateAppointmentType: rest('POST', '/schedule/appointment/{id}/updateType'),
  restImmunizations: rest('GET', '/preventions/immunizations/{demographicNo}'),
  restActivePreventions: rest('GET', '/preventions/active'),
  // Juno's integrator API (variants §3 H): paths below /ws/services, as its OpenAPI lists them under /v1.
  restV1GetDemographic: rest('GET', '/v1/demographic/{demographicId}'),
  restV1CreateDemographic: rest('POST', '/v1/demographic'),
  restV1SearchDemographics: rest('GET', '/v1/demographics/search'),
  restV1PostDocument: rest('POST', '/v1/document'),
  restV1AssignDocument: rest('POST', '/v1/demographic/{demographicId}/chart/document/{documentId}'),
  soapGetDemographic: soap('DemographicService', 'getDemographic'),
  soapGetDemographic2: soap('DemographicService', 'getDemographic2'),
  soapGetDemographics: soap('DemographicService', 'getDemographics'),
  soapSearchDemographicsByAttributes: soap('DemographicService', 'searchDemographicsByAttributes'),
  soapGetActiveDemographicsAfter: soap('DemographicService', 'getActiveDemographicsAfter'),
  soapAddDemographic: soap('DemographicService', 'addDemographic'),
  soapUpdateDemographic: soap('DemographicService', 'updateDemographic'),
  soapGetDemographicByHealthNumber: soap('DemographicService', 'getDemographicByHealthNumber'),
  soapCancelAppointment: soap('ScheduleService', 'cancelAppointment'),
  soapGetAppointment2: soap('ScheduleService', 'getAppointment2'),
  soapGetAppointmentsForPatient2: soap('ScheduleService', 'getAppointmentsForPatient2'),
  soapGetAppointmentArchivesUpdatedAfterDate: soap('ScheduleService', 'getAppointmentArchivesUpdatedAfterDate'),
  soapGetAppointmentsForDateRangeAndProvider2: soap('ScheduleService', 'getAppointmentsForDateRangeAndProvider2'),
  soapGetAppointmentsUpdatedAfterDate: soap('ScheduleService', 'getAppointmentsUpdatedAfterDate'),
  soapAddAppointment: soap('ScheduleService', 'addAppointment'),
  soapGetDayWorkSchedule: soap('ScheduleService', 'getDayWorkSchedule'),
  soapGetScheduleTemplateCodes: soap('ScheduleService', 'getScheduleTemplateCodes'),
  soapUpdateAppointment: soap('ScheduleService', 'updateAppointment'),
  soapGetAllergy: soap('AllergyService', 'getAllergy'),
  soapGetAllergiesByProgramProviderDemographicDate: soap('AllergyService', 'getAllergiesByProgramProviderDemographicDate'),
  soapGetAllergiesUpdatedAfterDate: soap('AllergyService', 'getAllergiesUpdatedAfterDate'),
  soapGetPrevention: soap('PreventionService', 'getPrevention'),
  soapGetPreventionsByDemographicIdAfter: soap('PreventionService', 'getPreventionsByDemographicIdAfter'),
  soapGetPreventionsUpdatedAfterDate: soap('PreventionService', 'getPreventionsUpdatedAfterDate'),
  soapGetPreventionsByProgramProviderDemographicDate: soap('PreventionService', 'getPreventionsByProgramProviderDemographicDate'),
  soapGetDocument: soap('DocumentService', 'getDocument'),
  soapGetDocumentsByDemographicIdAfter: soap('DocumentService', 'getDocumentsByDemographicIdAfter'),
  soapGetDocumentsByProgramProviderDemographicDate: soap('DocumentService', 'getDocumentsByProgramProviderDemographicDate'),
  soapGetDocumentsUpdateAfterDate: soap('DocumentService', 'getDocumentsUpdateAfterDate'),
  soapGetProviders2: soap('ProviderService', 'getProviders2'),
  soapGetLoggedInProviderTransfer: soap('ProviderService', 'getLoggedInProviderTransfer'),
} as const satisfies Record<OscarOperation, WireOp>;

/**
 * Why the instance cannot serve `op`, in words a clinic's IT person can act on; undefined when it
 * can. A REST path is trusted when the instance lists no paths (some serve no WADL).
 */
export function missing(map: CapabilityMap, op: OscarOperation): string | undefined {
  const w: WireOp = WIRE_OPS[op];
  if (w.protocol === 'soap') {
    if (map.soap.reach !== 'ok') return `OSCAR SOAP web services: ${map.soap.detail ?? map.soap.reach}`;
    const ops = map.soap.operations[w.service];
    if (ops && !ops.includes(w.operation)) return `this OSCAR has no SOAP ${w.service}.${w.operation}`;
    return undefined;
  }
  if (map.rest.reach !== 'ok') return `OSCAR REST web services: ${map.rest.detail ?? map.rest.reach}`;
  if (w.method === 'PUT' && map.rest.putAllowed === false) return 'a proxy in front of OSCAR refuses HTTP PUT';
  if (map.rest.paths && !map.rest.paths.some((p) => sameTemplate(p, w.path))) return `this OSCAR has no REST ${w.method} ${w.path}`;
  return undefined;
}

/** Listings name template parameters as the resource class does ('{id}', '{dataId}'): compare the shape only. */
const sameTemplate = (a: string, b: string): boolean => a.replace(/\{[^}]*\}/g, '{}') === b.replace(/\{[^}]*\}/g, '{}');
