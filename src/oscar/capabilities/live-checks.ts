// Which halves of OSCAR /readyz may check with a live call (OscarClient.probe: SOAP
// SystemInfoService.isAlive, REST GET /oauth/info), given what this instance offers: a half that
// is off or blocked is not checked at all (a SOAP-only clinic is ready), and a half whose check
// call the instance lacks is judged by discovery alone (CARLOS keeps isAlive loopback-only, card
// G; OSCAR 15.0 and Juno have no /oauth/info, §4.2).
import type { CapabilityMap } from './map.js';

export interface LiveChecks {
  soap: boolean;
  rest: boolean;
}

export function liveChecks(map: CapabilityMap): LiveChecks {
  const systemInfo = map.soap.operations.SystemInfoService;
  const soap = map.soap.reach === 'ok' && (systemInfo === undefined || systemInfo.includes('isAlive'));
  const rest = map.rest.reach === 'ok' && map.rest.dialect === 'oscar' && (map.rest.paths === undefined || map.rest.paths.includes('/oauth/info'));
  return { soap, rest };
}

/** Whether the facade can serve anything: at least one half reachable with working credentials. */
export const usable = (map: CapabilityMap): boolean => map.soap.reach === 'ok' || map.rest.reach === 'ok';
