import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { extractOAuthParameters } from '../../src/sim/oauth/header.js';
import type { ServletRequestView } from '../../src/sim/oauth/request-view.js';
import { hmacSha1Base64, signatureBaseString, verifySignature } from '../../src/sim/oauth/signature.js';
import { ACCESS, authHeader, CONSUMER, cookieOf, http, SAMPLE_NOW, signed, startSim, type Sim } from './fixture.js';

// samples §1: the request header and its known-answer vector
const SAMPLE_HEADER = 'OAuth oauth_consumer_key="k3y0s1d2e4f5g6h7", oauth_token="0f8fad5b-d9cb-469f-a165-70867728950e", '
  + 'oauth_signature_method="HMAC-SHA1", oauth_timestamp="1710520000", oauth_nonce="a1b2c3d4e5", oauth_version="1.0", '
  + 'oauth_signature="PqZHhQMlT79zPwLNm40u7JDMM4w%3D"';
const SAMPLE_BASE = 'GET&http%3A%2F%2Femr.example.org%3A8080%2Foscar%2Fws%2Fservices%2Fdemographics%2F1001&oauth_consumer_key%3Dk3y0s1d2e4f5g6h7%26oauth_nonce%3Da1b2c3d4e5%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1710520000%26oauth_token%3D0f8fad5b-d9cb-469f-a165-70867728950e%26oauth_version%3D1.0';

function view(over: Partial<ServletRequestView>): ServletRequestView {
  return {
    method: 'GET', scheme: 'http', serverName: 'emr.example.org', serverPort: 8080,
    requestURI: '/oscar/ws/services/demographics/1001', queryString: null, contentType: null,
    authorizationHeaders: [SAMPLE_HEADER], parameterMap: new Map(), ...over,
  };
}

const faultOf = (code: string): string => '<ns1:XMLFault xmlns:ns1="http://cxf.apache.org/bindings/xformat"><ns1:faultstring xmlns:ns1="http://cxf.apache.org/bindings/xformat">'
  + `ca.openosp.openo.webserv.oauth.OAuth1Exception: ${code}</ns1:faultstring></ns1:XMLFault>`;

describe('OAuth signature: known-answer vectors (samples §1, §10)', () => {
  it('rebuilds the §1 base string and signature from the request the server sees', () => {
    const v = view({});
    assert.equal(signatureBaseString(v, extractOAuthParameters(v)), SAMPLE_BASE);
    assert.equal(hmacSha1Base64(SAMPLE_BASE, `${CONSUMER.secret}&${ACCESS.secret}`), 'PqZHhQMlT79zPwLNm40u7JDMM4w=');
    const secrets = { requestTokenSecret: () => null, accessTokenSecret: (t: string) => (t === ACCESS.key ? ACCESS.secret : null) };
    assert.equal(verifySignature(v, CONSUMER.secret, secrets, 1_710_520_000), ACCESS.key);
    assert.throws(() => verifySignature(v, CONSUMER.secret, secrets, 1_710_520_301), /Stale/);
  });

  it('verifies the §10a initiate signature (callback decoded once, empty token secret) and the §10c token signature', () => {
    const initiate = view({
      method: 'POST', scheme: 'https', serverPort: 443, requestURI: '/oscar/ws/oauth/initiate',
      authorizationHeaders: ['OAuth oauth_consumer_key="k3y0s1d2e4f5g6h7", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1710519000", oauth_nonce="n0nce1", oauth_version="1.0", oauth_callback="https%3A%2F%2Ffacade.example.org%2Foscar%2Fcallback", oauth_signature="jLZFi8PSfI5i%2BkNP7T4K4sWrwXE%3D"'],
    });
    assert.equal(signatureBaseString(initiate, extractOAuthParameters(initiate)),
      'POST&https%3A%2F%2Femr.example.org%2Foscar%2Fws%2Foauth%2Finitiate&oauth_callback%3Dhttps%253A%252F%252Ffacade.example.org%252Foscar%252Fcallback%26oauth_consumer_key%3Dk3y0s1d2e4f5g6h7%26oauth_nonce%3Dn0nce1%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1710519000%26oauth_version%3D1.0');
    const none = { requestTokenSecret: () => null, accessTokenSecret: () => null };
    assert.equal(verifySignature(initiate, CONSUMER.secret, none, 1_710_519_000), null);

    const token = view({
      method: 'POST', scheme: 'https', serverPort: 443, requestURI: '/oscar/ws/oauth/token',
      authorizationHeaders: ['OAuth oauth_consumer_key="k3y0s1d2e4f5g6h7", oauth_token="9b2f7c1e-3a4d-4e5f-8a9b-0c1d2e3f4a5b", oauth_verifier="5d41402a-bc4b-4a76-b971-9d911017c592", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1710519100", oauth_nonce="n0nce2", oauth_version="1.0", oauth_signature="xOQqfKaXjZCDkRkvAxSMEPInVIc%3D"'],
    });
    const rt = { requestTokenSecret: () => 'e4d909c2-90d0-4b7a-8c2e-1f0a9b8c7d6e', accessTokenSecret: () => null };
    assert.equal(verifySignature(token, CONSUMER.secret, rt, 1_710_519_100), '9b2f7c1e-3a4d-4e5f-8a9b-0c1d2e3f4a5b');
  });
});

describe('OAuth guard on /ws/services over HTTP', () => {
  let sim: Sim;
  before(async () => { sim = await startSim(SAMPLE_NOW); });
  after(async () => { await sim.close(); });

  it('accepts exactly the §1 sample header when Host is emr.example.org:8080', async () => {
    const r = await http(sim.port, 'GET', '/oscar/ws/services/demographics/1001',
      { host: 'emr.example.org:8080', accept: 'application/json', authorization: SAMPLE_HEADER });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.match(r.headers['set-cookie']?.[0] ?? '', /^JSESSIONID=[0-9A-F]{32}; Path=\/oscar; HttpOnly$/);
    const body = JSON.parse(r.body) as Record<string, unknown>;
    assert.equal(body.demographicNo, 1001);
    assert.equal(body.dateOfBirth, 317001600000);
    // nonces are never checked: the very same signed request is accepted again
    const replay = await http(sim.port, 'GET', '/oscar/ws/services/demographics/1001',
      { host: 'emr.example.org:8080', accept: 'application/json', authorization: SAMPLE_HEADER });
    assert.equal(replay.status, 200);
  });

  it('decodes header values twice, so a value that still holds "%" after one decoding breaks the signature', async () => {
    const path = '/oscar/ws/services/demographics/1001';
    const url = `${sim.origin}${path}`;
    const send = (nonce: string) => http(sim.port, 'GET', path, { accept: 'application/json', authorization: authHeader({ url, method: 'GET', nonce }) });
    assert.equal((await send('plainNonce42')).status, 200);
    const percent = await send('a%41b'); // sent as a%2541b: decoded to a%41b, then again to aAb
    assert.equal(percent.status, 500);
    assert.equal(percent.body, faultOf('invalid_signature'));
  });

  it('signs the URL the container sees: the same header fails for another Host', async () => {
    const r = await http(sim.port, 'GET', '/oscar/ws/services/demographics/1001',
      { host: 'emr.example.org', accept: 'application/json', authorization: SAMPLE_HEADER });
    assert.equal(r.status, 500);
    assert.equal(r.body, faultOf('invalid_signature'));
    assert.equal(r.headers['content-type'], 'application/json;charset=UTF-8');
  });

  it('answers a tampered signature, a stale timestamp and an unknown token with HTTP 500 invalid_signature', async () => {
    const path = '/oscar/ws/services/demographics/1001';
    const tampered = await http(sim.port, 'GET', path, { host: 'emr.example.org:8080', accept: 'application/json', authorization: SAMPLE_HEADER.replace('PqZH', 'QqZH') });
    const stale = await signed(sim, 'GET', path, { nowSeconds: 1_710_520_000 - 301 });
    const skewOk = await signed(sim, 'GET', path, { nowSeconds: 1_710_520_000 + 299 });
    const unknown = await signed(sim, 'GET', path, { token: { key: 'no-such-token', secret: 'x' } });
    for (const r of [tampered, stale, unknown]) {
      assert.equal(r.status, 500);
      assert.equal(r.body, faultOf('invalid_signature'));
    }
    assert.equal(skewOk.status, 200);
  });

  it('reports the other OAuth1Exception codes of the interceptor', async () => {
    const path = '/oscar/ws/services/demographics/1001';
    const basic = await http(sim.port, 'GET', path, { accept: 'application/json', authorization: 'Basic dXNlcjpwdw==' });
    assert.equal(basic.body, faultOf('missing_consumer_key')); // any Authorization header counts as OAuth
    const lowercase = await http(sim.port, 'GET', path, { accept: 'application/json', authorization: SAMPLE_HEADER.replace(/^OAuth /, 'oauth ') });
    assert.equal(lowercase.body, faultOf('missing_consumer_key')); // the 'OAuth ' prefix is case-sensitive
    const noToken = await http(sim.port, 'GET', path, { accept: 'application/json', authorization: authHeader({ url: `${sim.origin}${path}`, method: 'GET', token: null }) });
    assert.equal(noToken.body, faultOf('missing_access_token'));
    const otherConsumer = await http(sim.port, 'GET', path, { accept: 'application/json',
      authorization: authHeader({ url: `${sim.origin}${path}`, method: 'GET', consumer: { key: 'nobody', secret: 'x' } }) });
    assert.equal(otherConsumer.body, faultOf('invalid_consumer'));
    sim.store.data.oauthAccessTokens.push({ clientId: 1, token: 'orphan', secret: 'orphan-secret', providerNo: '000000', scopes: '', issued: 0 });
    const orphan = await signed(sim, 'GET', path, { token: { key: 'orphan', secret: 'orphan-secret' } });
    assert.equal(orphan.body, faultOf('unknown_provider'));
    for (const r of [basic, lowercase, noToken, otherConsumer, orphan]) assert.equal(r.status, 500);
  });

  it('does not sign JSON bodies, but does sign form bodies', async () => {
    const path = '/oscar/ws/services/schedule/1001/appointmentHistory';
    const url = `${sim.origin}${path}`;
    const plain = await http(sim.port, 'POST', path, {
      accept: 'application/json', 'content-type': 'application/json', authorization: authHeader({ url, method: 'POST' }),
    }, '{"ignored":"value"}');
    assert.equal(plain.status, 200);
    const withJsonSigned = await http(sim.port, 'POST', path, {
      accept: 'application/json', 'content-type': 'application/json',
      authorization: authHeader({ url, method: 'POST', data: { ignored: 'value' } }),
    }, '{"ignored":"value"}');
    assert.equal(withJsonSigned.status, 500);
    assert.equal(withJsonSigned.body, faultOf('invalid_signature'));
  });

  it('signs a literal "+" as "+" and breaks on any non-ASCII query value', async () => {
    const base = '/oscar/ws/services/demographics/quickSearch';
    const url = `${sim.origin}${base}`;
    const send = (raw: string, data: Record<string, string>) => http(sim.port, 'GET', `${base}?query=${raw}`,
      { accept: 'application/json', authorization: authHeader({ url, method: 'GET', data }) });
    assert.equal((await send('doe+jane', { query: 'doe+jane' })).status, 200); // '+' signed literally: OK
    const asSpace = await send('doe+jane', { query: 'doe jane' }); // a client treating '+' as space
    assert.equal(asSpace.status, 500);
    assert.equal(asSpace.body, faultOf('invalid_signature'));
    assert.equal((await send('doe%20jane', { query: 'doe jane' })).status, 200);
    const accented = await send('H%C3%A9l%C3%A8ne', { query: 'Hélène' });
    assert.equal(accented.status, 500);
    assert.equal(accented.body, faultOf('invalid_signature'));
  });

  it('lets unsigned calls through to the resource, which then fails without a session (contract 1.5)', async () => {
    const r = await http(sim.port, 'GET', '/oscar/ws/services/demographics/1001', { accept: 'application/json' });
    assert.equal(r.status, 500);
    assert.match(r.headers['content-type'] ?? '', /^text\/html/);
    assert.match(r.body, /Authentication info is not available/);
  });

  it('authenticates unsigned calls with a logged-in JSESSIONID (contract 7.22)', async () => {
    const login = await http(sim.port, 'POST', '/oscar/login.do', { 'content-type': 'application/x-www-form-urlencoded' },
      'username=oscardoc&password=mac2002&ajaxResponse=true');
    assert.equal(login.status, 200);
    const r = await http(sim.port, 'GET', '/oscar/ws/services/demographics/1001', { accept: 'application/json', cookie: cookieOf(login) });
    assert.equal(r.status, 200);
    assert.equal((JSON.parse(r.body) as { lastName: string }).lastName, 'DOE');
  });

  it('serves /oauth/info for the token\'s provider and scopes', async () => {
    const r = await signed(sim, 'GET', '/oscar/ws/services/oauth/info');
    assert.equal(r.status, 200);
    const info = JSON.parse(r.body) as { providers: { providerNo: string; lastName: string }; login: string; roles: string[] };
    assert.deepEqual([info.login, info.providers.providerNo, info.providers.lastName, info.roles], ['999998', '999998', 'oscardoc', ['patient/*.read']]);
    const anonymous = await http(sim.port, 'GET', '/oscar/ws/services/oauth/info', { accept: 'application/json' });
    assert.equal(anonymous.status, 200);
    assert.equal(anonymous.body, '{"error":"An internal error occurred. Please try again later."}');
  });
});
