// Embedded simulated clinics in a clinics file ({"oscar": {"embedded": true}}): a deployment of
// many clinics that runs with no OSCAR, each embedded clinic on a simulator of its own — and a real
// clinic beside them keeps a real OSCAR's rules for what the server shares.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Bundle, Patient } from 'fhir/r4.js';
import { loadClinics } from '../../src/clinics/clinic-config.js';
import { createDeployment, type Deployment } from '../../src/clinics/deployment.js';
import { startEmbeddedOscars, type EmbeddedOscars } from '../../src/clinics/embedded.js';
import { ConfigError } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { demoCredentials } from '../../src/sim/options.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { freePort } from '../helpers/stack.js';

const dir = mkdtempSync(join(tmpdir(), 'oscar-fhir-embedded-'));
let origin = '';
let real: Simulator;
let embedded: EmbeddedOscars;
let deployment: Deployment;

function clinicsFile(clinics: unknown[]): string {
  const file = join(dir, `clinics-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ clinics }));
  return file;
}

function problemsOf(clinics: unknown[]): string[] {
  try {
    loadClinics({ CLINICS_FILE: clinicsFile(clinics) });
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  assert.fail('expected a ConfigError');
}

before(async () => {
  const credentials = demoCredentials({});
  real = await startSimulator({ port: 0, credentials });
  const clientsFile = join(dir, 'clients.json');
  writeFileSync(clientsFile, JSON.stringify({ clients: [] }));
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  const clinics = loadClinics({
    CLINICS_FILE: clinicsFile([
      // The embedded clinic first: the server's own settings must still be the real clinic's.
      { id: 'east', timezone: 'America/Toronto', oscar: { embedded: true } },
      { id: 'west', timezone: 'America/Vancouver', oscar: { embedded: true } },
      {
        id: 'north', timezone: 'America/Toronto', smartClientsFile: clientsFile,
        oscar: {
          url: real.url, consumerKey: { env: 'N_CK' }, consumerSecret: { env: 'N_CS' }, accessToken: { env: 'N_AT' },
          accessTokenSecret: { env: 'N_ATS' }, soapUserName: { env: 'N_SU' }, soapPassword: { env: 'N_SP' },
        },
      },
    ]),
    N_CK: credentials.consumerKey, N_CS: credentials.consumerSecret, N_AT: credentials.accessToken,
    N_ATS: credentials.accessTokenSecret, N_SU: credentials.soapUserName, N_SP: credentials.soapPassword,
    PUBLIC_URL: origin, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', CAPABILITY_DISCOVERY: 'false',
    BULK_DIR: join(dir, 'bulk'), AUDIT_LOG: join(dir, 'audit.jsonl'),
  });
  embedded = await startEmbeddedOscars(clinics);
  deployment = createDeployment(clinics.map((c) => ({ id: c.id, config: c.config, oscar: c.config.oscar ?? embedded.connections.get(c.id)! })), createLogger('silent'));
  await deployment.listen();
});

after(async () => {
  await deployment?.close(1_000);
  await embedded?.close();
  await real?.close();
  rmSync(dir, { recursive: true, force: true });
});

const fhir = async (clinic: string, path: string, init?: RequestInit): Promise<{ status: number; body: any }> => {
  const res = await fetch(`${origin}/clinics/${clinic}/fhir${path}`, { ...init, headers: { accept: 'application/fhir+json', 'content-type': 'application/fhir+json' } });
  return { status: res.status, body: await res.json() };
};
const names = (b: Bundle<Patient>): string[] => (b.entry ?? []).map((e) => `${e.resource!.name?.[0]?.family} ${e.resource!.birthDate}`);

describe('embedded clinics in a clinics file', () => {
  it('is written {"embedded": true}, with nothing of a real OSCAR beside it', () => {
    const problems = problemsOf([
      { id: 'a', timezone: 'America/Toronto', oscar: { embedded: true, url: 'https://emr.example.org/oscar' } },
      { id: 'b', timezone: 'America/Toronto', oscar: { embedded: 'yes' } },
    ]);
    assert.ok(problems.some((p) => p.startsWith('clinic "a": oscar (embedded): unknown key "url"')), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('clinic "b": oscar.embedded must be true')), problems.join('\n'));
  });

  it('each embedded clinic has an OSCAR of its own: its own address, credentials and synthetic patients', async () => {
    const [east, west] = [embedded.connections.get('east')!, embedded.connections.get('west')!];
    assert.notEqual(east.url, west.url);
    assert.notEqual(east.consumerKey, west.consumerKey);
    assert.notEqual(east.soapPassword, west.soapPassword);
    assert.equal(embedded.connections.has('north'), false, 'a clinic with a real OSCAR gets no simulator');
    // The same patient numbers (the synthetic clinic numbers them alike), other people.
    const ids = Array.from({ length: 20 }, (_, k) => 1002 + k).join(',');
    const [e, w] = [await fhir('east', `/Patient?_id=${ids}&_count=20`), await fhir('west', `/Patient?_id=${ids}&_count=20`)];
    assert.equal(e.status, 200);
    assert.equal(w.status, 200);
    assert.equal(e.body.entry.length, 20);
    assert.notDeepEqual(names(e.body), names(w.body), 'the two clinics have different patients');
  });

  it('a patient created at one embedded clinic does not exist at the other', async () => {
    const created = await fhir('east', '/Patient', {
      method: 'POST', body: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'EASTONLY', given: ['Ada'] }], gender: 'female', birthDate: '1990-05-04' }),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id as string;
    assert.equal((await fhir('east', `/Patient/${id}`)).status, 200);
    assert.equal((await fhir('west', `/Patient/${id}`)).status, 404);
    const search = await fhir('west', '/Patient?family=EASTONLY');
    assert.equal(search.status, 200);
    assert.equal(search.body.total ?? search.body.entry?.length ?? 0, 0);
  });

  it('beside a clinic with a real OSCAR, the server keeps a real OSCAR\'s rules: /metrics needs the operator token, the real clinic needs a token', async () => {
    assert.equal((await fetch(`${origin}/metrics`)).status, 403);
    assert.equal((await fhir('north', '/Patient/1001')).status, 401);
    assert.equal((await fhir('east', '/Patient/1001')).status, 200, 'the embedded clinic is the open demo');
  });
});
