// What a clinic's IT person can do about an operation the connected OSCAR cannot serve, in the
// words of the OperationOutcome, the CapabilityStatement and `oscar-fhir check` (variants §6, §7.6).
import type { CapabilityMap, Reach } from '../oscar/capabilities/map.js';
import { WIRE_OPS, type OscarOperation, type WireOp } from '../oscar/capabilities/wire-ops.js';

const SOAP_REACH: Partial<Record<Reach, string>> = {
  // variants B5: a WAF in front of OSCAR; do not disguise SOAP, have it allow-listed.
  'edge-blocked': "ask the host to let this server's SOAP requests (/ws/…Service) through its firewall",
  // variants B8: Juno's allow-list.
  'ip-not-allowed': "add this server's IP address to OSCAR's web-service IP allow-list",
  'auth-failed': 'check OSCAR_SOAP_USERNAME and OSCAR_SOAP_PASSWORD (an account under MFA or single sign-on cannot use SOAP)',
};

const REST_REACH: Partial<Record<Reach, string>> = {
  // variants B2: the OAuth REST half is loaded only with ModuleNames=REST.
  'module-off': 'enable the REST module (ModuleNames=REST in oscar.properties), restart OSCAR, then authorise this server with `oscar-fhir connect`',
  'edge-blocked': "ask the host to let this server's requests to /ws/services through its firewall",
  'ip-not-allowed': "add this server's IP address to OSCAR's web-service IP allow-list",
  'auth-failed': 'authorise this server again with `oscar-fhir connect` (OAuth 1.0a tokens cannot be refreshed)',
};

const UNREACHABLE = 'check that OSCAR is reachable from this server; the facade checks again on its own';

/** The remedy for `op` on an instance where `missing(map, op)` said it cannot be served. */
export function remedyFor(map: CapabilityMap, op: OscarOperation): string {
  const w: WireOp = WIRE_OPS[op];
  const reach = w.protocol === 'soap' ? map.soap.reach : map.rest.reach;
  if (reach !== 'ok') return (w.protocol === 'soap' ? SOAP_REACH : REST_REACH)[reach] ?? UNREACHABLE;
  // variants B4: OpenOSP's HAProxy denies every PUT.
  if (w.protocol === 'rest' && w.method === 'PUT') return "ask the host to let HTTP PUT to /ws/services through its proxy";
  // variants §3 H, B16: Juno's integrator REST has other paths and shapes.
  if (w.protocol === 'rest' && map.rest.dialect === 'juno-v1') return "none: Juno's integrator REST API (/ws/services/v1) has no equivalent";
  return 'this OSCAR version does not offer it; OSCAR 19 and Open-O do';
}
