// One typed, validated configuration object built from the environment (README "Configuration").
// Every problem is collected and reported together, so an operator fixes them in one go.
import { readFileSync } from 'node:fs';
import { isValidTimeZone } from './oscar/time.js';

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
}

export interface Config {
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
  upstream: {
    maxInFlight: number;
    maxQueue: number;
    timeoutMs: number;
    documentTimeoutMs: number;
    retries: number;
  };
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
    problems.push(`${name} must be an absolute http(s) URL (got "${raw}")`);
    return undefined;
  }
}

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const port = intIn(env, 'PORT', 8080, 0, 65535, problems);
  const simPort = intIn(env, 'SIM_PORT', 8081, 0, 65535, problems);

  const oscarTimezone = env.OSCAR_TIMEZONE || 'America/Toronto';
  if (!isValidTimeZone(oscarTimezone)) problems.push(`OSCAR_TIMEZONE must be an IANA zone name such as America/Toronto (got "${oscarTimezone}")`);

  let oscar: OscarConnection | null = null;
  if (env.OSCAR_URL) {
    const url = httpUrl('OSCAR_URL', env.OSCAR_URL, problems);
    const need = ['OSCAR_CONSUMER_KEY', 'OSCAR_CONSUMER_SECRET', 'OSCAR_ACCESS_TOKEN', 'OSCAR_ACCESS_TOKEN_SECRET', 'OSCAR_SOAP_USERNAME', 'OSCAR_SOAP_PASSWORD'];
    const values = Object.fromEntries(need.map((n) => [n, secret(env, n, problems)]));
    const missing = need.filter((n) => !values[n]);
    if (missing.length) problems.push(`OSCAR_URL is set, so these are required (or their *_FILE forms): ${missing.join(', ')}`);
    if (url && !missing.length) {
      oscar = {
        url,
        consumerKey: values.OSCAR_CONSUMER_KEY!, consumerSecret: values.OSCAR_CONSUMER_SECRET!,
        accessToken: values.OSCAR_ACCESS_TOKEN!, accessTokenSecret: values.OSCAR_ACCESS_TOKEN_SECRET!,
        soapUserName: values.OSCAR_SOAP_USERNAME!, soapPassword: values.OSCAR_SOAP_PASSWORD!,
      };
    }
  } else {
    for (const n of ['OSCAR_CONSUMER_KEY', 'OSCAR_ACCESS_TOKEN', 'OSCAR_SOAP_USERNAME']) {
      if (env[n]) problems.push(`${n} is set but OSCAR_URL is not: set OSCAR_URL too, or unset ${n} to use the embedded simulator`);
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
    ? httpUrl('FHIR_BASE_URL', env.FHIR_BASE_URL, problems) ?? ''
    : `http://localhost:${port}/fhir`;

  const upstream = {
    maxInFlight: intIn(env, 'OSCAR_MAX_IN_FLIGHT', 4, 1, 256, problems),
    maxQueue: intIn(env, 'OSCAR_MAX_QUEUE', 200, 0, 100_000, problems),
    timeoutMs: intIn(env, 'OSCAR_TIMEOUT_MS', 10_000, 100, 600_000, problems),
    documentTimeoutMs: intIn(env, 'OSCAR_DOCUMENT_TIMEOUT_MS', 30_000, 100, 600_000, problems),
    retries: intIn(env, 'OSCAR_RETRIES', 2, 0, 10, problems),
  };

  const logLevel = env.LOG_LEVEL || 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "${logLevel}")`);
  }

  if (problems.length) throw new ConfigError(problems);
  return { port, host, fhirBaseUrl, oscar, oscarTimezone, simPort, authMode, validationMode, logLevel, upstream };
}
