// `npm run sim` settings: SIM_* validation and the banner a user copies the facade settings from.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { banner, readSimSettings, SimSettingsError } from '../../src/sim/main.js';
import type { Simulator } from '../../src/sim/server.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));

describe('sim CLI settings', () => {
  it('defaults to port 8081, /oscar, Toronto, 300 patients and the demo credentials', () => {
    const s = readSimSettings({});
    assert.deepEqual([s.port, s.host, s.contextPath, s.timezone, s.patients, s.seed], [8081, '127.0.0.1', '/oscar', 'America/Toronto', 300, 1]);
    assert.equal(s.credentials.soapUserName, 'oscardoc');
    assert.equal(s.credentials.securityNo, 128);
  });

  it('reads overrides', () => {
    const s = readSimSettings({ SIM_PORT: '0', SIM_HOST: '0.0.0.0', SIM_SEED: '42', SIM_PATIENTS: '25', SIM_TIMEZONE: 'America/Vancouver', SIM_CONTEXT: '/emr/', SIM_PROVIDER_NO: '101', SIM_SECURITY_NO: '7' });
    assert.deepEqual([s.port, s.host, s.seed, s.patients, s.timezone, s.contextPath, s.credentials.providerNo, s.credentials.securityNo],
      [0, '0.0.0.0', 42, 25, 'America/Vancouver', '/emr', '101', 7]);
    assert.equal(readSimSettings({ SIM_CONTEXT: '' }).contextPath, '');
  });

  it('reads the deployment switches, defaulting to REST on, no edge rules and the JVM in the clinic zone', () => {
    const d = readSimSettings({ SIM_TIMEZONE: 'America/Halifax' });
    assert.deepEqual([d.serverTimezone, d.restModule, d.edgeDenyPut, d.soapWaf], ['America/Halifax', true, false, false]);
    const s = readSimSettings({ SIM_SERVER_TIMEZONE: 'America/Vancouver', SIM_REST_MODULE: 'off', SIM_EDGE_DENY_PUT: '1', SIM_SOAP_WAF: '1' });
    assert.deepEqual([s.timezone, s.serverTimezone, s.restModule, s.edgeDenyPut, s.soapWaf], ['America/Toronto', 'America/Vancouver', false, true, true]);
  });

  it('reads SIM_VARIANT and SIM_IP_ALLOWLIST, and allows the allow-list only on juno', () => {
    assert.deepEqual([readSimSettings({}).variant, readSimSettings({}).ipAllowlist], ['openo', 'allow']);
    const s = readSimSettings({ SIM_VARIANT: 'juno', SIM_IP_ALLOWLIST: 'deny' });
    assert.deepEqual([s.variant, s.ipAllowlist], ['juno', 'deny']);
    for (const v of ['openo-legacy', 'oscar19', 'oscar15']) assert.equal(readSimSettings({ SIM_VARIANT: v }).variant, v);
    try {
      readSimSettings({ SIM_VARIANT: 'oscar20', SIM_IP_ALLOWLIST: 'block' });
      assert.fail('expected SimSettingsError');
    } catch (e) {
      assert.ok(e instanceof SimSettingsError);
      assert.deepEqual(e.problems, [
        'SIM_VARIANT must be one of openo, openo-legacy, oscar19, oscar15, juno (got "oscar20")',
        'SIM_IP_ALLOWLIST must be allow or deny (got "block")',
      ]);
    }
    assert.throws(() => readSimSettings({ SIM_VARIANT: 'oscar19', SIM_IP_ALLOWLIST: 'deny' }),
      (e: unknown) => e instanceof SimSettingsError && e.problems[0] === 'SIM_IP_ALLOWLIST=deny needs SIM_VARIANT=juno: only Juno has the web-service IP allow-list');
  });

  it('prints the variant and where its REST API is', () => {
    const s = readSimSettings({ SIM_VARIANT: 'juno', SIM_IP_ALLOWLIST: 'deny' });
    const sim = { url: 'http://127.0.0.1:8081/oscar', store: { data: { demographics: [] } } } as unknown as Simulator;
    const text = banner(sim, s);
    assert.ok(text.includes('Variant:            juno = line H (Juno, CloudPractice 2022)'), text);
    assert.ok(text.includes('REST (OAuth 1.0a):  http://127.0.0.1:8081/oscar/ws/services/v1'));
    assert.ok(text.includes('caller not on the IP allow-list'));
  });

  it('names each bad switch and what it accepts', () => {
    try {
      readSimSettings({ SIM_SERVER_TIMEZONE: 'Pacific Time', SIM_REST_MODULE: 'no', SIM_EDGE_DENY_PUT: 'true', SIM_SOAP_WAF: 'yes' });
      assert.fail('expected SimSettingsError');
    } catch (e) {
      assert.ok(e instanceof SimSettingsError);
      assert.deepEqual(e.problems, [
        'SIM_SERVER_TIMEZONE must be an IANA zone name such as America/Vancouver (got "Pacific Time")',
        'SIM_REST_MODULE must be on or off (got "no")',
        'SIM_EDGE_DENY_PUT must be 1 or 0 (got "true")',
        'SIM_SOAP_WAF must be 1 or 0 (got "yes")',
      ]);
    }
  });

  it('reports every bad setting at once', () => {
    try {
      readSimSettings({ SIM_PORT: '70000', SIM_PATIENTS: 'many', SIM_TIMEZONE: 'Mars/Olympus', SIM_CONTEXT: 'oscar app', SIM_SECURITY_NO: 'x', SIM_PROVIDER_NO: 'doc1', SIM_CONSUMER_KEY: 'a b' });
      assert.fail('expected SimSettingsError');
    } catch (e) {
      assert.ok(e instanceof SimSettingsError);
      for (const name of ['SIM_PORT', 'SIM_PATIENTS', 'SIM_TIMEZONE', 'SIM_CONTEXT', 'SIM_SECURITY_NO', 'SIM_PROVIDER_NO', 'SIM_CONSUMER_KEY']) {
        assert.ok(e.problems.some((p) => p.startsWith(name)), name);
      }
    }
  });

  it('prints URLs, demo credentials and the facade environment', () => {
    const s = readSimSettings({});
    const sim = { url: 'http://127.0.0.1:8081/oscar', store: { data: { demographics: new Array(300) } } } as unknown as Simulator;
    const text = banner(sim, s);
    for (const line of [
      'http://127.0.0.1:8081/oscar/ws/services', 'http://127.0.0.1:8081/oscar/ws/DemographicService?wsdl',
      `OSCAR_URL=http://127.0.0.1:8081/oscar`, `OSCAR_CONSUMER_KEY=${s.credentials.consumerKey}`, `OSCAR_CONSUMER_SECRET=${s.credentials.consumerSecret}`,
      `OSCAR_ACCESS_TOKEN=${s.credentials.accessToken}`, `OSCAR_ACCESS_TOKEN_SECRET=${s.credentials.accessTokenSecret}`,
      `OSCAR_SOAP_USERNAME=oscardoc`, `OSCAR_SOAP_PASSWORD=${s.credentials.soapPassword}`, 'OSCAR_TIMEZONE=America/Toronto', 'securityNo 128',
    ]) assert.ok(text.includes(line), line);
    assert.ok(text.includes('Deployment:         JVM zone America/Toronto (= clinic), REST module on'));
  });

  it('prints the deployment switches that are set', () => {
    const s = readSimSettings({ SIM_SERVER_TIMEZONE: 'America/Vancouver', SIM_REST_MODULE: 'off', SIM_EDGE_DENY_PUT: '1', SIM_SOAP_WAF: '1' });
    const sim = { url: 'http://127.0.0.1:8081/oscar', store: { data: { demographics: [] } } } as unknown as Simulator;
    const text = banner(sim, s);
    assert.ok(text.includes('Deployment:         JVM zone America/Vancouver (clinic America/Toronto), REST module off, HAProxy denies PUT, Cloudflare WAF blocks SOAP'), text);
    assert.ok(text.includes('REST (OAuth 1.0a):  absent (SIM_REST_MODULE=off: ModuleNames without REST)'));
  });

  it('exits 1 with a clear message on bad settings', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/sim/main.ts'], { cwd: repo, env: { ...process.env, SIM_PORT: 'eighty' }, encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /SIM_PORT must be a whole number from 0 to 65535 \(got "eighty"\)/);
    assert.equal(r.stdout, '');
  });
});
