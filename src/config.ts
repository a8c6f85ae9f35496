// One typed, validated configuration object built from the environment (README "Configuration").
// Every problem is collected and reported together, so an operator fixes them in one go.
import { readFileSync } from 'node:fs';
import { isValidTimeZone } from './time/zone.js';
import { DEFAULT_COUNT, MAX_COUNT } from './fhir/index.js';
import { DEFAULT_SEARCH_LIMITS, type SearchLimits } from './resources/deps.js';
import type { MappingConfigOverrides } from './resources/mapping-config.js';
import { readMappingOverrides } from './resources/mapping-file.js';
import { loadSmartClients, type SmartClient } from './auth/clients.js';
import { loadSigningKey, type SigningKey } from './auth/signing-key.js';
import { DEFAULT_BOOKING_RULES, parseBookingCodes, parseBookingProviders, type BookingRules } from './booking/rules.js';
import { CREDENTIAL_KEYS, readCredentialsFile, type CredentialKey } from './config/credentials-file.js';
import { isNearHost } from './oscar/near-host.js';
import { egressProxySettingsFrom, proxySettingsFrom, withoutUserInfo, type ProxySettings } from './oscar/proxy.js';
import { oscarTrustFrom, type OscarTrust } from './oscar/tls-trust.js';

export type AuthMode = 'smart' | 'none';
export type ValidationMode = 'strict' | 'sanitize';

export interface OscarConnection {
  /** OSCAR web-app base, e.g. https://emr.example.org/oscar (REST at /ws/services, SOAP at /ws/<Service>). */
  url: string;
  consumerKey: string;
  consumerSecret: string;
  accessToken: string;
  accessTokenSecret: string;
  soapUserName: string;
  soapPassword: string;
  /**
   * The outbound proxy OSCAR is reached through (OSCAR_PROXY, else HTTPS_PROXY / HTTP_PROXY with
   * NO_PROXY; docs/proxy.md); absent = direct. Its URL may hold credentials: a secret.
   */
  proxy?: ProxySettings;
  /** OSCAR_CA_FILE / OSCAR_TLS_FINGERPRINT: certificates trusted for this OSCAR only (docs/oscar-tls.md). */
  tls?: OscarTrust;
}

/** The connection to the OSCAR at `url` with these credentials (e.g. the simulator's demo ones). */
export function connectionFromCredentials(url: string, c: Omit<OscarConnection, 'url'>): OscarConnection {
  return {
    url, consumerKey: c.consumerKey, consumerSecret: c.consumerSecret, accessToken: c.accessToken,
    accessTokenSecret: c.accessTokenSecret, soapUserName: c.soapUserName, soapPassword: c.soapPassword,
  };
}

/**
 * The connection named by the variables of the environment or of a credentials file
 * (OSCAR_CONSUMER_KEY, …, the names `oscar-fhir connect` writes); '' for a value not given.
 */
export function connectionFromVariables(url: string, v: Partial<Record<CredentialKey, string>>): OscarConnection {
  return connectionFromCredentials(url, {
    consumerKey: v.OSCAR_CONSUMER_KEY ?? '', consumerSecret: v.OSCAR_CONSUMER_SECRET ?? '',
    accessToken: v.OSCAR_ACCESS_TOKEN ?? '', accessTokenSecret: v.OSCAR_ACCESS_TOKEN_SECRET ?? '',
    soapUserName: v.OSCAR_SOAP_USERNAME ?? '', soapPassword: v.OSCAR_SOAP_PASSWORD ?? '',
  });
}

export interface Config {
  /**
   * STATE_DATABASE_URL (or STATE_DATABASE_URL_FILE): PostgreSQL shared by every instance of this
   * clinic's facade (src/state); undefined = state in this process only.
   */
  stateDatabaseUrl?: string;
  /** The clinic's own mapping tables (MAPPING_CONFIG_FILE), validated; {} when none. */
  mappingOverrides: MappingConfigOverrides;
  port: number;
  host: string;
  /** Public FHIR base URL (no trailing slash), used in links, Location headers and token audiences. */
  fhirBaseUrl: string;
  /** null = start the embedded simulator and connect to it. */
  oscar: OscarConnection | null;
  oscarTimezone: string;
  simPort: number;
  authMode: AuthMode;
  validationMode: ValidationMode;
  logLevel: string;
  /** SMART on FHIR (README "Security"); only used with AUTH_MODE=smart. */
  smart: {
    /** Backend Services clients of this server's token endpoint (SMART_CLIENTS_FILE); [] = no token endpoint. */
    clients: SmartClient[];
    /** An external authorization server whose JWT access tokens are accepted (Keycloak and the like). */
    external?: {
      issuer: string; jwksUrl: string; authorizeUrl?: string; tokenUrl?: string;
      /** Longest lifetime (exp − iat) of its tokens accepted (SMART_EXTERNAL_MAX_TOKEN_LIFETIME). */
      maxLifetimeSeconds: number;
      /** Honour system/ scopes in its tokens (SMART_EXTERNAL_SYSTEM_SCOPES). */
      systemScopes: boolean;
      /** Clock difference tolerated on exp, nbf and iat (SMART_CLOCK_TOLERANCE_SECONDS). */
      clockToleranceSeconds: number;
    };
    /** SMART_SIGNING_KEY_FILE; undefined = a key generated at start-up. */
    signingKey?: SigningKey;
    /** Lifetime of the access tokens this server issues. */
    tokenLifetimeSeconds: number;
    /**
     * Keys the OSCAR token vault encrypts with (SMART_VAULT_KEYS, `id:base64` of 32 bytes each,
     * the first encrypts, all decrypt); [] = a key made at start-up.
     */
    vaultKeys: { id: string; key: Buffer }[];
    /** How long a user's OSCAR token is used before they must sign in at OSCAR again (OSCAR's never expire). */
    oscarTokenMaxAgeSeconds: number;
    /**
     * HTTPS_PROXY / HTTP_PROXY / NO_PROXY for the keys fetched from a client's jwks_uri and from
     * SMART_JWKS_URL (docs/proxy.md §5); undefined = fetched directly.
     */
    egressProxy?: ProxySettings;
  };
  /** Who may read /metrics and the checks of /readyz (README "Operations"). */
  ops: {
    /** OPS_TOKEN (or OPS_TOKEN_FILE): the bearer token of the operator. */
    token?: string;
    /** Without OPS_TOKEN, open to anyone: only with the embedded simulator. */
    openWithoutToken: boolean;
  };
  /** Where the audit trail goes: 'stdout', 'stderr', 'off' or a file path (appended, mode 0600). */
  auditLog: string;
  upstream: {
    maxInFlight: number;
    maxQueue: number;
    /** Most of OSCAR_MAX_IN_FLIGHT + OSCAR_MAX_QUEUE one client may hold at once, in percent. */
    clientSharePercent: number;
    timeoutMs: number;
    documentTimeoutMs: number;
    retries: number;
    /** Ask OSCAR for gzip-compressed answers (OSCAR_GZIP; default: only when OSCAR is not on this host or a private network). */
    gzip: boolean;
    /** Consecutive failures of one endpoint family before its circuit opens. */
    breakerThreshold: number;
    /** How long an open circuit answers 503 at once before one probe call is let through. */
    breakerCooldownMs: number;
  };
  /** HTTP-side protection and operations (README "Operations"). */
  http: {
    /** Largest request body accepted: a document upload (413 beyond it). */
    maxBodyBytes: number;
    /** Largest body of any other interaction: a resource, a $validate, a form _search (413 beyond it). */
    maxResourceBodyBytes: number;
    /** Open connections at most; more are closed on arrival (server.maxConnections). */
    maxConnections: number;
    /** A request's headers must arrive within this time (408 after it). */
    headersTimeoutMs: number;
    /** A whole request, body included, must arrive within this time (408 after it). */
    requestTimeoutMs: number;
    /** An idle keep-alive connection is closed after this time. */
    keepAliveTimeoutMs: number;
    /** A connection on which nothing moves in either direction is destroyed after this time. */
    idleTimeoutMs: number;
    /** Browser origins allowed by CORS, e.g. ['https://app.example.org']; ['*'] = any; [] = CORS off. */
    corsOrigins: string[];
    /** Requests per minute per client (token client id, else IP); 0 = no rate limit. */
    rateLimitPerMinute: number;
    /** On SIGTERM: how long requests in flight may take to finish before they are cut off. */
    shutdownGraceMs: number;
    /** How long a /readyz answer (OSCAR REST and SOAP reachable) is reused. */
    readyCacheMs: number;
  };
  /** The cache of OSCAR answers and rendered reads (README "Performance"). */
  cache: {
    /** Budget of cached OSCAR answers + rendered reads, in bytes; 0 = no cache at all. */
    maxBytes: number;
    /** Separate budget of OSCAR answers carrying document bytes; 0 = never cache them. */
    documentMaxBytes: number;
    /** Longest life of any entry: the staleness bound for changes the change feed cannot see. */
    ttlSeconds: number;
    /** Change-feed poll interval (OSCAR's …UpdatedAfter operations); 0 = TTL only. */
    pollSeconds: number;
  };
  limits: Limits;
  /** Bulk Data export (README "Bulk export"). */
  bulk: BulkConfig;
  /** Online-booking rules (BOOKING_*, README "Online booking"). */
  booking: BookingRules;
  /** What the OSCAR instance offers, probed (variants §7.2; README "Operations"). */
  capabilities: {
    /** CAPABILITY_DISCOVERY: probe OSCAR; false = assume everything is present. */
    discovery: boolean;
    /** Probe again this often (CAPABILITY_REFRESH_HOURS); 0 = only at start-up and when calls say so. */
    refreshMs: number;
    /** The last good map (CAPABILITY_CACHE_FILE); absent = none kept. */
    cacheFile?: string;
    /** How long start-up waits for the first probes before serving the cached or assumed map. */
    startupWaitMs: number;
  };
}

export interface BulkConfig {
  /** Where job records and their encrypted files live (BULK_DIR); a restart resumes from it. */
  dir: string;
  /** File with the spool's 256-bit master key (BULK_KEY_FILE); without it a restart starts unfinished jobs again. */
  keyFile?: string;
  /** How long a finished job's files stay downloadable. */
  expiryMs: number;
  /** transactionTime = kick-off time minus this (clock skew between facade and OSCAR, writes in flight). */
  marginMs: number;
  /** Jobs in progress at once, all clients together (a kick-off beyond it gets 429). */
  maxJobs: number;
  /** Jobs the engine works on at the same time (others wait their turn). */
  concurrentJobs: number;
  /** A new output file after this many resources or bytes. */
  fileMaxResources: number;
  fileMaxBytes: number;
  /** A status polled again sooner than this gets 429. */
  minPollMs: number;
  /** Rows asked per page of OSCAR's change feeds during an export. */
  feedPage: number;
}

function bulkConfig(env: Env, problems: string[]): BulkConfig {
  const bulk: BulkConfig = {
    dir: env.BULK_DIR || 'data/bulk',
    ...(env.BULK_KEY_FILE && { keyFile: env.BULK_KEY_FILE }),
    expiryMs: intIn(env, 'BULK_EXPIRY_MINUTES', 60, 1, 7 * 24 * 60, problems) * 60_000,
    marginMs: intIn(env, 'BULK_TRANSACTION_MARGIN_SECONDS', 5, 0, 3600, problems) * 1000,
    maxJobs: intIn(env, 'BULK_MAX_JOBS', 4, 1, 1000, problems),
    concurrentJobs: intIn(env, 'BULK_CONCURRENT_JOBS', 1, 1, 64, problems),
    fileMaxResources: intIn(env, 'BULK_FILE_MAX_RESOURCES', 10_000, 1, 10_000_000, problems),
    fileMaxBytes: intIn(env, 'BULK_FILE_MAX_MB', 100, 1, 10_000, problems) * 1024 * 1024,
    minPollMs: intIn(env, 'BULK_MIN_POLL_MS', 500, 0, 600_000, problems),
    // A prevention row comes with its extension rows (preventionExts, contract 4.9; about 9 each),
    // some 3-4 KB of XML: 200 rows keep an answer under 1 MB, short-lived enough to be freed by
    // the young generation's collections. Pages of 1000 outlived them and piled up until a full
    // collection: +100 MiB of peak RSS on a 5,000-patient export (bench/export.ts).
    feedPage: intIn(env, 'BULK_FEED_PAGE', 200, 1, OSCAR_LIST_MAX, problems),
  };
  if (bulk.keyFile) {
    try { readFileSync(bulk.keyFile); } catch { problems.push(`BULK_KEY_FILE cannot be read (${bulk.keyFile})`); }
  }
  return bulk;
}

/** What one request may cost OSCAR and the client (README "Configuration", LIMIT_*). */
export interface Limits extends SearchLimits {
  /** Search results per page when the client gives no _count. */
  pageSize: number;
  /** Largest _count honoured (a larger one is lowered to it). */
  pageMax: number;
  /** Rows one change-feed poll asks each OSCAR delta operation for; a full page drops the whole cache. */
  changeFeedRows: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** A secret from NAME, or from the file named by NAME_FILE (trailing newline trimmed). */
function secret(env: Env, name: string, problems: string[]): string | undefined {
  const file = env[`${name}_FILE`];
  if (file) {
    try { return readFileSync(file, 'utf8').replace(/\r?\n$/, ''); } catch (e) {
      problems.push(`${name}_FILE: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
      return undefined;
    }
  }
  const v = env[name];
  return v === '' ? undefined : v;
}

/** An operator token is a random secret: too short to resist guessing is refused. */
export function checkOpsToken(name: string, token: string | undefined, problems: string[]): void {
  if (token !== undefined && token.length < 16) problems.push(`${name} must be at least 16 characters (a random secret, e.g. openssl rand -hex 32)`);
}

function booleanFrom(env: Env, name: string, dflt: boolean, problems: string[]): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  problems.push(`${name} must be "true" or "false" (got "${raw}")`);
  return dflt;
}

function intIn(env: Env, name: string, dflt: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
    return dflt;
  }
  return Number(raw);
}

function httpUrl(name: string, raw: string, problems: string[]): string | undefined {
  try {
    const u = new URL(raw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
    return u.href.replace(/\/+$/, '');
  } catch {
    problems.push(`${name} must be an absolute http(s) URL (got "${withoutUserInfo(raw)}")`);
    return undefined;
  }
}

/**
 * The URL setting `name`, checked as httpUrl does and refused, unechoed, when it holds a
 * user:password@: the facade sends such credentials nowhere, and `goes` says where the URL goes
 * instead (published, logged, printed, or fetched: Node's fetch repeats a URL's user:password@ in
 * the errors it throws to jose, docs/proxy.md §5).
 */
function urlWithoutCredentials(name: string, raw: string, goes: string, problems: string[]): string | undefined {
  const url = httpUrl(name, raw, problems);
  if (url === undefined) return undefined;
  const u = new URL(url);
  if (!u.username && !u.password) return url;
  problems.push(`${name} must not hold a user name or password (user:password@ before the host); ${goes}`);
  return undefined;
}

/**
 * OSCAR_URL (or the command line's --oscar-url, named `name`), checked: the facade signs in to
 * OSCAR with OAuth 1.0a and WS-Security (contract 2, 4.2), never with a URL's user:password@, and
 * OSCAR's address is printed at start-up and by the check and connect commands, and sent to the
 * browsers of people signing in at OSCAR (SMART sign-in, src/auth/server/interactions.ts).
 */
export function oscarUrlOf(name: string, raw: string, problems: string[]): string | undefined {
  return urlWithoutCredentials(name, raw, 'OSCAR is signed in to with OAuth 1.0a and WS-Security, and its address is printed and shown to people signing in there', problems);
}

/** Where an external authorization server's settings go (README "Configuration"). */
const PUBLISHED = 'it is published in .well-known/smart-configuration';

/** CORS_ORIGINS: comma-separated origins (scheme://host[:port], no path) or '*'; empty = CORS off. */
function corsOriginsOf(raw: string | undefined, problems: string[]): string[] {
  const list = (raw ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (list.includes('*')) {
    if (list.length > 1) problems.push('CORS_ORIGINS: "*" allows every origin and cannot be combined with a list');
    return ['*'];
  }
  const origins: string[] = [];
  for (const o of list) {
    let u: URL | undefined;
    try { u = new URL(o); } catch { /* reported below */ }
    if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || u.pathname !== '/' || u.search || u.hash || u.username || u.password || /^[a-z]+:\/\/[^/]+\/./i.test(o)) {
      problems.push(`CORS_ORIGINS: "${withoutUserInfo(o)}" is not an origin such as https://app.example.org (scheme, host and optional port; no path)`);
    } else {
      origins.push(u.origin);
    }
  }
  return origins;
}

function definedOnly(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
}

/** SMART_* settings; with AUTH_MODE=smart at least one way to authenticate clients is required. */
function smartConfig(env: Env, authMode: AuthMode, problems: string[]): Config['smart'] {
  const clients = env.SMART_CLIENTS_FILE ? loadSmartClients(env.SMART_CLIENTS_FILE, problems) : [];
  let external: Config['smart']['external'];
  if (env.SMART_ISSUER || env.SMART_JWKS_URL) {
    if (!env.SMART_ISSUER || !env.SMART_JWKS_URL) problems.push('SMART_ISSUER and SMART_JWKS_URL go together: the issuer of the access tokens and the URL of its signing keys');
    // The issuer is compared with the tokens' "iss" claim exactly as given: no normalisation.
    else if (urlWithoutCredentials('SMART_ISSUER', env.SMART_ISSUER, `${PUBLISHED} and logged at start-up`, problems) !== undefined) {
      const jwksUrl = urlWithoutCredentials('SMART_JWKS_URL', env.SMART_JWKS_URL, 'signing keys are fetched without credentials', problems);
      const authorizeUrl = env.SMART_AUTHORIZE_URL ? urlWithoutCredentials('SMART_AUTHORIZE_URL', env.SMART_AUTHORIZE_URL, PUBLISHED, problems) : undefined;
      const tokenUrl = env.SMART_TOKEN_URL ? urlWithoutCredentials('SMART_TOKEN_URL', env.SMART_TOKEN_URL, PUBLISHED, problems) : undefined;
      const maxLifetimeSeconds = intIn(env, 'SMART_EXTERNAL_MAX_TOKEN_LIFETIME', 86_400, 60, 30 * 86_400, problems);
      const systemScopes = booleanFrom(env, 'SMART_EXTERNAL_SYSTEM_SCOPES', false, problems);
      const clockToleranceSeconds = intIn(env, 'SMART_CLOCK_TOLERANCE_SECONDS', 10, 0, 300, problems);
      if (jwksUrl) {
        external = {
          issuer: env.SMART_ISSUER, jwksUrl, ...(authorizeUrl && { authorizeUrl }), ...(tokenUrl && { tokenUrl }), maxLifetimeSeconds, systemScopes, clockToleranceSeconds,
        };
      }
      // Given but refused: its own problem is enough.
      if (!env.SMART_CLIENTS_FILE && !env.SMART_TOKEN_URL) problems.push('SMART_TOKEN_URL is required when SMART_ISSUER is the only way to get tokens: .well-known/smart-configuration must name a token endpoint');
    }
  }
  if (authMode === 'smart' && !env.SMART_CLIENTS_FILE && !env.SMART_ISSUER) {
    problems.push('AUTH_MODE=smart needs a way to authenticate clients: SMART_CLIENTS_FILE (Backend Services clients of this server) and/or SMART_ISSUER + SMART_JWKS_URL (an external authorization server)');
  }
  let signingKey: SigningKey | undefined;
  if (env.SMART_SIGNING_KEY_FILE) {
    try { signingKey = loadSigningKey(env.SMART_SIGNING_KEY_FILE); } catch (e) { problems.push(`SMART_SIGNING_KEY_FILE: ${(e as Error).message}`); }
  }
  const tokenLifetimeSeconds = intIn(env, 'SMART_TOKEN_LIFETIME', 300, 60, 3600, problems);
  const vaultKeys = vaultKeysFrom(env.SMART_VAULT_KEYS, problems);
  const oscarTokenMaxAgeSeconds = intIn(env, 'SMART_OSCAR_TOKEN_MAX_AGE_HOURS', 12, 1, 24 * 30, problems) * 3600;
  // The keys fetched from addresses the configuration names go through the environment's proxy
  // (docs/proxy.md §5), when authorization is on at all.
  const keyUrls = [...clients.flatMap((c) => (c.jwksUri ? [c.jwksUri] : [])), ...(external ? [external.jwksUrl] : [])];
  const egressProxy = authMode === 'smart' ? egressProxySettingsFrom(env, keyUrls, problems) : undefined;
  return { clients, ...(external && { external }), ...(signingKey && { signingKey }), tokenLifetimeSeconds, vaultKeys, oscarTokenMaxAgeSeconds, ...(egressProxy && { egressProxy }) };
}

/** SMART_VAULT_KEYS: `id:base64,id:base64…`, each key 32 bytes (AES-256-GCM); the first encrypts. */
function vaultKeysFrom(raw: string | undefined, problems: string[]): { id: string; key: Buffer }[] {
  if (!raw) return [];
  const keys: { id: string; key: Buffer }[] = [];
  for (const part of raw.split(',')) {
    const [id, b64] = part.trim().split(':');
    const key = b64 ? Buffer.from(b64, 'base64') : Buffer.alloc(0);
    if (!id || !/^[A-Za-z0-9_-]{1,32}$/.test(id) || key.length !== 32) {
      problems.push('SMART_VAULT_KEYS must be a comma-separated list of id:base64 with 32-byte keys, e.g. 2026a:$(openssl rand -base64 32)');
      return [];
    }
    if (keys.some((k) => k.id === id)) { problems.push(`SMART_VAULT_KEYS: key id "${id}" is given twice`); return []; }
    keys.push({ id, key });
  }
  return keys;
}

/** Where the last good capability map is kept with a real OSCAR (relative to the working directory). */
const DEFAULT_CAPABILITY_CACHE_FILE = 'data/oscar-capabilities.json';

/** contract 7.13: OSCAR refuses a list size above 5000, and a guard asks for one row more than it allows. */
const OSCAR_LIST_MAX = 5000;

function limitsConfig(env: Env, problems: string[]): Limits {
  const limits: Limits = {
    upstreamRows: intIn(env, 'LIMIT_UPSTREAM_ROWS', DEFAULT_SEARCH_LIMITS.upstreamRows, 1, OSCAR_LIST_MAX - 1, problems),
    ids: intIn(env, 'LIMIT_SEARCH_IDS', DEFAULT_SEARCH_LIMITS.ids, 1, 1000, problems),
    patients: intIn(env, 'LIMIT_SEARCH_PATIENTS', DEFAULT_SEARCH_LIMITS.patients, 1, 1000, problems),
    statusPatients: intIn(env, 'LIMIT_STATUS_PATIENTS', DEFAULT_SEARCH_LIMITS.statusPatients, 1, 1000, problems),
    pageSize: intIn(env, 'LIMIT_PAGE_SIZE', DEFAULT_COUNT, 1, 1000, problems),
    pageMax: intIn(env, 'LIMIT_PAGE_MAX', MAX_COUNT, 1, 1000, problems),
    changeFeedRows: intIn(env, 'LIMIT_CHANGE_FEED_ROWS', 1000, 1, OSCAR_LIST_MAX, problems),
  };
  if (limits.pageSize > limits.pageMax) problems.push(`LIMIT_PAGE_SIZE (${limits.pageSize}) must not exceed LIMIT_PAGE_MAX (${limits.pageMax})`);
  return limits;
}

function bookingConfig(env: Env, problems: string[]): BookingRules {
  const d = DEFAULT_BOOKING_RULES;
  const oneOf = <T extends string>(name: string, allowed: readonly T[], dflt: T): T => {
    const raw = env[name];
    if (raw === undefined || raw === '') return dflt;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    problems.push(`${name} must be one of ${allowed.map((a) => `"${a}"`).join(', ')} (got "${raw}")`);
    return dflt;
  };
  const providers = env.BOOKING_PROVIDERS ? parseBookingProviders(env.BOOKING_PROVIDERS, problems) : undefined;
  const codes = env.BOOKING_CODES ? parseBookingCodes(env.BOOKING_CODES, problems) : undefined;
  return {
    ...(providers && { providers }), ...(codes && { codes }),
    capacity: oneOf('BOOKING_CAPACITY', ['bookinglimit', 'one'], d.capacity),
    noShowFreesSlot: booleanFrom(env, 'BOOKING_NOSHOW_FREES_SLOT', d.noShowFreesSlot, problems),
    leadMinutes: intIn(env, 'BOOKING_LEAD_MINUTES', d.leadMinutes, 0, 43_200, problems),
    horizonDays: intIn(env, 'BOOKING_HORIZON_DAYS', d.horizonDays, 1, 366, problems),
    holidays: oneOf('BOOKING_HOLIDAYS', ['closed', 'open'], d.holidays),
    plainCheck: oneOf('BOOKING_PLAIN_CHECK', ['overlap', 'rules', 'off'], d.plainCheck),
  };
}

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  // OSCAR_CREDENTIALS_FILE (written by `oscar-fhir connect`) fills in the OSCAR_* variables not set.
  if (env.OSCAR_CREDENTIALS_FILE) env = { ...readCredentialsFile(env.OSCAR_CREDENTIALS_FILE, problems), ...definedOnly(env) };
  const port = intIn(env, 'PORT', 8080, 0, 65535, problems);
  const simPort = intIn(env, 'SIM_PORT', 8081, 0, 65535, problems);

  const oscarTimezone = env.OSCAR_TIMEZONE || 'America/Toronto';
  if (!isValidTimeZone(oscarTimezone)) problems.push(`OSCAR_TIMEZONE must be an IANA zone name such as America/Toronto (got "${oscarTimezone}")`);

  let oscar: OscarConnection | null = null;
  if (env.OSCAR_URL) {
    const url = oscarUrlOf('OSCAR_URL', env.OSCAR_URL, problems);
    const need = CREDENTIAL_KEYS.filter((n) => n !== 'OSCAR_URL');
    const values: Partial<Record<CredentialKey, string>> = Object.fromEntries(need.map((n) => [n, secret(env, n, problems)]));
    const missing = need.filter((n) => !values[n]);
    if (missing.length) problems.push(`OSCAR_URL is set, so these are required (or their *_FILE forms): ${missing.join(', ')}`);
    const proxy = url ? proxySettingsFrom(env, url, problems) : undefined;
    const tls = url === undefined ? undefined : oscarTrustFrom(env, url, problems);
    if (url && !missing.length) oscar = { ...connectionFromVariables(url, values), ...(proxy && { proxy }), ...(tls && { tls }) };
  } else {
    for (const n of ['OSCAR_CONSUMER_KEY', 'OSCAR_ACCESS_TOKEN', 'OSCAR_SOAP_USERNAME']) {
      if (env[n]) problems.push(`${n} is set but OSCAR_URL is not: set OSCAR_URL too, or unset ${n} to use the embedded simulator`);
    }
    oscarTrustFrom(env, undefined, problems);
    for (const n of ['OSCAR_PROXY_CA_FILE', 'OSCAR_PROXY_TLS_FINGERPRINT']) {
      if (env[n]) problems.push(`${n}: only for a real OSCAR (OSCAR_URL) reached through an https:// proxy; the embedded simulator is always reached directly`);
    }
  }

  const embedded = !env.OSCAR_URL;
  const authRaw = env.AUTH_MODE || (embedded ? 'none' : 'smart');
  let authMode: AuthMode = 'smart';
  if (authRaw === 'smart' || authRaw === 'none') authMode = authRaw;
  else problems.push(`AUTH_MODE must be "smart" or "none" (got "${authRaw}")`);
  if (!embedded && authMode === 'none') {
    problems.push('AUTH_MODE=none is only allowed with the embedded simulator: a real OSCAR holds personal health information');
  }

  const validationRaw = env.VALIDATION_MODE || 'sanitize';
  let validationMode: ValidationMode = 'sanitize';
  if (validationRaw === 'strict' || validationRaw === 'sanitize') validationMode = validationRaw;
  else problems.push(`VALIDATION_MODE must be "strict" or "sanitize" (got "${validationRaw}")`);

  const host = env.HOST || (authMode === 'none' ? '127.0.0.1' : '0.0.0.0');
  const fhirBaseUrl = env.FHIR_BASE_URL
    ? urlWithoutCredentials('FHIR_BASE_URL', env.FHIR_BASE_URL, 'it is published in every link, Location header and token audience', problems) ?? ''
    : `http://localhost:${port}/fhir`;

  const upstream = {
    maxInFlight: intIn(env, 'OSCAR_MAX_IN_FLIGHT', 4, 1, 256, problems),
    maxQueue: intIn(env, 'OSCAR_MAX_QUEUE', 200, 0, 100_000, problems),
    clientSharePercent: intIn(env, 'OSCAR_CLIENT_SHARE_PERCENT', 50, 1, 100, problems),
    timeoutMs: intIn(env, 'OSCAR_TIMEOUT_MS', 10_000, 100, 600_000, problems),
    documentTimeoutMs: intIn(env, 'OSCAR_DOCUMENT_TIMEOUT_MS', 30_000, 100, 600_000, problems),
    retries: intIn(env, 'OSCAR_RETRIES', 2, 0, 10, problems),
    gzip: booleanFrom(env, 'OSCAR_GZIP', oscar !== null && !isNearHost(new URL(oscar.url).hostname), problems),
    breakerThreshold: intIn(env, 'OSCAR_BREAKER_THRESHOLD', 5, 1, 1000, problems),
    breakerCooldownMs: intIn(env, 'OSCAR_BREAKER_COOLDOWN_MS', 30_000, 100, 3_600_000, problems),
  };

  const http = {
    maxBodyBytes: intIn(env, 'MAX_BODY_BYTES', 20 * 1024 * 1024, 1024, 512 * 1024 * 1024, problems),
    maxResourceBodyBytes: intIn(env, 'MAX_RESOURCE_BODY_BYTES', 1024 * 1024, 1024, 512 * 1024 * 1024, problems),
    maxConnections: intIn(env, 'HTTP_MAX_CONNECTIONS', 1_000, 1, 1_000_000, problems),
    headersTimeoutMs: intIn(env, 'HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000, problems),
    requestTimeoutMs: intIn(env, 'HTTP_REQUEST_TIMEOUT_MS', 60_000, 100, 3_600_000, problems),
    keepAliveTimeoutMs: intIn(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', 65_000, 100, 600_000, problems),
    idleTimeoutMs: intIn(env, 'HTTP_IDLE_TIMEOUT_MS', 120_000, 100, 3_600_000, problems),
    corsOrigins: corsOriginsOf(env.CORS_ORIGINS, problems),
    rateLimitPerMinute: intIn(env, 'RATE_LIMIT_PER_MINUTE', 0, 0, 1_000_000, problems),
    shutdownGraceMs: intIn(env, 'SHUTDOWN_GRACE_MS', 10_000, 0, 600_000, problems),
    readyCacheMs: intIn(env, 'READY_CACHE_MS', 5_000, 0, 600_000, problems),
  };

  if (http.headersTimeoutMs > http.requestTimeoutMs) {
    problems.push(`HTTP_HEADERS_TIMEOUT_MS (${http.headersTimeoutMs}) cannot be longer than HTTP_REQUEST_TIMEOUT_MS (${http.requestTimeoutMs}): the headers are part of the request`);
  }

  const cache = {
    maxBytes: intIn(env, 'CACHE_MAX_BYTES', 64 * 1024 * 1024, 0, 64 * 1024 * 1024 * 1024, problems),
    documentMaxBytes: intIn(env, 'CACHE_DOCUMENT_MAX_BYTES', 32 * 1024 * 1024, 0, 64 * 1024 * 1024 * 1024, problems),
    ttlSeconds: intIn(env, 'CACHE_TTL_SECONDS', 60, 1, 86_400, problems),
    pollSeconds: intIn(env, 'CHANGE_POLL_SECONDS', 5, 0, 3_600, problems),
  };
  if (cache.pollSeconds >= cache.ttlSeconds && cache.maxBytes > 0) {
    problems.push(`CHANGE_POLL_SECONDS (${cache.pollSeconds}) must be shorter than CACHE_TTL_SECONDS (${cache.ttlSeconds}), or 0 to rely on the TTL alone`);
  }

  const logLevel = env.LOG_LEVEL || 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "${logLevel}")`);
  }

  const smart = smartConfig(env, authMode, problems);
  const auditLog = env.AUDIT_LOG || (embedded ? 'off' : 'stdout');
  if (!embedded && auditLog === 'off') problems.push('AUDIT_LOG=off is only allowed with the embedded simulator: access to a real OSCAR must be audited');

  const opsToken = secret(env, 'OPS_TOKEN', problems);
  checkOpsToken('OPS_TOKEN', opsToken, problems);
  const ops = { ...(opsToken !== undefined && { token: opsToken }), openWithoutToken: embedded };

  const mappingOverrides = env.MAPPING_CONFIG_FILE ? readMappingOverrides(env.MAPPING_CONFIG_FILE, problems) : {};

  const limits = limitsConfig(env, problems);
  const bulk = bulkConfig(env, problems);
  const booking = bookingConfig(env, problems);
  const stateDatabaseUrl = secret(env, 'STATE_DATABASE_URL', problems);
  if (stateDatabaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(stateDatabaseUrl)) problems.push('STATE_DATABASE_URL must be a postgres:// or postgresql:// URL');

  const cacheFileRaw = env.CAPABILITY_CACHE_FILE ?? (embedded ? 'off' : DEFAULT_CAPABILITY_CACHE_FILE);
  const capabilities = {
    discovery: booleanFrom(env, 'CAPABILITY_DISCOVERY', true, problems),
    refreshMs: intIn(env, 'CAPABILITY_REFRESH_HOURS', 24, 0, 24 * 365, problems) * 3_600_000,
    ...(cacheFileRaw !== 'off' && cacheFileRaw !== '' && { cacheFile: cacheFileRaw }),
    startupWaitMs: intIn(env, 'CAPABILITY_STARTUP_WAIT_MS', 3_000, 0, 60_000, problems),
  };

  // One variable can be read for two purposes (HTTPS_PROXY for OSCAR and for the SMART keys): said once.
  if (problems.length) throw new ConfigError([...new Set(problems)]);
  return { ...(stateDatabaseUrl !== undefined && { stateDatabaseUrl }), capabilities, ops, limits, bulk, booking, mappingOverrides, port, host, fhirBaseUrl, oscar, oscarTimezone, simPort, authMode, validationMode, logLevel, upstream, http, cache, smart, auditLog };
}
