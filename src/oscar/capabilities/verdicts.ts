// What a discovered map means for a clinic's IT person: each problem in plain words with its
// remedy (variants §6, §7.6). Used by `oscar-fhir check` and by the log line of each new map.
import type { CapabilityMap } from './map.js';
import { WIRE_OPS, missing, type OscarOperation } from './wire-ops.js';

export interface Verdict {
  /** What the problem touches, for grouping: the SOAP half, the REST half, HTTP PUT, time, operations. */
  about: 'soap' | 'rest' | 'put' | 'time' | 'operations';
  /** True when it takes something away; false for a note. */
  problem: boolean;
  /** The finding and its remedy, in one sentence. */
  text: string;
}

/** '+05:30', '-08:00' style offset for people: UTC-8, UTC+5:30. */
export function utcOffsetLabel(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const h = Math.floor(abs / 60);
  const m = abs % 60;
  return `UTC${sign}${h}${m ? `:${String(m).padStart(2, '0')}` : ''}`;
}

function soapVerdict(map: CapabilityMap): Verdict | undefined {
  const s = map.soap;
  const v = (text: string): Verdict => ({ about: 'soap', problem: true, text });
  switch (s.reach) {
    case 'edge-blocked':
      return v(/Cloudflare/.test(s.detail ?? '')
        ? 'SOAP blocked by a web application firewall (Cloudflare): the facade cannot use OSCAR\'s SOAP services; ask the host to allow-list this server\'s address for SOAP requests to /ws/*'
        : 'a proxy in front of OSCAR refuses SOAP requests: allow POST to /ws/* (text/xml) for this server on the proxy');
    case 'ip-not-allowed':
      return v('OSCAR\'s IP allow-list refuses this server (Juno): add this server\'s public IP address to web_service_allowed_ips in OSCAR\'s properties');
    case 'auth-failed':
      return v(`OSCAR refused the SOAP login (${s.detail ?? 'login2'}): check OSCAR_SOAP_USERNAME and OSCAR_SOAP_PASSWORD; use a dedicated integration user whose login is not managed by MFA`);
    case 'unreachable':
      return v(`OSCAR's SOAP web services did not answer (${s.detail ?? 'no answer'}): check OSCAR_URL, including the context path such as /oscar, and the network`);
    default:
      return undefined;
  }
}

/** REST paths of clinical data; OSCAR 15.0 lists none of them over OAuth (B3). */
const CLINICAL_ROOTS = ['/demographics', '/allergies', '/preventions', '/schedule', '/document', '/v1/demographic'];

function restVerdicts(map: CapabilityMap): Verdict[] {
  const r = map.rest;
  const v = (text: string, about: Verdict['about'] = 'rest'): Verdict => ({ about, problem: true, text });
  switch (r.reach) {
    case 'module-off':
      return [v('REST module is off: the facade cannot use OSCAR\'s REST services; enable ModuleNames=REST in oscar.properties, restart OSCAR, and register a REST client (Administration > Integration > REST Clients)')];
    case 'edge-blocked':
      return [v(/Cloudflare/.test(r.detail ?? '')
        ? 'REST blocked by a web application firewall (Cloudflare): ask the host to allow-list this server\'s address for /ws/services and /ws/oauth'
        : 'a proxy in front of OSCAR refuses REST requests: allow /ws/services and /ws/oauth for this server on the proxy')];
    case 'auth-failed':
      return [v(`${r.detail ?? 'OSCAR refused the OAuth credentials'}: run "oscar-fhir connect" to authorise a new access token, or check OSCAR_CONSUMER_KEY/SECRET and that both clocks are right (NTP)`)];
    case 'unreachable':
      return [v(`OSCAR's REST API did not answer (${r.detail ?? 'no answer'}): check OSCAR_URL and the network`)];
    case 'ok':
      break;
    default:
      return [];
  }
  const out: Verdict[] = [];
  if (r.paths && !r.paths.some((p) => CLINICAL_ROOTS.some((root) => p === root || p.startsWith(`${root}/`)))) {
    out.push(v('OSCAR\'s REST API lists no clinical services (OSCAR 15.0 exposes only providerService over OAuth): the facade uses SOAP for everything; upgrade OSCAR for patient create/update and document upload'));
  }
  if (r.putAllowed === false) {
    out.push(v('a proxy refuses HTTP PUT: patient update unavailable; allow PUT to /ws/services on the proxy', 'put'));
  }
  if (r.detail && map.source !== 'assumed') out.push({ about: 'rest', problem: false, text: `REST: ${r.detail}` });
  return out;
}

function timeVerdict(map: CapabilityMap): Verdict | undefined {
  const t = map.time;
  if (!t.mismatch || t.serverOffsetMinutes === undefined) return undefined;
  return {
    about: 'time', problem: true,
    text: `OSCAR's JVM runs at ${utcOffsetLabel(t.serverOffsetMinutes)} but OSCAR_TIMEZONE is ${t.clinicZone}: times are read as clinic wall-clock times in ${t.clinicZone}; set OSCAR's JVM zone (TZ, -Duser.timezone) to ${t.clinicZone}`,
  };
}

/** SOAP operations the facade can use that this instance lacks (an older line, variants §4.1). */
function absentOperations(map: CapabilityMap): Verdict | undefined {
  if (map.soap.reach !== 'ok') return undefined;
  const absent = (Object.keys(WIRE_OPS) as OscarOperation[])
    .filter((op) => WIRE_OPS[op].protocol === 'soap' && missing(map, op) !== undefined)
    .map((op) => { const w = WIRE_OPS[op]; return w.protocol === 'soap' ? `${w.service}.${w.operation}` : op; });
  if (!absent.length) return undefined;
  return { about: 'operations', problem: false, text: `this OSCAR lacks SOAP ${absent.join(', ')}: FHIR interactions that need them are served another way or not at all` };
}

export function verdictsOf(map: CapabilityMap): Verdict[] {
  return [soapVerdict(map), ...restVerdicts(map), timeVerdict(map), absentOperations(map)].filter((v): v is Verdict => v !== undefined);
}

