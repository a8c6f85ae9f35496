// Test fixtures for the security layer: an external authorization server (a JWKS over real HTTP
// and a token minter, standing in for Keycloak), Backend Services clients with their own key pairs
// registered in a clients file, and the simulator + facade stack in AUTH_MODE=smart.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import type { Simulator } from '../../src/sim/server.js';
import { startStack, type Stack, type StackOptions } from '../helpers/stack.js';

export interface KeyPair { privateKey: CryptoKey; publicJwk: JWK; alg: string; kid: string }

export async function keyPair(alg: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = randomUUID();
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }, alg, kid };
}

/** An external OAuth server: publishes its JWKS over HTTP and mints SMART access tokens. */
export interface Issuer {
  issuer: string;
  jwksUrl: string;
  key: KeyPair;
  /** Requests made for the JWKS (the facade caches it). */
  jwksFetches: number;
  /** Also serves a Backend Services client's JWKS (a `jwks_uri` client); returns its URL. */
  serveClientKeys(keys: JWK[]): string;
  token(claims: JWTPayload & { scope?: string; patient?: string }, opts?: TokenOptions): Promise<string>;
  close(): Promise<void>;
}

export interface TokenOptions {
  audience?: string;
  issuer?: string;
  /** Seconds from now (negative: already expired). */
  expiresIn?: number;
  key?: KeyPair;
}

/** `moreKeys` are published beside the issuer's own RS256 key (token(…, { key }) signs with one). */
export async function startIssuer(audience: () => string, moreKeys: readonly KeyPair[] = []): Promise<Issuer> {
  const key = await keyPair('RS256');
  let fetches = 0;
  let clientKeys: JWK[] = [];
  const server: Server = createServer((req, res) => {
    if (req.url === '/realms/clinic/protocol/openid-connect/certs') {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [key.publicJwk, ...moreKeys.map((k) => k.publicJwk)] }));
    } else if (req.url === '/client-keys/jwks.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: clientKeys }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${origin}/realms/clinic`;
  return {
    issuer, key,
    jwksUrl: `${origin}/realms/clinic/protocol/openid-connect/certs`,
    get jwksFetches() { return fetches; },
    serveClientKeys(keys) { clientKeys = keys; return `${origin}/client-keys/jwks.json`; },
    async token(claims, opts = {}) {
      const k = opts.key ?? key;
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ azp: 'smart-app', ...claims })
        .setProtectedHeader({ alg: k.alg, kid: k.kid, typ: 'JWT' })
        .setIssuer(opts.issuer ?? issuer).setAudience(opts.audience ?? audience()).setSubject(claims.sub ?? 'user-7')
        .setIssuedAt(now - 5).setExpirationTime(now + (opts.expiresIn ?? 300)).setJti(randomUUID())
        .sign(k.privateKey);
    },
    close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };
}

/** A registered Backend Services client and its private key. */
export interface BackendClient { clientId: string; key: KeyPair; scope: string }

export interface SecureStack extends Stack {
  issuer: Issuer;
  clients: { es: BackendClient; rs: BackendClient; narrow: BackendClient; remote: BackendClient };
  tokenUrl: string;
  auditFile: string;
  dir: string;
  /** A client assertion JWT for the token endpoint. */
  assertion(client: BackendClient, opts?: { aud?: string; expiresIn?: number; jti?: string; key?: KeyPair; iss?: string; alg?: string }): Promise<string>;
  /** POSTs to the token endpoint; the parsed answer. */
  tokenRequest(form: Record<string, string>): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }>;
  /** A system token from the token endpoint (Backend Services). */
  backendToken(scope: string, client?: BackendClient): Promise<string>;
  /** GET/POST… with a bearer token. */
  as(token: string, path: string, init?: RequestInit): ReturnType<Stack['fhir']>;
}

export async function startSecureStack(opts: StackOptions & { extraEnv?: Record<string, string>; apps?: Record<string, unknown>[] } = {}): Promise<SecureStack> {
  const dir = mkdtempSync(join(tmpdir(), 'oscar-fhir-auth-'));
  const es: BackendClient = { clientId: 'reporter-es', key: await keyPair('ES384'), scope: 'system/*.rs' };
  const rs: BackendClient = { clientId: 'booking-rs', key: await keyPair('RS384'), scope: 'system/*.cruds' };
  const narrow: BackendClient = { clientId: 'immunizations-only', key: await keyPair('ES384'), scope: 'system/Immunization.rs system/Patient.r' };
  const remote: BackendClient = { clientId: 'remote-keys', key: await keyPair('RS384'), scope: 'system/Patient.rs' };
  let base = '';
  const issuer = await startIssuer(() => base);
  const clientsFile = join(dir, 'clients.json');
  writeFileSync(clientsFile, JSON.stringify({
    clients: [
      ...[es, rs, narrow].map((c) => ({ client_id: c.clientId, scope: c.scope, jwks: { keys: [c.key.publicJwk] } })),
      { client_id: remote.clientId, scope: remote.scope, jwks_uri: issuer.serveClientKeys([remote.key.publicJwk]) },
      ...(opts.apps ?? []),
    ],
  }));
  const auditFile = join(dir, 'audit.jsonl');
  // The issuer is closed when the stack cannot start, so the test fails at once with the reason
  // instead of waiting out its timeout on a server left listening.
  const stack = await startStack({
    ...opts,
    env: {
      AUTH_MODE: 'smart', SMART_CLIENTS_FILE: clientsFile, SMART_ISSUER: issuer.issuer, SMART_JWKS_URL: issuer.jwksUrl,
      AUDIT_LOG: auditFile, ...opts.env, ...opts.extraEnv,
    },
  }).catch(async (err: unknown) => { await issuer.close(); throw err; });
  base = stack.base;
  const tokenUrl = `${stack.base}/auth/token`;

  const secure: SecureStack = {
    ...stack, issuer, clients: { es, rs, narrow, remote }, tokenUrl, auditFile, dir,
    async assertion(client, o = {}) {
      const now = Math.floor(Date.now() / 1000);
      const k = o.key ?? client.key;
      return new SignJWT({})
        .setProtectedHeader({ alg: o.alg ?? k.alg, kid: k.kid, typ: 'JWT' })
        .setIssuer(o.iss ?? client.clientId).setSubject(o.iss ?? client.clientId).setAudience(o.aud ?? tokenUrl)
        .setExpirationTime(now + (o.expiresIn ?? 240)).setIssuedAt(now).setJti(o.jti ?? randomUUID())
        .sign(k.privateKey);
    },
    async tokenRequest(form) {
      const res = await fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
      return { status: res.status, body: await res.json() as Record<string, unknown>, headers: res.headers };
    },
    async backendToken(scope, client = rs) {
      const r = await secure.tokenRequest({
        grant_type: 'client_credentials', scope,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await secure.assertion(client),
      });
      if (r.status !== 200) throw new Error(`token request failed: ${r.status} ${JSON.stringify(r.body)}`);
      return String(r.body.access_token);
    },
    as(token, path, init = {}) {
      return stack.fhir(path, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` } });
    },
    async close() {
      await stack.close();
      await issuer.close();
    },
  };
  return secure;
}

/** `alg: none` JWT with the given claims (unsigned). */
export function unsignedToken(claims: Record<string, unknown>): string {
  const enc = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.`;
}

/**
 * OSCAR's calls so far by operation, once they have settled: what a request answered early (a
 * search's REST half refused, its SOAP half still on its way) no longer counts as the next one's.
 */
export async function settledOscarCalls(sim: Simulator): Promise<string> {
  for (let i = 0, last = ''; i < 50; i++) {
    const seen = JSON.stringify(sim.stats.snapshot());
    if (seen === last && sim.stats.snapshot().inFlight === 0) break;
    last = seen;
    await new Promise((r) => setTimeout(r, 50));
  }
  return JSON.stringify(sim.stats.snapshot().byOperation);
}
