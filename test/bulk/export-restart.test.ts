// A server killed in the middle of an export (SIGKILL: no graceful stop) and started again on the
// same BULK_DIR. With the same BULK_KEY_FILE it finishes the job from its last checkpoint: the
// files hold every record once (bulk-data §a BD-ST-07). Without one, the master key died with the
// process (bulk-data §f.1): the running job starts over under a new key, its old files dropped,
// and still holds every record once; a finished job reports failed (500, an OperationOutcome)
// and its unreadable files are gone. Expected records come from the simulator's rows.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServerProcess, type ServerProcess } from '../http/server-process.js';
import { freePort } from '../helpers/stack.js';
import { assertEveryRecordOnce, expectedRecords, KICK_OFF_HEADERS, manifestOf, waitFor } from './export-helpers.js';
import { FOUR_TYPES, startAndHold, startProcessClinic, type ProcessClinic } from './export-processes.js';

describe('an export across a crash of the server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oscar-fhir-bulk-restart-'));
  const servers: ServerProcess[] = [];
  let clinic: ProcessClinic;
  let base = '';
  before(async () => { clinic = await startProcessClinic(() => base); });
  after(async () => {
    for (const s of servers) await s.stop();
    await clinic?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const start = async (env: Record<string, string>): Promise<ServerProcess> => {
    const s = await startServerProcess(env);
    servers.push(s);
    return s;
  };

  async function envFor(name: string, keyFile?: string): Promise<Record<string, string>> {
    const port = await freePort();
    base = `http://127.0.0.1:${port}/fhir`;
    return { ...clinic.env(base), PORT: String(port), BULK_DIR: join(dir, name), ...(keyFile && { BULK_KEY_FILE: keyFile }) };
  }

  it('resumes after SIGKILL and finishes with every record exactly once', async () => {
    const keyFile = join(dir, 'bulk.key');
    writeFileSync(keyFile, randomBytes(32).toString('hex'), { mode: 0o600 });
    const env = await envFor('with-key', keyFile);
    const auth = await clinic.auth();
    let server = await start(env);
    const { status, release } = await startAndHold(clinic, `${base}/Patient/$export?_type=${FOUR_TYPES}`, auth);
    server.child.kill('SIGKILL');
    await server.stop();
    release();

    server = await start(env);
    const m = await manifestOf(status, auth);
    assert.match(server.output(), /export job resumed from its last checkpoint/);
    await assertEveryRecordOnce(m, expectedRecords(clinic.sim.store.data), auth);
    await server.stop();
  });

  it('without BULK_KEY_FILE: the running job starts over and holds every record once; a finished one answers 500 and its files are gone', async () => {
    const env = await envFor('no-key');
    const auth = await clinic.auth();
    let server = await start(env);
    const finished = await fetch(`${base}/Patient/$export?_type=Patient`, { headers: { ...KICK_OFF_HEADERS, ...auth } });
    const finishedStatus = finished.headers.get('content-location')!;
    const before = await manifestOf(finishedStatus, auth);
    const { status: running, release } = await startAndHold(clinic, `${base}/Patient/$export?_type=${FOUR_TYPES}`, auth);
    server.child.kill('SIGKILL');
    await server.stop();
    release();

    server = await start(env);
    const m = await manifestOf(running, auth);
    assert.match(server.output(), /export job restarted from the beginning/);
    assert.doesNotMatch(server.output(), /export job resumed from its last checkpoint/);
    await assertEveryRecordOnce(m, expectedRecords(clinic.sim.store.data), auth);
    const folder = join(env.BULK_DIR!, running.split('/').pop()!);
    assert.deepEqual(readdirSync(folder).sort(), [...m.output, ...m.error].map((f) => f.url.split('/').pop()).sort(), 'only the new run\'s files are kept');

    const lost = await waitFor(finishedStatus, auth);
    assert.equal(lost.status, 500);
    const outcome = await lost.json() as { resourceType: string; issue: { severity: string; diagnostics: string }[] };
    assert.equal(outcome.resourceType, 'OperationOutcome');
    assert.equal(outcome.issue[0]!.severity, 'error');
    assert.match(outcome.issue[0]!.diagnostics, /lost when the server restarted without BULK_KEY_FILE; start the export again/);
    assert.equal((await fetch(before.output[0]!.url, { headers: auth })).status, 404, 'its files are not served');
    assert.deepEqual(readdirSync(join(env.BULK_DIR!, finishedStatus.split('/').pop()!)), [], 'and not kept');
  });
});
