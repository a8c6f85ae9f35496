// The SOAP half of discovery (variants §7.2 steps 1–4): reachability and edge, one WSDL per
// service, a login2 probe, and the server's time offset and list cap. Each step runs only when the
// one before leaves something to learn, so an unreachable or blocked OSCAR costs one or two calls.
import { edgeRefusal, isBadCredentialsFault, isIpAllowListFault, soapFaultText, soapReturnText } from './classify.js';
import { soapFingerprint } from './fingerprint.js';
import type { Reach, SoapCapabilities } from './map.js';
import { attempt, type Attempt, type ProbeChannel } from './probe-channel.js';
import { readWsdl, type WsdlFacts } from './wsdl-facts.js';

/** The services whose operations the facade calls or probes. */
export const PROBED_SERVICES: readonly string[] = [
  'SystemInfoService', 'LoginService', 'DemographicService', 'ScheduleService',
  'AllergyService', 'PreventionService', 'DocumentService', 'ProviderService',
];

export interface SoapProbeResult {
  soap: SoapCapabilities;
  /** getServerTimeGmtOffset in minutes, when the instance answered it. */
  serverOffsetMinutes?: number;
  /** The provider login2 acts as (Juno's REST probes need one). */
  providerNo?: string;
}

const failed = (reach: Reach, detail: string): SoapProbeResult => ({ soap: { reach, detail, operations: {} } });

const CLOUDFLARE = 'a Cloudflare web application firewall in front of OSCAR refuses SOAP';
const PROXY = 'a proxy in front of OSCAR refuses SOAP';

export async function probeSoap(channel: ProbeChannel, credentials: { userName: string; password: string }): Promise<SoapProbeResult> {
  const wsdl = (service: string): Promise<Attempt> => attempt(() => channel.get(`/ws/${service}?wsdl`, `${service}.wsdl`));
  const facts = new Map<string, WsdlFacts>();
  const tried = new Set<string>();
  const keep = (service: string, f: Attempt): Attempt => {
    tried.add(service);
    const read = 'answer' in f && f.answer.status === 200 ? readWsdl(f.answer.body) : undefined;
    if (read) facts.set(service, read);
    return f;
  };

  // Step 1: SystemInfoService first; CARLOS 404s it at the edge, a WAF may refuse WSDL GETs.
  const first = keep('SystemInfoService', await wsdl('SystemInfoService'));
  if ('failure' in first) return failed('unreachable', `no answer from ${channel.baseUrl}/ws (${first.failure})`);
  if (!facts.has('SystemInfoService')) {
    const second = keep('DemographicService', await wsdl('DemographicService'));
    if (!facts.has('DemographicService')) {
      const edge = 'answer' in second ? edgeRefusal(second.answer) : undefined;
      if (edge) return failed('edge-blocked', edge === 'cloudflare' ? CLOUDFLARE : PROXY);
      return failed('unreachable', `no OSCAR web services at ${channel.baseUrl}/ws: check the context path in OSCAR_URL`);
    }
  }
  // Step 2: the other WSDLs, together (the client's limiter bounds how many at once).
  await Promise.all(PROBED_SERVICES.filter((s) => !tried.has(s)).map(async (s) => keep(s, await wsdl(s))));
  const operations: Record<string, string[]> = {};
  for (const s of PROBED_SERVICES) operations[s] = facts.get(s)?.operations ?? [];
  const namespace = (facts.get('LoginService') ?? facts.get('DemographicService') ?? [...facts.values()][0])!.namespace;
  const genderCodes = [...facts.values()].find((f) => f.genderCodes)?.genderCodes;
  const transferFields = Object.assign({}, ...[...facts.values()].map((f) => f.transferFields)) as Record<string, string[]>;
  const surface = {
    namespace, operations, ...(genderCodes && { genderCodes }), fingerprint: soapFingerprint(namespace, operations),
    ...(Object.keys(transferFields).length && { transferFields }),
  };

  // Step 3: login2 (contract 4.3): what it answers says whether SOAP can be used at all.
  const login = await attempt(() => channel.soap('LoginService', 'login2', { arg0: credentials.userName, arg1: credentials.password }, namespace));
  const refused = (reach: Reach, detail: string): SoapProbeResult => ({ soap: { reach, detail, ...surface } });
  if ('failure' in login) return refused('unreachable', `LoginService.login2 did not answer (${login.failure})`);
  const edge = edgeRefusal(login.answer);
  if (edge) return refused('edge-blocked', edge === 'cloudflare' ? CLOUDFLARE : PROXY);
  const fault = soapFaultText(login.answer.body);
  if (fault !== undefined) {
    if (isIpAllowListFault(fault)) return refused('ip-not-allowed', 'OSCAR\'s web-service IP allow-list refuses this server');
    if (isBadCredentialsFault(fault)) return refused('auth-failed', 'login2 refused OSCAR_SOAP_USERNAME / OSCAR_SOAP_PASSWORD (a wrong password, an expired account, or an account whose login is managed elsewhere, e.g. MFA)');
    return refused('auth-failed', 'login2 answered a SOAP fault');
  }
  if (login.answer.status !== 200 || !/<securityTokenKey>/.test(login.answer.body)) {
    return refused('unreachable', `LoginService.login2 answered HTTP ${login.answer.status} without a login`);
  }
  const providerNo = /<providerNo>([^<]+)<\/providerNo>/.exec(login.answer.body)?.[1];

  // Step 3, second half: the token login2 issued must open a WS-Security service too (an account
  // can log in and still be refused there: variants §7.2 step 3, B6, B7).
  const tokenRefusal = await checkToken(channel, login.answer.body, namespace, operations.ProviderService ?? []);
  if (tokenRefusal) return refused(tokenRefusal.reach, tokenRefusal.detail);

  // Step 4: the server's zone offset and list cap, where SystemInfoService still has them (B19).
  const systemInfo = operations.SystemInfoService ?? [];
  const scalar = async (op: string): Promise<number | undefined> => {
    if (!systemInfo.includes(op)) return undefined;
    const r = await attempt(() => channel.soap('SystemInfoService', op, {}, namespace));
    const text = 'answer' in r && r.answer.status === 200 ? soapReturnText(r.answer.body) : undefined;
    return text !== undefined && /^-?\d+$/.test(text) ? Number(text) : undefined;
  };
  const [offsetMs, maxList] = await Promise.all([scalar('getServerTimeGmtOffset'), scalar('getMaxListReturnSize')]);
  return {
    soap: { reach: 'ok', ...surface, ...(maxList !== undefined && { maxListReturnSize: maxList }) },
    // contract 4.4: getServerTimeGmtOffset answers milliseconds.
    ...(offsetMs !== undefined && { serverOffsetMinutes: Math.round(offsetMs / 60_000) }),
    ...(providerNo && { providerNo }),
  };
}

/**
 * ProviderService.getLoggedInProviderTransfer with login2's securityId and securityTokenKey as the
 * UsernameToken (contract 4.2): undefined when it answers (or the instance lacks the operation),
 * else why SOAP cannot be used, classified like login2's own refusals.
 */
async function checkToken(channel: ProbeChannel, loginBody: string, namespace: string, providerOps: readonly string[]): Promise<{ reach: Reach; detail: string } | undefined> {
  if (!providerOps.includes('getLoggedInProviderTransfer')) return undefined;
  const username = /<securityId>([^<]+)<\/securityId>/.exec(loginBody)?.[1];
  const password = /<securityTokenKey>([^<]+)<\/securityTokenKey>/.exec(loginBody)?.[1];
  if (!username || !password) return { reach: 'auth-failed', detail: 'login2 answered without a security id or token' };
  const r = await attempt(() => channel.soap('ProviderService', 'getLoggedInProviderTransfer', {}, namespace, { username, password }));
  if ('failure' in r) return { reach: 'unreachable', detail: `ProviderService.getLoggedInProviderTransfer did not answer (${r.failure})` };
  const edge = edgeRefusal(r.answer);
  if (edge) return { reach: 'edge-blocked', detail: edge === 'cloudflare' ? CLOUDFLARE : PROXY };
  const fault = soapFaultText(r.answer.body);
  if (fault !== undefined) {
    if (isIpAllowListFault(fault)) return { reach: 'ip-not-allowed', detail: 'OSCAR\'s web-service IP allow-list refuses this server' };
    return { reach: 'auth-failed', detail: 'login2 succeeded, but OSCAR refused its token on ProviderService (WS-Security): the account cannot use the SOAP web services' };
  }
  if (r.answer.status !== 200) return { reach: 'unreachable', detail: `ProviderService.getLoggedInProviderTransfer answered HTTP ${r.answer.status}` };
  return undefined;
}
