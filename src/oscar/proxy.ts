// Which OSCAR origins are reached through an outbound HTTP proxy, and how (docs/proxy.md): the
// settings read once at start-up (OSCAR_PROXY, else HTTPS_PROXY / HTTP_PROXY and NO_PROXY, with
// the rules curl and Node's own NODE_USE_ENV_PROXY apply), and the route of one origin, decided
// once per origin by the transport (http-transport.ts) when it opens that origin's pool.
import net from 'node:net';
import { trustFrom, type OscarTrust } from './tls-trust.js';

/** The proxy settings for OSCAR; plain data (held by the configuration). */
export interface ProxySettings {
  /** Proxy for http:// OSCAR URLs; undefined = direct. */
  http?: string;
  /** Proxy for https:// OSCAR URLs (reached through a CONNECT tunnel); undefined = direct. */
  https?: string;
  /** NO_PROXY entries: origins reached directly even when a proxy is set. */
  noProxy: string[];
  /**
   * Certificates trusted for an https:// proxy's own TLS beyond Node's roots (OSCAR_PROXY_CA_FILE,
   * OSCAR_PROXY_TLS_FINGERPRINT; docs/proxy.md §2): for the connection to the proxy alone, never
   * for OSCAR's TLS inside the tunnel nor any other connection.
   */
  trust?: OscarTrust;
}

/** How the transport reaches one origin through a proxy. */
export interface ProxyRoute {
  host: string;
  port: number;
  /** An https:// proxy: the connection to the proxy itself is TLS, its certificate checked against Node's roots and its name, or as ProxySettings.trust says (docs/proxy.md §2). */
  tls: boolean;
  /** The `Proxy-Authorization: Basic …` header line with its CRLF, or '' without credentials. */
  authorization: string;
  /** The proxy as named in errors and logs: scheme, host and port, never the credentials. */
  label: string;
}

type Env = Record<string, string | undefined>;

/**
 * `raw` to echo in a message: anything up to its last `@` after the scheme (a user:password@,
 * parsed or not, with or without a scheme) shown as `***`. Not only up to the first `/`, `?` or `#`:
 * a password holding one of them makes a value that does not parse, the very one echoed.
 */
export function withoutUserInfo(raw: string): string {
  return raw.replace(/^([^:/?#]*:\/\/)?.*@/s, '$1***@');
}

/**
 * The proxy URL `raw` (named `name` in messages), checked: an http:// or https:// URL with a host
 * and at most a `/` path; undefined (and a problem) when it is not.
 */
function proxyUrl(name: string, raw: string, problems: string[]): string | undefined {
  let u: URL;
  try { u = new URL(raw.includes('://') ? raw : `http://${raw}`); } catch {
    problems.push(`${name} must be a proxy URL such as http://proxy.example.org:3128 (got "${withoutUserInfo(raw)}")`);
    return undefined;
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || !u.hostname || (u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) {
    problems.push(`${name} must be a proxy URL such as http://proxy.example.org:3128 (scheme http or https, a host, an optional port and user:password@; got "${withoutUserInfo(raw)}")`);
    return undefined;
  }
  try { decodeURIComponent(u.username); decodeURIComponent(u.password); } catch {
    problems.push(`${name}: the user or password in the proxy URL has a % that does not start a %XX escape (write % as %25)`);
    return undefined;
  }
  return u.href;
}

/** The first of `names` set to a non-empty value in `env` (lower case first, as curl and Node read them). */
function firstSet(env: Env, names: readonly string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { name, value };
  }
  return undefined;
}

/** NO_PROXY's entries (§3), split. */
const noProxyFrom = (env: Env): string[] => (firstSet(env, ['no_proxy', 'NO_PROXY'])?.value ?? '').split(/[\s,]+/).filter((s) => s !== '');

/**
 * The proxy settings for an OSCAR at `oscarUrl`, from OSCAR_PROXY (a URL, or "none" to ignore the
 * environment) or else the environment's proxy variables; undefined when OSCAR is reached directly
 * whatever its host. Only the variable that applies to OSCAR's scheme is read and checked: a
 * proxy variable set for other programs cannot stop the facade. OSCAR_PROXY_CA_FILE and
 * OSCAR_PROXY_TLS_FINGERPRINT (the proxy's certificate) are read only with an https:// proxy.
 */
export function proxySettingsFrom(env: Env, oscarUrl: string, problems: string[]): ProxySettings | undefined {
  const scheme = oscarUrl.startsWith('https:') ? 'https' : 'http';
  const explicit = env.OSCAR_PROXY?.trim();
  const set = explicit?.toLowerCase() === 'none' ? undefined
    : explicit ? { name: 'OSCAR_PROXY', value: explicit } : firstSet(env, scheme === 'https' ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY']);
  const url = set && proxyUrl(set.name, set.value, problems);
  const settings: ProxySettings | undefined = url === undefined ? undefined : { [scheme]: url, noProxy: noProxyFrom(env) };
  const trust = proxyTrustFrom(env, set && url === undefined ? 'bad' : settings, oscarUrl, problems);
  if (settings === undefined) return undefined;
  return { ...settings, ...(trust && { trust }) };
}

/**
 * The proxy `settings` send the OSCAR at `oscarUrl` through; undefined when it is reached directly
 * (no proxy for its scheme, NO_PROXY, or a URL that does not parse: reported where it is read).
 * The one decision of whether a proxy certificate can apply, for OSCAR_URL and for each clinic.
 */
export function oscarProxyRoute(settings: ProxySettings | undefined, oscarUrl: string): ProxyRoute | undefined {
  if (settings === undefined) return undefined;
  let target: URL;
  try { target = new URL(oscarUrl); } catch { return undefined; }
  return proxyRoute(settings, target);
}

const PROXY_TRUST = { caFile: 'OSCAR_PROXY_CA_FILE', fingerprint: 'OSCAR_PROXY_TLS_FINGERPRINT' };

/**
 * OSCAR_PROXY_CA_FILE and OSCAR_PROXY_TLS_FINGERPRINT for the OSCAR at `oscarUrl` under the proxy
 * `settings` (checked; 'bad' when the proxy URL was refused, so only that is reported): refused
 * when OSCAR is reached directly (no proxy, or NO_PROXY matching its host) or through an http://
 * proxy, where there is no proxy certificate to verify.
 */
function proxyTrustFrom(env: Env, settings: ProxySettings | 'bad' | undefined, oscarUrl: string, problems: string[]): OscarTrust | undefined {
  const caFile = env.OSCAR_PROXY_CA_FILE?.trim();
  const fingerprints = env.OSCAR_PROXY_TLS_FINGERPRINT?.trim();
  if (!caFile && !fingerprints) return undefined;
  const given = [caFile && PROXY_TRUST.caFile, fingerprints && PROXY_TRUST.fingerprint].filter(Boolean).join(' and ');
  if (settings === 'bad') return undefined;
  if (settings === undefined) {
    problems.push(`${given}: OSCAR is reached without a proxy (no OSCAR_PROXY, or HTTPS_PROXY / HTTP_PROXY for its scheme, or OSCAR_PROXY=none), so there is no proxy certificate to verify`);
    return undefined;
  }
  const route = oscarProxyRoute(settings, oscarUrl);
  if (route === undefined) {
    let host = oscarUrl;
    try { host = new URL(oscarUrl).host; } catch { /* OSCAR_URL's own problem is reported where it is read */ }
    problems.push(`${given}: NO_PROXY matches OSCAR's host (${host}), so OSCAR is reached without the proxy and there is no proxy certificate to verify`);
    return undefined;
  }
  if (!route.tls) {
    problems.push(`${given}: the proxy for OSCAR is http://, so there is no proxy certificate to verify (only an https:// proxy is spoken to over TLS)`);
    return undefined;
  }
  return trustFrom(PROXY_TRUST, caFile, fingerprints, problems);
}

/**
 * The proxy settings for the facade's calls that are not OSCAR traffic (docs/proxy.md §5: a SMART
 * issuer's or a Backend Services client's keys), from the environment's standard variables
 * (HTTPS_PROXY, HTTP_PROXY, NO_PROXY; never OSCAR_PROXY, which is OSCAR's). Only the variables for
 * the schemes of `urls` (the addresses the configuration names) are read and checked; undefined
 * when none applies.
 */
export function egressProxySettingsFrom(env: Env, urls: readonly string[], problems: string[]): ProxySettings | undefined {
  const settings: ProxySettings = { noProxy: [] };
  for (const scheme of ['https', 'http'] as const) {
    if (!urls.some((u) => u.startsWith(`${scheme}:`))) continue;
    const set = firstSet(env, scheme === 'https' ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY']);
    const url = set && proxyUrl(set.name, set.value, problems);
    if (url !== undefined) settings[scheme] = url;
  }
  if (settings.https === undefined && settings.http === undefined) return undefined;
  settings.noProxy = noProxyFrom(env);
  return settings;
}

/** The route to `url` under `settings`: undefined when it is reached directly. */
export function proxyRoute(settings: ProxySettings, url: URL): ProxyRoute | undefined {
  const raw = url.protocol === 'https:' ? settings.https : url.protocol === 'http:' ? settings.http : undefined;
  if (raw === undefined || bypassesProxy(settings.noProxy, url)) return undefined;
  const p = new URL(raw);
  const user = decodeURIComponent(p.username);
  const password = decodeURIComponent(p.password);
  return {
    host: p.hostname.replace(/^\[|\]$/g, ''),
    port: Number(p.port) || (p.protocol === 'https:' ? 443 : 80),
    tls: p.protocol === 'https:',
    authorization: user || password ? `Proxy-Authorization: Basic ${Buffer.from(`${user}:${password}`).toString('base64')}\r\n` : '',
    label: `${p.protocol}//${p.host}`,
  };
}

const defaultPort = (url: URL): number => Number(url.port) || (url.protocol === 'https:' ? 443 : 80);

/**
 * Whether NO_PROXY's `entries` send `url` direct. Each entry, case-insensitive: `*` (every host);
 * a host name, matching itself and its subdomains (`example.org` matches `emr.example.org`); the
 * same with a leading `.` or `*.`; an IP address, or a CIDR range (`10.0.0.0/8`, `fd00::/8`); any of
 * them with `:port` to match that port only (`[::1]:8443` for IPv6).
 */
export function bypassesProxy(entries: readonly string[], url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  const port = defaultPort(url);
  const family = net.isIP(host);
  for (const raw of entries) {
    const e = parseEntry(raw.trim().toLowerCase());
    if (!e) continue;
    if (e.kind === 'all') return true;
    if (e.port !== undefined && e.port !== port) continue;
    if (e.kind === 'ip') {
      if (family !== 0 && e.list.check(host, family === 6 ? 'ipv6' : 'ipv4')) return true;
    } else if (family === 0 && (host === e.domain || host.endsWith(`.${e.domain}`))) {
      return true;
    }
  }
  return false;
}

type Entry =
  | { kind: 'all' }
  | { kind: 'ip'; list: net.BlockList; port: number | undefined }
  | { kind: 'name'; domain: string; port: number | undefined };

function parseEntry(s: string): Entry | undefined {
  if (s === '') return undefined;
  if (s === '*') return { kind: 'all' };
  let host = s;
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (bracketed) {
    host = bracketed[1]!;
    port = bracketed[2] === undefined ? undefined : Number(bracketed[2]);
  } else if (/^[^:]*:\d+$/.test(s)) {
    // One colon: host:port (a bare IPv6 address has several).
    const i = s.lastIndexOf(':');
    host = s.slice(0, i);
    port = Number(s.slice(i + 1));
  }
  const cidr = /^([^/]+)\/(\d{1,3})$/.exec(host);
  const address = cidr ? cidr[1]! : host;
  const family = net.isIP(address);
  if (family !== 0) {
    const type = family === 6 ? 'ipv6' : 'ipv4';
    const list = new net.BlockList();
    const prefix = cidr ? Number(cidr[2]) : family === 6 ? 128 : 32;
    if (prefix > (family === 6 ? 128 : 32)) return undefined;
    list.addSubnet(address, prefix, type);
    return { kind: 'ip', list, port };
  }
  if (cidr) return undefined;
  const domain = host.replace(/^\*?\./, '').replace(/\.$/, '');
  return domain === '' ? undefined : { kind: 'name', domain, port };
}
