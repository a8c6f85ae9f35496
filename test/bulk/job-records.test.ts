// The two homes of export jobs — this server's disk (the default) and the state database shared
// by several instances — against one contract (src/state/job-records.ts): a claim starts a new run
// and fences out every earlier one (its checkpoints and file writes are refused), cut keeps only
// what the last checkpoint covers, files read back in order, and jobs are kept per clinic.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DiskJobRecords } from '../../src/bulk/disk-records.js';
import type { ExportJob } from '../../src/bulk/job.js';
import type { FacadeState, JobRecords } from '../../src/state/index.js';
import { openPostgresState } from '../../src/state/postgres/index.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';

const id = (n: number): string => n.toString(16).padStart(32, '0');
const job = (n: number, createdAt = n): ExportJob => ({
  id: id(n), owner: 'client:x', createdAt, request: { level: 'system', types: ['Patient'], request: 'r' }, transactionTime: 0,
  status: 'in-progress', wrappedKey: 'k', step: 0, written: 0, files: [], lenientIssues: [],
});

async function read(store: JobRecords<ExportJob>, jobId: string, file: string, length: number): Promise<string> {
  const parts: string[] = [];
  for await (const c of store.chunks(jobId, file, length)) parts.push(`${c.position}:${c.bytes.toString()}`);
  return parts.join('|');
}

// A chunk shaped as the spool writes them (spool.ts): a 16-byte header whose first 4 bytes give the
// body's length, the body, a 16-byte tag; the disk reads records back by that length.
const chunk = (text: string): Buffer => {
  const head = Buffer.alloc(16);
  head.writeUInt32BE(Buffer.byteLength(text), 0);
  return Buffer.concat([head, Buffer.from(text), Buffer.alloc(16)]);
};

function contract(name: string, open: (clinic: string) => Promise<JobRecords<ExportJob>>): void {
  describe(`export job records: ${name}`, () => {
    it('a claim fences out the earlier run: its checkpoint and its writes are refused, the new run\'s are kept', async () => {
      const s = await open('default');
      await s.create(id(1), job(1));
      const first = (await s.claim(id(1)))!;
      const a = chunk('first run, record one');
      assert.equal(await s.append(id(1), first.run, 'Patient-1.ndjson', 0, a), true);
      assert.equal(await s.update(id(1), first.run, { ...job(1), step: 1, files: [{ name: 'Patient-1.ndjson', kind: 'output', type: 'Patient', count: 1, bytes: a.length }] }), true);
      // Written after its last checkpoint, then the run is given up for dead:
      assert.equal(await s.append(id(1), first.run, 'Patient-1.ndjson', a.length, chunk('first run, past its checkpoint')), true);

      const second = (await s.claim(id(1)))!;
      assert.ok(second.run > first.run);
      assert.equal(second.record.step, 1, 'the new run starts from the last checkpoint');
      await s.cut(id(1), { 'Patient-1.ndjson': a.length });
      assert.equal(await s.append(id(1), first.run, 'Patient-1.ndjson', a.length, chunk('first run, after the claim')), false, 'the old run may not write');
      assert.equal(await s.update(id(1), first.run, { ...job(1), step: 9 }), false, 'nor checkpoint');
      const b = chunk('second run, record two');
      assert.equal(await s.append(id(1), second.run, 'Patient-1.ndjson', a.length, b), true);
      assert.equal(await s.update(id(1), second.run, { ...job(1), step: 2 }), true);
      assert.equal((await s.get(id(1)))!.step, 2);
      assert.equal(await read(s, id(1), 'Patient-1.ndjson', a.length + b.length), `0:${a}|${a.length}:${b}`);
    });

    it('cut drops files the checkpoint does not name and the tails of those it does', async () => {
      const s = await open('default');
      await s.create(id(2), job(2));
      const { run } = (await s.claim(id(2)))!;
      const a = chunk('kept');
      await s.append(id(2), run, 'Patient-1.ndjson', 0, a);
      await s.append(id(2), run, 'Patient-1.ndjson', a.length, chunk('tail'));
      await s.append(id(2), run, 'error-OperationOutcome-1.ndjson', 0, chunk('new since the checkpoint'));
      await s.cut(id(2), { 'Patient-1.ndjson': a.length });
      assert.equal(await read(s, id(2), 'Patient-1.ndjson', a.length), `0:${a}`);
      await assert.rejects(read(s, id(2), 'Patient-1.ndjson', a.length + 1), 'nothing past the cut');
      await assert.rejects(read(s, id(2), 'error-OperationOutcome-1.ndjson', 1), 'the unnamed file is gone');
    });

    it('remove deletes the record and its files; a run of a removed job writes nothing', async () => {
      const s = await open('default');
      await s.create(id(3), job(3));
      const { run } = (await s.claim(id(3)))!;
      await s.append(id(3), run, 'Patient-1.ndjson', 0, chunk('gone soon'));
      await s.remove(id(3));
      assert.equal(await s.get(id(3)), undefined);
      assert.equal(await s.claim(id(3)), undefined);
      assert.equal(await s.append(id(3), run, 'Patient-1.ndjson', 0, chunk('too late')), false);
      assert.equal(await s.update(id(3), run, job(3)), false);
    });

    it('lists jobs oldest first, and only its own clinic\'s', async () => {
      const s = await open('default');
      const other = await open('clinic-2');
      await other.create(id(40), job(40, 1));
      const ids = (await s.list()).map((j) => j.id);
      assert.ok(!ids.includes(id(40)), 'another clinic\'s job is not listed');
      assert.equal(await s.get(id(40)), undefined, 'nor readable');
      assert.equal(await s.claim(id(40)), undefined, 'nor claimable');
      assert.deepEqual(ids, [...ids].sort(), 'oldest first');
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'oscar-fhir-job-records-'));
const disks = new Map<string, DiskJobRecords>();
contract('disk', async (clinic) => {
  if (!disks.has(clinic)) disks.set(clinic, new DiskJobRecords(join(dir, clinic)));
  return disks.get(clinic)!;
});
after(() => rmSync(dir, { recursive: true, force: true }));

let db: TestPostgres;
const states = new Map<string, FacadeState>();
before(async () => { db = await startPostgres(); });
after(async () => {
  for (const s of states.values()) await s.close();
  await db?.close();
});
contract('postgres', async (clinic) => {
  if (!states.has(clinic)) states.set(clinic, await openPostgresState({ url: db.url, clinic }));
  return states.get(clinic)!.jobRecords!<ExportJob>('bulk-export');
});
