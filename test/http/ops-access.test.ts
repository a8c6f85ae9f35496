// /metrics and the checks of /readyz need the operator's OPS_TOKEN once a real OSCAR is
// configured; /healthz and the readiness status code stay open; the embedded demo stays open.
// Ops answers that grant CORS per origin carry Vary: Origin.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSecureStack, type SecureStack } from '../auth/fixture.js';
import { startStack, type Stack } from '../helpers/stack.js';

const OPS_TOKEN = 'ops-token-0123456789abcdef';
/** A "real" OSCAR in the configuration (the stack still wires the facade to its simulator). */
const REAL_OSCAR = {
  OSCAR_URL: 'http://127.0.0.1:9/oscar', OSCAR_CONSUMER_KEY: 'k', OSCAR_CONSUMER_SECRET: 's', OSCAR_ACCESS_TOKEN: 't',
  OSCAR_ACCESS_TOKEN_SECRET: 'ts', OSCAR_SOAP_USERNAME: 'u', OSCAR_SOAP_PASSWORD: 'p',
};

const root = (s: Stack): string => s.base.replace(/\/fhir$/, '');
const get = (s: Stack, path: string, token?: string): Promise<Response> =>
  fetch(`${root(s)}${path}`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });

describe('with a real OSCAR and no OPS_TOKEN', () => {
  let s: SecureStack;
  before(async () => { s = await startSecureStack({ extraEnv: REAL_OSCAR }); });
  after(async () => { await s.close(); });

  it('/metrics is closed to everyone; /healthz and the readiness status stay open without detail', async () => {
    const m = await get(s, '/metrics');
    assert.equal(m.status, 403);
    assert.match(await m.text(), /OPS_TOKEN/);
    assert.equal((await get(s, '/healthz')).status, 200);
    const r = await get(s, '/readyz');
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { status: 'ready' });
  });
});

describe('with OPS_TOKEN', () => {
  let s: SecureStack;
  before(async () => { s = await startSecureStack({ extraEnv: { ...REAL_OSCAR, OPS_TOKEN } }); });
  after(async () => { await s.close(); });

  it('/metrics needs the token as a bearer token', async () => {
    const none = await get(s, '/metrics');
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer /);
    assert.doesNotMatch(await none.text(), /fhir_requests_total/);
    assert.equal((await get(s, '/metrics', `${OPS_TOKEN}x`)).status, 401);
    assert.equal((await get(s, '/metrics', await s.backendToken('system/*.rs'))).status, 401, 'a FHIR access token is not the ops token');
    const ok = await get(s, '/metrics', OPS_TOKEN);
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /fhir_requests_total/);
  });

  it('/readyz names the failing side only to the token holder', async () => {
    assert.deepEqual(await (await get(s, '/readyz')).json(), { status: 'ready' });
    const detail = await (await get(s, '/readyz', OPS_TOKEN)).json() as { checks?: Record<string, string> };
    assert.deepEqual(detail.checks, { rest: 'ok', soap: 'ok' });
  });

  it('refuses a short OPS_TOKEN at start-up', async () => {
    const { loadConfig, ConfigError } = await import('../../src/config.js');
    assert.throws(() => loadConfig({ OPS_TOKEN: 'short' }), (e: unknown) => e instanceof ConfigError && e.problems.some((p) => p.startsWith('OPS_TOKEN')));
  });
});

describe('the embedded simulator without OPS_TOKEN (demo)', () => {
  let s: Stack;
  before(async () => { s = await startStack(); });
  after(async () => { await s.close(); });

  it('keeps /metrics and the readiness checks open', async () => {
    assert.equal((await get(s, '/metrics')).status, 200);
    assert.ok(((await (await get(s, '/readyz')).json()) as { checks?: unknown }).checks);
  });
});

describe('CORS on ops routes (CORS_ORIGINS set)', () => {
  let s: SecureStack;
  before(async () => { s = await startSecureStack({ extraEnv: { CORS_ORIGINS: 'https://app.example.org' } }); });
  after(async () => { await s.close(); });

  it('answers that grant an origin, and those that do not, carry Vary: Origin', async () => {
    for (const path of ['/healthz']) {
      for (const origin of ['https://app.example.org', 'https://evil.example.org', undefined]) {
        const r = await fetch(`${root(s)}${path}`, origin ? { headers: { origin } } : {});
        assert.equal(r.status, 200, path);
        assert.match(r.headers.get('vary') ?? '', /\bOrigin\b/i, `${path} from ${origin ?? 'no origin'}`);
        assert.equal(r.headers.get('access-control-allow-origin'), origin === 'https://app.example.org' ? origin : null);
      }
    }
  });

  it('opens the discovery documents and the key set to every origin (SMART 2.2: smart §1.1)', async () => {
    for (const path of ['/fhir/.well-known/smart-configuration', '/fhir/.well-known/openid-configuration', '/fhir/auth/jwks']) {
      for (const origin of ['https://app.example.org', 'https://evil.example.org']) {
        const r = await fetch(`${root(s)}${path}`, { headers: { origin } });
        assert.equal(r.status, 200, path);
        assert.ok(['*', origin].includes(r.headers.get('access-control-allow-origin') ?? ''), `${path} from ${origin}: ${r.headers.get('access-control-allow-origin')}`);
      }
    }
  });
});
