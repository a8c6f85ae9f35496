// The connectivity report of `oscar-fhir connect` / `check`: can the facade reach OSCAR's REST
// API with the OAuth access token, log in to SOAP with login2, and is the clock close enough to
// OSCAR's for OAuth (contract 2.4: timestamps must be within ±300 s)?
import { HttpTransport } from '../oscar/http-transport.js';
import { OscarClient } from '../oscar/client.js';
import { SoapClient } from '../oscar/soap.js';
import type { ProxySettings } from '../oscar/proxy.js';
import type { OscarTrust } from '../oscar/tls-trust.js';

export const MAX_SKEW_SECONDS = 300;

export interface ConnectionCredentials {
  url: string;
  consumerKey: string;
  consumerSecret: string;
  accessToken: string;
  accessTokenSecret: string;
  soapUserName?: string;
  soapPassword?: string;
  /** The outbound proxy toward OSCAR (OSCAR_PROXY, HTTP(S)_PROXY, NO_PROXY: docs/proxy.md); absent = direct. */
  proxy?: ProxySettings;
  /** Certificates trusted for OSCAR beyond the public roots (OSCAR_CA_FILE, OSCAR_TLS_FINGERPRINT). */
  tls?: OscarTrust;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ConnectivityReport {
  checks: Check[];
  ok: boolean;
  /** The OSCAR provider the access token acts as. */
  providerNo?: string;
  skewSeconds?: number;
}

const reason = (e: unknown): string => {
  const err = e as { name?: string; hint?: string; reason?: string; message?: string; code?: string; proxy?: string; kind?: string; status?: number; to?: string };
  // docs/oscar-redirects.md: where OSCAR redirects, and the setting to change.
  if (err.kind === 'redirect') return `OSCAR redirects (HTTP ${err.status ?? '?'}${err.to ? ` to ${err.to}` : ''}); ${err.hint ?? ''}`;
  // An https:// proxy whose own certificate was refused (docs/proxy.md §4): no HTTP answer from it at all.
  if (err.reason === 'proxy' && !err.code?.startsWith('HTTP ')) {
    return `TLS with the proxy ${err.proxy ?? ''} failed (${err.code ?? '?'}): Node does not trust its certificate for its name; trust the CA that issued it for the proxy alone with OSCAR_PROXY_CA_FILE (clinics file: the clinic's "oscar"."proxyCaFile"), or pin that certificate with OSCAR_PROXY_TLS_FINGERPRINT ("proxyTlsFingerprint"); docs/proxy.md`;
  }
  if (err.reason === 'proxy') return `the proxy ${err.proxy ?? ''} answered ${err.code ?? '?'}: check OSCAR_PROXY / HTTPS_PROXY, its user and password, and that it allows OSCAR's host and port`;
  if (err.reason === 'tls') return `TLS with OSCAR failed: ${err.code}; see docs/oscar-tls.md`;
  return err.hint ?? err.reason ?? err.name ?? 'error';
};

/** ` (why): advice`, the advice left out when OSCAR redirected: then the address, not the credentials, is wrong. */
const failure = (e: unknown, advice: string): string => `(${reason(e)})${(e as { kind?: string }).kind === 'redirect' ? '' : `: ${advice}`}`;

export async function checkConnectivity(c: ConnectionCredentials, timeoutMs = 15_000): Promise<ConnectivityReport> {
  const checks: Check[] = [];
  let providerNo: string | undefined;
  let skewSeconds: number | undefined;
  const oscar = new OscarClient({
    baseUrl: c.url, timezone: 'UTC', retries: 0, timeoutMs,
    oauth: { consumerKey: c.consumerKey, consumerSecret: c.consumerSecret, token: c.accessToken, tokenSecret: c.accessTokenSecret },
    soap: { userName: c.soapUserName ?? '', password: c.soapPassword ?? '' },
    ...(c.proxy && { proxy: c.proxy }), ...(c.tls && { tls: c.tls }),
  });
  const transport = new HttpTransport({ maxSockets: 2, ...(c.proxy && { proxy: c.proxy }), ...(c.tls && { tls: c.tls }) });
  try {
    try {
      const info = await oscar.restOauthInfo();
      providerNo = info.login ?? undefined;
      checks.push({ name: 'REST  /ws/services/oauth/info', ok: true, detail: `reachable; the access token acts as OSCAR provider ${providerNo ?? '(unknown)'}` });
    } catch (e) {
      checks.push({ name: 'REST  /ws/services/oauth/info', ok: false, detail: `failed ${failure(e, 'the access token or consumer is not accepted, or REST is unreachable')}` });
    }

    const soap = new SoapClient({ baseUrl: c.url, userName: c.soapUserName ?? '', password: c.soapPassword ?? '', transport, setupTimeoutMs: timeoutMs });
    try {
      const sent = Date.now();
      const serverTime = await soap.call<string>('SystemInfoService', 'getServerTime', {}, { timeoutMs });
      const received = Date.now();
      const at = Date.parse(String(serverTime));
      if (Number.isNaN(at)) throw new Error('unreadable server time');
      skewSeconds = Math.round((at - (sent + received) / 2) / 100) / 10;
      const ok = Math.abs(skewSeconds) <= MAX_SKEW_SECONDS;
      checks.push({
        name: 'SOAP  SystemInfoService', ok,
        detail: `reachable; clock skew ${skewSeconds >= 0 ? '+' : ''}${skewSeconds} s ${ok ? `(within OSCAR's ±${MAX_SKEW_SECONDS} s)` : `— OSCAR rejects OAuth signatures more than ${MAX_SKEW_SECONDS} s off: fix the clock (NTP)`}`,
      });
    } catch (e) {
      checks.push({ name: 'SOAP  SystemInfoService', ok: false, detail: `unreachable (${reason(e)})` });
    }

    if (c.soapUserName && c.soapPassword) {
      try {
        const session = await soap.login();
        checks.push({ name: 'SOAP  LoginService.login2', ok: true, detail: `credentials of "${c.soapUserName}" accepted (security id ${session.securityId})` });
      } catch (e) {
        checks.push({ name: 'SOAP  LoginService.login2', ok: false, detail: `"${c.soapUserName}" was refused ${failure(e, 'check the OSCAR user name and password')}` });
      }
    } else {
      checks.push({ name: 'SOAP  LoginService.login2', ok: false, detail: 'not checked: no SOAP user name and password given (--soap-user, OSCAR_SOAP_PASSWORD)' });
    }
  } finally {
    oscar.close();
    transport.close();
  }
  return { checks, ok: checks.every((x) => x.ok), ...(providerNo && { providerNo }), ...(skewSeconds !== undefined && { skewSeconds }) };
}

export function formatReport(r: ConnectivityReport): string {
  return r.checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'}  ${c.name.padEnd(30)} ${c.detail}`).join('\n');
}
