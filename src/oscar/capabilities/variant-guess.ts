// Which variant line the SOAP surface points at (variants §7.2 step 8). For logs and support
// only: routing reads the capability flags, because two instances of one line can differ.
import type { RestCapabilities, SoapCapabilities, VariantGuess } from './map.js';

export const JUNO_SOAP_NAMESPACE = 'http://v1.soap.external.ws.oscarehr.org/';

export function guessVariant(soap: SoapCapabilities, rest: RestCapabilities): VariantGuess {
  if (!soap.namespace) return 'unknown';
  if (soap.namespace === JUNO_SOAP_NAMESPACE) return 'juno';
  const has = (service: string, op: string): boolean => soap.operations[service]?.includes(op) ?? false;
  if (has('DemographicService', 'getDemographic2')) {
    if (!soap.genderCodes?.includes('X')) return 'oscar19';
    // CARLOS keeps only isAlive in SystemInfoService, loopback-only and 404'd at its edge (card G).
    if (!has('SystemInfoService', 'getServerTimeGmtOffset')) return 'carlos';
    // Open-O's org.oscarehr line still has the PHR operations the ca.openosp.openo line removed
    // (Appendix A, E vs F), and lacks the REST resources F added (card F).
    if (has('DemographicService', 'getDemographicByMyOscarUserName')) return 'openo-legacy';
    if (rest.paths && !rest.paths.includes('/demographics/summary/{id}')) return 'openo-legacy';
    return 'openo';
  }
  if (has('DemographicService', 'getActiveDemographicsAfter')) return 'oscar19-rc';
  return has('DocumentService', 'addDocument') ? 'kai15' : 'oscar15';
}
