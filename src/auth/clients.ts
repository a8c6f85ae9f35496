// The client registry (SMART_CLIENTS_FILE): who may ask this server for tokens, how each one
// authenticates, and the most it may be granted. Two kinds, told apart by `redirect_uris`:
//
//   Backend Services (client_credentials, private_key_jwt RS384/ES384, system/ scopes):
//   { "client_id": "immunization-reporter", "name": "Public health reporting",
//     "scope": "system/Patient.rs system/Immunization.rs",
//     "jwks": { "keys": [ …public JWKs… ] }  or  "jwks_uri": "https://…/jwks.json" }
//
//   SMART apps (authorization code + PKCE, patient/ and user/ scopes; smart §5.1):
//   { "client_id": "growth-chart", "name": "Growth chart", "redirect_uris": ["https://app.example/callback"],
//     "launch_uri": "https://app.example/launch", "scope": "launch launch/patient openid fhirUser offline_access patient/*.rs",
//     "token_endpoint_auth_method": "none" | "client_secret_basic" | "client_secret_post" | "private_key_jwt",
//     "client_secret": "…" (symmetric), "jwks"/"jwks_uri" (asymmetric), "trusted_ehr_launch": false }
//
// Redirect URIs are compared exactly (no prefixes, no wildcards): smart §5.5.
import { readFileSync } from 'node:fs';
import type { JWK } from 'jose';
import { formatScope, parseScopes, type ResourceScope } from './scopes.js';
import { withoutUserInfo } from '../oscar/proxy.js';

export type ClientAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

export interface SmartClient {
  clientId: string;
  name?: string;
  /** 'backend' = client_credentials (system/ scopes); 'app' = authorization code (patient/, user/ scopes). */
  kind: 'backend' | 'app';
  /** The most this client may be granted: resource scopes (system/ for backend, patient/ and user/ for apps). */
  scopes: ResourceScope[];
  /** Non-resource scopes an app may be granted: openid, fhirUser, launch, launch/patient, offline_access, online_access. */
  otherScopes: string[];
  authMethod: ClientAuthMethod;
  jwks?: { keys: JWK[] };
  jwksUri?: string;
  /** client_secret_basic / client_secret_post. */
  secret?: string;
  /** Apps: the registered redirect URIs (exact match). */
  redirectUris: string[];
  /** Apps: where an EHR launch sends the browser (with iss and launch). */
  launchUri?: string;
  /**
   * Apps: an EHR launch naming the signed-in provider skips the consent page (the app gets what it
   * asks within its registration and shows the patient banner); never the OSCAR sign-in, the
   * provider match or OSCAR's check that the user may see the patient.
   */
  trustedEhrLaunch: boolean;
}

const APP_OTHER_SCOPES = new Set(['openid', 'fhirUser', 'profile', 'launch', 'launch/patient', 'offline_access', 'online_access']);
const AUTH_METHODS: readonly ClientAuthMethod[] = ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'];
const MIN_SECRET_LENGTH = 32;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

function checkKeys(where: string, jwks: unknown, problems: string[]): { keys: JWK[] } | undefined {
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) { problems.push(`${where}: "jwks" must be {"keys": [ … ]} with at least one key`); return undefined; }
  keys.forEach((k: unknown, i) => {
    const key = k as Record<string, unknown>;
    if (typeof k !== 'object' || k === null || (key.kty !== 'RSA' && key.kty !== 'EC')) problems.push(`${where}: key ${i} must be an RSA or EC public JWK`);
    else if (PRIVATE_MEMBERS.some((m) => m in key)) problems.push(`${where}: key ${i} holds private key material; register only the public key`);
  });
  return { keys: keys as JWK[] };
}

function checkJwksUri(where: string, raw: unknown, problems: string[]): string | undefined {
  try {
    const u = new URL(String(raw));
    // Keys are fetched without credentials, and Node's fetch repeats a URL's user:password@ in the
    // errors it throws to oidc-provider (docs/proxy.md §5): refused, never echoed.
    if (u.username || u.password) {
      problems.push(`${where}: "jwks_uri" must not hold a user name or password (user:password@ before the host); signing keys are fetched without credentials`);
      return undefined;
    }
    if (u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname))) return u.href;
  } catch { /* reported below */ }
  problems.push(`${where}: "jwks_uri" must be an https URL (http only for localhost)`);
  return undefined;
}

// A redirect or launch URI is sent to the user's browser (the code's redirect, the launch link),
// so a user:password@ in it would be handed to every browser: refused. Its problems echo the
// value with anything up to its last `@` hidden (withoutUserInfo), so a password never reaches
// the start-up log, even in a value that does not parse.
function checkRedirectUri(where: string, raw: unknown, problems: string[]): string | undefined {
  const shown = withoutUserInfo(String(raw));
  try {
    const u = new URL(String(raw));
    if (u.username || u.password) problems.push(`${where}: a redirect URI must not hold a user name or password (user:password@ before the host): it is sent to the user's browser (${shown})`);
    else if (u.hash !== '') problems.push(`${where}: a redirect URI has no fragment (${shown})`);
    else if (u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname))) return String(raw);
    else problems.push(`${where}: redirect URIs must be https (http only for localhost): ${shown}`);
  } catch {
    problems.push(`${where}: "${shown}" is not an absolute URL`);
  }
  return undefined;
}

/** The app half of a registry entry: redirect URIs, launch URL, authentication, scopes. */
function parseApp(where: string, c: Record<string, unknown>, client: SmartClient, problems: string[]): void {
  const uris = c.redirect_uris;
  if (!Array.isArray(uris) || uris.length === 0) { problems.push(`${where}: "redirect_uris" must list at least one URL`); return; }
  client.redirectUris = uris.map((u) => checkRedirectUri(where, u, problems)).filter((u): u is string => u !== undefined);
  if (c.launch_uri !== undefined) {
    const l = checkRedirectUri(where, c.launch_uri, problems);
    if (l) client.launchUri = l;
  }
  const method = c.token_endpoint_auth_method ?? 'none';
  if (!AUTH_METHODS.includes(method as ClientAuthMethod)) { problems.push(`${where}: "token_endpoint_auth_method" must be one of ${AUTH_METHODS.join(', ')}`); return; }
  client.authMethod = method as ClientAuthMethod;
  if (method === 'client_secret_basic' || method === 'client_secret_post') {
    if (typeof c.client_secret !== 'string' || c.client_secret.length < MIN_SECRET_LENGTH) problems.push(`${where}: "client_secret" must be at least ${MIN_SECRET_LENGTH} characters`);
    else client.secret = c.client_secret;
  } else if (c.client_secret !== undefined) problems.push(`${where}: "client_secret" is only for client_secret_basic or client_secret_post`);
  if (method === 'private_key_jwt') {
    if ((c.jwks === undefined) === (c.jwks_uri === undefined)) problems.push(`${where}: give exactly one of "jwks" and "jwks_uri"`);
    else if (c.jwks !== undefined) { const k = checkKeys(where, c.jwks, problems); if (k) client.jwks = k; }
    else { const u = checkJwksUri(where, c.jwks_uri, problems); if (u) client.jwksUri = u; }
  }
  if (c.trusted_ehr_launch !== undefined && typeof c.trusted_ehr_launch !== 'boolean') problems.push(`${where}: "trusted_ehr_launch" must be true or false`);
  client.trustedEhrLaunch = c.trusted_ehr_launch === true;
  const parsed = parseScopes(typeof c.scope === 'string' ? c.scope : '');
  client.scopes = parsed.resource.filter((s) => s.context !== 'system');
  const system = parsed.resource.filter((s) => s.context === 'system').map(formatScope);
  const unknown = [...parsed.other.filter((s) => !APP_OTHER_SCOPES.has(s)), ...parsed.ignored];
  if (system.length) problems.push(`${where}: apps get patient/ and user/ scopes, not ${system.join(', ')} (system/ scopes are for Backend Services clients)`);
  if (unknown.length) problems.push(`${where}: unknown scopes ${unknown.join(', ')}`);
  if (client.scopes.length === 0) problems.push(`${where}: "scope" must list the patient/ or user/ scopes it may be granted, e.g. "patient/*.rs"`);
  client.otherScopes = parsed.other.filter((s) => APP_OTHER_SCOPES.has(s));
  if (client.otherScopes.includes('offline_access') && method === 'none') problems.push(`${where}: offline_access is for confidential clients only (a public client gets online_access)`);
}

/** Parses and checks a clients file's JSON; every problem is collected. */
export function parseSmartClients(json: unknown, problems: string[], source = 'SMART_CLIENTS_FILE'): SmartClient[] {
  const list = Array.isArray(json) ? json : (json as { clients?: unknown } | null)?.clients;
  if (!Array.isArray(list)) { problems.push(`${source}: expected {"clients": [ … ]}`); return []; }
  const out: SmartClient[] = [];
  const seen = new Set<string>();
  list.forEach((raw: unknown, i) => {
    const c = (raw ?? {}) as Record<string, unknown>;
    const id = c.client_id;
    const where = `${source}: client ${typeof id === 'string' && id ? `"${id}"` : `#${i + 1}`}`;
    if (typeof id !== 'string' || !/^[A-Za-z0-9._~:-]{1,128}$/.test(id)) { problems.push(`${where}: "client_id" must be 1-128 characters of A-Z a-z 0-9 . _ ~ : -`); return; }
    if (seen.has(id)) { problems.push(`${where}: registered twice`); return; }
    seen.add(id);
    const client: SmartClient = { clientId: id, kind: 'backend', scopes: [], otherScopes: [], authMethod: 'private_key_jwt', redirectUris: [], trustedEhrLaunch: false };
    if (typeof c.name === 'string') client.name = c.name;
    out.push(client);
    if (c.redirect_uris !== undefined) { client.kind = 'app'; parseApp(where, c, client, problems); return; }
    const parsed = parseScopes(typeof c.scope === 'string' ? c.scope : '');
    client.scopes = parsed.resource.filter((s) => s.context === 'system');
    const notSystem = parsed.resource.filter((s) => s.context !== 'system').map(formatScope);
    if (notSystem.length || parsed.ignored.length || parsed.other.length) problems.push(`${where}: backend clients get system/ scopes only (not ${[...notSystem, ...parsed.other, ...parsed.ignored].join(', ')})`);
    if (client.scopes.length === 0) problems.push(`${where}: "scope" must list the system/ scopes it may be granted, e.g. "system/Patient.rs"`);
    if ((c.jwks === undefined) === (c.jwks_uri === undefined)) problems.push(`${where}: give exactly one of "jwks" and "jwks_uri"`);
    else if (c.jwks !== undefined) { const k = checkKeys(where, c.jwks, problems); if (k) client.jwks = k; }
    else { const u = checkJwksUri(where, c.jwks_uri, problems); if (u) client.jwksUri = u; }
  });
  return out;
}

export function loadSmartClients(file: string, problems: string[]): SmartClient[] {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) {
    problems.push(`SMART_CLIENTS_FILE: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    return [];
  }
  let json: unknown;
  try { json = JSON.parse(text); } catch {
    problems.push(`SMART_CLIENTS_FILE: ${file} is not valid JSON`);
    return [];
  }
  return parseSmartClients(json, problems);
}
