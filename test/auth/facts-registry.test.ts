// The audit facts of a request travel with the request and its caller's context without showing in
// either: handlers get ctx.auth as the verifier made it (keys, spread copies, JSON, deep equality).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuditFactsRegistry, type AuthContext } from '../../src/auth/context.js';
import type { FhirRequest } from '../../src/fhir/index.js';

test('facts are found from the request and its context, and are invisible on both', () => {
  const facts = new AuditFactsRegistry();
  const req: FhirRequest = { method: 'GET', path: '/Patient/1', query: [], headers: {}, requestId: 'r' };
  const auth: AuthContext = { kind: 'token', clientId: 'c', scopes: [] };
  assert.equal(facts.peekRequest(req), undefined);
  const f = facts.forRequest(req);
  assert.equal(facts.forRequest(req), f, 'one set of facts per request');
  facts.attach(auth, f);
  f.denial = 'why';
  assert.equal(facts.forAuth(auth), f);
  assert.equal(facts.peekRequest(req), f);
  assert.equal(facts.forAuth({ ...auth }), undefined, 'a copy of the context does not carry them');
  assert.deepStrictEqual(auth, { kind: 'token', clientId: 'c', scopes: [] });
  assert.deepStrictEqual(Reflect.ownKeys(auth).filter((k) => Object.getOwnPropertyDescriptor(auth, k)!.enumerable), ['kind', 'clientId', 'scopes']);
  assert.equal(JSON.stringify(req), '{"method":"GET","path":"/Patient/1","query":[],"headers":{},"requestId":"r"}');
  assert.equal(facts.forAuth(undefined), undefined);
  assert.equal(facts.forAuth('token'), undefined);
});
