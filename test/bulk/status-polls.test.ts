// The "polled too often" 429 of an export's status URL is counted in the clinic's state
// (src/state), not in one instance's memory: two instances on one shared state refuse a poll the
// other has just answered, and both let the next one through once BULK_MIN_POLL_MS has passed.
// The same endpoint code runs on the in-process state (one instance) and on PostgreSQL (two).
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { ExportEngine } from '../../src/bulk/engine.js';
import { createBulkEndpoint, type BulkEndpoint } from '../../src/bulk/http.js';
import type { ExportJob } from '../../src/bulk/job.js';
import { FhirError } from '../../src/fhir/index.js';
import type { ProviderDirectory } from '../../src/resources/provider-directory.js';
import { inProcessState, type FacadeState } from '../../src/state/index.js';
import { openPostgresState } from '../../src/state/postgres/index.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';

const MIN_POLL_MS = 400;
const ID = 'a'.repeat(32);
const job = (status: ExportJob['status']): ExportJob => ({
  id: ID, owner: 'anonymous', createdAt: 0, request: { level: 'system', types: ['Patient'], request: 'r' }, transactionTime: 0,
  status, wrappedKey: 'k', step: 1, written: 0, files: [], lenientIssues: [], ...(status === 'complete' && { expiresAt: Date.now() + 60_000 }),
});

/** One instance's export endpoint on `state`, its engine a stand-in that knows one job. */
function instance(state: FacadeState, current: () => ExportJob): BulkEndpoint {
  const engine = { job: async (id: string) => (id === ID ? current() : undefined) } as unknown as ExportEngine;
  return createBulkEndpoint({
    engine, providers: {} as ProviderDirectory, unavailable: () => undefined, baseUrl: 'http://fhir.test/fhir', maxJobs: 4,
    minPollMs: MIN_POLL_MS, polls: state.once,
  });
}

/** The status a poll of the job gets (a refusal is a FhirError, as the handler sees it). */
async function poll(endpoint: BulkEndpoint): Promise<number> {
  try {
    return (await endpoint.serve({ method: 'GET', path: `/$export-status/${ID}`, query: [], headers: {}, requestId: 'r' })).status;
  } catch (e) {
    if (e instanceof FhirError) return e.status;
    throw e;
  }
}

describe('status polls counted in the state', () => {
  it('in-process: a second poll within BULK_MIN_POLL_MS is 429, the next one after it 202; a finished job is never refused', async () => {
    let current = job('in-progress');
    const a = instance(inProcessState(), () => current);
    assert.equal(await poll(a), 202);
    assert.equal(await poll(a), 429);
    await sleep(MIN_POLL_MS + 100);
    assert.equal(await poll(a), 202);
    current = job('complete');
    assert.equal(await poll(a), 200);
    assert.equal(await poll(a), 200, 'the manifest may be read again at once');
  });

  describe('two instances sharing their state on PostgreSQL', () => {
    let db: TestPostgres;
    const states: FacadeState[] = [];
    before(async () => {
      db = await startPostgres();
      for (let i = 0; i < 2; i++) states.push(await openPostgresState({ url: db.url, clinic: 'default' }));
    });
    after(async () => {
      for (const s of states) await s.close();
      await db?.close();
    });

    it('a poll answered by A makes B refuse the next one within BULK_MIN_POLL_MS; after it B answers', async () => {
      const current = job('in-progress');
      const [a, b] = states.map((s) => instance(s, () => current));
      assert.equal(await poll(a!), 202);
      assert.equal(await poll(b!), 429, 'B knows A was just polled');
      assert.equal(await poll(a!), 429);
      await sleep(MIN_POLL_MS + 200);
      assert.equal(await poll(b!), 202);
      assert.equal(await poll(a!), 429, 'and A knows B was');
    });
  });
});
