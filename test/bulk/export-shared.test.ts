// An export on two facade processes that share their state on PostgreSQL (STATE_DATABASE_URL, a
// real server started by the test) and one OSCAR (the simulator, in this process), behind a
// round-robin balancer: the job's record, progress and files live in the state database and it
// runs from the shared job queue, so either instance answers its status and serves its files, and
// a job whose instance is killed (SIGKILL, no goodbye) is taken over and finished by the other
// with every record exactly once. Expected records come from the simulator's own rows.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServerProcess, type ServerProcess } from '../http/server-process.js';
import { startIssuer, type Issuer } from '../auth/fixture.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { startRoundRobin, type RoundRobin } from '../helpers/round-robin.js';
import { demoCredentials } from '../../src/sim/options.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { activePatients, immunizationIds, KICK_OFF_HEADERS, linesOf, manifestOf, simIds, type Manifest } from './export-helpers.js';

let db: TestPostgres;
let sim: Simulator;
let lb: RoundRobin;
let issuer: Issuer;
let dir: string;
let env: Record<string, string>;
const servers: ServerProcess[] = [];
let auth: Record<string, string>;

async function instance(name: string): Promise<ServerProcess> {
  const s = await startServerProcess({ ...env, BULK_DIR: join(dir, `bulk-${name}`) });
  servers.push(s);
  return s;
}
const portOf = (s: ServerProcess): number => Number(new URL(s.origin).port);

before(async () => {
  db = await startPostgres();
  const credentials = demoCredentials({});
  sim = await startSimulator({ port: 0, credentials });
  lb = await startRoundRobin();
  const base = `http://127.0.0.1:${lb.port}/fhir`;
  issuer = await startIssuer(() => base);
  dir = mkdtempSync(join(tmpdir(), 'oscar-fhir-bulk-shared-'));
  const keyFile = join(dir, 'bulk.key');
  writeFileSync(keyFile, randomBytes(32).toString('hex'), { mode: 0o600 });
  env = {
    FHIR_BASE_URL: base, OSCAR_URL: sim.url, OSCAR_TIMEZONE: sim.store.timezone,
    OSCAR_CONSUMER_KEY: credentials.consumerKey, OSCAR_CONSUMER_SECRET: credentials.consumerSecret,
    OSCAR_ACCESS_TOKEN: credentials.accessToken, OSCAR_ACCESS_TOKEN_SECRET: credentials.accessTokenSecret,
    OSCAR_SOAP_USERNAME: credentials.soapUserName, OSCAR_SOAP_PASSWORD: credentials.soapPassword,
    AUTH_MODE: 'smart', SMART_ISSUER: issuer.issuer, SMART_TOKEN_URL: `${issuer.issuer}/protocol/openid-connect/token`, SMART_JWKS_URL: issuer.jwksUrl, SMART_EXTERNAL_SYSTEM_SCOPES: 'true',
    STATE_DATABASE_URL: db.url, BULK_KEY_FILE: keyFile, BULK_MIN_POLL_MS: '0', CAPABILITY_DISCOVERY: 'false',
    VALIDATION_MODE: 'strict', LOG_LEVEL: 'info',
  };
  auth = { authorization: `Bearer ${await issuer.token({ scope: 'system/*.rs' })}` };
});

after(async () => {
  for (const s of servers) await s.stop();
  await lb?.close();
  await sim?.close();
  await issuer?.close();
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The records of each type the export must hold: the simulator's rows of its active patients. */
function expected(): Record<string, number[]> {
  const data = sim.store.data;
  const active = activePatients(data);
  return {
    Patient: active, Immunization: immunizationIds(data, active),
    AllergyIntolerance: simIds(data, 'AllergyIntolerance', active), Appointment: simIds(data, 'Appointment', active),
  };
}

async function assertExactlyOnce(m: Manifest): Promise<void> {
  for (const [type, ids] of Object.entries(expected())) {
    const got: number[] = [];
    for (const f of m.output.filter((o) => o.type === type)) {
      const lines = await linesOf(f.url, auth);
      assert.equal(lines.length, f.count, `${type}: count matches the file`);
      got.push(...lines.map((l) => Number(l.id)));
    }
    assert.equal(new Set(got).size, got.length, `${type}: nothing twice`);
    assert.deepEqual(got.sort((x, y) => x - y), ids, `${type}: nothing missing`);
  }
}

describe('an export on two instances sharing their state on PostgreSQL', () => {
  it('started on A, A killed mid-export: B takes the job over and finishes it with every record exactly once; either instance serves status, files and DELETE', async () => {
    const a = await instance('a');
    lb.setTargets([portOf(a)]);
    // OSCAR answers slowly, so that the export is well under way, not done, when A dies.
    const slow = sim.faults.add({ match: { path: '/ws' }, mode: 'latency', latencyMs: 40 });

    const kick = await fetch(`${lb.origin}/fhir/Patient/$export?_type=Patient,Immunization,AllergyIntolerance,Appointment`, { headers: { ...KICK_OFF_HEADERS, ...auth } });
    assert.equal(kick.status, 202, await kick.text());
    const status = kick.headers.get('content-location')!;
    assert.ok(status.startsWith(`${lb.origin}/fhir/`), 'the status URL is the balancer\'s');
    // A alone runs the job (the only worker of the shared queue) until it is in a per-patient type.
    let atStepStart: number | undefined;
    for (;;) {
      const res = await fetch(status, { headers: auth });
      assert.equal(res.status, 202, 'the job must still be running when A is killed');
      const progress = /^AllergyIntolerance .*, (\d+) resources$/.exec(res.headers.get('x-progress') ?? '');
      if (progress) {
        atStepStart ??= Number(progress[1]);
        if (Number(progress[1]) > atStepStart + 20) break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    // OSCAR all but stops answering A's allergy reads while B starts, so A is still mid-job when it dies.
    const hold = sim.faults.add({ match: { operation: 'getAllergiesByProgramProviderDemographicDate' }, mode: 'latency', latencyMs: 3_000 });
    const b = await instance('b');
    lb.setTargets([portOf(a), portOf(b)]);
    lb.log.length = 0;
    for (let i = 0; i < 4; i++) {
      const res = await fetch(status, { headers: auth });
      assert.equal(res.status, 202, 'both instances answer the running job\'s status');
      assert.match(res.headers.get('x-progress') ?? '', /^AllergyIntolerance /);
    }
    assert.deepEqual([...new Set(lb.log)].sort(), [0, 1], 'the polls went to both instances');
    assert.doesNotMatch(b.output(), /export job resumed/, 'B has not run the job yet');
    a.child.kill('SIGKILL');
    await a.stop();
    lb.setTargets([portOf(b)]);
    sim.faults.remove(hold);
    sim.faults.remove(slow);

    const m = await manifestOf(status, auth);
    assert.match(b.output(), /export job resumed from its last checkpoint/, 'B finished what A had started');
    await assertExactlyOnce(m);

    // A back (a new process): files and status come from either instance, DELETE through one is seen by the other.
    const a2 = await instance('a2');
    lb.setTargets([portOf(a2), portOf(b)]);
    const file = m.output.find((o) => o.type === 'Patient')!.url;
    const bodies = new Set<string>();
    const servedBy = new Set<number>();
    for (let i = 0; i < 2; i++) {
      lb.log.length = 0;
      const res = await fetch(file, { headers: auth });
      assert.equal(res.status, 200);
      bodies.add(await res.text());
      servedBy.add(lb.log[0]!);
    }
    assert.equal(servedBy.size, 2, 'both instances served the file');
    assert.equal(bodies.size, 1, 'the same bytes from both');
    const del = await fetch(`${a2.origin}/fhir${new URL(status).pathname.slice('/fhir'.length)}`, { method: 'DELETE', headers: auth });
    assert.equal(del.status, 202);
    assert.equal((await fetch(`${b.origin}/fhir${new URL(status).pathname.slice('/fhir'.length)}`, { headers: auth })).status, 404, 'B knows it is gone');
    assert.equal((await fetch(`${b.origin}${new URL(file).pathname}`, { headers: auth })).status, 404, 'its files too');
  });
});
