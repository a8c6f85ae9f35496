// `oscar-fhir check` against each simulated line and host (variants §9): the discovered map, a
// verdict per problem with what it costs and its remedy, and an exit code that fails only when
// nothing usable is reachable.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
import { writeCredentialsFile } from '../../src/config/credentials-file.js';
import { demoCredentials } from '../../src/sim/options.js';
import { startSimulator, type StartSimulatorOptions } from '../../src/sim/server.js';

const creds = demoCredentials({});

async function checkOutput(sim: StartSimulatorOptions, zone = 'America/Toronto'): Promise<{ code: number; out: string }> {
  const s = await startSimulator({ port: 0, patients: 3, credentials: creds, timezone: 'America/Toronto', ...sim });
  try {
    const file = join(mkdtempSync(join(tmpdir(), 'check-')), 'oscar-credentials.json');
    writeCredentialsFile(file, {
      OSCAR_URL: s.url, OSCAR_CONSUMER_KEY: creds.consumerKey, OSCAR_CONSUMER_SECRET: creds.consumerSecret,
      OSCAR_ACCESS_TOKEN: creds.accessToken, OSCAR_ACCESS_TOKEN_SECRET: creds.accessTokenSecret,
      OSCAR_SOAP_USERNAME: creds.soapUserName, OSCAR_SOAP_PASSWORD: creds.soapPassword,
    });
    let out = '';
    const sink = new Writable({ write(chunk: Buffer, _e, cb) { out += chunk.toString(); cb(); } });
    const code = await main(['check', '--credentials', file], { stdin: new PassThrough(), stdout: sink, stderr: sink }, { OSCAR_TIMEZONE: zone });
    return { code, out };
  } finally {
    await s.close();
  }
}

describe('oscar-fhir check: the capability map and verdicts', () => {
  it('Open-O with everything on: the map, no verdict, exit 0, no secret printed', async () => {
    const { code, out } = await checkOutput({});
    assert.equal(code, 0, out);
    assert.match(out, /line +Open-O, ca\.openosp\.openo line/);
    assert.match(out, /SOAP +ok — namespace http:\/\/ws\.oscarehr\.org\/, \d+ operations in 8 services, sex codes M F X O U/);
    assert.match(out, /REST +ok: \/ws\/services, \d+ resources listed/);
    assert.match(out, /HTTP PUT +reaches OSCAR/);
    assert.doesNotMatch(out, /Verdicts:/);
    assert.match(out, /Usable: the facade can serve this OSCAR\./);
    assert.doesNotMatch(out, new RegExp(`${creds.consumerSecret}|${creds.soapPassword}|${creds.accessTokenSecret}`));
  });

  it('REST module off: what it costs (variants §7.4 SOAP-only mode) and the remedy; still usable', async () => {
    const { code, out } = await checkOutput({ restModule: false });
    assert.equal(code, 0, out);
    assert.match(out, /FIX +REST module is off: Patient create\/update, .*DocumentReference create unavailable; enable ModuleNames=REST in oscar\.properties/);
    assert.doesNotMatch(out, /access token or consumer is not accepted/, 'no misleading connectivity line');
  });

  it('PUT denied by the proxy: patient update unavailable, allow PUT on the proxy', async () => {
    const { code, out } = await checkOutput({ edgeDenyPut: true });
    assert.equal(code, 0, out);
    assert.match(out, /HTTP PUT +refused by a proxy/);
    assert.match(out, /FIX +a proxy refuses HTTP PUT: Patient update unavailable; allow PUT to \/ws\/services on the proxy/);
  });

  it('SOAP behind Cloudflare: the WAF verdict asks the host to allow-list this server', async () => {
    const { code, out } = await checkOutput({ soapWaf: true });
    assert.equal(code, 0, out);
    assert.match(out, /FIX +SOAP blocked by a web application firewall \(Cloudflare\): .* unavailable; ask the host to allow-list this server/);
  });

  it('Juno refusing this server\'s IP: both halves refused, exit 1', async () => {
    const { code, out } = await checkOutput({ variant: 'juno', ipAllowlist: 'deny' });
    assert.equal(code, 1, out);
    assert.match(out, /line +Juno/);
    assert.match(out, /FIX +OSCAR's IP allow-list refuses this server \(Juno\): .* unavailable; add this server's public IP address to web_service_allowed_ips/);
    assert.match(out, /NOT usable/);
  });

  it('the JVM in Vancouver, the clinic in Toronto: times read as clinic wall-clock, set the JVM zone', async () => {
    const { code, out } = await checkOutput({ serverTimezone: 'America/Vancouver' });
    assert.equal(code, 0, out);
    assert.match(out, /time +server UTC-(8|7), clinic America\/Toronto \(UTC-(5|4)\): DIFFERENT/);
    assert.match(out, /FIX +OSCAR's JVM runs at UTC-(8|7) but OSCAR_TIMEZONE is America\/Toronto: times are read as clinic wall-clock times in America\/Toronto; .*set OSCAR's JVM zone/);
  });

  it('OSCAR 15: no clinical REST, older SOAP served with less', async () => {
    const { code, out } = await checkOutput({ variant: 'oscar15' });
    assert.equal(code, 0, out);
    assert.match(out, /line +OSCAR 15\.0/);
    assert.match(out, /FIX +OSCAR's REST API lists no clinical services .*: Patient create\/update.* unavailable; upgrade to OSCAR 19 or Open-O/);
    assert.match(out, /Served with less:\n {2}Patient read: no middle names/);
  });

  it('SOAP blocked and the REST module off: nothing usable, exit 1', async () => {
    const { code, out } = await checkOutput({ soapWaf: true, restModule: false });
    assert.equal(code, 1, out);
    assert.match(out, /NOT usable: neither OSCAR's SOAP services nor its REST API can be used/);
  });
});
