// What a discovered map means for a clinic's IT person: each problem in plain words with its
// remedy (variants §6, §7.6). Used by `oscar-fhir check` (which adds what each problem costs, from
// the routing table) and by the log line of each new map.
import type { CapabilityMap } from './map.js';

export interface Verdict {
  /** What the problem touches: the SOAP half, the REST half, HTTP PUT, time. */
  about: 'soap' | 'rest' | 'put' | 'time';
  /** True when it takes something away or misreads something; false for a note. */
  problem: boolean;
  /** What was found, e.g. 'REST module is off'. */
  finding: string;
  /** What it costs, when that is not a list of FHIR interactions (time, notes). */
  consequence?: string;
  /** What to do about it. */
  remedy?: string;
  /** The map without this problem: what the routing table serves then and not now is its cost. */
  without?: CapabilityMap;
}

/** One sentence: finding, what it costs (`lost`: FHIR interactions it makes unavailable), remedy. */
export function verdictText(v: Verdict, lost: readonly string[] = []): string {
  const cost = lost.length ? `${lost.join(', ')} unavailable` : v.consequence;
  return `${v.finding}${cost ? `: ${cost}` : ''}${v.remedy ? `; ${v.remedy}` : ''}`;
}

/** UTC-8, UTC+5:30: an offset in minutes for people. */
export function utcOffsetLabel(minutes: number): string {
  const abs = Math.abs(minutes);
  const m = abs % 60;
  return `UTC${minutes < 0 ? '-' : '+'}${Math.floor(abs / 60)}${m ? `:${String(m).padStart(2, '0')}` : ''}`;
}

const isCloudflare = (detail: string | undefined): boolean => /Cloudflare/.test(detail ?? '');

function soapVerdict(map: CapabilityMap): Verdict | undefined {
  const s = map.soap;
  const without = { ...map, soap: { ...s, reach: 'ok' as const } };
  const v = (finding: string, remedy: string): Verdict => ({ about: 'soap', problem: true, finding, remedy, without });
  switch (s.reach) {
    case 'edge-blocked':
      return isCloudflare(s.detail)
        ? v('SOAP blocked by a web application firewall (Cloudflare)', 'ask the host to allow-list this server\'s address for SOAP requests to /ws/*')
        : v('a proxy in front of OSCAR refuses SOAP requests', 'allow POST to /ws/* (text/xml) from this server on the proxy');
    case 'ip-not-allowed':
      return v('OSCAR\'s IP allow-list refuses this server (Juno)', 'add this server\'s public IP address to web_service_allowed_ips in OSCAR\'s properties');
    case 'auth-failed':
      return v(`OSCAR refused the SOAP login (${s.detail ?? 'login2'})`, 'check OSCAR_SOAP_USERNAME and OSCAR_SOAP_PASSWORD; use a dedicated integration user whose login is not managed by MFA');
    case 'unreachable':
      return v(`OSCAR's SOAP web services did not answer (${s.detail ?? 'no answer'})`, 'check OSCAR_URL, including the context path such as /oscar, and the network');
    default:
      return undefined;
  }
}

/** REST paths of clinical data; OSCAR 15.0 lists none of them over OAuth (B3). */
const CLINICAL_ROOTS = ['/demographics', '/allergies', '/preventions', '/schedule', '/document', '/v1/demographic'];

function restVerdicts(map: CapabilityMap): Verdict[] {
  const r = map.rest;
  const without = { ...map, rest: { ...r, reach: 'ok' as const } };
  const v = (finding: string, remedy: string): Verdict => ({ about: 'rest', problem: true, finding, remedy, without });
  switch (r.reach) {
    case 'module-off':
      return [v('REST module is off', 'enable ModuleNames=REST in oscar.properties, restart OSCAR, and register this server as a REST client (Administration > Integration > REST Clients)')];
    case 'edge-blocked':
      return [isCloudflare(r.detail)
        ? v('REST blocked by a web application firewall (Cloudflare)', 'ask the host to allow-list this server\'s address for /ws/services and /ws/oauth')
        : v('a proxy in front of OSCAR refuses REST requests', 'allow /ws/services and /ws/oauth from this server on the proxy')];
    case 'ip-not-allowed':
      return [v('OSCAR\'s IP allow-list refuses this server\'s REST requests (Juno)', 'add this server\'s public IP address to web_service_allowed_ips in OSCAR\'s properties')];
    case 'auth-failed':
      return [v(r.detail ?? 'OSCAR refused the OAuth credentials', 'run "oscar-fhir connect" to authorise a new access token, or check OSCAR_CONSUMER_KEY/SECRET and that both clocks are right (NTP)')];
    case 'unreachable':
      return [v(`OSCAR's REST API did not answer (${r.detail ?? 'no answer'})`, 'check OSCAR_URL and the network')];
    case 'ok':
      break;
    default:
      return [];
  }
  const out: Verdict[] = [];
  if (r.paths && !r.paths.some((p) => CLINICAL_ROOTS.some((root) => p === root || p.startsWith(`${root}/`)))) {
    out.push({
      about: 'rest', problem: true, finding: 'OSCAR\'s REST API lists no clinical services (OSCAR 15.0 exposes only providerService over OAuth)',
      remedy: 'upgrade to OSCAR 19 or Open-O', without: { ...map, rest: { ...r, paths: undefined } },
    });
  }
  if (r.putAllowed === false) {
    out.push({ about: 'put', problem: true, finding: 'a proxy refuses HTTP PUT', remedy: 'allow PUT to /ws/services on the proxy', without: { ...map, rest: { ...r, putAllowed: true } } });
  }
  if (r.detail && map.source !== 'assumed') out.push({ about: 'rest', problem: false, finding: `REST: ${r.detail}` });
  return out;
}

function timeVerdict(map: CapabilityMap): Verdict | undefined {
  const t = map.time;
  if (!t.mismatch || t.serverOffsetMinutes === undefined) return undefined;
  return {
    about: 'time', problem: true,
    finding: `OSCAR's JVM runs at ${utcOffsetLabel(t.serverOffsetMinutes)} but OSCAR_TIMEZONE is ${t.clinicZone}`,
    consequence: `times are read as clinic wall-clock times in ${t.clinicZone}`,
    remedy: `check that OSCAR_TIMEZONE is the clinic's zone, and set OSCAR's JVM zone (TZ, -Duser.timezone) to ${t.clinicZone}`,
  };
}

export function verdictsOf(map: CapabilityMap): Verdict[] {
  return [soapVerdict(map), ...restVerdicts(map), timeVerdict(map)].filter((v): v is Verdict => v !== undefined);
}
