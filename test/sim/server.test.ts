// The assembled simulator over real HTTP with the real protocol routers: SOAP tokens dying on
// restart, OAuth-signed REST, faults and stats on real operations, keep-alive-safe close, the CLI.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, describe, it } from 'node:test';
import OAuth from 'oauth-1.0a';
import { demoCredentials } from '../../src/sim/options.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';

const creds = demoCredentials({});
const repo = fileURLToPath(new URL('../..', import.meta.url));

const envelope = (op: string, args: string, header = ''): string =>
  `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header>${header}</soap:Header>`
  + `<soap:Body><ws:${op} xmlns:ws="http://ws.oscarehr.org/">${args}</ws:${op}></soap:Body></soap:Envelope>`;

const wsse = (user: number, password: string): string =>
  '<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" soap:mustUnderstand="1">'
  + `<wsse:UsernameToken><wsse:Username>${user}</wsse:Username><wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">${password}</wsse:Password></wsse:UsernameToken></wsse:Security>`;

async function soap(sim: Simulator, service: string, body: string): Promise<{ status: number; xml: string }> {
  const r = await fetch(`${sim.url}/ws/${service}`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=UTF-8', soapaction: '""' }, body });
  return { status: r.status, xml: await r.text() };
}

async function login(sim: Simulator, user = creds.soapUserName, password = creds.soapPassword): Promise<string> {
  const { status, xml } = await soap(sim, 'LoginService', envelope('login2', `<arg0>${user}</arg0><arg1>${password}</arg1>`));
  assert.equal(status, 200, xml);
  const token = /<securityTokenKey>([^<]+)<\/securityTokenKey>/.exec(xml)?.[1];
  assert.ok(token, 'login2 returned a token');
  return token;
}

const getDemographic = (sim: Simulator, token: string, securityNo = creds.securityNo): Promise<{ status: number; xml: string }> =>
  soap(sim, 'DemographicService', envelope('getDemographic', '<arg0>1001</arg0>', wsse(securityNo, token)));

function signedGet(sim: Simulator, path: string, token = { key: creds.accessToken, secret: creds.accessTokenSecret }): Promise<Response> {
  const url = `${sim.url}/ws/services${path}`;
  const oauth = new OAuth({
    consumer: { key: creds.consumerKey, secret: creds.consumerSecret }, signature_method: 'HMAC-SHA1',
    hash_function: (base, key) => crypto.createHmac('sha1', key).update(base).digest('base64'),
  });
  const header = oauth.toHeader(oauth.authorize({ url, method: 'GET' }, token));
  return fetch(url, { headers: { ...header, accept: 'application/json' } });
}

describe('startSimulator', () => {
  let sim: Simulator;
  before(async () => { sim = await startSimulator({ patients: 40 }); });
  after(async () => { await sim.close(); });
  beforeEach(() => { sim.faults.clear(); sim.stats.reset(); });

  it('listens on an ephemeral loopback port under /oscar', async () => {
    assert.match(sim.url, /^http:\/\/127\.0\.0\.1:\d+\/oscar$/);
    assert.ok(sim.port > 0);
    assert.equal(sim.store.data.demographics.length, 40);
    assert.equal(sim.store.timezone, 'America/Toronto');
    const list = await fetch(`${sim.url}/ws/`);
    const html = await list.text();
    for (const svc of ['LoginService', 'DemographicService', 'PreventionService', 'DocumentService']) assert.ok(html.includes(`${sim.url}/ws/${svc}?wsdl`), svc);
    assert.equal((await fetch(`${sim.url}/nothing-here`)).status, 404);
  });

  it('restart() gives OSCAR a new JVM start: old SOAP tokens fail, a fresh login works', async () => {
    const token = await login(sim);
    let r = await getDemographic(sim, token);
    assert.equal(r.status, 200);
    assert.match(r.xml, /<lastName>DOE<\/lastName>/);
    const before = sim.store.jvmStartMillis;
    sim.restart();
    assert.notEqual(sim.store.jvmStartMillis, before);
    r = await getDemographic(sim, token);
    assert.equal(r.status, 500);
    assert.match(r.xml, /SecurityError/);
    const fresh = await login(sim);
    assert.notEqual(fresh, token);
    assert.equal((await getDemographic(sim, fresh)).status, 200);
  });

  it('restarts through the admin API too', async () => {
    const token = await login(sim);
    const before = sim.store.jvmStartMillis;
    const r = await fetch(`${sim.url.replace(/\/oscar$/, '')}/__sim/restart`, { method: 'POST' });
    const { jvmStartMillis } = await r.json() as { jvmStartMillis: number };
    assert.ok(jvmStartMillis > before);
    assert.equal(sim.store.jvmStartMillis, jvmStartMillis);
    assert.equal((await getDemographic(sim, token)).status, 500);
  });

  it('answers OAuth-signed REST with the demo credentials and counts it by operation', async () => {
    const r = await signedGet(sim, '/demographics/1001');
    assert.equal(r.status, 200);
    const body = await r.json() as { lastName: string; firstName: string };
    assert.deepEqual([body.lastName, body.firstName], ['DOE', 'JANE']);
    const ops = Object.keys(sim.stats.snapshot().byOperation);
    assert.equal(ops.length, 1);
    assert.match(ops[0] ?? '', /^REST GET \/demographics\//);
  });

  it('revokes a clinician\'s access tokens as OSCAR\'s token list does: each then meets the interceptor\'s 500 XMLFault (contract 2.7)', async () => {
    const signIn = { key: 'c1d2e3f4-0000-4000-8000-000000000001', secret: 'c1d2e3f4-0000-4000-8000-000000000002' };
    const otherDoctor = { key: 'c1d2e3f4-0000-4000-8000-000000000003', secret: 'c1d2e3f4-0000-4000-8000-000000000004' };
    const otherNo = sim.store.data.providers.find((p) => p.providerNo !== creds.providerNo)!.providerNo;
    sim.store.data.oauthAccessTokens.push(
      { clientId: 1, token: signIn.key, secret: signIn.secret, providerNo: creds.providerNo, scopes: '', issued: 1_800_000_000 },
      { clientId: 1, token: otherDoctor.key, secret: otherDoctor.secret, providerNo: otherNo, scopes: '', issued: 1_800_000_000 },
    );
    assert.equal((await signedGet(sim, '/demographics/1001', signIn)).status, 200);
    assert.equal(sim.revokeAccessTokens(creds.providerNo), 1, 'the sign-in\'s token; the demo credentials\' own is kept');
    const refused = await signedGet(sim, '/demographics/1001', signIn);
    assert.equal(refused.status, 500);
    assert.equal(refused.headers.get('content-type'), 'application/json;charset=UTF-8');
    assert.equal(await refused.text(), '<ns1:XMLFault xmlns:ns1="http://cxf.apache.org/bindings/xformat"><ns1:faultstring xmlns:ns1="http://cxf.apache.org/bindings/xformat">'
      + 'ca.openosp.openo.webserv.oauth.OAuth1Exception: invalid_signature</ns1:faultstring></ns1:XMLFault>');
    assert.equal((await signedGet(sim, '/demographics/1001')).status, 200, 'the facade\'s own token still works');
    assert.equal((await signedGet(sim, '/demographics/1001', otherDoctor)).status, 200, 'another provider\'s token still works');
    // The same through the admin API.
    const admin = `${sim.url.replace(/\/oscar$/, '')}/__sim/oauth/revoke`;
    const r = await fetch(admin, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ providerNo: otherNo }) });
    assert.deepEqual([r.status, await r.json()], [200, { revoked: 1 }]);
    assert.equal((await signedGet(sim, '/demographics/1001', otherDoctor)).status, 500);
    const bad = await fetch(admin, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.deepEqual([bad.status, await bad.json()], [400, { error: 'providerNo (a string) is required' }]);
  });

  it('injects faults into real operations and counts them', async () => {
    const token = await login(sim);
    sim.faults.add({ match: { path: '/ws/DemographicService', operation: 'getDemographic' }, mode: 'soapFault', faultString: 'simulated outage', times: 1 });
    let r = await getDemographic(sim, token);
    assert.equal(r.status, 500);
    assert.match(r.xml, /<faultstring>simulated outage<\/faultstring>/);
    r = await getDemographic(sim, token);
    assert.equal(r.status, 200, 'the rule expired');
    sim.faults.add({ match: { path: '/ws/services' }, mode: 'http500' });
    const rest = await signedGet(sim, '/demographics/1001');
    assert.equal(rest.status, 500);
    assert.match(await rest.text(), /An error has occurred/);
    assert.equal(sim.stats.count('DemographicService.getDemographic'), 2);
    assert.equal(sim.stats.count('LoginService.login2'), 1);
    assert.deepEqual(sim.stats.snapshot().faults, { soapFault: 1, http500: 1 });
  });
});

describe('startSimulator options and shutdown', () => {
  it('honours contextPath, credentials and admin: false', async () => {
    const custom = { ...creds, soapUserName: 'drsmith', soapPassword: 'pw-1', securityNo: 501, providerNo: '777001' };
    const sim = await startSimulator({ patients: 10, contextPath: '/emr/', credentials: custom, admin: false, seed: 9 });
    try {
      assert.match(sim.url, /\/emr$/);
      const token = await login(sim, 'drsmith', 'pw-1');
      assert.equal((await getDemographic(sim, token, 501)).status, 200);
      assert.equal((await fetch(`${sim.url.replace(/\/emr$/, '')}/__sim/stats`)).status, 404);
      assert.equal((await fetch(`${sim.url.replace(/\/emr$/, '')}/oscar/ws/`)).status, 404);
    } finally { await sim.close(); }
  });

  it('rejects an unknown timezone', async () => {
    await assert.rejects(startSimulator({ timezone: 'Mars/Olympus', patients: 5 }), RangeError);
  });

  it('close() drops idle keep-alive and held connections promptly', async () => {
    const sim = await startSimulator({ patients: 5 });
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        httpRequest(`${sim.url}/ws/`, { agent }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); }).on('error', reject).end();
      });
      assert.equal(status, 200);
      const idle = Object.values(agent.freeSockets).flat();
      assert.equal(idle.length, 1, 'an idle keep-alive socket');
      const socketClosed = new Promise<void>((resolve) => idle[0]?.once('close', () => resolve()));

      sim.faults.add({ match: { path: '/ws/services' }, mode: 'timeout' });
      const held = fetch(`${sim.url}/ws/services/demographics/1001`).then(() => 'answered', () => 'dropped');
      while (sim.faults.held === 0) await new Promise((r) => setTimeout(r, 5));

      // The held request never ends by itself and keep-alive lasts 20 s (Tomcat's default), so
      // close() settling at all, well within that, shows it dropped both connections itself.
      const closing = sim.close().then(() => 'closed' as const);
      const keepAliveLimit = new Promise<'waited'>((r) => { const t = setTimeout(() => r('waited'), 10_000); t.unref(); });
      assert.equal(await Promise.race([closing, keepAliveLimit]), 'closed', 'close did not wait for the held request or keep-alive');
      await socketClosed;
      assert.equal(await held, 'dropped');
      await assert.rejects(fetch(`${sim.url}/ws/`));
    } finally { agent.destroy(); await sim.close(); }
  });
});

describe('npm run sim', () => {
  it('starts, prints the facade settings, serves them, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/sim/main.ts'], {
      cwd: repo, env: { ...process.env, SIM_PORT: '0', SIM_PATIENTS: '15', SIM_SEED: '3' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      child.stdout.setEncoding('utf8');
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 20_000);
        child.stdout.on('data', (chunk: string) => {
          out += chunk;
          const m = /^ {2}OSCAR_URL=(\S+)$/m.exec(out);
          if (m?.[1] && out.includes('OSCAR_TIMEZONE=')) { clearTimeout(timer); resolve(m[1]); }
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      assert.match(out, new RegExp(`OSCAR_SOAP_PASSWORD=${creds.soapPassword}`));
      assert.match(out, /15 synthetic patients/);
      const wsdl = await fetch(`${url}/ws/SystemInfoService?wsdl`);
      assert.equal(wsdl.status, 200);
      assert.match(await wsdl.text(), /definitions/);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
