// A server killed in the middle of an export (SIGKILL: no graceful stop) and started again on the
// same BULK_DIR and BULK_KEY_FILE finishes the job from its last checkpoint: the files hold every
// record once (bulk-data §a BD-ST-07). The server runs as a child process with its embedded
// simulator, whose clinic is the same function of its seed after the restart.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startServerProcess, type ServerProcess } from '../http/server-process.js';
import { freePort } from '../helpers/stack.js';
import { generateClinic, DEFAULT_PATIENTS } from '../../src/sim/clinic/generate.js';
import { demoCredentials } from '../../src/sim/options.js';
import { activePatients, immunizationIds, KICK_OFF_HEADERS, linesOf, manifestOf, simIds, type Manifest } from './export-helpers.js';

describe('an export across a crash of the server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oscar-fhir-bulk-restart-'));
  let server: ServerProcess | undefined;
  after(async () => { await server?.stop(); rmSync(dir, { recursive: true, force: true }); });

  it('resumes after SIGKILL and finishes with every record exactly once', async () => {
    const keyFile = join(dir, 'bulk.key');
    writeFileSync(keyFile, randomBytes(32).toString('hex'), { mode: 0o600 });
    const port = await freePort();
    const env = {
      PORT: String(port), FHIR_BASE_URL: `http://127.0.0.1:${port}/fhir`, BULK_DIR: join(dir, 'bulk'), BULK_KEY_FILE: keyFile,
      BULK_MIN_POLL_MS: '0', VALIDATION_MODE: 'strict', LOG_LEVEL: 'info',
    };
    server = await startServerProcess(env);
    const kick = await fetch(`http://127.0.0.1:${port}/fhir/Patient/$export?_type=Patient,Immunization,AllergyIntolerance,Appointment`, { headers: KICK_OFF_HEADERS });
    assert.equal(kick.status, 202);
    const status = kick.headers.get('content-location')!;
    // Killed in the middle of a per-patient type: some of its batches written, the job not done.
    let atStepStart: number | undefined;
    for (;;) {
      const res = await fetch(status);
      assert.equal(res.status, 202, 'the job must still be running when the server is killed');
      const progress = /^AllergyIntolerance .*, (\d+) resources$/.exec(res.headers.get('x-progress') ?? '');
      if (progress) {
        atStepStart ??= Number(progress[1]);
        if (Number(progress[1]) > atStepStart + 20) break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    server.child.kill('SIGKILL');
    await server.stop();

    server = await startServerProcess(env);
    const m: Manifest = await manifestOf(status);
    assert.match(server.output(), /export job resumed from its last checkpoint/);

    const data = generateClinic({ seed: 1, patients: DEFAULT_PATIENTS, timezone: 'America/Toronto', credentials: demoCredentials({}) });
    const active = activePatients(data);
    const expected: Record<string, number[]> = {
      Patient: active, Immunization: immunizationIds(data, active),
      AllergyIntolerance: simIds(data, 'AllergyIntolerance', active), Appointment: simIds(data, 'Appointment', active),
    };
    for (const [type, ids] of Object.entries(expected)) {
      const got: number[] = [];
      for (const f of m.output.filter((o) => o.type === type)) {
        const lines = await linesOf(f.url);
        assert.equal(lines.length, f.count, `${type}: count matches the file`);
        got.push(...lines.map((l) => Number(l.id)));
      }
      assert.equal(new Set(got).size, got.length, `${type}: nothing twice`);
      assert.deepEqual(got.sort((a, b) => a - b), ids, `${type}: nothing missing`);
    }
  });
});
