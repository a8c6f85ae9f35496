// The SMART Backend Services clients (SMART_CLIENTS_FILE): who may ask the token endpoint for a
// token, with which public keys their assertions are checked, and the most they may be granted.
//
//   { "clients": [ { "client_id": "immunization-reporter", "name": "Public health reporting",
//                    "scope": "system/Patient.rs system/Immunization.rs",
//                    "jwks": { "keys": [ …public JWKs… ] }  or  "jwks_uri": "https://…/jwks.json" } ] }
import { readFileSync } from 'node:fs';
import type { JWK } from 'jose';
import { formatScope, parseScopes, type ResourceScope } from './scopes.js';

export interface SmartClient {
  clientId: string;
  name?: string;
  /** The most this client may be granted (system/ scopes). */
  scopes: ResourceScope[];
  jwks?: { keys: JWK[] };
  jwksUri?: string;
}

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
    if (u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname))) return u.href;
  } catch { /* reported below */ }
  problems.push(`${where}: "jwks_uri" must be an https URL (http only for localhost)`);
  return undefined;
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
    const parsed = parseScopes(typeof c.scope === 'string' ? c.scope : '');
    const scopes = parsed.resource.filter((s) => s.context === 'system');
    const notSystem = parsed.resource.filter((s) => s.context !== 'system').map(formatScope);
    if (notSystem.length || parsed.ignored.length) problems.push(`${where}: backend clients get system/ scopes only (not ${[...notSystem, ...parsed.ignored].join(', ')})`);
    if (scopes.length === 0) problems.push(`${where}: "scope" must list the system/ scopes it may be granted, e.g. "system/Patient.rs"`);
    const client: SmartClient = { clientId: id, scopes };
    if (typeof c.name === 'string') client.name = c.name;
    if ((c.jwks === undefined) === (c.jwks_uri === undefined)) problems.push(`${where}: give exactly one of "jwks" and "jwks_uri"`);
    else if (c.jwks !== undefined) { const k = checkKeys(where, c.jwks, problems); if (k) client.jwks = k; }
    else { const u = checkJwksUri(where, c.jwks_uri, problems); if (u) client.jwksUri = u; }
    out.push(client);
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
