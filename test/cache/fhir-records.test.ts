// Which OSCAR record a FHIR type's ids name comes from the resource definitions (recordKind):
// the cache tags rendered reads with it, so a change to the record drops them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Appointment } from 'fhir/r4.js';
import { recordKindsOf, tagsOfResource } from '../../src/cache/fhir-records.js';
import { createLogger } from '../../src/logging.js';
import { OscarClient } from '../../src/oscar/client.js';
import { defaultMappingConfig } from '../../src/resources/mapping-config.js';
import { DEFAULT_SEARCH_LIMITS } from '../../src/resources/deps.js';
import { ProviderDirectory } from '../../src/resources/provider-directory.js';
import { buildRegistry } from '../../src/resources/registry.js';

test('every registered type declares the OSCAR record its ids name', () => {
  const oscar = new OscarClient({
    baseUrl: 'http://oscar.invalid/oscar', timezone: 'America/Toronto',
    oauth: { consumerKey: '-', consumerSecret: '-', token: '-', tokenSecret: '-' }, soap: { userName: '-', password: '-' },
  });
  try {
    const registry = buildRegistry(
      { oscar, mapping: defaultMappingConfig({ timezone: 'America/Toronto' }), providers: new ProviderDirectory(oscar), baseUrl: 'http://x/fhir', limits: DEFAULT_SEARCH_LIMITS },
      { mode: 'strict', logger: createLogger('silent') },
    );
    assert.deepEqual(Object.fromEntries(recordKindsOf(registry.all())), {
      Patient: 'demographic', Appointment: 'appointment', AllergyIntolerance: 'allergy', Immunization: 'prevention',
      DocumentReference: 'document', Binary: 'document', Practitioner: 'provider',
    });
  } finally {
    oscar.close();
  }
});

test('a record kind the cache does not know is refused at start-up', () => {
  assert.throws(() => recordKindsOf([{ type: 'Observation', recordKind: 'measurement' }]), /Observation: recordKind 'measurement' is not one of demographic, /);
});

test('a rendered resource is tagged with its own record and each record it references', () => {
  const kinds = recordKindsOf([{ type: 'Appointment', recordKind: 'appointment' }, { type: 'Patient', recordKind: 'demographic' }]);
  const appointment: Appointment = {
    resourceType: 'Appointment', id: '5', status: 'booked',
    participant: [{ actor: { reference: 'Patient/1001' }, status: 'accepted' }, { actor: { reference: 'Practitioner/7' }, status: 'accepted' }],
  };
  const tags = tagsOfResource(appointment, kinds);
  assert.deepEqual(tags?.sort(), ['appointment:5', 'demographic:1001']);
  assert.equal(tagsOfResource({ resourceType: 'Observation', id: '1' } as never, kinds), undefined, 'a type without a record kind is not stored');
});

test('references are found at any depth, absolute or relative, and only in own members', () => {
  const kinds = recordKindsOf([
    { type: 'DocumentReference', recordKind: 'document' }, { type: 'Patient', recordKind: 'demographic' }, { type: 'Practitioner', recordKind: 'provider' },
  ]);
  const doc = {
    resourceType: 'DocumentReference', id: '9', status: 'current',
    subject: { reference: 'http://x/fhir/Patient/1001' },
    author: [{ reference: 'Practitioner/999998' }, { reference: 'Organization/1' }],
    context: { related: [{ reference: 'Patient/1002', display: 'Patient/1003' }] },
    content: [{ attachment: { url: 'Patient/1004' } }],
    extension: [{ valueReference: { reference: { reference: 'Patient/1005' } } }],
  };
  assert.deepEqual(tagsOfResource(doc as never, kinds)?.sort(), ['demographic:1001', 'demographic:1002', 'demographic:1005', 'document:9', 'provider:999998']);
  // An enumerable member inherited from the prototype is no member of the resource.
  const inherited = Object.assign(Object.create({ subject: { reference: 'Patient/2000' } }) as object, { resourceType: 'DocumentReference', id: '10' });
  assert.deepEqual(tagsOfResource(inherited as never, kinds), ['document:10']);
});
