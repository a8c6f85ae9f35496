import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;
before(async () => { stack = await startStack(); });
after(async () => { await stack.close(); });

test('the facade serves its CapabilityStatement and a Patient from the simulated clinic', async () => {
  const meta = await stack.fhir('/metadata');
  assert.equal(meta.status, 200);
  assert.equal(meta.body.resourceType, 'CapabilityStatement');
  const p = await stack.fhir('/Patient/1001');
  assert.equal(p.status, 200);
  assert.equal(p.body.name[0].family, 'DOE');
  assert.equal(p.body.birthDate, '1980-01-17');
  assert.match(p.headers.get('etag') ?? '', /^W\/"[0-9a-f]+"$/);
  assert.ok(p.headers.get('x-request-id'));
});

test('an unknown patient is a 404 OperationOutcome', async () => {
  const r = await stack.fhir('/Patient/999999');
  assert.equal(r.status, 404);
  assert.equal(r.body.resourceType, 'OperationOutcome');
});
