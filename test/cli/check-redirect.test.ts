// `oscar-fhir check` and `connect` against an OSCAR whose host redirects (docs/oscar-redirects.md):
// they say where OSCAR redirects and which setting to change, and send nothing to the new address.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
import { writeCredentialsFile } from '../../src/config/credentials-file.js';
import { demoCredentials } from '../../src/sim/options.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';

const creds = demoCredentials({});

async function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  let out = '';
  const sink = new Writable({ write(chunk: Buffer, _e, cb) { out += chunk.toString(); cb(); } });
  const code = await main(args, { stdin: new PassThrough(), stdout: sink, stderr: sink }, { OSCAR_TIMEZONE: 'America/Toronto', ...env });
  return { code, out };
}

describe('oscar-fhir check and connect when OSCAR redirects', () => {
  let sim: Simulator;
  let file: string;
  before(async () => {
    sim = await startSimulator({ port: 0, patients: 3, credentials: creds, edgeRedirect: 'https' });
    file = join(mkdtempSync(join(tmpdir(), 'check-redirect-')), 'oscar-credentials.json');
    writeCredentialsFile(file, {
      OSCAR_URL: sim.url, OSCAR_CONSUMER_KEY: creds.consumerKey, OSCAR_CONSUMER_SECRET: creds.consumerSecret,
      OSCAR_ACCESS_TOKEN: creds.accessToken, OSCAR_ACCESS_TOKEN_SECRET: creds.accessTokenSecret,
      OSCAR_SOAP_USERNAME: creds.soapUserName, OSCAR_SOAP_PASSWORD: creds.soapPassword,
    });
  });
  after(async () => { await sim.close(); });

  it('check: each failed call says where OSCAR redirects and what OSCAR_URL should be', async () => {
    const { code, out } = await run(['check', '--credentials', file]);
    assert.equal(code, 1, out);
    assert.match(out, /FAIL +REST +\/ws\/services\/oauth\/info +failed \(OSCAR redirects \(HTTP 301 to https:\/\/127\.0\.0\.1\/oscar\/ws\/…\); OSCAR_URL should be https:\/\/127\.0\.0\.1\/oscar/);
    assert.match(out, /FAIL +SOAP +SystemInfoService +unreachable \(OSCAR redirects \(HTTP 301/);
    assert.match(out, /FAIL +SOAP +LoginService\.login2 +"oscardoc" was refused \(OSCAR redirects \(HTTP 301 to https:\/\/127\.0\.0\.1\/oscar\/ws\/…\); OSCAR_URL should be https:\/\/127\.0\.0\.1\/oscar \(in a clinics file, the clinic's "url"\)\)\n/, 'no advice about the password: the address is wrong');
    assert.ok(!out.includes('the access token or consumer is not accepted'), out);
    // The capability report says it too, in place of a bare "no answer".
    assert.match(out, /SOAP +unreachable: no answer from http:\/\/127\.0\.0\.1:\d+\/oscar\/ws \(redirected: OSCAR_URL should be https:\/\/127\.0\.0\.1\/oscar/);
  });

  it('connect: stops at the handshake with the redirect and the setting', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'connect-redirect-')), 'creds.json');
    const r = await run(['connect', '--oob', '--out', out], {
      OSCAR_URL: sim.url, OSCAR_CONSUMER_KEY: creds.consumerKey, OSCAR_CONSUMER_SECRET: creds.consumerSecret,
      OSCAR_SOAP_USERNAME: creds.soapUserName, OSCAR_SOAP_PASSWORD: creds.soapPassword,
    });
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /oscar-fhir connect: OSCAR redirected \/oscar\/ws\/oauth\/initiate \(HTTP 301 to https:\/\/127\.0\.0\.1\/oscar\/ws\/…\): OSCAR_URL should be https:\/\/127\.0\.0\.1\/oscar/);
  });
});
