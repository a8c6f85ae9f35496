// The audit record of one request and of one token request, field by field: the codes come from
// FHIR R4's AuditEvent value sets (audit-event-type 'rest', restful-interaction, audit-entity-type,
// object-role, security-source-type) and DICOM (110150 Application, 110114 User Authentication,
// 110122 Login); what else goes in is only ids (README "Audit").
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditEvent } from 'fhir/r4.js';
import { auditEventFor, tokenAuditEventFor, type AuditInput } from '../../src/auth/audit.js';
import { newFacts, type AuditFacts, type AuthContext } from '../../src/auth/context.js';
import { parseScopes } from '../../src/auth/scopes.js';
import type { FhirRequest } from '../../src/fhir/index.js';

const SITE = 'https://fhir.example.org/fhir';
const APPLICATION = { coding: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110150', display: 'Application' }] };
const SOURCE = {
  site: SITE,
  observer: { display: 'oscar-fhir' },
  type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }],
};
const PERSON = (id: string) => ({
  what: { reference: `Patient/${id}` },
  type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1', display: 'Person' },
  role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' },
});
const OBJECT = (reference: string) => ({ what: { reference }, type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' } });

/** The fields every record of a FHIR request starts with. */
const restRecord = (clinic: string, interaction: string) => ({
  resourceType: 'AuditEvent',
  extension: [{ url: 'urn:oscar-fhir:request-id', valueString: 'req-7' }, { url: 'urn:oscar-fhir:clinic', valueString: clinic }],
  type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest', display: 'RESTful Operation' },
  subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: interaction }],
});

const req = (method: string, path: string, query: [string, string][] = []): FhirRequest => ({ method, path, query, headers: {}, requestId: 'req-7' });
const facts = (f: Partial<AuditFacts>): AuditFacts => ({ ...newFacts(), ...f });

/** The record without the two fields that differ every time, after checking their shape. */
function stable(e: AuditEvent): Omit<AuditEvent, 'id' | 'recorded'> {
  const { id, recorded, ...rest } = e;
  assert.match(id ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.ok(Math.abs(Date.parse(recorded) - Date.now()) < 60_000, recorded);
  assert.match(recorded, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  return rest;
}

const event = (input: Partial<AuditInput> & { req: FhirRequest }): AuditEvent =>
  auditEventFor({ status: 200, auth: undefined, facts: undefined, site: SITE, clinic: 'default', ...input });

describe('the audit record of a request', () => {
  it('a patient/ token\'s search, in full', () => {
    const auth: AuthContext = { kind: 'token', clientId: 'app-1', subject: 'user-9', patient: '1001', scopes: parseScopes('patient/Appointment.rs launch/patient').resource };
    const e = event({
      req: req('GET', '/Appointment', [['patient', '1001'], ['family', 'DOE']]), status: 200, auth, clinic: 'east',
      facts: facts({ interaction: 'search-type', type: 'Appointment', patients: new Set(['1001']), resources: new Set(['Appointment/5', 'Patient/1001']), remoteAddress: '10.0.0.1' }),
    });
    const query = 'patient=1001&family=***';
    assert.deepEqual(stable(e), {
      ...restRecord('east', 'search-type'),
      action: 'E',
      outcome: '0',
      outcomeDesc: 'HTTP 200',
      agent: [{
        type: APPLICATION,
        who: { identifier: { system: 'urn:oscar-fhir:client-id', value: 'app-1' } },
        altId: 'user-9',
        requestor: true,
        policy: ['patient/Appointment.rs'],
        network: { address: '10.0.0.1', type: '2' },
      }],
      source: SOURCE,
      entity: [
        PERSON('1001'),
        OBJECT('Appointment/5'),
        {
          type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' },
          role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '24', display: 'Query' },
          description: `GET Appointment?${query}`,
          query: Buffer.from(query).toString('base64'),
        },
      ],
    });
    assert.equal(Buffer.from(e.entity![2]!.query!, 'base64').toString(), 'patient=1001&family=***');
  });

  it('a refused read by a caller without a token: no agent details it does not have, the reason in the outcome', () => {
    const e = event({ req: req('GET', '/Patient/1001'), status: 401, facts: facts({ denial: 'no access token' }), isKnownType: (t) => t === 'Patient' });
    assert.deepEqual(stable(e), {
      ...restRecord('default', 'read'),
      action: 'R',
      outcome: '4',
      outcomeDesc: 'HTTP 401 no access token',
      agent: [{ type: APPLICATION, who: { identifier: { system: 'urn:oscar-fhir:client-id', value: 'unauthenticated' } }, requestor: true }],
      source: SOURCE,
      entity: [PERSON('1001')],
    });
  });

  it('no entity at all when the request touched nothing', () => {
    const e = event({ req: req('GET', '/metadata'), auth: { kind: 'anonymous' } });
    assert.equal('entity' in e, false);
    assert.equal(e.agent[0]!.who?.identifier?.value, 'anonymous');
    assert.equal(e.subtype?.[0]?.code, 'capabilities');
  });

  it('names the caller by client id, else as anonymous or unauthenticated', () => {
    const who = (auth: AuthContext | undefined) => event({ req: req('GET', '/metadata'), auth }).agent[0]!.who?.identifier?.value;
    assert.equal(who({ kind: 'token', clientId: 'c1' }), 'c1');
    assert.equal(who({ kind: 'anonymous' }), 'anonymous');
    assert.equal(who({ kind: 'token' }), 'unauthenticated');
    assert.equal(who(undefined), 'unauthenticated');
  });

  it('lists granted scopes only when there are some', () => {
    const agent = (auth: AuthContext) => event({ req: req('GET', '/metadata'), auth }).agent[0]!;
    assert.equal('policy' in agent({ kind: 'token', clientId: 'c', scopes: [] }), false);
    assert.equal('policy' in agent({ kind: 'token', clientId: 'c' }), false);
    assert.deepEqual(agent({ kind: 'token', clientId: 'c', scopes: parseScopes('user/Patient.r system/*.cruds').resource }).policy, ['user/Patient.r', 'system/*.cruds']);
    const plain = agent({ kind: 'token', clientId: 'c' });
    assert.deepEqual(Object.keys(plain).sort(), ['requestor', 'type', 'who'], 'no altId or network without a subject or an address');
  });

  it('outcome: 0 below 400, 4 for client errors, 8 for server errors', () => {
    const outcome = (status: number) => event({ req: req('GET', '/metadata'), status }).outcome;
    assert.deepEqual([399, 400, 499, 500, 503].map(outcome), ['0', '4', '4', '8', '8']);
  });

  it('action by interaction: R for reads, C, U, D for writes, E for searches, operations and the rest', () => {
    const action = (interaction: string) => event({ req: req('GET', '/Patient/1'), facts: facts({ interaction, type: 'Patient', id: '1' }) }).action;
    const table = Object.fromEntries(['read', 'vread', 'search-type', 'create', 'update', 'delete', 'operation', 'capabilities', 'token', 'history'].map((i) => [i, action(i)]));
    assert.deepEqual(table, { read: 'R', vread: 'R', 'search-type': 'E', create: 'C', update: 'U', delete: 'D', operation: 'E', capabilities: 'R', token: 'E', history: 'E' });
  });

  it('a patient is one Person entity, however many ways the request concerned them', () => {
    const e = event({
      req: req('GET', '/Patient/1001'), auth: { kind: 'token', clientId: 'c', patient: '1001' },
      facts: facts({ interaction: 'read', type: 'Patient', id: '1001', resources: new Set(['Patient/1001', 'Patient/1002']) }),
    });
    assert.deepEqual(e.entity, [PERSON('1001'), OBJECT('Patient/1002')]);
    const context = event({ req: req('GET', '/Practitioner/7'), auth: { kind: 'token', clientId: 'c', patient: '1001' }, facts: facts({ interaction: 'read', type: 'Practitioner', id: '7' }) });
    assert.deepEqual(context.entity, [PERSON('1001'), OBJECT('Practitioner/7')], 'the token\'s patient, and the instance read');
    // Only a Patient reference folds into the Person: a Binary whose id ends in the patient's id is its own entity.
    const binary = event({ req: req('GET', '/Binary/21001'), auth: { kind: 'token', clientId: 'c', patient: '1001' }, facts: facts({ interaction: 'read', type: 'Binary', id: '21001', resources: new Set(['Binary/21001']) }) });
    assert.deepEqual(binary.entity, [PERSON('1001'), OBJECT('Binary/21001')]);
  });

  it('only what the router did not record is guessed from the path', () => {
    const known = (t: string): boolean => t === 'Patient';
    const noId = event({ req: req('GET', '/Patient/1001'), isKnownType: known, facts: facts({ interaction: 'vread', type: 'Patient' }) });
    assert.deepEqual([noId.subtype?.[0]?.code, noId.entity], ['vread', [PERSON('1001')]]);
    const noInteraction = event({ req: req('PUT', '/Patient/1001'), isKnownType: known, facts: facts({ type: 'Patient', id: '1001' }) });
    assert.deepEqual([noInteraction.subtype?.[0]?.code, noInteraction.action], ['update', 'U']);
    const noType = event({ req: req('GET', '/Patient/1001'), isKnownType: known, facts: facts({ interaction: 'read', id: '1001' }) });
    assert.deepEqual(noType.entity, [PERSON('1001')]);
    // Without a way to tell known types, no type (and so no id) is taken from a refused path.
    assert.equal('entity' in event({ req: req('GET', '/Patient/1001') }), false);
  });

  it('keeps at most 500 entities', () => {
    const many = new Set(Array.from({ length: 600 }, (_, i) => `Appointment/${i + 1}`));
    const e = event({ req: req('GET', '/Appointment'), facts: facts({ interaction: 'search-type', type: 'Appointment', resources: many }) });
    assert.equal(e.entity!.length, 501, '500 resources and the query');
    assert.deepEqual(e.entity![499], OBJECT('Appointment/500'));
    assert.equal(e.entity![500]!.role?.code, '24');
  });
});

describe('the audit record of a token request', () => {
  const LOGIN = {
    type: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110114', display: 'User Authentication' },
    subtype: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110122', display: 'Login' }],
  };

  it('a granted token, in full', () => {
    const e = tokenAuditEventFor({ status: 200, clientId: 'backend-1', scope: 'system/Patient.rs system/Appointment.rs', remoteAddress: '10.0.0.2', site: SITE, clinic: 'west' });
    assert.deepEqual(stable(e), {
      resourceType: 'AuditEvent',
      extension: [{ url: 'urn:oscar-fhir:clinic', valueString: 'west' }],
      ...LOGIN,
      action: 'E',
      outcome: '0',
      outcomeDesc: 'HTTP 200 granted system/Patient.rs system/Appointment.rs',
      agent: [{
        type: APPLICATION,
        who: { identifier: { system: 'urn:oscar-fhir:client-id', value: 'backend-1' } },
        requestor: true,
        policy: ['system/Patient.rs', 'system/Appointment.rs'],
        network: { address: '10.0.0.2', type: '2' },
      }],
      source: SOURCE,
    });
  });

  it('a refused one: the error and its reason, an unknown client, nothing granted', () => {
    const e = tokenAuditEventFor({ status: 401, error: 'invalid_client', reason: 'bad signature', site: SITE, clinic: 'default' });
    assert.equal(e.outcome, '4');
    assert.equal(e.outcomeDesc, 'HTTP 401 invalid_client: bad signature');
    assert.deepEqual(e.agent, [{ type: APPLICATION, who: { identifier: { system: 'urn:oscar-fhir:client-id', value: 'unknown' } }, requestor: true }]);
    assert.equal(tokenAuditEventFor({ status: 400, error: 'invalid_request', site: SITE, clinic: 'default' }).outcomeDesc, 'HTTP 400 invalid_request: ');
    assert.equal(tokenAuditEventFor({ status: 200, site: SITE, clinic: 'default' }).outcomeDesc, 'HTTP 200 granted ');
  });
});
