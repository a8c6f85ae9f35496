// The audit file sink when it works: every record reaches the file as one line, in the order
// written, without waiting for the sink to be closed, and is counted as written.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
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
