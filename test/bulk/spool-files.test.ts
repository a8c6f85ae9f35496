// The lines of a batch are sealed and written once they reach 256 KiB (src/bulk/spool-files.ts),
// not held until the batch ends: what the engine holds stays the same whatever the batch's size,
// and the records written read back, in order, as exactly the lines added.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { ExportJob } from '../../src/bulk/job.js';
import { JobFiles, recordScope } from '../../src/bulk/spool-files.js';
import { openSealed } from '../../src/bulk/spool.js';

const KIB = 1024;
const job = (): ExportJob => ({
  id: 'b'.repeat(32), owner: 'o', createdAt: 0, request: { level: 'system', types: ['Patient'], request: 'r' }, transactionTime: 0,
  status: 'in-progress', wrappedKey: 'k', step: 1, written: 0, files: [], lenientIssues: [],
});

function spool(): { files: JobFiles; job: ExportJob; writes: { file: string; position: number; record: Buffer }[]; key: Buffer } {
  const key = randomBytes(32);
  const j = job();
  const writes: { file: string; position: number; record: Buffer }[] = [];
  const files = new JobFiles(j, key, { maxResources: 1_000_000, maxBytes: 1 << 30 }, async (file, position, record) => { writes.push({ file, position, record }); return true; });
  return { files, job: j, writes, key };
}

/** A line of `bytes` bytes with the newline the file adds. */
const line = (n: number, bytes: number): string => `{"n":${n},"pad":"${'x'.repeat(bytes - 1 - `{"n":${n},"pad":""}`.length)}"}`;

describe('spooling a batch by bytes', () => {
  it('nothing is written below 256 KiB; the add that reaches it writes the lines held so far', async () => {
    const { files, writes } = spool();
    for (let n = 0; n < 255; n++) { files.add('output', 'Patient', line(n, KIB)); await files.spill(); }
    assert.equal(writes.length, 0, '255 KiB are held');
    files.add('output', 'Patient', line(255, KIB));
    await files.spill();
    assert.equal(writes.length, 1, 'the 256th KiB spills');
    await files.spill();
    assert.equal(writes.length, 1, 'nothing held: nothing more written');
  });

  it('a batch of 1 MiB is written in records of about 256 KiB that read back as its lines, in order, at the positions the job notes', async () => {
    const { files, job: j, writes, key } = spool();
    const lines = Array.from({ length: 1024 }, (_, n) => line(n, KIB));
    for (const l of lines) { files.add('output', 'Patient', l); await files.spill(); }
    await files.flush();
    assert.equal(writes.length, 4);
    let position = 0;
    const back: string[] = [];
    for (const w of writes) {
      assert.equal(w.position, position, 'each record follows the previous one');
      back.push(openSealed(key, recordScope(j.id, w.file), w.position, w.record).toString('utf8'));
      position += w.record.length;
    }
    assert.equal(back.join(''), `${lines.join('\n')}\n`);
    assert.equal(j.files[0]!.bytes, position, 'the job notes the file\'s length for its checkpoint');
    assert.equal(j.files[0]!.count, 1024);
  });
});
