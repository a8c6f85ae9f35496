// The OSCAR read a patient/ token's compartment check makes to learn an owner counts against the
// token's client's share of OSCAR's slots (oscar/guard/limiter.ts) wherever the hooks run: the HTTP
// handler runs only the router as the client, and a cache hit runs the hooks outside the router
// (src/http/fhir-handler.ts, src/cache/read-cache.ts). The hooks are called here outside any
// caller scope, as a hit calls them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DocumentReference } from 'fhir/r4.js';
import { AuditFactsRegistry, newFacts, type AuthContext } from '../../src/auth/context.js';
import { createEnforcement } from '../../src/auth/enforce.js';
import { parseScopes } from '../../src/auth/scopes.js';
import { NUMERIC_ID, Registry, defineResource, type FhirContext } from '../../src/fhir/index.js';
import { clientKey } from '../../src/http/rate-limit.js';
import { OscarUnavailableError } from '../../src/oscar/errors.js';
import { asCaller, currentCaller } from '../../src/oscar/guard/caller.js';
import { Limiter } from '../../src/oscar/guard/limiter.js';
import { BASE } from '../fhir/harness.js';

const patientToken = (azp: string, patient: string): AuthContext =>
  ({ kind: 'token', clientId: azp, subject: `${azp}-user`, patient, scopes: parseScopes('patient/*.rs').resource });

/** Enforcement over one DocumentReference of patient 1, whose read takes a slot of `limiter` as an OSCAR call does. */
function setUp(limiter: Limiter) {
  const callers: (string | undefined)[] = [];
  const doc: DocumentReference = { resourceType: 'DocumentReference', id: '55', status: 'current', subject: { reference: 'Patient/1' }, content: [{ attachment: { url: 'Binary/55' } }] };
  const registry = new Registry();
  registry.register(defineResource<DocumentReference>({
    type: 'DocumentReference', idPattern: NUMERIC_ID, searchParams: [],
    interactions: {
      read: async (_ctx, id) => {
        callers.push(currentCaller());
        const release = await limiter.acquire('getDocument');
        release();
        return id === '55' ? doc : undefined;
      },
    },
  }));
  const facts = new AuditFactsRegistry();
  const hooks = createEnforcement({ registry, baseUrl: BASE, enforce: true, facts });
  /** beforeInteraction of a Binary read (its owner is the DocumentReference of the same id: a read at OSCAR). */
  const readBinary = (auth: AuthContext): Promise<void> => {
    facts.attach(auth, newFacts());
    const ctx: FhirContext = { requestId: 'r', baseUrl: BASE, auth, signal: new AbortController().signal, prefer: {} };
    return Promise.resolve(hooks.beforeInteraction!(ctx, { interaction: 'read', type: 'Binary', id: '55' }));
  };
  return { readBinary, callers };
}

describe('a patient token\'s owner read at OSCAR, with the hooks run outside the router', () => {
  it('is made as the token\'s client', async () => {
    const { readBinary, callers } = setUp(new Limiter({ maxInFlight: 4, maxQueue: 10, maxWaitMs: 1_000 }));
    const jane = patientToken('portal', '1');
    await readBinary(jane);
    assert.deepEqual(callers, [clientKey(jane)]);
    assert.equal(callers[0], 'client:portal user:portal-user');
  });

  it('is refused when its client already holds its share of OSCAR\'s slots; another client\'s is not', async () => {
    const limiter = new Limiter({ maxInFlight: 4, maxQueue: 10, maxWaitMs: 1_000, maxPerCaller: 1 });
    const { readBinary } = setUp(limiter);
    const jane = patientToken('portal', '1');
    const held = await asCaller(clientKey(jane)!, () => limiter.acquire('searchDocuments'));
    try {
      await assert.rejects(readBinary(jane), (e: unknown) => e instanceof OscarUnavailableError && e.reason === 'caller-budget');
      await readBinary(patientToken('clinic-app', '1'));
    } finally { held(); }
    await readBinary(jane);
  });
});
