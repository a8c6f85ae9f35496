// `oscar-fhir connect` against the simulator's OAuth provider: the out-of-band flow with the
// person's part (consent page login, Authorize) played over plain HTTP, the credentials file,
// the connectivity report, failures, and the bin script from another directory.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config.js';
import { demoCredentials } from '../../src/sim/options.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { startOutboundProxy } from '../helpers/outbound-proxy.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const creds = demoCredentials({});

/** Plays the person at the consent page: log in and click Authorize (contract 2.3 step 2). */
async function approve(authorizeUrl: string): Promise<Response> {
  const page = await fetch(authorizeUrl);
  assert.equal(page.status, 200);
  const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0]!;
  const html = await page.text();
  const token = /name="oauth_token" value="([^"]+)"/.exec(html)![1]!;
  const origin = new URL(authorizeUrl).origin;
  const ctx = new URL(authorizeUrl).pathname.replace(/\/ws\/oauth\/authorize$/, '');
  const login = await fetch(`${origin}${ctx}/login.do`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ username: creds.soapUserName, password: creds.soapPassword, pin: '', ajaxResponse: 'true', oauth_token: token }).toString(),
  });
  assert.equal(login.status, 200);
  const session = (login.headers.get('set-cookie') ?? '').split(';')[0] || cookie;
  return fetch(`${origin}${ctx}/ws/oauth/authorize`, {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session },
    body: new URLSearchParams({ oauth_token: token, oauthDecision: 'allow' }).toString(),
  });
}

function capture(onText?: (all: string) => void): Writable & { text: string } {
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) { w.text += chunk.toString(); onText?.(w.text); cb(); },
  }) as Writable & { text: string };
  w.text = '';
  return w;
}

describe('oscar-fhir connect (out-of-band verifier)', () => {
  let sim: Simulator;
  let dir: string;
  before(async () => {
    sim = await startSimulator({ port: 0, credentials: creds });
    dir = mkdtempSync(join(tmpdir(), 'oscar-fhir-connect-'));
  });
  after(async () => { await sim.close(); });

  const env = (extra: Record<string, string> = {}) => ({ OSCAR_CONSUMER_SECRET: creds.consumerSecret, OSCAR_SOAP_PASSWORD: creds.soapPassword, ...extra });

  async function runOob(out: string, extraEnv: Record<string, string> = {}) {
    const stdin = new PassThrough();
    let approving: Promise<void> | undefined;
    const stdout = capture((text) => {
      const m = /(http:\/\/\S+\/ws\/oauth\/authorize\?oauth_token=\S+)/.exec(text);
      if (m && !approving && /Paste the verifier/.test(text)) {
        approving = (async () => {
          const r = await approve(m[1]!);
          assert.equal(r.status, 200, 'oob: OSCAR shows the verifier as text');
          stdin.write(`${(await r.text()).trim()}\n`);
        })();
      }
    });
    const stderr = capture();
    const code = await main(['connect', '--oscar-url', sim.url, '--consumer-key', creds.consumerKey, '--soap-user', creds.soapUserName, '--oob', '--out', out, '--timeout', '20'],
      { stdin, stdout, stderr }, env(extraEnv));
    await approving;
    return { code, stdout: stdout.text, stderr: stderr.text };
  }

  it('through the outbound proxy of HTTP_PROXY (docs/proxy.md): the handshake and the report both go through it', async () => {
    const proxy = await startOutboundProxy({ credentials: 'it:Pr0xy-pass' });
    try {
      const r = await runOob(join(dir, 'through-proxy.json'), { HTTP_PROXY: `http://it:Pr0xy-pass@127.0.0.1:${proxy.port}` });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const paths = proxy.seen.map((x) => `${x.method} ${new URL(x.target).pathname}`);
      for (const p of ['POST /oscar/ws/oauth/initiate', 'POST /oscar/ws/oauth/token', 'GET /oscar/ws/services/oauth/info', 'POST /oscar/ws/SystemInfoService']) assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
      assert.ok(!(r.stdout + r.stderr).includes('Pr0xy-pass'));
    } finally { await proxy.close(); }
  });

  it('runs the handshake, writes a 0600 credentials file the server can use, and reports REST, SOAP and clock', async () => {
    const out = join(dir, 'oscar-credentials.json');
    writeFileSync(out, 'stale', { mode: 0o644 }); // replaced, never kept world-readable
    const before = sim.store.data.oauthAccessTokens.length;
    const r = await runOob(out);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(statSync(out).mode & 0o777, 0o600);
    const file = JSON.parse(readFileSync(out, 'utf8')) as Record<string, string>;
    assert.equal(file.OSCAR_URL, sim.url);
    assert.equal(file.OSCAR_CONSUMER_KEY, creds.consumerKey);
    assert.equal(file.OSCAR_SOAP_USERNAME, creds.soapUserName);
    assert.equal(file.providerNo, creds.providerNo);
    assert.equal(sim.store.data.oauthAccessTokens.length, before + 1);
    const issued = sim.store.data.oauthAccessTokens.at(-1)!;
    assert.equal(file.OSCAR_ACCESS_TOKEN, issued.token);
    assert.notEqual(file.OSCAR_ACCESS_TOKEN, creds.accessToken, 'a new token, not the demo one');
    assert.match(r.stdout, /ok +REST +\/ws\/services\/oauth\/info +reachable.*provider 999998/);
    assert.match(r.stdout, /ok +SOAP +SystemInfoService +reachable; clock skew [+-][\d.]+ s/);
    assert.match(r.stdout, /ok +SOAP +LoginService\.login2 +credentials.*accepted/);
    assert.doesNotMatch(r.stdout + r.stderr, new RegExp(`${creds.consumerSecret}|${creds.soapPassword}|${issued.secret}`), 'no secret is printed');

    // The server reads the file as its OSCAR_* configuration (real OSCAR: SMART on by default).
    const clients = join(dir, 'clients.json');
    writeFileSync(clients, JSON.stringify({ clients: [{ client_id: 'c1', scope: 'system/*.rs', jwks_uri: 'https://keys.example.org/jwks' }] }));
    const config = loadConfig({ OSCAR_CREDENTIALS_FILE: out, SMART_CLIENTS_FILE: clients, AUDIT_LOG: join(dir, 'audit.jsonl') });
    assert.equal(config.authMode, 'smart');
    assert.deepEqual(config.oscar, {
      url: sim.url, consumerKey: creds.consumerKey, consumerSecret: creds.consumerSecret, accessToken: issued.token, accessTokenSecret: issued.secret,
      soapUserName: creds.soapUserName, soapPassword: creds.soapPassword,
    });

    // `check` re-runs the report from the file (REST signed with the new token).
    const stdout = capture();
    assert.equal(await main(['check', '--credentials', out], { stdin: new PassThrough(), stdout, stderr: capture() }, {}), 0, stdout.text);
    assert.match(stdout.text, /ok +REST/);
  });

  it('reports a refused SOAP login, exits 1, and still keeps the approved OAuth token (mode 0600)', async () => {
    const out = join(dir, 'bad-soap.json');
    const r = await runOob(out, { OSCAR_SOAP_PASSWORD: 'wrong-password' });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /FAIL +SOAP +LoginService\.login2 +.*refused/);
    assert.match(r.stdout, /ok +REST/);
    assert.equal(statSync(out).mode & 0o777, 0o600);
  });

  it('explains a refused consumer and writes nothing', async () => {
    const out = join(dir, 'never.json');
    const stderr = capture();
    const code = await main(['connect', '--oscar-url', sim.url, '--consumer-key', creds.consumerKey, '--soap-user', 'oscardoc', '--oob', '--out', out],
      { stdin: new PassThrough(), stdout: capture(), stderr }, env({ OSCAR_CONSUMER_SECRET: 'not-the-secret' }));
    assert.equal(code, 1);
    assert.match(stderr.text, /consumer key and secret/);
    assert.equal(existsSync(out), false);
  });

  it('refuses to run without what it needs, and never asks for secrets without a terminal', async () => {
    const stderr = capture();
    assert.equal(await main(['connect', '--oscar-url', sim.url], { stdin: new PassThrough(), stdout: capture(), stderr }, {}), 2);
    assert.match(stderr.text, /--consumer-key/);
    const stderr2 = capture();
    assert.equal(await main(['connect', '--oscar-url', sim.url, '--consumer-key', 'k', '--soap-user', 'u'], { stdin: new PassThrough(), stdout: capture(), stderr: stderr2 }, {}), 2);
    assert.match(stderr2.text, /consumer secret: not given, and there is no terminal/);
  });

  it('check reads a file without the SOAP login as the server would: REST checked, SOAP login reported as not checked', async () => {
    const out = join(dir, 'rest-only.json');
    writeFileSync(out, JSON.stringify({
      OSCAR_URL: sim.url, OSCAR_CONSUMER_KEY: creds.consumerKey, OSCAR_CONSUMER_SECRET: creds.consumerSecret,
      OSCAR_ACCESS_TOKEN: creds.accessToken, OSCAR_ACCESS_TOKEN_SECRET: creds.accessTokenSecret,
    }), { mode: 0o600 });
    const stdout = capture();
    // REST alone is usable: check fails only when nothing is (README "Checking an OSCAR").
    assert.equal(await main(['check', '--credentials', out], { stdin: new PassThrough(), stdout, stderr: capture() }, {}), 0, stdout.text);
    assert.match(stdout.text, /ok +REST +\/ws\/services\/oauth\/info/);
    assert.match(stdout.text, /FAIL +SOAP +LoginService\.login2 +not checked: no SOAP user name and password given/);
    assert.match(stdout.text, /FIX +OSCAR refused the SOAP login/);
  });

  it('check refuses a credentials file others can read', async () => {
    const out = join(dir, 'lax.json');
    writeFileSync(out, '{}');
    chmodSync(out, 0o644);
    const stderr = capture();
    assert.equal(await main(['check', '--credentials', out], { stdin: new PassThrough(), stdout: capture(), stderr }, {}), 2);
    assert.match(stderr.text, /chmod 600/);
  });
});

describe('bin/oscar-fhir.js', () => {
  it('runs from any directory (no build step) and exits with the command\'s status', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'oscar-fhir-bin-'));
    const help = spawnSync(process.execPath, [join(ROOT, 'bin/oscar-fhir.js'), 'help'], { cwd, encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /oscar-fhir <command>/);
    const bad = spawnSync(process.execPath, [join(ROOT, 'bin/oscar-fhir.js'), 'connect', '--no-such-flag'], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH } });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /no-such-flag/);
  });
});
