// Where audit lines go (AUDIT_LOG): stdout, stderr or an append-only file (mode 0600). Writing
// never holds up a response: lines are queued on the stream; a failed or refused write is counted
// (oscar_fhir_audit_failures_total) and logged, never dropped silently.
// A file gets the lines of FILE_BATCH_MS together in one write: each write of a file stream is a
// round trip through libuv's thread pool that wakes the event loop again when it ends, and one per
// request cost a cache-hit read more CPU than building its record (bench/, benchmark 1).
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../logging.js';

export interface AuditSink {
  write(line: string): void;
  /** Records written / failed since start (for tests and health). */
  readonly written: number;
  readonly failed: number;
  close(): Promise<void>;
}

export interface AuditSinkOptions {
  destination: string;
  logger: Logger;
  metrics?: Registry;
  /** Most bytes queued toward a slow destination before lines are refused (and counted). */
  maxQueuedBytes?: number;
}

const FAILURE_LOG_INTERVAL_MS = 10_000;
/** How long a line waits for others before a file write (closing the sink writes at once). */
const FILE_BATCH_MS = 10;
/** A batch's buffer to start with (a busy server's 10 ms of lines); it grows for more. */
const FILE_BATCH_START_BYTES = 64 * 1024;
/** The largest written batch buffer kept for reuse. */
const FILE_SPARE_MAX_BYTES = 1024 * 1024;

export function createAuditSink(opts: AuditSinkOptions): AuditSink {
  const { destination, logger } = opts;
  const maxQueued = opts.maxQueuedBytes ?? 16 * 1024 * 1024;
  const registers = opts.metrics ? [opts.metrics] : [];
  const records = new Counter({ name: 'oscar_fhir_audit_records_total', help: 'Audit records written', registers });
  const failures = new Counter({ name: 'oscar_fhir_audit_failures_total', help: 'Audit records that could not be written (see the logs)', registers });
  let written = 0;
  let failed = 0;
  let lastLog = 0;
  let unlogged = 0;

  const fail = (reason: string, err?: unknown, lines = 1): void => {
    failed += lines;
    failures.inc(lines);
    unlogged += lines;
    const now = Date.now();
    if (now - lastLog >= FAILURE_LOG_INTERVAL_MS) {
      logger.error({ destination: destination === 'stdout' || destination === 'stderr' ? destination : 'file', failures: unlogged, reason, code: (err as NodeJS.ErrnoException | undefined)?.code }, 'audit records could not be written');
      lastLog = now;
      unlogged = 0;
    }
  };

  if (destination === 'off') {
    return { write: () => {}, get written() { return written; }, get failed() { return failed; }, close: async () => {} };
  }

  if (destination === 'stdout' || destination === 'stderr') {
    const stream: Writable = destination === 'stdout' ? process.stdout : process.stderr;
    return {
      write(line: string): void {
        if (stream.writableLength > maxQueued) { fail('the audit destination is not keeping up'); return; }
        stream.write(`${line}\n`, (err) => {
          if (err) fail('write failed', err);
          else { written++; records.inc(); }
        });
      },
      get written() { return written; },
      get failed() { return failed; },
      close: async () => {},
    };
  }

  const stream: WriteStream = createWriteStream(destination, { flags: 'a', mode: 0o600 });
  let broken = false;
  // The error itself loses no record: a write it failed counts its lines in its callback, and every
  // line after it is refused and counted as it comes. It is logged, so a file that cannot be opened
  // shows at start-up before any record is lost.
  stream.on('error', (e: Error) => { broken = true; fail('the audit file cannot be written', e, 0); });
  // The batch is kept as bytes: each line is encoded straight into it, so a record leaves no array
  // of lines, joined string or second copy of the batch behind for the collector (a cache-hit
  // read's garbage is what its collector time follows: bench/results.md).
  let batch: Buffer = Buffer.allocUnsafeSlow(FILE_BATCH_START_BYTES);
  let batchBytes = 0;
  let batchLines = 0;
  // A written batch's buffer, free again once its write has called back: the next batch but one
  // fills it, so a server logging a line or two per batch does not allocate 64 KiB each time.
  let spare: Buffer | undefined;
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    const lines = batchLines;
    if (lines === 0) return;
    const full = batch;
    const bytes = full.subarray(0, batchBytes);
    // The stream holds these bytes until they are written: the next batch gets another buffer.
    batch = spare && spare.length >= batchBytes ? spare : Buffer.allocUnsafeSlow(Math.max(FILE_BATCH_START_BYTES, batchBytes));
    spare = undefined;
    batchBytes = 0;
    batchLines = 0;
    if (broken) { fail('the audit destination failed earlier', undefined, lines); return; }
    stream.write(bytes, (err) => {
      // A buffer grown for a burst is not kept past it.
      if (full.length <= FILE_SPARE_MAX_BYTES) spare = full;
      if (err) fail('write failed', err, lines);
      else { written += lines; records.inc(lines); }
    });
  };
  /** Room for `line` and its newline at the end of the batch. */
  const makeRoom = (line: string): void => {
    // At most 3 bytes per UTF-16 unit; counted exactly only when that bound does not fit.
    if (batchBytes + line.length * 3 + 1 <= batch.length) return;
    const needed = batchBytes + Buffer.byteLength(line) + 1;
    if (needed <= batch.length) return;
    const larger = Buffer.allocUnsafeSlow(Math.max(needed, 2 * batch.length));
    batch.copy(larger, 0, 0, batchBytes);
    batch = larger;
  };

  return {
    write(line: string): void {
      if (broken) { fail('the audit destination failed earlier'); return; }
      if (stream.writableLength + batchBytes > maxQueued) { fail('the audit destination is not keeping up'); return; }
      makeRoom(line);
      batchBytes += batch.write(line, batchBytes);
      batch[batchBytes++] = 0x0a; // '\n'
      batchLines++;
      timer ??= setTimeout(flush, FILE_BATCH_MS);
    },
    get written() { return written; },
    get failed() { return failed; },
    close: () => new Promise<void>((resolve) => {
      flush();
      if (broken) { resolve(); return; }
      stream.end(() => resolve());
    }),
  };
}
