// The spool of an export (bulk-data §b.6 item 7A, BD-D-04): files on disk are sealed (no record
// text in clear), and a job past its expiry is removed with its files — by the periodic sweep
// and at start-up — after which its status and files are 404.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startStack, type Stack } from '../helpers/stack.js';
import { kickOff, manifestOf } from './export-helpers.js';

describe('the export spool', () => {
  let stack: Stack;
  before(async () => { stack = await startStack({ sim: { patients: 20, seed: 4 }, env: { BULK_MIN_POLL_MS: '0' } }); });
  after(async () => { await stack.close(); });

  const jobFolder = (status: string): string => join(stack.config.bulk.dir, status.split('/').pop()!);

  it('keeps no patient text in clear on disk', async () => {
    const status = await kickOff(stack, '/Patient/$export?_type=Patient');
    await manifestOf(status);
    const folder = jobFolder(status);
    const files = readdirSync(folder);
    assert.ok(files.length > 0);
    const onDisk = Buffer.concat(files.map((f) => readFileSync(join(folder, f)))).toString('latin1');
    const names = stack.sim.store.data.demographics.filter((d) => d.patientStatus.trim() === 'AC').map((d) => d.lastName);
    assert.ok(names.length > 5);
    for (const n of names) assert.ok(!onDisk.includes(n), 'a family name is readable in the spool');
    assert.ok(!onDisk.includes('"resourceType"'));
    const record = readFileSync(join(stack.config.bulk.dir, 'jobs', `${status.split('/').pop()}.json`), 'utf8');
    // A patient number as a whole number, not as digits inside a time stamp or a byte count.
    for (const d of stack.sim.store.data.demographics.slice(0, 5)) assert.doesNotMatch(record, new RegExp(`(?<![0-9])${d.demographicNo}(?![0-9])`), 'the job record lists no patient');
  });

  it('removes an expired job and its files: status and files are 404', async () => {
    const status = await kickOff(stack, '/Patient/$export?_type=Patient');
    const m = await manifestOf(status);
    const id = status.split('/').pop()!;
    const recordFile = join(stack.config.bulk.dir, 'jobs', `${id}.json`);
    const job = JSON.parse(readFileSync(recordFile, 'utf8'));
    writeFileSync(recordFile, JSON.stringify({ ...job, expiresAt: Date.now() - 1 }));
    await stack.facade.exports.sweep();
    assert.equal((await fetch(status)).status, 404);
    assert.equal((await fetch(m.output[0]!.url)).status, 404);
    assert.equal(existsSync(jobFolder(status)), false);
    assert.equal(existsSync(recordFile), false);
  });

  it('start-up removes spool folders that belong to no job, and nothing else', async () => {
    // A folder left behind by a crash between removing a job's record and its files:
    const orphan = join(stack.config.bulk.dir, 'f'.repeat(32));
    mkdirSync(orphan, { recursive: true });
    writeFileSync(join(orphan, 'Patient-1.ndjson'), 'sealed bytes');
    writeFileSync(join(stack.config.bulk.dir, 'operator-notes.txt'), '');
    await stack.facade.exports.start();
    assert.equal(existsSync(orphan), false);
    assert.equal(existsSync(join(stack.config.bulk.dir, 'operator-notes.txt')), true);
  });
});
