// The security layer as app.ts wires it (createAuth), without OSCAR and before its authorization
// server is started: which requests are public, what reaches the audit trail (and what does not),
// the discovery document's headers, the 503 of the token endpoint while it starts, the start-up log
// lines an operator reads, and the audit destination it closes only when it is its own.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import express from 'express';
import { createAuth, type AuthLayer } from '../../src/auth/index.js';
import type { AuditSink } from '../../src/auth/audit-sink.js';
import { loadConfig, type Config } from '../../src/config.js';
import { isFhirError, NUMERIC_ID, Registry, defineResource, type FhirRequest, type FhirResponse } from '../../src/fhir/index.js';
import { createLogger } from '../../src/logging.js';
import { startIssuer } from './fixture.js';

const BASE = 'https://fhir.example.org/fhir';
const dir = mkdtempSync(join(tmpdir(), 'oscar-fhir-auth-layer-'));
const EC_JWK = { kty: 'EC', crv: 'P-384', x: 'mGWzXpuy0BZj5S2F1vC9ju1cXN0Ys1TvSGtUvQkpd2lFyP4y0q2vZ3G1v8bZ6aEm', y: 'kXWj7v2hAfJnhe4P1oXG2AeQ9yBqL0sRzUFhSnQn5WJ0d4Xl8kH2pGZ3rUkXoYwz' };
const clientsFile = join(dir, 'clients.json');
writeFileSync(clientsFile, JSON.stringify({ clients: [{ client_id: 'reporter', scope: 'system/Patient.rs', jwks: { keys: [EC_JWK] } }] }), { mode: 0o600 });
const OSCAR = {
  OSCAR_URL: 'https://emr.example.org/oscar', OSCAR_CONSUMER_KEY: 'k', OSCAR_CONSUMER_SECRET: 's', OSCAR_ACCESS_TOKEN: 't',
  OSCAR_ACCESS_TOKEN_SECRET: 'ts', OSCAR_SOAP_USERNAME: 'u', OSCAR_SOAP_PASSWORD: 'p',
};
/** Backend Services clients of this server (its own token endpoint). */
const OWN = loadConfig({ ...OSCAR, FHIR_BASE_URL: BASE, SMART_CLIENTS_FILE: clientsFile, AUDIT_LOG: join(dir, 'audit.jsonl') });
/** Only an external authorization server. */
const EXTERNAL = loadConfig({ ...OSCAR, FHIR_BASE_URL: BASE, SMART_ISSUER: 'https://idp.example.org', SMART_JWKS_URL: 'https://idp.example.org/jwks', SMART_TOKEN_URL: 'https://idp.example.org/token', AUDIT_LOG: 'stderr' });
/** The embedded simulator's demo: no authorization. */
const OPEN: Config = { ...loadConfig({ FHIR_BASE_URL: BASE, AUDIT_LOG: 'stdout' }) };

const registry = new Registry();
registry.register(defineResource({ type: 'Patient', idPattern: NUMERIC_ID, searchParams: [], interactions: { read: async () => undefined } }));

function layer(config: Config, opts: { shared?: boolean; sinkThrows?: boolean } = {}) {
  const lines: string[] = [];
  const logged: Record<string, unknown>[] = [];
  let closed = 0;
  const sink: AuditSink = {
    write(line) { if (opts.sinkThrows) throw new RangeError('too big'); lines.push(line); },
    written: 0, failed: 0, close: async () => { closed++; },
  };
  const logger = createLogger('info', { write: (s: string) => { logged.push(JSON.parse(s) as Record<string, unknown>); } });
  const auth = createAuth(config, logger, {
    registry, basePath: '/fhir', auditSink: sink,
    state: { clinic: 'default', ...(opts.shared && { shared: {} }) } as never,
  });
  return { auth, lines, logged, closed: () => closed, sink };
}

const socket = (remoteAddress?: string) => ({ socket: { remoteAddress } }) as unknown as IncomingMessage;
const fhirReq = (method: string, path: string, authorization?: string): FhirRequest =>
  ({ method, path, query: [], headers: authorization ? { authorization } : {}, requestId: 'r1' });

/** authenticate() and then the audit record of the request with `status`. */
async function audited(auth: AuthLayer, lines: string[], method: string, path: string, status: number, authorization?: string) {
  const req = fhirReq(method, path, authorization);
  let ctx: unknown;
  let error: unknown;
  try { ctx = await auth.authenticate(socket('192.0.2.7'), req); } catch (e) { error = e; }
  auth.audit({ req, status: isFhirError(error) ? error.status : status, auth: ctx } as never);
  return { ctx, error, event: JSON.parse(lines.at(-1) ?? 'null') };
}

describe('who is anonymous', () => {
  it('the CapabilityStatement (GET, HEAD) and CORS preflights need no token; everything else does', async () => {
    const { auth, lines } = layer(OWN);
    for (const [method, path] of [['GET', '/metadata'], ['HEAD', '/metadata'], ['OPTIONS', '/Patient/1'], ['OPTIONS', '/metadata']]) {
      const { ctx, error } = await audited(auth, lines, method!, path!, 200);
      assert.deepEqual([ctx, error], [{ kind: 'anonymous' }, undefined], `${method} ${path}`);
    }
    for (const [method, path] of [['POST', '/metadata'], ['GET', '/Patient/1'], ['GET', '/metadata/x'], ['DELETE', '/metadata']]) {
      const { error, event } = await audited(auth, lines, method!, path!, 200);
      assert.equal(isFhirError(error) && error.status, 401, `${method} ${path}`);
      assert.equal(event.outcomeDesc, 'HTTP 401 This server needs an OAuth 2.0 bearer access token (SMART on FHIR): see .well-known/smart-configuration', `${method} ${path}: the reason reaches the audit record`);
    }
  });

  it('everyone is anonymous without SMART (AUTH_MODE=none), and no scope check runs before a body is read', async () => {
    const { auth, lines } = layer(OPEN);
    const { ctx } = await audited(auth, lines, 'GET', '/Patient/1', 200);
    assert.deepEqual(ctx, { kind: 'anonymous' });
    assert.equal(auth.refuseAttempt, undefined);
    assert.equal(typeof layer(OWN).auth.refuseAttempt, 'function');
  });

  it('with an external authorization server only, an opaque token is simply invalid, and there is nothing to start', async () => {
    const { auth, lines } = layer(EXTERNAL);
    await auth.start();
    const { error } = await audited(auth, lines, 'GET', '/Patient/1', 200, 'Bearer abc');
    assert.equal(isFhirError(error) && error.status, 401);
  });

  it('runs a request as itself when no one signs in through OSCAR here', async () => {
    const { auth } = layer(OWN);
    const answer: FhirResponse = { status: 200, headers: {}, body: { ok: true } };
    assert.equal(await auth.actAs({ kind: 'token', clientId: 'c', oscarProvider: '999998' }, async () => answer), answer);
    assert.equal(await auth.actAs(undefined, async () => answer), answer);
  });

  it('an opaque token is refused with 503 until the authorization server has started', async () => {
    const { auth, lines } = layer(OWN);
    const { error, event } = await audited(auth, lines, 'GET', '/Patient/1', 200, 'Bearer abc');
    assert.ok(isFhirError(error));
    assert.deepEqual([error.status, error.issues[0]?.diagnostics, error.headers['retry-after']], [503, 'the authorization server is starting', '1']);
    assert.equal(event.outcomeDesc, 'HTTP 503 the authorization server is starting');
  });
});

describe('the audit trail', () => {
  it('records the caller\'s address and the clinic, and a refused attempt\'s reason', async () => {
    const { auth, lines } = layer(OWN);
    const { event } = await audited(auth, lines, 'GET', '/Patient/1001', 200);
    assert.deepEqual(event.agent[0].network, { address: '192.0.2.7', type: '2' });
    assert.deepEqual(event.extension[1], { url: 'urn:oscar-fhir:clinic', valueString: 'default' });
    assert.equal(event.source.site, BASE);
    assert.deepEqual(event.entity.map((e: { what?: { reference: string } }) => e.what?.reference), ['Patient/1001'], 'a known type names its row id');
    const unknownType = await audited(auth, lines, 'GET', '/Nothing/1001', 200);
    assert.equal(unknownType.event.entity, undefined, 'a type this server does not have is not recorded');
  });

  it('a request without an address records none', async () => {
    const { auth, lines } = layer(OWN);
    const req = fhirReq('GET', '/metadata');
    const ctx = await auth.authenticate(socket(undefined), req);
    auth.audit({ req, status: 200, auth: ctx } as never);
    assert.equal(JSON.parse(lines[0]!).agent[0].network, undefined);
  });

  it('writes nothing with AUDIT_LOG=off, and logs (without the record) a record it cannot build', async () => {
    const off = layer({ ...OPEN, auditLog: 'off' });
    off.auth.audit({ req: fhirReq('GET', '/metadata'), status: 200, auth: undefined } as never);
    assert.deepEqual(off.lines, []);
    const failing = layer(OPEN, { sinkThrows: true });
    failing.auth.audit({ req: fhirReq('GET', '/Patient/1001'), status: 200, auth: undefined } as never);
    const error = failing.logged.find((l) => l.level === 50);
    assert.deepEqual([error?.msg, error?.error], ['audit record could not be built', 'RangeError']);
  });

  it('a token sent again (answered without verifying it again) still gets its own request\'s facts: the scope refusal and its reason', async () => {
    const issuer = await startIssuer(() => BASE);
    try {
      const config = loadConfig({ ...OSCAR, FHIR_BASE_URL: BASE, SMART_ISSUER: issuer.issuer, SMART_JWKS_URL: issuer.jwksUrl, SMART_TOKEN_URL: `${issuer.issuer}/token`, SMART_EXTERNAL_SYSTEM_SCOPES: 'true', AUDIT_LOG: 'stderr' });
      const { auth, lines } = layer(config);
      const authorization = `Bearer ${await issuer.token({ scope: 'system/Immunization.rs' })}`;
      // The first request verifies the token, the second finds it verified, the third is the same header again.
      for (const n of [1, 2, 3]) {
        const req = { ...fhirReq('GET', '/Patient/1001', authorization), requestId: `again-${n}` };
        const ctx = await auth.authenticate(socket('192.0.2.7'), req);
        const hookCtx = { auth: ctx, requestId: req.requestId, baseUrl: BASE, signal: new AbortController().signal, prefer: {} } as never;
        assert.throws(() => auth.hooks.beforeInteraction!(hookCtx, { interaction: 'read', type: 'Patient', id: '1001' }), (e: unknown) => isFhirError(e) && e.status === 403);
        auth.audit({ req, status: 403, auth: ctx } as never);
        const event = JSON.parse(lines.at(-1)!);
        assert.equal(event.extension[0].valueString, `again-${n}`);
        assert.match(event.outcomeDesc, /^HTTP 403 insufficient_scope Patient\.r/, `request ${n}`);
        assert.deepEqual(event.agent[0].network, { address: '192.0.2.7', type: '2' });
      }
    } finally {
      await issuer.close();
    }
  });

  it('does not close a destination shared with other clinics', async () => {
    const shared = layer(OPEN);
    await shared.auth.close();
    assert.equal(shared.closed(), 0);
  });
});

describe('start-up log lines', () => {
  const info = (logged: Record<string, unknown>[]) => logged.filter((l) => l.level === 30).map((l) => l.msg);
  const warnings = (logged: Record<string, unknown>[]) => logged.filter((l) => l.level === 40).map((l) => l.msg);
  const SIGNING = 'SMART_SIGNING_KEY_FILE is not set: id_tokens are signed with a key made at start-up, so apps holding one from before a restart cannot verify it';

  it('says SMART is on, with its token endpoint and where the audit goes', () => {
    const own = layer(OWN).logged.find((l) => l.msg === 'SMART on FHIR authorization is on');
    assert.deepEqual({ clients: own?.clients, tokenEndpoint: own?.tokenEndpoint, audit: own?.audit }, { clients: 1, tokenEndpoint: `${BASE}/auth/token`, audit: 'file' });
    const ext = layer(EXTERNAL).logged.find((l) => l.msg === 'SMART on FHIR authorization is on');
    assert.deepEqual({ clients: ext?.clients, tokenEndpoint: ext?.tokenEndpoint, issuer: ext?.externalIssuer, audit: ext?.audit }, { clients: 0, tokenEndpoint: undefined, issuer: 'https://idp.example.org', audit: 'stderr' });
    assert.equal(layer({ ...EXTERNAL, auditLog: 'stdout' }).logged.find((l) => l.msg === 'SMART on FHIR authorization is on')?.audit, 'stdout');
    assert.deepEqual(info(layer(OPEN).logged), [], 'nothing about SMART when it is off');
  });

  it('warns about a signing key made at start-up only for its own token endpoint without a shared state', () => {
    assert.deepEqual(warnings(layer(OWN).logged), [SIGNING]);
    assert.deepEqual(warnings(layer(OWN, { shared: true }).logged), []);
    assert.deepEqual(warnings(layer(EXTERNAL).logged), []);
    assert.deepEqual(warnings(layer({ ...OWN, smart: { ...OWN.smart, signingKey: { kty: 'RSA' } as never } }).logged), []);
  });

  it('warns that SMART apps cannot launch without an OSCAR to sign their users in', () => {
    const apps = { ...OWN, smart: { ...OWN.smart, clients: [...OWN.smart.clients, { ...OWN.smart.clients[0]!, clientId: 'app', kind: 'app' }] } } as Config;
    assert.deepEqual(warnings(layer(apps).logged), ['SMART apps are registered but there is no OSCAR to sign people in with: their launches cannot work', SIGNING]);
    assert.equal(layer(apps).auth.signsPeopleIn, false);
  });
});

describe('the routes it mounts', () => {
  const servers: { close(): void }[] = [];
  after(() => { for (const s of servers) s.close(); });

  async function serve(config: Config): Promise<string> {
    const app = express();
    layer(config).auth.mount(app);
    const server = app.listen(0, '127.0.0.1');
    servers.push(server);
    await once(server, 'listening');
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('SMART discovery: public, cacheable for five minutes, readable from any origin', async () => {
    const url = await serve(OWN);
    const res = await fetch(`${url}/fhir/.well-known/smart-configuration`);
    assert.equal(res.status, 200);
    assert.deepEqual([res.headers.get('cache-control'), res.headers.get('access-control-allow-origin')], ['public, max-age=300', '*']);
    const body = await res.json() as { token_endpoint?: string; authorization_endpoint?: string };
    assert.deepEqual([body.token_endpoint, body.authorization_endpoint], [`${BASE}/auth/token`, undefined], 'no apps\' sign-in without an OSCAR to sign people in');
    const options = await fetch(`${url}/fhir/.well-known/smart-configuration`, { method: 'OPTIONS' });
    assert.deepEqual([options.status, options.headers.get('allow')], [204, 'GET, HEAD, OPTIONS']);
  });

  it('its own authorization endpoints answer 503 with Retry-After until it has started; other paths pass on', async () => {
    const url = await serve(OWN);
    for (const path of ['/fhir/auth/token', '/fhir/auth/launch/x', '/fhir/.well-known/openid-configuration']) {
      const res = await fetch(`${url}${path}`);
      assert.deepEqual([res.status, res.headers.get('retry-after')], [503, '1'], path);
      assert.deepEqual(await res.json(), { error: 'temporarily_unavailable', error_description: 'the authorization server is starting' }, path);
    }
    assert.equal((await fetch(`${url}/fhir/Patient/1`)).status, 404, 'not ours: next()');
    assert.equal((await fetch(`${url}/fhir/x/auth/token`)).status, 404);
  });

  it('mounts nothing of the token endpoint with an external server only, and nothing at all without SMART', async () => {
    const ext = await serve(EXTERNAL);
    assert.equal((await fetch(`${ext}/fhir/auth/token`)).status, 404);
    assert.equal((await fetch(`${ext}/fhir/.well-known/smart-configuration`)).status, 200);
    const open = await serve(OPEN);
    assert.equal((await fetch(`${open}/fhir/.well-known/smart-configuration`)).status, 404);
  });
});
