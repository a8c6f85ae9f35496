// `oscar-fhir check --clinics FILE`: every clinic of a clinics file checked in turn, as the server
// would read the file — a report per clinic's OSCAR, an embedded clinic named as such, a verdict
// line per clinic, exit 1 when one clinic's OSCAR offers nothing usable, and no secret printed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
import { demoCredentials } from '../../src/sim/options.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';

const creds = demoCredentials({});
const dir = mkdtempSync(join(tmpdir(), 'check-clinics-'));
let healthy: Simulator;
let walledOff: Simulator;
let file = '';
const env = {
  C_CK: creds.consumerKey, C_CS: creds.consumerSecret, C_AT: creds.accessToken, C_ATS: creds.accessTokenSecret, C_SU: creds.soapUserName, C_SP: creds.soapPassword,
};

before(async () => {
  healthy = await startSimulator({ port: 0, patients: 3, credentials: creds, timezone: 'America/Toronto' });
  // Nothing usable: SOAP behind a firewall and no REST module.
  walledOff = await startSimulator({ port: 0, patients: 3, credentials: creds, timezone: 'America/Toronto', soapWaf: true, restModule: false });
  const clients = join(dir, 'clients.json');
  writeFileSync(clients, JSON.stringify({ clients: [] }));
  const oscar = (url: string) => ({
    url, consumerKey: { env: 'C_CK' }, consumerSecret: { env: 'C_CS' }, accessToken: { env: 'C_AT' },
    accessTokenSecret: { env: 'C_ATS' }, soapUserName: { env: 'C_SU' }, soapPassword: { env: 'C_SP' },
  });
  file = join(dir, 'clinics.json');
  writeFileSync(file, JSON.stringify({
    clinics: [
      { id: 'north', timezone: 'America/Toronto', oscar: oscar(healthy.url), smartClientsFile: clients },
      { id: 'south', timezone: 'America/Toronto', oscar: oscar(walledOff.url), smartClientsFile: clients },
      { id: 'east', timezone: 'America/Toronto', oscar: { embedded: true } },
    ],
  }));
});
after(async () => {
  await healthy?.close();
  await walledOff?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  let out = '';
  const sink = new Writable({ write(chunk: Buffer, _e, cb) { out += chunk.toString(); cb(); } });
  const code = await main(['check', ...args], { stdin: new PassThrough(), stdout: sink, stderr: sink }, { ...env, PUBLIC_URL: 'https://fhir.example.org', ...extraEnv });
  return { code, out };
}

describe('oscar-fhir check with a clinics file', () => {
  it('reports each clinic\'s OSCAR in turn, a verdict per clinic, and exits 1 when one offers nothing usable', async () => {
    const { code, out } = await run(['--clinics', file]);
    assert.equal(code, 1, out);
    const north = out.indexOf('== clinic north: https://fhir.example.org/clinics/north/fhir');
    const south = out.indexOf('== clinic south: https://fhir.example.org/clinics/south/fhir');
    const east = out.indexOf('== clinic east: https://fhir.example.org/clinics/east/fhir');
    assert.ok(north >= 0 && south > north && east > south, out);
    assert.ok(out.slice(north, south).includes(`Checking OSCAR at ${healthy.url}`), 'north\'s report is of north\'s OSCAR');
    assert.ok(out.slice(south, east).includes(`Checking OSCAR at ${walledOff.url}`), 'south\'s report is of south\'s OSCAR');
    assert.match(out.slice(east), /An embedded OSCAR simulator, started with the server: nothing to check/);
    assert.match(out, /^north: usable$/m);
    assert.match(out, /^south: NOT usable/m);
    assert.match(out, /^east: embedded simulator$/m);
    for (const secret of [creds.consumerSecret, creds.accessTokenSecret, creds.soapPassword]) assert.ok(!out.includes(secret), 'no secret printed');
  });

  it('--clinic checks one clinic; CLINICS_FILE is read when no file is given', async () => {
    const one = await run(['--clinic', 'north'], { CLINICS_FILE: file });
    assert.equal(one.code, 0, one.out);
    assert.match(one.out, /== clinic north:/);
    assert.doesNotMatch(one.out, /== clinic (south|east)/);
    const unknown = await run(['--clinics', file, '--clinic', 'west']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.out, /no clinic "west" in .*clinics\.json \(its clinics: north, south, east\)/);
  });

  it('a clinics file with a problem is reported as the server would, before any OSCAR is called', async () => {
    const { code, out } = await run(['--clinics', file], { C_SP: '' });
    assert.equal(code, 2);
    assert.match(out, /clinic "north": oscar\.soapPassword names the environment variable C_SP, which is not set/);
    assert.doesNotMatch(out, /Checking OSCAR/);
  });
});
