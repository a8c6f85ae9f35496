// Calls that are not OSCAR traffic honour the environment's HTTPS_PROXY / HTTP_PROXY / NO_PROXY
// (docs/proxy.md §5): oidc-provider fetching a Backend Services client's jwks_uri, and the
// external issuer's keys (SMART_JWKS_URL), go through the clinic's proxy with its credentials;
// NO_PROXY sends them direct; OSCAR_PROXY=none keeps OSCAR direct whatever the environment says.
// The keys are served by the fixture's issuer on 127.0.0.1 (http, so HTTP_PROXY is the variable).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../src/logging.js';
import { startOutboundProxy, type OutboundProxy } from '../helpers/outbound-proxy.js';
import { startSecureStack, type SecureStack } from './fixture.js';

const USER = 'keys-fetcher';
const PASSWORD = 'Egr3ss-Pr0xy';

const form = (assertion: string, scope = 'system/Patient.rs'): Record<string, string> => ({
  grant_type: 'client_credentials', scope, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion,
});

describe('non-OSCAR calls through the environment\'s proxy', () => {
  let s: SecureStack;
  let proxy: OutboundProxy;
  before(async () => {
    proxy = await startOutboundProxy({ credentials: `${USER}:${PASSWORD}` });
    s = await startSecureStack({ env: { HTTP_PROXY: `http://${USER}:${PASSWORD}@127.0.0.1:${proxy.port}`, OSCAR_PROXY: 'none' } })
      .catch(async (e: unknown) => { await proxy.close(); throw e; });
  });
  after(async () => { await s.close(); await proxy.close(); });

  it('a backend client\'s jwks_uri is fetched through the proxy, and the client authenticates', async () => {
    proxy.seen.length = 0;
    const r = await s.tokenRequest(form(await s.assertion(s.clients.remote)));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const keys = new URL(s.issuer.jwksUrl).origin;
    assert.deepEqual(proxy.seen.map((x) => `${x.method} ${x.target}`), [`GET ${keys}/client-keys/jwks.json`]);
    assert.equal(proxy.seen[0]!.proxyAuthorization, `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`);
  });

  it('the external issuer\'s keys are fetched through the proxy; OSCAR, under OSCAR_PROXY=none, is not', async () => {
    proxy.seen.length = 0;
    const token = await s.issuer.token({ scope: 'openid patient/Patient.rs', patient: '1001', fhirUser: 'Patient/1001' });
    const r = await s.as(token, '/Patient/1001');
    assert.equal(r.status, 200, r.text.slice(0, 300));
    assert.deepEqual(proxy.seen.map((x) => `${x.method} ${x.target}`), [`GET ${s.issuer.jwksUrl}`]);
    const read = await s.as(await s.backendToken('system/Patient.rs'), '/Patient/1001');
    assert.equal(read.status, 200, read.text.slice(0, 300));
    assert.ok(proxy.seen.every((x) => !x.target.startsWith(s.sim.url.replace(/\/oscar$/, ''))), 'no OSCAR call through the proxy');
  });
});

describe('NO_PROXY names the keys\' host', () => {
  let s: SecureStack;
  let proxy: OutboundProxy;
  before(async () => {
    proxy = await startOutboundProxy();
    s = await startSecureStack({ env: { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1', OSCAR_PROXY: 'none' } })
      .catch(async (e: unknown) => { await proxy.close(); throw e; });
  });
  after(async () => { await s.close(); await proxy.close(); });

  it('fetches them directly', async () => {
    const r = await s.tokenRequest(form(await s.assertion(s.clients.remote)));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(proxy.seen.length, 0);
  });
});

describe('a proxy that refuses the keys\' fetch', () => {
  let s: SecureStack;
  let proxy: OutboundProxy;
  let logs = '';
  before(async () => {
    proxy = await startOutboundProxy({ credentials: `${USER}:${PASSWORD}` });
    s = await startSecureStack({ logger: createLogger('debug', { write: (line: string) => { logs += line; } }), env: { HTTP_PROXY: `http://${USER}:wrong@127.0.0.1:${proxy.port}`, OSCAR_PROXY: 'none' } })
      .catch(async (e: unknown) => { await proxy.close(); throw e; });
  });
  after(async () => { await s.close(); await proxy.close(); });

  it('the client is not authenticated; a token from the external issuer gets 503; the password appears in neither answer', async () => {
    const r = await s.tokenRequest(form(await s.assertion(s.clients.remote)));
    assert.equal(r.body.error, 'invalid_client', JSON.stringify(r.body));
    const read = await s.as(await s.issuer.token({ scope: 'openid patient/Patient.rs', patient: '1001', fhirUser: 'Patient/1001' }), '/Patient/1001');
    assert.equal(read.status, 503, read.text.slice(0, 300));
    assert.deepEqual(proxy.seen.map((x) => x.proxyAuthorization), [`Basic ${Buffer.from(`${USER}:wrong`).toString('base64')}`, `Basic ${Buffer.from(`${USER}:wrong`).toString('base64')}`]);
    assert.ok(logs.length > 0);
    // The failure is logged as the key fetch's, with the proxy's refusal: not as OSCAR's.
    assert.match(logs, new RegExp(`"msg":"a signing-key fetch from 127\\.0\\.0\\.1:\\d+ through the proxy failed: the proxy http://127\\.0\\.0\\.1:${proxy.port} refused it \\(HTTP 407\\)"`));
    assert.doesNotMatch(logs, /OSCAR (unavailable|did not answer|refused)|egress 127/);
    for (const text of [JSON.stringify(r.body), read.text, logs]) assert.ok(!text.includes('wrong') && !text.includes(PASSWORD), text);
  });
});
