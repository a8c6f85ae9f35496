// WS-Security and login as OSCAR's CXF/WSS4J stack applies them (contract 4.2, 4.3, 7.18, 7.27),
// checked with the `soap` package (an independent client) and hand-written envelopes.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as soap from 'soap';
import {
  envelope, PASSWORD_TEXT, post, SECURITY_FAULT_BODY, startSim, usernameToken,
} from './fixture.js';
import type { RunningSim } from './fixture.js';

let sim: RunningSim;
before(async () => { sim = await startSim(); });
after(async () => { await sim.close(); });

const GET_DEMOGRAPHIC = '<ws:getDemographic><arg0>1001</arg0></ws:getDemographic>';
const demographicUrl = (): string => `${sim.ws}/DemographicService`;
const NOT_AUTHORISED = '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode><faultstring>Invalid Username/Password</faultstring><detail><ns1:NotAuthorisedException xmlns:ns1="http://ws.oscarehr.org/"><message>Invalid Username/Password</message></ns1:NotAuthorisedException></detail></soap:Fault></soap:Body></soap:Envelope>';
const BASE64 = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';
const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';

async function login2(userName: string, password: string): Promise<{ securityId: number; securityTokenKey: string; provider?: { providerNo: string } }> {
  const client = await soap.createClientAsync(`${sim.ws}/LoginService?wsdl`);
  const [result] = await client.login2Async({ arg0: userName, arg1: password });
  return result.return;
}

async function assertSecurityFault(xml: string): Promise<number> {
  const r = await post(demographicUrl(), xml);
  assert.equal(r.status, 500);
  assert.equal(r.contentType, 'text/xml;charset=UTF-8');
  assert.equal(r.body, SECURITY_FAULT_BODY);
  return r.ms;
}

describe('LoginService', () => {
  it('login2 returns security id, provider and a token that works as the WS-Security password', async () => {
    const login = await login2('oscardoc', 'mac2002');
    assert.equal(login.securityId, 128);
    assert.equal(login.provider?.providerNo, '999998');
    assert.match(login.securityTokenKey, /^\d+$/);
    const client = await soap.createClientAsync(`${demographicUrl()}?wsdl`);
    client.setSecurity(new soap.WSSecurity(String(login.securityId), login.securityTokenKey, { passwordType: 'PasswordText', hasTimeStamp: false, hasTokenCreated: false }));
    const [result] = await client.getDemographicAsync({ arg0: 1001 });
    assert.equal(result.return.lastName, 'DOE');
  });

  it('derives the token from the JVM start time, so a simulated restart invalidates it', async () => {
    const before = await login2('oscardoc', 'mac2002');
    const ok = await post(demographicUrl(), envelope(GET_DEMOGRAPHIC, usernameToken('128', before.securityTokenKey)));
    assert.equal(ok.status, 200);
    const store = sim.store as { jvmStartMillis: number };
    const original = store.jvmStartMillis;
    store.jvmStartMillis = original + 60_000;
    try {
      await assertSecurityFault(envelope(GET_DEMOGRAPHIC, usernameToken('128', before.securityTokenKey)));
      const afterRestart = await login2('oscardoc', 'mac2002');
      assert.equal(BigInt(afterRestart.securityTokenKey) - BigInt(before.securityTokenKey), 60_000n);
    } finally {
      store.jvmStartMillis = original;
    }
  });

  it('accepts the token as the login password and the user name case-insensitively (MySQL =)', async () => {
    const first = await login2('oscardoc', 'mac2002');
    const again = await login2('OSCARDOC', first.securityTokenKey);
    assert.equal(again.securityTokenKey, first.securityTokenKey);
  });

  it('answers bad credentials with the NotAuthorisedException fault, after the 250 ms throttle', async () => {
    const t0 = performance.now();
    const r = await post(`${sim.ws}/LoginService`, envelope('<ws:login2><arg0>oscardoc</arg0><arg1>wrong</arg1></ws:login2>'));
    assert.ok(performance.now() - t0 >= 245);
    assert.equal(r.status, 500);
    assert.equal(r.body, NOT_AUTHORISED);
    const expired = await post(`${sim.ws}/LoginService`, envelope('<ws:login><arg0>oldnurse</arg0><arg1>nursepw</arg1></ws:login>'));
    assert.equal(expired.body, NOT_AUTHORISED);
  });

  it('faults soap:MustUnderstand when a WS-Security header is sent to an unsecured service', async () => {
    const r = await post(`${sim.ws}/LoginService`, envelope('<ws:login2><arg0>oscardoc</arg0><arg1>mac2002</arg1></ws:login2>', usernameToken('128', 'mac2002')));
    assert.equal(r.status, 500);
    assert.match(r.body, /<faultcode>soap:MustUnderstand<\/faultcode><faultstring>MustUnderstand headers: \[\{http:\/\/docs\.oasis-open\.org\/wss\/2004\/01\/oasis-200401-wss-wssecurity-secext-1\.0\.xsd\}Security\] are not understood\.<\/faultstring>/);
    const alive = await post(`${sim.ws}/SystemInfoService`, envelope('<ws:isAlive/>', usernameToken('128', 'mac2002').replace(' soapenv:mustUnderstand="1"', '')));
    assert.match(alive.body, /<return>alive<\/return>/);
  });
});

describe('WS-Security on secured services', () => {
  it('rejects the soap package default WSSecurity (it adds a wsu:Timestamp) with the exact SecurityError fault', async () => {
    const client = await soap.createClientAsync(`${demographicUrl()}?wsdl`);
    client.setSecurity(new soap.WSSecurity('128', 'mac2002'));
    await assert.rejects(client.getDemographicAsync({ arg0: 1001 }), (err: { response?: { status: number; data: string } }) => {
      assert.equal(err.response?.status, 500);
      assert.equal(err.response?.data, SECURITY_FAULT_BODY);
      return true;
    });
  });

  it('accepts the plaintext password as well as the token', async () => {
    const r = await post(demographicUrl(), envelope(GET_DEMOGRAPHIC, usernameToken('128', 'mac2002')));
    assert.equal(r.status, 200);
    assert.match(r.body, /<displayName>DOE, JANE<\/displayName>/);
  });

  it('sleeps 250 ms before failing a wrong password, but not an unknown user', async () => {
    const slow = await assertSecurityFault(envelope(GET_DEMOGRAPHIC, usernameToken('128', 'nope')));
    assert.ok(slow >= 245, `wrong password answered after ${slow} ms`);
    const fast = await assertSecurityFault(envelope(GET_DEMOGRAPHIC, usernameToken('999', 'mac2002')));
    assert.ok(fast < 200, `unknown user answered after ${fast} ms`);
  });

  it('rejects a missing header, a login name instead of security_no, and an expired account', async () => {
    await assertSecurityFault(envelope(GET_DEMOGRAPHIC));
    await assertSecurityFault(envelope(GET_DEMOGRAPHIC, usernameToken('oscardoc', 'mac2002')));
    await assertSecurityFault(envelope(GET_DEMOGRAPHIC, usernameToken('129', 'nursepw')));
  });

  it('requires the unqualified PasswordText Type attribute', async () => {
    await assertSecurityFault(envelope(GET_DEMOGRAPHIC, usernameToken('128', 'mac2002', '', '')));
    await assertSecurityFault(envelope(GET_DEMOGRAPHIC, usernameToken('128', 'mac2002', '', `wsse:Type="${PASSWORD_TEXT}"`)));
    await assertSecurityFault(envelope(GET_DEMOGRAPHIC, usernameToken('128', 'mac2002', '', `Type="${PASSWORD_TEXT.replace('Text', 'Digest')}"`)));
  });

  it('rejects a valid wsu:Timestamp too (only the UsernameToken action is configured)', async () => {
    const now = new Date();
    const ts = `<wsu:Timestamp xmlns:wsu="${WSU}"><wsu:Created>${now.toISOString()}</wsu:Created><wsu:Expires>${new Date(now.getTime() + 300_000).toISOString()}</wsu:Expires></wsu:Timestamp>`;
    const header = usernameToken('128', 'mac2002').replace('<wsse:UsernameToken>', `${ts}<wsse:UsernameToken>`);
    await assertSecurityFault(envelope(GET_DEMOGRAPHIC, header));
  });

  it('checks Nonce encoding, Created freshness and nonce replays', async () => {
    const created = (ms: number): string => `<wsu:Created xmlns:wsu="${WSU}">${new Date(Date.now() + ms).toISOString()}</wsu:Created>`;
    const nonce = (n: string, attrs = ` EncodingType="${BASE64}"`): string => `<wsse:Nonce${attrs}>${n}</wsse:Nonce>`;
    await assertSecurityFault(envelope(GET_DEMOGRAPHIC, usernameToken('128', 'mac2002', nonce('bm9uY2UtMQ==', ''))));
    await assertSecurityFault(envelope(GET_DEMOGRAPHIC, usernameToken('128', 'mac2002', created(-301_000))));
    await assertSecurityFault(envelope(GET_DEMOGRAPHIC, usernameToken('128', 'mac2002', created(61_000))));
    const fresh = envelope(GET_DEMOGRAPHIC, usernameToken('128', 'mac2002', nonce('bm9uY2UtMg==') + created(-5_000)));
    assert.equal((await post(demographicUrl(), fresh)).status, 200);
    await assertSecurityFault(fresh); // same nonce again: a replay
    // the replay cache is per endpoint
    assert.equal((await post(`${sim.ws}/AllergyService`, fresh.replace(GET_DEMOGRAPHIC, '<ws:getAllergy><arg0>7</arg0></ws:getAllergy>'))).status, 200);
  });

  it('rejects an unknown security action such as a signature', async () => {
    const sig = '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/>';
    await assertSecurityFault(envelope(GET_DEMOGRAPHIC, usernameToken('128', 'mac2002').replace('</wsse:Security>', `${sig}</wsse:Security>`)));
  });
});
