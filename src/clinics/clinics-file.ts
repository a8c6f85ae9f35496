// The clinics file (CLINICS_FILE): the clinics one deployment serves, each with its own OSCAR,
// time zone, mapping tables and SMART clients. Secrets are never written in it: each is named by
// an environment variable or a file ({"env": "NAME"} / {"file": "/path"}), or comes from the
// credentials file `oscar-fhir connect` wrote. A clinic may instead be an embedded simulated
// OSCAR ({"embedded": true}), so a many-clinic demo runs with no OSCAR at all. Every problem is
// reported at start-up, together.
import { readFileSync } from 'node:fs';

/** Where a secret is: the environment variable or the file that holds it. */
export type SecretRef = { env: string } | { file: string };

/** The OSCAR connection settings that are secrets, and the variable each stands for. */
export const SECRET_FIELDS = {
  consumerKey: 'OSCAR_CONSUMER_KEY',
  consumerSecret: 'OSCAR_CONSUMER_SECRET',
  accessToken: 'OSCAR_ACCESS_TOKEN',
  accessTokenSecret: 'OSCAR_ACCESS_TOKEN_SECRET',
  soapUserName: 'OSCAR_SOAP_USERNAME',
  soapPassword: 'OSCAR_SOAP_PASSWORD',
} as const;
export type SecretField = keyof typeof SECRET_FIELDS;

/** A clinic's real OSCAR. */
export type OscarEntry = {
  url: string;
  /** A credentials file as `oscar-fhir connect` writes it (mode 0600); fills the secrets not given. */
  credentialsFile?: string;
  /** OSCAR_CA_FILE of this clinic's OSCAR: CA certificates (PEM) trusted for it (docs/oscar-tls.md). */
  caFile?: string;
  /** OSCAR_TLS_FINGERPRINT of this clinic's OSCAR: one fingerprint, or several during a rotation. */
  tlsFingerprint?: string | string[];
  /** OSCAR_PROXY_CA_FILE of this clinic: CA certificates (PEM) trusted for its https:// proxy's own certificate (docs/proxy.md §2). */
  proxyCaFile?: string;
  /** OSCAR_PROXY_TLS_FINGERPRINT of this clinic: the https:// proxy's certificate, one fingerprint or several. */
  proxyTlsFingerprint?: string | string[];
} & Partial<Record<SecretField, SecretRef>>;

/** A simulated OSCAR started with the deployment (src/sim), with a synthetic clinic of its own. */
export interface EmbeddedEntry { embedded: true }

/** An authorization server of the clinic's own whose access tokens the clinic accepts (SMART_ISSUER…). */
export interface ExternalIssuerEntry {
  issuer: string;
  jwksUrl: string;
  tokenUrl?: string;
  authorizeUrl?: string;
}

export interface ClinicEntry {
  /** Its FHIR base is /clinics/{id}/fhir; also its state namespace and the clinic of its audit records. */
  id: string;
  oscar: OscarEntry | EmbeddedEntry;
  /** The operator token of this clinic's /clinics/{id}/readyz and /clinics/{id}/metrics. */
  opsToken?: SecretRef;
  /** Replaces SMART_ISSUER, SMART_JWKS_URL, SMART_TOKEN_URL and SMART_AUTHORIZE_URL for this clinic. */
  externalIssuer?: ExternalIssuerEntry;
  /** IANA zone of the clinic's OSCAR (OSCAR_TIMEZONE of a one-clinic deployment). */
  timezone: string;
  mappingFile?: string;
  smartClientsFile?: string;
  smartSigningKeyFile?: string;
}

/** Lower-case letters, digits and dashes: it is a path segment, a state key prefix and a metric label. */
const CLINIC_ID = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
const CLINIC_KEYS = ['id', 'oscar', 'timezone', 'mappingFile', 'smartClientsFile', 'smartSigningKeyFile', 'opsToken', 'externalIssuer'];
const ISSUER_KEYS = ['issuer', 'jwksUrl', 'tokenUrl', 'authorizeUrl'];
const OSCAR_KEYS = ['url', 'credentialsFile', 'caFile', 'tlsFingerprint', 'proxyCaFile', 'proxyTlsFingerprint', ...Object.keys(SECRET_FIELDS)];
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function unknownKeys(o: Json, known: readonly string[], where: string, problems: string[]): void {
  for (const k of Object.keys(o)) if (!known.includes(k)) problems.push(`${where}: unknown key "${k}" (known: ${known.join(', ')})`);
}

function text(o: Json, key: string, where: string, problems: string[], required: boolean): string | undefined {
  const v = o[key];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || v.trim() === '') {
    problems.push(`${where}: ${key} must be a non-empty string`);
    return undefined;
  }
  return v;
}

function secretRef(v: unknown, where: string, problems: string[]): SecretRef | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') {
    // The value itself is not repeated: it is a secret.
    problems.push(`${where} must not be written in the clinics file: give {"env": "VARIABLE"} or {"file": "/path/to/secret"}`);
    return undefined;
  }
  if (isObject(v) && Object.keys(v).length === 1 && typeof v.env === 'string' && ENV_NAME.test(v.env)) return { env: v.env };
  if (isObject(v) && Object.keys(v).length === 1 && typeof v.file === 'string' && v.file !== '') return { file: v.file };
  problems.push(`${where} must be {"env": "VARIABLE"} or {"file": "/path/to/secret"}`);
  return undefined;
}

function externalIssuer(v: unknown, where: string, problems: string[]): ExternalIssuerEntry | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) { problems.push(`${where} must be an object with issuer and jwksUrl (tokenUrl, authorizeUrl optional)`); return undefined; }
  unknownKeys(v, ISSUER_KEYS, where, problems);
  const issuer = text(v, 'issuer', where, problems, true);
  const jwksUrl = text(v, 'jwksUrl', where, problems, true);
  const tokenUrl = text(v, 'tokenUrl', where, problems, false);
  const authorizeUrl = text(v, 'authorizeUrl', where, problems, false);
  if (issuer === undefined || jwksUrl === undefined) return undefined;
  return { issuer, jwksUrl, ...(tokenUrl && { tokenUrl }), ...(authorizeUrl && { authorizeUrl }) };
}

/** tlsFingerprint, proxyTlsFingerprint (`key`): one fingerprint, or several during a certificate change (checked as OSCAR_TLS_FINGERPRINT). */
function fingerprints(v: unknown, key: string, where: string, problems: string[]): string | string[] | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string' && v.trim() !== '') return v;
  if (Array.isArray(v) && v.length > 0 && v.every((f) => typeof f === 'string' && f.trim() !== '')) return v as string[];
  problems.push(`${where}: ${key} must be a SHA-256 fingerprint or an array of them`);
  return undefined;
}

function clinicEntry(raw: unknown, where: string, problems: string[]): ClinicEntry | undefined {
  if (!isObject(raw)) { problems.push(`${where} must be an object`); return undefined; }
  unknownKeys(raw, CLINIC_KEYS, where, problems);
  const id = raw.id;
  if (typeof id !== 'string' || !CLINIC_ID.test(id)) {
    problems.push(`${where}: id must be 1–40 lower-case letters, digits or dashes, starting and ending with a letter or digit (got ${JSON.stringify(id)})`);
    return undefined;
  }
  const at = `clinic "${id}"`;
  const timezone = text(raw, 'timezone', at, problems, true);
  const optional = (key: string): string | undefined => text(raw, key, at, problems, false);
  const mappingFile = optional('mappingFile');
  const smartClientsFile = optional('smartClientsFile');
  const smartSigningKeyFile = optional('smartSigningKeyFile');
  const o = raw.oscar;
  if (!isObject(o)) { problems.push(`${at}: oscar must be an object with url and the credentials, or {"embedded": true}`); return undefined; }
  const opsToken = secretRef(raw.opsToken, `${at}: opsToken`, problems);
  const issuer = externalIssuer(raw.externalIssuer, `${at}: externalIssuer`, problems);
  const common = {
    id, ...(mappingFile && { mappingFile }), ...(smartClientsFile && { smartClientsFile }), ...(smartSigningKeyFile && { smartSigningKeyFile }),
    ...(opsToken && { opsToken }), ...(issuer && { externalIssuer: issuer }),
  };
  if ('embedded' in o) {
    if (o.embedded !== true) problems.push(`${at}: oscar.embedded must be true (or left out for a real OSCAR)`);
    // Nothing of a real OSCAR beside it: a url or a secret there would be silently unused.
    unknownKeys(o, ['embedded'], `${at}: oscar (embedded)`, problems);
    if (o.embedded !== true || timezone === undefined) return undefined;
    return { ...common, timezone, oscar: { embedded: true } };
  }
  unknownKeys(o, OSCAR_KEYS, `${at}: oscar`, problems);
  const url = text(o, 'url', `${at}: oscar`, problems, true);
  const credentialsFile = text(o, 'credentialsFile', `${at}: oscar`, problems, false);
  const caFile = text(o, 'caFile', `${at}: oscar`, problems, false);
  const tlsFingerprint = fingerprints(o.tlsFingerprint, 'tlsFingerprint', `${at}: oscar`, problems);
  const proxyCaFile = text(o, 'proxyCaFile', `${at}: oscar`, problems, false);
  const proxyTlsFingerprint = fingerprints(o.proxyTlsFingerprint, 'proxyTlsFingerprint', `${at}: oscar`, problems);
  const secrets: Partial<Record<SecretField, SecretRef>> = {};
  for (const field of Object.keys(SECRET_FIELDS) as SecretField[]) {
    const ref = secretRef(o[field], `${at}: oscar.${field}`, problems);
    if (ref) secrets[field] = ref;
  }
  if (url === undefined || timezone === undefined) return undefined;
  return { ...common, timezone, oscar: { url, ...(credentialsFile && { credentialsFile }), ...(caFile && { caFile }), ...(tlsFingerprint && { tlsFingerprint }),
    ...(proxyCaFile && { proxyCaFile }), ...(proxyTlsFingerprint && { proxyTlsFingerprint }), ...secrets } };
}

/** The clinics of a clinics file's JSON text; problems are appended (`name` says which file). */
export function parseClinicsFile(json: string, problems: string[], name = 'CLINICS_FILE'): ClinicEntry[] {
  let raw: unknown;
  try { raw = JSON.parse(json); } catch { problems.push(`${name} is not valid JSON`); return []; }
  if (!isObject(raw) || !Array.isArray(raw.clinics) || raw.clinics.length === 0) {
    problems.push(`${name} must hold {"clinics": [ … ]} with at least one clinic`);
    return [];
  }
  unknownKeys(raw, ['clinics'], name, problems);
  const clinics: ClinicEntry[] = [];
  raw.clinics.forEach((c, i) => {
    const entry = clinicEntry(c, `${name}: clinics[${i}]`, problems);
    if (!entry) return;
    if (clinics.some((x) => x.id === entry.id)) problems.push(`${name}: clinic id "${entry.id}" is given twice`);
    else clinics.push(entry);
  });
  return clinics;
}

export function readClinicsFile(file: string, problems: string[]): ClinicEntry[] {
  let json: string;
  try { json = readFileSync(file, 'utf8'); } catch (e) {
    problems.push(`CLINICS_FILE: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    return [];
  }
  return parseClinicsFile(json, problems);
}
