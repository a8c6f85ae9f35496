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
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { startRoundRobin, type RoundRobin } from '../helpers/round-robin.js';
import { assertEveryRecordOnce, expectedRecords, manifestOf } from './export-helpers.js';
import { FOUR_TYPES, startAndHold, startProcessClinic, type ProcessClinic } from './export-processes.js';

let db: TestPostgres;
let clinic: ProcessClinic;
let lb: RoundRobin;
let dir: string;
let env: Record<string, string>;
const servers: ServerProcess[] = [];

async function instance(name: string): Promise<ServerProcess> {
  const s = await startServerProcess({ ...env, BULK_DIR: join(dir, `bulk-${name}`) });
  servers.push(s);
  return s;
}
const portOf = (s: ServerProcess): number => Number(new URL(s.origin).port);

before(async () => {
  db = await startPostgres();
  lb = await startRoundRobin();
  const base = `${lb.origin}/fhir`;
  clinic = await startProcessClinic(() => base);
  dir = mkdtempSync(join(tmpdir(), 'oscar-fhir-bulk-shared-'));
  const keyFile = join(dir, 'bulk.key');
  writeFileSync(keyFile, randomBytes(32).toString('hex'), { mode: 0o600 });
  env = { ...clinic.env(base), STATE_DATABASE_URL: db.url, BULK_KEY_FILE: keyFile };
});

after(async () => {
  for (const s of servers) await s.stop();
  await lb?.close();
  await clinic?.close();
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('an export on two instances sharing their state on PostgreSQL', () => {
  it('started on A, A killed mid-export: B takes the job over and finishes it with every record exactly once; either instance serves status, files and DELETE', async () => {
    const auth = await clinic.auth();
    const a = await instance('a');
    lb.setTargets([portOf(a)]);
    // A alone runs the job (the only worker of the shared queue) until it is well into a per-patient
    // type; then OSCAR all but stops answering its allergy reads, so A is mid-job when it dies.
    const { status, release } = await startAndHold(clinic, `${lb.origin}/fhir/Patient/$export?_type=${FOUR_TYPES}`, auth);
    assert.ok(status.startsWith(`${lb.origin}/fhir/`), 'the status URL is the balancer\'s');
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
    release();

    const m = await manifestOf(status, auth);
    assert.match(b.output(), /export job resumed from its last checkpoint/, 'B finished what A had started');
    await assertEveryRecordOnce(m, expectedRecords(clinic.sim.store.data), auth);

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
