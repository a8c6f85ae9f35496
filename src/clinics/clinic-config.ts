// Each clinic of a clinics file as the Config the one-clinic server reads from its environment:
// the process environment for what every clinic shares (ports, limits, cache budget, AUTH_MODE,
// AUDIT_LOG, STATE_DATABASE_URL…), and the clinic's entry for what is its own. Building it
// through loadConfig keeps one set of rules, defaults and messages for both deployments.
import { join } from 'node:path';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { readClinicsFile, SECRET_FIELDS, type ClinicEntry, type SecretField } from './clinics-file.js';

type Env = Record<string, string | undefined>;

/** Where clinic `id`'s FHIR API is served on this server. */
export function clinicBasePath(id: string): string {
  return `/clinics/${id}/fhir`;
}

/** The clinics file's field for each variable that is a clinic's own (messages speak of the field). */
const FIELD_OF: Record<string, string> = {
  OSCAR_URL: 'oscar.url',
  OSCAR_CREDENTIALS_FILE: 'oscar.credentialsFile',
  OSCAR_TIMEZONE: 'timezone',
  MAPPING_CONFIG_FILE: 'mappingFile',
  SMART_CLIENTS_FILE: 'smartClientsFile',
  SMART_SIGNING_KEY_FILE: 'smartSigningKeyFile',
  ...Object.fromEntries(Object.entries(SECRET_FIELDS).map(([field, name]) => [name, `oscar.${field}`])),
};

/** Variables the clinics file replaces: set beside CLINICS_FILE they would be ignored, so they are refused. */
const ONE_CLINIC_ONLY = ['FHIR_BASE_URL', ...Object.keys(FIELD_OF), ...Object.values(SECRET_FIELDS).map((n) => `${n}_FILE`)];

function inFileTerms(problem: string): string {
  return problem.replace(/\b[A-Z][A-Z_]+\b/g, (name) => FIELD_OF[name] ?? FIELD_OF[name.replace(/_FILE$/, '')] ?? name);
}

export interface ClinicConfig {
  id: string;
  config: Config;
}

/** Where the clinic's own files go under a folder shared by all clinics (BULK_DIR, the capability cache). */
function clinicFolder(root: string, id: string): string {
  return join(root, 'clinics', id);
}

function clinicEnv(entry: ClinicEntry, env: Env, publicUrl: string, problems: string[]): Env {
  const e: Env = { ...env, CLINICS_FILE: undefined };
  e.OSCAR_TIMEZONE = entry.timezone;
  e.FHIR_BASE_URL = `${publicUrl}${clinicBasePath(entry.id)}`;
  if (entry.mappingFile) e.MAPPING_CONFIG_FILE = entry.mappingFile;
  if (entry.smartClientsFile) e.SMART_CLIENTS_FILE = entry.smartClientsFile;
  if (entry.smartSigningKeyFile) e.SMART_SIGNING_KEY_FILE = entry.smartSigningKeyFile;
  e.BULK_DIR = clinicFolder(env.BULK_DIR || 'data/bulk', entry.id);
  // An embedded clinic is the one-clinic demo's case: no OSCAR_URL, so loadConfig applies the
  // demo's rules to it (and only to it); its simulator's address changes with every start, so
  // there is no capability map worth keeping.
  if ('embedded' in entry.oscar) {
    e.CAPABILITY_CACHE_FILE = 'off';
    return e;
  }
  e.OSCAR_URL = entry.oscar.url;
  if (entry.oscar.credentialsFile) e.OSCAR_CREDENTIALS_FILE = entry.oscar.credentialsFile;
  for (const [field, name] of Object.entries(SECRET_FIELDS) as [SecretField, string][]) {
    const ref = entry.oscar[field];
    if (!ref) continue;
    if ('file' in ref) e[`${name}_FILE`] = ref.file;
    else if (env[ref.env]) e[name] = env[ref.env];
    else problems.push(`clinic "${entry.id}": oscar.${field} names the environment variable ${ref.env}, which is not set`);
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
    try {
      const u = new URL(env.PUBLIC_URL);
      if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.search || u.hash) throw new Error('not a base');
      publicUrl = u.href.replace(/\/+$/, '');
    } catch {
      problems.push(`PUBLIC_URL must be the absolute http(s) URL this server is reached at, e.g. https://fhir.example.org (got "${env.PUBLIC_URL}")`);
    }
  }
  const entries = readClinicsFile(file, problems);
  const clinics: ClinicConfig[] = [];
  // A bad shared setting (PORT, LIMIT_…) is the same problem for every clinic: said once.
  const shared = new Set<string>();
  for (const entry of entries) {
    const e = clinicEnv(entry, env, publicUrl, problems);
    try {
      clinics.push({ id: entry.id, config: loadConfig(e) });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      for (const p of err.problems) {
        const own = inFileTerms(p);
        if (own === p) shared.add(p);
        else problems.push(`clinic "${entry.id}": ${own}`);
      }
    }
  }
  problems.push(...shared);
  if (problems.length) throw new ConfigError(problems);
  return clinics;
}
