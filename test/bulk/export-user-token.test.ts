// A SMART app user's token (signed in through OSCAR: auth.oscarProvider) starts no export: the
// API holds such a user to what OSCAR shows their provider (docs/smart-app-launch.md §7.7), but a
// job runs in the background as the facade's own OSCAR account, which would hand them every
// patient of the clinic. A Backend Services client's token, with the same scopes, starts one.
// The endpoint is driven with a stand-in engine that records the jobs it is asked to create.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuthContext } from '../../src/auth/index.js';
import { parseScopes } from '../../src/auth/scopes.js';
import type { ExportEngine } from '../../src/bulk/engine.js';
import { createBulkEndpoint } from '../../src/bulk/http.js';
import type { ExportJob } from '../../src/bulk/job.js';
import { FhirError } from '../../src/fhir/index.js';
import type { ProviderDirectory } from '../../src/resources/provider-directory.js';
import { inProcessState } from '../../src/state/index.js';

const HEADERS = { accept: 'application/fhir+json', prefer: 'respond-async' };

/** The kick-off's status (a refusal is a FhirError, as the handler sees it) and the jobs the engine was asked for. */
async function kickOff(auth: AuthContext): Promise<{ status: number; created: number }> {
  let created = 0;
  const engine = {
    unavailable: () => undefined,
    jobs: async () => [],
    create: async (owner: string) => { created++; return { id: 'b'.repeat(32), owner } as ExportJob; },
  } as unknown as ExportEngine;
  const endpoint = createBulkEndpoint({
    engine, providers: {} as ProviderDirectory, unavailable: () => undefined, baseUrl: 'http://fhir.test/fhir', maxJobs: 4,
    minPollMs: 0, polls: inProcessState().once,
  });
  try {
    const res = await endpoint.serve({ method: 'GET', path: '/Patient/$export', query: [['_type', 'Patient,AllergyIntolerance']], headers: HEADERS, requestId: 'r', auth });
    return { status: res.status, created };
  } catch (e) {
    if (e instanceof FhirError) return { status: e.status, created };
    throw e;
  }
}

describe('who may start an export', () => {
  it('a SMART app user signed in through OSCAR: 403, no job', async () => {
    const user: AuthContext = { kind: 'token', clientId: 'app', subject: 'oscar:999998', oscarProvider: '999998', scopes: parseScopes('user/*.rs').resource, issuer: 'local' };
    assert.deepEqual(await kickOff(user), { status: 403, created: 0 });
  });

  it('a token of no OSCAR user with the same scopes (another issuer), and one with system/ scopes: 202, one job each', async () => {
    assert.deepEqual(await kickOff({ kind: 'token', clientId: 'reporter', subject: 'reporter', scopes: parseScopes('user/*.rs').resource, issuer: 'external' }), { status: 202, created: 1 });
    assert.deepEqual(await kickOff({ kind: 'token', clientId: 'reporter', subject: 'reporter', scopes: parseScopes('system/*.rs').resource, issuer: 'local' }), { status: 202, created: 1 });
  });
});
