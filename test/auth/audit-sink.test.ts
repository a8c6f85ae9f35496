// The audit file sink when it works: every record reaches the file as one line, in the order
// written, without waiting for the sink to be closed, and is counted as written.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { createAuditSink } from '../../src/auth/audit-sink.js';
import { createLogger } from '../../src/logging.js';

const fileLines = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter(Boolean);

describe('audit file sink', () => {
  it('writes a burst of records one line each, in order, while the sink stays open', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'oscar-fhir-sink-')), 'audit.jsonl');
    const sink = createAuditSink({ destination: file, logger: createLogger('silent') });
    const records = Array.from({ length: 300 }, (_, i) => `{"record":${i}}`);
    for (const r of records) sink.write(r);
    // Up to 10 s for a loaded machine: the records must arrive without a close.
    for (let i = 0; i < 1000 && sink.written < records.length; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(sink.written, records.length);
    assert.deepEqual(fileLines(file), records);
    sink.write('{"record":"last"}');
    await sink.close();
    assert.deepEqual(fileLines(file), [...records, '{"record":"last"}'], 'closing writes what is still waiting');
    assert.equal(sink.written, records.length + 1);
    assert.equal(sink.failed, 0);
  });
});

describe('audit file sink bytes', () => {
  it('writes every line byte for byte: characters of any width, hundreds of lines in one batch, a line of 80 kB', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'oscar-fhir-sink-')), 'audit.jsonl');
    const sink = createAuditSink({ destination: file, logger: createLogger('silent') });
    const lines = [
      ...Array.from({ length: 400 }, (_, i) => `{"n":${i},"t":"Zoë Ł. 李 🩺 ${'é'.repeat(i % 50)}"}`),
      `{"big":"${'ß'.repeat(40_000)}"}`,
      '{"after":"the big one"}',
    ];
    for (const l of lines) sink.write(l);
    await sink.close();
    assert.equal(readFileSync(file, 'utf8'), `${lines.join('\n')}\n`);
    assert.equal(sink.written, lines.length);
  });

  it('writes wide characters whole wherever a line ends up in a batch of half a megabyte', async () => {
    // Lines of 3-byte characters after ASCII lines of every length up to 96: somewhere in the
    // batch, each of them arrives when there is room left for its characters but not its bytes.
    const file = join(mkdtempSync(join(tmpdir(), 'oscar-fhir-sink-')), 'audit.jsonl');
    const sink = createAuditSink({ destination: file, logger: createLogger('silent') });
    const lines: string[] = [];
    for (let i = 0, bytes = 0; bytes < 512 * 1024; i++) {
      const line = i % 2 === 0 ? `{"a":"${'x'.repeat((i >> 1) % 97)}"}` : `{"w":"${'€'.repeat(40)}"}`;
      lines.push(line);
      bytes += Buffer.byteLength(line) + 1;
    }
    for (const l of lines) sink.write(l);
    await sink.close();
    assert.ok(readFileSync(file).equals(Buffer.from(`${lines.join('\n')}\n`)));
    assert.equal(sink.written, lines.length);
  });
});

describe('audit file sink buffers', () => {
  it('writes batch after batch through two buffers, not a new one per batch, every line in order', async (t) => {
    const file = join(mkdtempSync(join(tmpdir(), 'oscar-fhir-sink-')), 'audit.jsonl');
    const sink = createAuditSink({ destination: file, logger: createLogger('silent') });
    const allocations = t.mock.method(Buffer, 'allocUnsafeSlow');
    const lines: string[] = [];
    for (let batch = 0; batch < 20; batch++) {
      const line = `{"batch":${batch},"pad":"${'x'.repeat(batch * 7)}"}`;
      lines.push(line);
      sink.write(line);
      // Past the 10 ms batch, and past its write's callback.
      const written = sink.written;
      for (let i = 0; i < 200 && sink.written === written; i++) await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal(sink.written, 20);
    assert.ok(allocations.mock.callCount() <= 1, `${allocations.mock.callCount()} buffers made for 20 batches`);
    t.mock.restoreAll();
    await sink.close();
    assert.equal(readFileSync(file, 'utf8'), `${lines.join('\n')}\n`);
  });

  it('keeps a buffer grown for a burst of up to 1 MiB, and a larger one not', async (t) => {
    const file = join(mkdtempSync(join(tmpdir(), 'oscar-fhir-sink-')), 'audit.jsonl');
    const sink = createAuditSink({ destination: file, logger: createLogger('silent') });
    const settle = async (n: number): Promise<void> => {
      for (let i = 0; i < 400 && sink.written < n; i++) await new Promise((r) => setTimeout(r, 5));
    };
    const big = 'y'.repeat(2 * 1024 * 1024);
    sink.write(big); // grows the first batch's buffer past 1 MiB
    await settle(1);
    sink.write('{"a":1}');
    await settle(2);
    const allocations = t.mock.method(Buffer, 'allocUnsafeSlow');
    sink.write('{"a":2}'); // the 2 MiB buffer was not kept: this batch's successor is made anew
    await settle(3);
    assert.equal(allocations.mock.callCount(), 1);
    t.mock.restoreAll();
    await sink.close();
    assert.equal(readFileSync(file, 'utf8'), `${big}\n{"a":1}\n{"a":2}\n`);
  });
});

describe('audit sink limits and counts', () => {
  const tmpFile = (): string => join(mkdtempSync(join(tmpdir(), 'oscar-fhir-sink-')), 'audit.jsonl');
  const capture = () => {
    const logged: Record<string, unknown>[] = [];
    const logger = createLogger('silent');
    logger.error = ((obj: Record<string, unknown>) => { logged.push(obj); }) as typeof logger.error;
    return { logger, logged };
  };

  it('appends to the file it finds, line by line, and adds nothing when there is nothing to write', async () => {
    const file = tmpFile();
    writeFileSync(file, '{"before":1}\n');
    const sink = createAuditSink({ destination: file, logger: createLogger('silent') });
    sink.write('{"a":1}');
    sink.write('{"a":2}');
    for (let i = 0; i < 1000 && sink.written < 2; i++) await new Promise((r) => setTimeout(r, 10));
    await sink.close();
    assert.equal(readFileSync(file, 'utf8'), '{"before":1}\n{"a":1}\n{"a":2}\n');
  });

  it('queues up to 16 MiB by default: the line that would pass that is refused, and counted', async () => {
    const file = tmpFile();
    const sink = createAuditSink({ destination: file, logger: createLogger('silent') });
    sink.write('x'.repeat(16 * 1024 * 1024 - 1)); // with its newline: exactly 16 MiB waiting
    sink.write('{"fits":true}');
    sink.write('{"over":true}');
    assert.deepEqual([sink.failed, sink.written], [1, 0]);
    await sink.close();
    assert.equal(sink.written, 2);
    assert.ok(readFileSync(file, 'utf8').endsWith('x\n{"fits":true}\n'));
  });

  it('refuses a line once the queue holds more than maxQueuedBytes, not at exactly that', async () => {
    const file = tmpFile();
    const sink = createAuditSink({ destination: file, logger: createLogger('silent'), maxQueuedBytes: 10 });
    for (const line of ['abcd', 'efgh', 'ijkl', 'mnop']) sink.write(line); // 5 bytes each with the newline
    assert.equal(sink.failed, 1, 'the fourth: 15 bytes were waiting');
    await sink.close();
    assert.equal(readFileSync(file, 'utf8'), 'abcd\nefgh\nijkl\n');
  });

  for (const destination of ['stdout', 'stderr'] as const) {
    it(`says which stream (${destination}) did not keep up, and writes nothing to it`, async (t) => {
      const written: string[] = [];
      const intercept = () => t.mock.method(process[destination], 'write', ((chunk: string, cb?: () => void) => { written.push(chunk); cb?.(); return true; }) as never);
      intercept();
      const { logger, logged } = capture();
      const sink = createAuditSink({ destination, logger, maxQueuedBytes: -1 });
      sink.write('{"a":1}');
      t.mock.restoreAll();
      assert.deepEqual(written, []);
      assert.deepEqual([sink.failed, sink.written], [1, 0]);
      assert.deepEqual({ destination: logged[0]?.destination, failures: logged[0]?.failures, reason: logged[0]?.reason }, { destination, failures: 1, reason: 'the audit destination is not keeping up' });
      const open = createAuditSink({ destination, logger, maxQueuedBytes: 0 });
      intercept();
      open.write('{"b":2}');
      t.mock.restoreAll();
      assert.deepEqual([written, open.failed], [['{"b":2}\n'], 0], 'an empty queue is not more than 0 bytes');
    });
  }

  it('counts the records of a failed write once and logs why, with the error code', async () => {
    // /dev/full accepts the open and fails every write with ENOSPC.
    const { logger, logged } = capture();
    const sink = createAuditSink({ destination: '/dev/full', logger });
    sink.write('{"a":1}');
    sink.write('{"a":2}');
    for (let i = 0; i < 200 && sink.failed < 2; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50)); // the stream's error event follows the write's callback
    assert.deepEqual([sink.failed, sink.written], [2, 0], 'two records lost, no more');
    assert.deepEqual(logged[0], { destination: 'file', failures: 2, reason: 'write failed', code: 'ENOSPC' });
    sink.write('{"a":3}');
    assert.equal(sink.failed, 3, 'a record after the failure is refused and counted');
    await sink.close();
  });

  it('counts and logs a record the stream failed to write (stdout closed under it)', (t) => {
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    t.mock.method(process.stdout, 'write', ((_chunk: string, cb?: (err?: Error) => void) => { cb?.(epipe); return false; }) as never);
    const { logger, logged } = capture();
    const sink = createAuditSink({ destination: 'stdout', logger });
    sink.write('{"a":1}');
    t.mock.restoreAll();
    assert.deepEqual([sink.failed, sink.written], [1, 0]);
    assert.deepEqual(logged[0], { destination: 'stdout', failures: 1, reason: 'write failed', code: 'EPIPE' });
  });

  it('logs a file that cannot be opened before any record is lost, and counts each record refused after', async () => {
    const { logger, logged } = capture();
    const sink = createAuditSink({ destination: join(tmpFile(), 'no-such-dir', 'audit.jsonl'), logger });
    for (let i = 0; i < 200 && logged.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(logged[0], { destination: 'file', failures: 0, reason: 'the audit file cannot be written', code: 'ENOENT' });
    assert.equal(sink.failed, 0);
    sink.write('{"a":1}');
    sink.write('{"a":2}');
    assert.deepEqual([sink.failed, sink.written], [2, 0]);
    await sink.close();
  });

  it("says 'file' for a file that did not keep up", () => {
    const { logger, logged } = capture();
    const sink = createAuditSink({ destination: tmpFile(), logger, maxQueuedBytes: -1 });
    sink.write('{"a":1}');
    assert.equal(logged[0]?.destination, 'file');
    return sink.close();
  });

  it("AUDIT_LOG=off writes nowhere and counts nothing", async () => {
    // A file named "off" may be left in the working directory by something else (a run of this
    // file against broken code, say): what counts is that this sink does not create or grow it.
    const off = join(process.cwd(), 'off');
    const sizeOf = (): number | undefined => (existsSync(off) ? statSync(off).size : undefined);
    const before = sizeOf();
    const sink = createAuditSink({ destination: 'off', logger: createLogger('silent') });
    sink.write('{"a":1}');
    await sink.close();
    assert.deepEqual([sink.written, sink.failed, sizeOf()], [0, 0, before]);
  });

  it('counts written records at /metrics', async () => {
    const metrics = new Registry();
    const sink = createAuditSink({ destination: tmpFile(), logger: createLogger('silent'), metrics });
    sink.write('{"a":1}');
    sink.write('{"a":2}');
    await sink.close();
    for (let i = 0; i < 1000 && sink.written < 2; i++) await new Promise((r) => setTimeout(r, 10));
    const text = await metrics.metrics();
    assert.match(text, /^# HELP oscar_fhir_audit_records_total Audit records written$/m);
    assert.match(text, /^oscar_fhir_audit_records_total 2$/m);
    assert.match(text, /^# HELP oscar_fhir_audit_failures_total Audit records that could not be written \(see the logs\)$/m);
    assert.match(text, /^oscar_fhir_audit_failures_total 0$/m);
  });
});
