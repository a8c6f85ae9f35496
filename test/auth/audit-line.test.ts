// The audit line is written as JSON directly (src/auth/audit.ts): each test spells out the whole
// AuditEvent the line must hold, so a member lost, misplaced or wrongly quoted in the writer shows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auditLineFor } from '../../src/auth/audit.js';
import { newFacts, type AuthContext } from '../../src/auth/context.js';
import { parseScopes } from '../../src/auth/scopes.js';
import type { FhirRequest } from '../../src/fhir/index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const AGENT_TYPE = { coding: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110150', display: 'Application' }] };
const SOURCE = (site: string): object => ({
  site, observer: { display: 'oscar-fhir' },
  type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }],
});
const PERSON = {
  type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1', display: 'Person' },
  role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' },
};
const OBJECT = { type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' } };

/** The parsed line with its made-up parts (id, time) checked and set aside. */
function read(line: string): Record<string, unknown> {
  assert.ok(!line.includes('\n'), 'one line');
  const e = JSON.parse(line) as Record<string, unknown>;
  assert.match(e.id as string, UUID);
  assert.ok(Math.abs(Date.parse(e.recorded as string) - Date.now()) < 60_000, 'recorded now');
  const { id: _, recorded: __, ...rest } = e;
  return rest;
}

test('a read with a token: the whole record, members in AuditEvent order', () => {
  const req: FhirRequest = { method: 'GET', path: '/Observation/7', query: [], headers: {}, requestId: 'req-"1"' };
  const facts = newFacts();
  Object.assign(facts, { interaction: 'read', type: 'Observation', id: '7', remoteAddress: '10.0.0.9' });
  facts.patients.add('1001');
  facts.resources.add('Patient/1001');
  facts.resources.add('Observation/7');
  const auth: AuthContext = { kind: 'token', clientId: 'app "x"', subject: 'dr\\who', patient: '1001', scopes: parseScopes('patient/Observation.rs patient/Patient.r').resource };
  const line = auditLineFor({ req, status: 200, auth, facts, site: 'https://f.example/fhir', clinic: 'north' });
  assert.deepEqual(Object.keys(JSON.parse(line) as object), [
    'resourceType', 'id', 'extension', 'type', 'subtype', 'action', 'recorded', 'outcome', 'outcomeDesc', 'agent', 'source', 'entity',
  ]);
  assert.deepEqual(read(line), {
    resourceType: 'AuditEvent',
    extension: [{ url: 'urn:oscar-fhir:request-id', valueString: 'req-"1"' }, { url: 'urn:oscar-fhir:clinic', valueString: 'north' }],
    type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest', display: 'RESTful Operation' },
    subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'read' }],
    action: 'R',
    outcome: '0',
    outcomeDesc: 'HTTP 200',
    agent: [{
      type: AGENT_TYPE,
      who: { identifier: { system: 'urn:oscar-fhir:client-id', value: 'app "x"' } },
      altId: 'dr\\who',
      requestor: true,
      policy: ['patient/Observation.rs', 'patient/Patient.r'],
      network: { address: '10.0.0.9', type: '2' },
    }],
    source: SOURCE('https://f.example/fhir'),
    entity: [{ what: { reference: 'Patient/1001' }, ...PERSON }, { what: { reference: 'Observation/7' }, ...OBJECT }],
  });
});

test('a refused search without a token: guessed interaction, denial, masked query, no optional agent parts', () => {
  const req: FhirRequest = { method: 'GET', path: '/Patient', query: [['family', 'DOE'], ['_count', '5']], headers: {}, requestId: 'r2' };
  const facts = newFacts();
  facts.denial = 'no token';
  const line = auditLineFor({ req, status: 401, auth: undefined, facts, site: 'http://x/fhir', clinic: 'default', isKnownType: (t) => t === 'Patient' });
  assert.deepEqual(read(line), {
    resourceType: 'AuditEvent',
    extension: [{ url: 'urn:oscar-fhir:request-id', valueString: 'r2' }, { url: 'urn:oscar-fhir:clinic', valueString: 'default' }],
    type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest', display: 'RESTful Operation' },
    subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'search-type' }],
    action: 'E',
    outcome: '4',
    outcomeDesc: 'HTTP 401 no token',
    agent: [{ type: AGENT_TYPE, who: { identifier: { system: 'urn:oscar-fhir:client-id', value: 'unauthenticated' } }, requestor: true }],
    source: SOURCE('http://x/fhir'),
    entity: [{
      ...OBJECT,
      role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '24', display: 'Query' },
      description: 'GET Patient?family=***&_count=5',
      query: Buffer.from('family=***&_count=5').toString('base64'),
    }],
  });
});

test('an anonymous call that touched nothing has no entity member; a 5xx is outcome 8', () => {
  const req: FhirRequest = { method: 'GET', path: '/metadata', query: [], headers: {}, requestId: 'r3' };
  const e = read(auditLineFor({ req, status: 503, auth: { kind: 'anonymous' }, facts: undefined, site: 's', clinic: 'c' }));
  assert.equal(e.entity, undefined);
  assert.equal(e.outcome, '8');
  assert.deepEqual((e.agent as { who: unknown }[])[0]!.who, { identifier: { system: 'urn:oscar-fhir:client-id', value: 'anonymous' } });
});

test('a patient touched several ways is one Person entity; entities stop at 500', () => {
  const req: FhirRequest = { method: 'GET', path: '/Patient/1001', query: [], headers: {}, requestId: 'r4' };
  const facts = newFacts();
  Object.assign(facts, { interaction: 'read', type: 'Patient', id: '1001' });
  facts.resources.add('Patient/1001');
  for (let i = 0; i < 600; i++) facts.resources.add(`Immunization/${i}`);
  const e = read(auditLineFor({ req, status: 200, auth: { kind: 'token', clientId: 'c', patient: '1001' }, facts, site: 's', clinic: 'c' }));
  const refs = (e.entity as { what: { reference: string } }[]).map((x) => x.what.reference);
  assert.equal(refs.length, 500);
  assert.deepEqual(refs.slice(0, 2), ['Patient/1001', 'Immunization/0']);
  assert.equal(refs.filter((r) => r === 'Patient/1001').length, 1);
});
