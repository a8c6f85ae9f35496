// The CapabilityStatement the running facade serves names the profile each resource conforms to
// (CA Baseline for Patient, AllergyIntolerance, Immunization, DocumentReference), the resources it
// serves claim that same profile, and every type advertises the $validate operation that works.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CapabilityStatement, CapabilityStatementRestResource, Resource } from 'fhir/r4.js';
import { validateResource } from '../../src/validation/index.js';
import { medplumValidate } from '../helpers/independent-validator.js';
import { startStack, type Stack } from '../helpers/stack.js';

const CA = 'http://hl7.org/fhir/ca/baseline/StructureDefinition';
const PROFILES: Record<string, string> = {
  Patient: `${CA}/profile-patient`,
  AllergyIntolerance: `${CA}/profile-allergyintolerance`,
  Immunization: `${CA}/profile-immunization`,
  DocumentReference: `${CA}/profile-documentreference`,
};
const VALIDATE = 'http://hl7.org/fhir/OperationDefinition/Resource-validate';

let stack: Stack;
let cs: CapabilityStatement;
before(async () => {
  stack = await startStack();
  const r = await stack.fhir('/metadata');
  assert.equal(r.status, 200);
  cs = r.body as CapabilityStatement;
});
after(async () => { await stack.close(); });

const entry = (type: string): CapabilityStatementRestResource => {
  const e = cs.rest?.[0]?.resource?.find((r) => r.type === type);
  assert.ok(e, `${type} is in the CapabilityStatement`);
  return e;
};

test('the CapabilityStatement is valid (both validators)', () => {
  assert.deepEqual(validateResource(cs).filter((i) => i.severity === 'error'), []);
  assert.deepEqual(medplumValidate(cs), []);
});

test('it names the CA Baseline profile of Patient, AllergyIntolerance, Immunization and DocumentReference', () => {
  for (const [type, profile] of Object.entries(PROFILES)) assert.equal(entry(type).profile, profile, type);
});

test('the resources served claim the profile the CapabilityStatement names', async () => {
  const paths: Record<string, string> = {
    Patient: '/Patient/1001',
    AllergyIntolerance: '/AllergyIntolerance?patient=1001',
    Immunization: '/Immunization?patient=1001',
    DocumentReference: '/DocumentReference?patient=1001',
  };
  for (const [type, path] of Object.entries(paths)) {
    const r = await stack.fhir(path);
    assert.equal(r.status, 200, path);
    const resources: Resource[] = r.body.resourceType === 'Bundle' ? r.body.entry.map((e: { resource: Resource }) => e.resource) : [r.body];
    assert.ok(resources.length > 0, path);
    for (const res of resources) assert.ok(res.meta?.profile?.includes(entry(type).profile!), `${type}/${res.id ?? ''} claims ${entry(type).profile ?? '?'}`);
  }
});

test('every resource type advertises $validate (the R4 Resource-validate operation), and it answers', async () => {
  // Group is the export's (src/bulk/capability.ts): computed from OSCAR's rosters, read-only, nothing to validate.
  const types = cs.rest?.[0]?.resource?.map((r) => r.type).filter((t) => t !== 'Group') ?? [];
  assert.ok(types.length >= 7, types.join());
  for (const type of types) {
    const op = entry(type).operation?.find((o) => o.name === 'validate');
    assert.equal(op?.definition, VALIDATE, type);
    const r = await stack.fhir(`/${type}/$validate`, {
      method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify({ resourceType: type, id: 'x', bogus: true }),
    });
    assert.equal(r.status, 200, `${type}: ${r.text.slice(0, 200)}`);
    assert.equal(r.body.resourceType, 'OperationOutcome');
    assert.ok(r.body.issue.some((i: { expression?: string[] }) => i.expression?.[0] === `${type}.bogus`), type);
  }
});
