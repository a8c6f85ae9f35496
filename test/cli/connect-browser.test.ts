// `oscar-fhir connect` end to end with a real headless Chromium (the one npm ships in
// @sparticuz/chromium, driven by playwright-core: test/helpers/chromium.ts): the bin script starts
// the handshake and its callback listener, the browser logs in on the simulator's consent page
// and clicks Authorize, OSCAR's 303 lands on the listener, and the CLI writes the credentials file
// and its report.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { demoCredentials } from '../../src/sim/options.js';
import { launchChromium } from '../helpers/chromium.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const creds = demoCredentials({});

describe('oscar-fhir connect in a real browser', () => {
  let sim: Simulator;
  let browser: Browser;
  before(async () => {
    sim = await startSimulator({ port: 0, credentials: creds });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await sim?.close();
  });

  it('approves on the consent page and lands on the local callback; the CLI writes 0600 credentials and a green report', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oscar-fhir-browser-'));
    const out = join(dir, 'oscar-credentials.json');
    const child = spawn(process.execPath, [join(ROOT, 'bin/oscar-fhir.js'), 'connect',
      '--oscar-url', sim.url, '--consumer-key', creds.consumerKey, '--soap-user', creds.soapUserName,
      '--scope', 'fhir-facade', '--out', out, '--timeout', '90'], {
      cwd: dir, stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, OSCAR_CONSUMER_SECRET: creds.consumerSecret, OSCAR_SOAP_PASSWORD: creds.soapPassword },
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const authorizeUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no authorize URL printed:\n${stdout}\n${stderr}`)), 30_000);
      child.stdout.on('data', (b: Buffer) => {
        stdout += b.toString();
        const m = /(http:\/\/\S+\/ws\/oauth\/authorize\?oauth_token=\S+)/.exec(stdout);
        if (m && /Waiting for OSCAR/.test(stdout)) { clearTimeout(timer); resolve(m[1]!); }
      });
      child.once('exit', () => reject(new Error(`connect exited early:\n${stdout}\n${stderr}`)));
    });

    const page = await browser.newPage();
    try {
      await page.goto(authorizeUrl);
      assert.match(await page.textContent('#appName') ?? '', /\S/);
      assert.equal(await page.textContent('#scopes li'), 'fhir-facade');
      await page.fill('#username', creds.soapUserName);
      await page.fill('#password', creds.soapPassword);
      await page.click('#login');
      await page.locator('#authorize').waitFor({ state: 'visible', timeout: 10_000 });
      await Promise.all([page.waitForURL(/127\.0\.0\.1:\d+\/callback\?/, { timeout: 15_000 }), page.click('#authorize')]);
      assert.equal(await page.textContent('#result'), 'OSCAR access granted');
    } finally {
      await page.close();
    }

    assert.equal(await exited, 0, `${stdout}\n${stderr}`);
    assert.match(stdout, /Credentials written to .*oscar-credentials\.json/);
    assert.match(stdout, /ok +REST +\/ws\/services\/oauth\/info +reachable.*provider 999998/);
    assert.match(stdout, /ok +SOAP +LoginService\.login2/);
    assert.match(stdout, /ok +SOAP +SystemInfoService +reachable; clock skew/);
    assert.equal(statSync(out).mode & 0o777, 0o600);
    const file = JSON.parse(readFileSync(out, 'utf8')) as Record<string, string>;
    const issued = sim.store.data.oauthAccessTokens.find((t) => t.token === file.OSCAR_ACCESS_TOKEN);
    assert.ok(issued, 'the access token in the file is one OSCAR issued');
    assert.equal(issued.providerNo, creds.providerNo);
    assert.equal(issued.scopes, 'fhir-facade');
    assert.equal(file.OSCAR_ACCESS_TOKEN_SECRET, issued.secret);
  });
});
