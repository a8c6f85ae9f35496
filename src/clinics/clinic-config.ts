// Each clinic of a clinics file as the Config the one-clinic server reads from its environment:
// the process environment for what every clinic shares (ports, limits, cache budget, AUTH_MODE,
// AUDIT_LOG, STATE_DATABASE_URL…), and the clinic's entry for what is its own. Building it
// through loadConfig keeps one set of rules, defaults and messages for both deployments.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkOpsToken, ConfigError, loadConfig, type Config } from '../config.js';
import { oscarProxyRoute, proxySettingsFrom, withoutUserInfo } from '../oscar/proxy.js';
import { readClinicsFile, SECRET_FIELDS, type ClinicEntry, type SecretField, type SecretRef } from './clinics-file.js';

type Env = Record<string, string | undefined>;

/** Where clinic `id`'s FHIR API is served on this server. */
export function clinicBasePath(id: string): string {
  return `/clinics/${id}/fhir`;
}

/** The clinics file's field for each variable that is a clinic's own (messages speak of the field). */
const FIELD_OF: Record<string, string> = {
  OSCAR_URL: 'oscar.url',
  OSCAR_CREDENTIALS_FILE: 'oscar.credentialsFile',
  OSCAR_CA_FILE: 'oscar.caFile',
  OSCAR_TLS_FINGERPRINT: 'oscar.tlsFingerprint',
  OSCAR_PROXY_CA_FILE: 'oscar.proxyCaFile',
  OSCAR_PROXY_TLS_FINGERPRINT: 'oscar.proxyTlsFingerprint',
  OSCAR_TIMEZONE: 'timezone',
  MAPPING_CONFIG_FILE: 'mappingFile',
  SMART_CLIENTS_FILE: 'smartClientsFile',
  SMART_SIGNING_KEY_FILE: 'smartSigningKeyFile',
  ...Object.fromEntries(Object.entries(SECRET_FIELDS).map(([field, name]) => [name, `oscar.${field}`])),
};

/**
 * The proxy's certificate settings (docs/proxy.md §1): the proxy is the environment's, shared by
 * the clinics, so the environment may give its certificate too, for every clinic that reaches its
 * OSCAR through it and gives none of its own.
 */
const PROXY_TRUST = ['OSCAR_PROXY_CA_FILE', 'OSCAR_PROXY_TLS_FINGERPRINT'];

/** Variables the clinics file replaces: set beside CLINICS_FILE they would be ignored, so they are refused. */
const ONE_CLINIC_ONLY = ['FHIR_BASE_URL', ...Object.keys(FIELD_OF).filter((n) => !PROXY_TRUST.includes(n)), ...Object.values(SECRET_FIELDS).map((n) => `${n}_FILE`)];

/** Shared settings of the environment a clinic may replace with its own (externalIssuer). */
const ISSUER_FIELD_OF: Record<string, string> = {
  SMART_ISSUER: 'externalIssuer.issuer', SMART_JWKS_URL: 'externalIssuer.jwksUrl',
  SMART_TOKEN_URL: 'externalIssuer.tokenUrl', SMART_AUTHORIZE_URL: 'externalIssuer.authorizeUrl',
};

function inFileTerms(problem: string, fields: Record<string, string>): string {
  return problem.replace(/\b[A-Z][A-Z_]+\b/g, (name) => fields[name] ?? fields[name.replace(/_FILE$/, '')] ?? name);
}

export interface ClinicConfig {
  id: string;
  /** The clinic's configuration; its `ops` is the deployment's (OPS_TOKEN), for the server's own /metrics and /readyz. */
  config: Config;
  /** The clinic's own operator token (opsToken), also accepted at /clinics/{id}/readyz and /clinics/{id}/metrics. */
  opsToken?: string;
}

/** A secret named by the environment variable holding it. */
function fromEnv(name: string, env: Env, where: string, problems: string[]): string | undefined {
  // Own variables only: a file naming `constructor` must not get Object's (docs/smart-app-launch.md §7.8).
  const value = Object.hasOwn(env, name) ? env[name] : undefined;
  if (value) return value;
  problems.push(`${where} names the environment variable ${name}, which is not set`);
  return undefined;
}

function secretValue(ref: SecretRef, env: Env, where: string, problems: string[]): string | undefined {
  if ('env' in ref) return fromEnv(ref.env, env, where, problems);
  try { return readFileSync(ref.file, 'utf8').replace(/\r?\n$/, ''); } catch (e) {
    problems.push(`${where}: cannot read ${ref.file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
}

/** Where the clinic's own files go under a folder shared by all clinics (BULK_DIR, the capability cache). */
function clinicFolder(root: string, id: string): string {
  return join(root, 'clinics', id);
}

/**
 * The https:// proxy (as named in messages) the environment sends the OSCAR at `url` through;
 * undefined when it is reached directly (NO_PROXY, OSCAR_PROXY=none, none set) or through an
 * http:// proxy, which has no certificate. A proxy URL the environment gets wrong is reported by
 * the clinic's own configuration, not here.
 */
function environmentHttpsProxy(env: Env, url: string): string | undefined {
  const settings = proxySettingsFrom({ ...env, OSCAR_PROXY_CA_FILE: undefined, OSCAR_PROXY_TLS_FINGERPRINT: undefined }, url, []);
  const route = oscarProxyRoute(settings, url);
  return route?.tls ? route.label : undefined;
}

/**
 * The clinics that take the environment's OSCAR_PROXY_CA_FILE / OSCAR_PROXY_TLS_FINGERPRINT: those
 * reached through the environment's https:// proxy that give neither proxyCaFile nor
 * proxyTlsFingerprint (a clinic's own wins, as a pair). Settings that no clinic can take, or that
 * would be one certificate for two proxies, are problems naming the setting.
 */
function inheritingProxyTrust(entries: readonly ClinicEntry[], env: Env, problems: string[]): Set<ClinicEntry> {
  const given = PROXY_TRUST.filter((n) => env[n]?.trim());
  const takers = new Set<ClinicEntry>();
  if (given.length === 0) return takers;
  const proxies = new Map<string, string[]>();
  for (const entry of entries) {
    if ('embedded' in entry.oscar || entry.oscar.proxyCaFile || entry.oscar.proxyTlsFingerprint) continue;
    const proxy = environmentHttpsProxy(env, entry.oscar.url);
    if (proxy === undefined) continue;
    takers.add(entry);
    proxies.set(proxy, [...proxies.get(proxy) ?? [], entry.id]);
  }
  const names = given.join(' and ');
  if (takers.size === 0) {
    problems.push(`${names}: no clinic of CLINICS_FILE takes it: none reaches its OSCAR through an https:// proxy of the environment without a proxyCaFile or proxyTlsFingerprint of its own, so there is no proxy certificate for it to verify`);
  } else if (proxies.size > 1) {
    const which = [...proxies].map(([proxy, ids]) => `${proxy} for ${ids.map((id) => `"${id}"`).join(', ')}`).join('; ');
    problems.push(`${names}: the clinics without a proxyCaFile or proxyTlsFingerprint of their own reach their OSCAR through different https:// proxies (${which}); give each proxy's certificate in those clinics' "oscar"`);
  } else {
    return takers;
  }
  return new Set();
}

function clinicEnv(entry: ClinicEntry, env: Env, publicUrl: string, problems: string[], sharedProxyTrust: boolean): Env {
  const e: Env = { ...env, CLINICS_FILE: undefined, OSCAR_PROXY_CA_FILE: undefined, OSCAR_PROXY_TLS_FINGERPRINT: undefined };
  e.OSCAR_TIMEZONE = entry.timezone;
  e.FHIR_BASE_URL = `${publicUrl}${clinicBasePath(entry.id)}`;
  if (entry.mappingFile) e.MAPPING_CONFIG_FILE = entry.mappingFile;
  if (entry.smartClientsFile) e.SMART_CLIENTS_FILE = entry.smartClientsFile;
  if (entry.smartSigningKeyFile) e.SMART_SIGNING_KEY_FILE = entry.smartSigningKeyFile;
  e.BULK_DIR = clinicFolder(env.BULK_DIR || 'data/bulk', entry.id);
  const x = entry.externalIssuer;
  if (x) Object.assign(e, { SMART_ISSUER: x.issuer, SMART_JWKS_URL: x.jwksUrl, SMART_TOKEN_URL: x.tokenUrl, SMART_AUTHORIZE_URL: x.authorizeUrl });
  // An embedded clinic is the one-clinic demo's case: no OSCAR_URL, so loadConfig applies the
  // demo's rules to it (and only to it); its simulator's address changes with every start, so
  // there is no capability map worth keeping.
  if ('embedded' in entry.oscar) {
    e.CAPABILITY_CACHE_FILE = 'off';
    return e;
  }
  e.OSCAR_URL = entry.oscar.url;
  if (entry.oscar.credentialsFile) e.OSCAR_CREDENTIALS_FILE = entry.oscar.credentialsFile;
  if (entry.oscar.caFile) e.OSCAR_CA_FILE = entry.oscar.caFile;
  if (entry.oscar.tlsFingerprint) e.OSCAR_TLS_FINGERPRINT = [entry.oscar.tlsFingerprint].flat().join(',');
  if (entry.oscar.proxyCaFile) e.OSCAR_PROXY_CA_FILE = entry.oscar.proxyCaFile;
  if (entry.oscar.proxyTlsFingerprint) e.OSCAR_PROXY_TLS_FINGERPRINT = [entry.oscar.proxyTlsFingerprint].flat().join(',');
  if (sharedProxyTrust) for (const n of PROXY_TRUST) e[n] = env[n];
  for (const [field, name] of Object.entries(SECRET_FIELDS) as [SecretField, string][]) {
    const ref = entry.oscar[field];
    if (!ref) continue;
    if ('file' in ref) e[`${name}_FILE`] = ref.file;
    else e[name] = fromEnv(ref.env, env, `clinic "${entry.id}": oscar.${field}`, problems);
  }
  if (env.CAPABILITY_CACHE_FILE !== 'off') e.CAPABILITY_CACHE_FILE = join(clinicFolder('data', entry.id), 'oscar-capabilities.json');
  return e;
}

/**
 * Every clinic of CLINICS_FILE with its configuration; throws a ConfigError naming every problem
 * (each clinic's prefixed with its id, in the file's terms).
 */
export function loadClinics(env: Env = process.env): ClinicConfig[] {
  const problems: string[] = [];
  const file = env.CLINICS_FILE;
  if (!file) throw new ConfigError(['CLINICS_FILE is not set']);
  for (const name of ONE_CLINIC_ONLY) {
    if (env[name]) problems.push(`${name} is one clinic's setting: with CLINICS_FILE it is given per clinic in the file${name === 'FHIR_BASE_URL' ? ' (each clinic is served at PUBLIC_URL/clinics/{id}/fhir)' : ` (${FIELD_OF[name] ?? FIELD_OF[name.replace(/_FILE$/, '')]})`}`);
  }
  if (env.CAPABILITY_CACHE_FILE && env.CAPABILITY_CACHE_FILE !== 'off') problems.push('CAPABILITY_CACHE_FILE: with CLINICS_FILE each clinic keeps its own under data/clinics/{id}/; only "off" may be set');
  let publicUrl = `http://localhost:${env.PORT || 8080}`;
  if (env.PUBLIC_URL) {
    let u: URL | undefined;
    try { u = new URL(env.PUBLIC_URL); } catch { /* reported below */ }
    if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || u.search || u.hash) {
      problems.push(`PUBLIC_URL must be the absolute http(s) URL this server is reached at, e.g. https://fhir.example.org (got "${withoutUserInfo(env.PUBLIC_URL)}")`);
    } else if (u.username || u.password) {
      // Refused here, in its own name: each clinic's FHIR_BASE_URL is built from it.
      problems.push('PUBLIC_URL must not hold a user name or password (user:password@ before the host); every clinic\'s FHIR base URL is built from it and published in every link, Location header and token audience');
    } else {
      publicUrl = u.href.replace(/\/+$/, '');
    }
  }
  const entries = readClinicsFile(file, problems);
  const clinics: ClinicConfig[] = [];
  // A bad shared setting (PORT, LIMIT_…) is the same problem for every clinic: said once.
  const shared = new Set<string>();
  const takeProxyTrust = inheritingProxyTrust(entries, env, problems);
  for (const entry of entries) {
    const inherits = takeProxyTrust.has(entry);
    const e = clinicEnv(entry, env, publicUrl, problems, inherits);
    const opsToken = entry.opsToken && secretValue(entry.opsToken, env, `clinic "${entry.id}": opsToken`, problems);
    checkOpsToken(`clinic "${entry.id}": opsToken`, opsToken, problems);
    const fields: Record<string, string> = entry.externalIssuer ? { ...FIELD_OF, ...ISSUER_FIELD_OF } : { ...FIELD_OF };
    // The environment's proxy settings, taken: a problem with them is the environment's, said once.
    if (inherits) for (const n of PROXY_TRUST) delete fields[n];
    try {
      clinics.push({ id: entry.id, config: loadConfig(e), ...(opsToken && { opsToken }) });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      for (const p of err.problems) {
        const own = inFileTerms(p, fields);
        if (own === p) shared.add(p);
        else problems.push(`clinic "${entry.id}": ${own}`);
      }
    }
  }
  problems.push(...shared);
  if (problems.length) throw new ConfigError(problems);
  return clinics;
}
