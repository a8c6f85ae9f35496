// The enforcement hooks called directly, one interaction at a time, over a small registry of
// its own: what each refusal says (status, diagnostics with the scope it needs, and the denial the
// audit record carries), which OSCAR reads the hook makes to learn an owner, the compartment it
// hands the handler, and the narrowing clause it puts first in a patient/ token's search
// (smart §7.2, §7.3; README "Scopes").
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Appointment, Binary, DocumentReference, Practitioner, Resource } from 'fhir/r4.js';
import { AuditFactsRegistry, newFacts, type AuditFacts, type AuthContext } from '../../src/auth/context.js';
import { compartmentChecks, createEnforcement } from '../../src/auth/enforce.js';
import { parseScopes } from '../../src/auth/scopes.js';
import {
  FhirError, ID_PARAM, NUMERIC_ID, Registry, defineResource, gone, isFhirError, notFound,
  type FhirContext, type InteractionInfo, type ParsedSearch,
} from '../../src/fhir/index.js';
import { BASE } from '../fhir/harness.js';

const token = (scope: string, patient?: string, more: Partial<AuthContext> = {}): AuthContext =>
  ({ kind: 'token', clientId: 'test', scopes: parseScopes(scope).resource, ...(patient && { patient }), ...more });

const appointment = (id: string, ...patients: string[]): Appointment => ({
  resourceType: 'Appointment', id, status: 'booked',
  participant: [...patients.map((p) => ({ actor: { reference: `Patient/${p}` }, status: 'accepted' as const })),
    { actor: { reference: 'Practitioner/7' }, status: 'accepted' }],
});

function harness(opts: { enforce?: boolean; visible?: string[] } = {}) {
  const reads: string[] = [];
  const asked: string[] = [];
  const appointments = new Map([['100', appointment('100', '1')], ['101', appointment('101', '2')], ['102', appointment('102')]]);
  const documents = new Map<string, DocumentReference>([
    ['55', { resourceType: 'DocumentReference', id: '55', status: 'current', subject: { reference: 'Patient/1' }, content: [{ attachment: { url: 'Binary/55' } }] }],
    ['56', { resourceType: 'DocumentReference', id: '56', status: 'current', subject: { reference: 'Patient/2' }, content: [{ attachment: { url: 'Binary/56' } }] }],
  ]);
  const registry = new Registry();
  const readOf = <R extends Resource>(type: string, get: (id: string) => R | undefined) => async (_ctx: FhirContext, id: string): Promise<R | undefined> => {
    reads.push(`${type}/${id}`);
    return get(id);
  };
  registry.register(defineResource({
    type: 'Patient', idPattern: NUMERIC_ID, searchParams: [ID_PARAM],
    interactions: { read: readOf('Patient', (id) => (id === '1' || id === '2' ? { resourceType: 'Patient', id } : undefined)), search: async () => ({ resources: [] }) },
  }));
  registry.register(defineResource<Appointment>({
    type: 'Appointment', idPattern: NUMERIC_ID,
    searchParams: [{ name: 'patient', type: 'reference', description: 'The patient', definition: 'http://hl7.org/fhir/SearchParameter/Appointment-patient', target: ['Patient'] }],
    interactions: {
      search: async () => ({ resources: [] }),
      read: readOf('Appointment', (id) => {
        if (id === '300') throw gone('Appointment 300 was deleted in OSCAR');
        if (id === '301') throw notFound('OSCAR has no appointment 301');
        if (id === '302') throw new FhirError(502, { severity: 'error', code: 'exception', diagnostics: 'OSCAR failed' });
        if (id === '303') throw new TypeError('a bug');
        return appointments.get(id);
      }),
    },
  }));
  registry.register(defineResource<Practitioner>({
    type: 'Practitioner', idPattern: NUMERIC_ID, searchParams: [],
    interactions: { read: readOf('Practitioner', (id) => ({ resourceType: 'Practitioner', id })) },
  }));
  registry.register(defineResource<DocumentReference>({
    type: 'DocumentReference', idPattern: NUMERIC_ID, searchParams: [], interactions: { read: readOf('DocumentReference', (id) => documents.get(id)) },
  }));
  registry.register(defineResource<Binary>({
    type: 'Binary', idPattern: NUMERIC_ID, searchParams: [], interactions: { read: readOf('Binary', (id) => ({ resourceType: 'Binary', id, contentType: 'text/plain' })) },
  }));
  // A type with no patient search parameter, and one whose records cannot be read back.
  registry.register(defineResource({ type: 'Schedule', searchParams: [], interactions: { search: async () => ({ resources: [] }) } }));
  registry.register(defineResource({ type: 'Flag', idPattern: NUMERIC_ID, searchParams: [], interactions: { update: async (_c, _id, r) => r } }));

  const registryOfFacts = new AuditFactsRegistry();
  const visible = new Set(opts.visible ?? []);
  const sees = async (_a: AuthContext, patient: string, type: string): Promise<boolean> => { asked.push(`${type}:${patient}`); return visible.has(patient); };
  const hooks = createEnforcement({ registry, baseUrl: BASE, enforce: opts.enforce ?? true, facts: registryOfFacts, ...(opts.visible && { sees }) });

  /** One request: its context and facts, as authenticate() attaches them. */
  function request(auth: AuthContext | undefined): { ctx: FhirContext; facts: AuditFacts } {
    const ctx: FhirContext = { requestId: 'r', baseUrl: BASE, auth, signal: new AbortController().signal, prefer: {} };
    const facts = newFacts();
    if (auth) registryOfFacts.attach(auth, facts);
    return { ctx, facts };
  }
  return { hooks, request, reads, asked };
}

/** 'allowed', or the refusal as `status diagnostics [denial]`. */
async function outcome(run: () => void | Promise<void>, facts: AuditFacts): Promise<string> {
  try {
    await run();
    return 'allowed';
  } catch (e) {
    if (!isFhirError(e)) throw e;
    return `${e.status} ${e.issues[0]?.diagnostics} [${facts.denial}]`;
  }
}

const search = (type: string, clauses: ParsedSearch['clauses'] = [], include: ParsedSearch['include'] = []): ParsedSearch =>
  ({ type, clauses, include, count: 10, offset: 0, applied: [], issues: [], impossible: false });

/** beforeInteraction for one request: the outcome, the compartment handed on, the owner reads made. */
async function before(auth: AuthContext | undefined, info: InteractionInfo, h = harness()) {
  const { ctx, facts } = h.request(auth);
  const result = await outcome(() => h.hooks.beforeInteraction(ctx, info), facts);
  return { result, compartment: ctx.compartment, reads: h.reads, facts, asked: h.asked };
}

const jane = token('patient/*.cruds', '1');

describe('the refusal names the permission and the scope that would allow it', () => {
  const cases: [string, AuthContext | undefined, InteractionInfo, string][] = [
    ['a user token searching', token('user/Patient.r'), { interaction: 'search-type', type: 'Patient', search: search('Patient') },
      '403 This access token may not search Patient (needs user/Patient.s) [insufficient_scope Patient.s]'],
    ['a system token creating', token('system/Patient.r'), { interaction: 'create', type: 'Patient', resource: { resourceType: 'Patient' } },
      '403 This access token may not create Patient (needs system/Patient.c) [insufficient_scope Patient.c]'],
    ['a patient token updating', token('patient/Patient.r', '1'), { interaction: 'update', type: 'Appointment', id: '100', resource: appointment('100', '1') },
      '403 This access token may not update Appointment (needs patient/Appointment.u) [insufficient_scope Appointment.u]'],
    ['a read', token('user/Patient.s'), { interaction: 'read', type: 'Appointment', id: '100' },
      '403 This access token may not read Appointment (needs user/Appointment.r) [insufficient_scope Appointment.r]'],
    ['a vread', token('user/Patient.s'), { interaction: 'vread', type: 'Patient', id: '1' },
      '403 This access token may not read Patient (needs user/Patient.r) [insufficient_scope Patient.r]'],
    ['a token that carries no scopes at all', { kind: 'token', clientId: 'test' }, { interaction: 'read', type: 'Patient', id: '1' },
      '403 This access token may not read Patient (needs system/Patient.r) [insufficient_scope Patient.r]'],
    ['an _include of a type the token may not search', token('user/Patient.s'), { interaction: 'search-type', type: 'Patient', search: search('Patient', [], [{ param: 'general-practitioner', targetType: 'Practitioner', references: () => [] }]) },
      '403 This access token may not search Practitioner (needs user/Practitioner.s) [insufficient_scope Practitioner.s]'],
    ['a patient/ scope without a patient context', token('patient/Appointment.r'), { interaction: 'read', type: 'Appointment', id: '100' },
      '403 A patient/ scope needs a patient context [patient scope without patient context]'],
    // Without a context the router reached the hooks without authenticate(): no facts to record in.
    ['no caller at all', undefined, { interaction: 'read', type: 'Patient', id: '1' },
      '401 This server needs an OAuth 2.0 bearer access token (SMART on FHIR): see .well-known/smart-configuration [undefined]'],
    ['an anonymous caller', { kind: 'anonymous' }, { interaction: 'read', type: 'Patient', id: '1' },
      '401 This server needs an OAuth 2.0 bearer access token (SMART on FHIR): see .well-known/smart-configuration [no access token]'],
    ['an interaction the router has no rule for', token('user/*.cruds'), { interaction: 'delete' as InteractionInfo['interaction'], type: 'Patient', id: '1' },
      '403 This interaction is not allowed [unknown interaction delete]'],
  ];
  for (const [what, auth, info, expected] of cases) {
    it(what, async () => assert.equal((await before(auth, info)).result, expected));
  }

  it('lets each interaction through with exactly its letter', async () => {
    const allowed: [string, InteractionInfo][] = [
      ['user/Patient.r', { interaction: 'read', type: 'Patient', id: '1' }],
      ['user/Patient.r', { interaction: 'vread', type: 'Patient', id: '1' }],
      ['user/Patient.s', { interaction: 'search-type', type: 'Patient', search: search('Patient') }],
      ['user/Patient.c', { interaction: 'create', type: 'Patient', resource: { resourceType: 'Patient' } }],
      ['user/Patient.u', { interaction: 'update', type: 'Patient', id: '1', resource: { resourceType: 'Patient', id: '1' } }],
      ['user/Patient.s user/Practitioner.s', { interaction: 'search-type', type: 'Patient', search: search('Patient', [], [{ param: 'general-practitioner', targetType: 'Practitioner', references: () => [] }]) }],
      // Practitioner holds no patient's data: a patient/ scope on it needs no patient context.
      ['patient/Practitioner.r', { interaction: 'read', type: 'Practitioner', id: '7' }],
    ];
    for (const [scope, info] of allowed) assert.equal((await before(token(scope), info)).result, 'allowed', `${scope} ${info.interaction}`);
  });

  it('leaves the CapabilityStatement to anyone', async () => {
    assert.equal((await before(undefined, { interaction: 'capabilities' })).result, 'allowed');
  });
});

describe('$validate, whole-record and other operations', () => {
  const validate: InteractionInfo = { interaction: 'operation', type: 'Patient', operation: 'validate' };

  it('$validate takes any one permission on its type, and names c when there is none', async () => {
    for (const p of ['c', 'r', 'u', 'd', 's']) assert.equal((await before(token(`user/Patient.${p}`), validate)).result, 'allowed', p);
    assert.equal((await before(token('user/Appointment.cruds'), validate)).result,
      '403 This access token may not create Patient (needs user/Patient.c) [insufficient_scope Patient.c]');
  });

  it('$everything and $export need r and s on every type but Binary', async () => {
    const allTypes = 'user/Patient.rs user/Appointment.rs user/Practitioner.rs user/DocumentReference.rs user/Schedule.rs user/Flag.rs';
    for (const operation of ['everything', 'export']) {
      const info: InteractionInfo = { interaction: 'operation', type: 'Patient', id: '1', operation };
      assert.equal((await before(token('user/Patient.rs'), info)).result,
        '403 This access token may not read Appointment (needs user/Appointment.r) [insufficient_scope Appointment.r]', operation);
      assert.equal((await before(token('user/Patient.rs user/Appointment.r'), info)).result,
        '403 This access token may not search Appointment (needs user/Appointment.s) [insufficient_scope Appointment.s]', operation);
      const ok = await before(token(allTypes), info);
      assert.deepEqual([ok.result, ok.compartment, ok.reads], ['allowed', undefined, []], operation);
    }
  });

  it('a whole-record operation is confined when either its r or its s is a patient/ scope', async () => {
    for (const scope of ['patient/*.r user/*.s', 'user/*.r patient/*.s']) {
      const other = await before(token(scope, '1'), { interaction: 'operation', type: 'Patient', id: '2', operation: 'everything' });
      assert.equal(other.result, '404 Patient/2 is not known [outside the patient compartment]', scope);
      const own = await before(token(scope, '1'), { interaction: 'operation', type: 'Patient', id: '1', operation: 'everything' });
      assert.deepEqual([own.result, own.compartment], ['allowed', '1'], scope);
    }
  });

  it('a whole-record operation on a type outside the compartment is not confined to a patient', async () => {
    const r = await before(jane, { interaction: 'operation', type: 'Practitioner', id: '7', operation: 'everything' });
    assert.deepEqual([r.result, r.compartment, r.reads], ['allowed', undefined, []]);
  });

  it('another operation needs r on an instance, s on the type', async () => {
    const onInstance: InteractionInfo = { interaction: 'operation', type: 'Appointment', id: '100', operation: 'summary' };
    const onType: InteractionInfo = { interaction: 'operation', type: 'Appointment', operation: 'summary' };
    assert.equal((await before(token('user/Appointment.r'), onInstance)).result, 'allowed');
    assert.equal((await before(token('user/Appointment.s'), onInstance)).result,
      '403 This access token may not read Appointment (needs user/Appointment.r) [insufficient_scope Appointment.r]');
    assert.equal((await before(token('user/Appointment.s'), onType)).result, 'allowed');
    assert.equal((await before(token('user/Appointment.r'), onType)).result,
      '403 This access token may not search Appointment (needs user/Appointment.s) [insufficient_scope Appointment.s]');
  });

  it("a patient/ token's operation reads the stored owner of the instance, and is refused on the type", async () => {
    const own = await before(jane, { interaction: 'operation', type: 'Appointment', id: '100', operation: 'summary' });
    assert.deepEqual([own.result, own.compartment, own.reads], ['allowed', '1', ['Appointment/100']]);
    const other = await before(jane, { interaction: 'operation', type: 'Appointment', id: '101', operation: 'summary' });
    assert.equal(other.result, '404 Appointment/101 is not known [outside the patient compartment]');
    assert.equal((await before(jane, { interaction: 'operation', type: 'Appointment', operation: 'summary' })).result,
      '403 $summary on all of Appointment is not available to patient-context tokens [type-level $summary with a patient token]');
    // A user/ token's operation is not confined: no owner read.
    const user = await before(token('user/Appointment.r'), { interaction: 'operation', type: 'Appointment', id: '101', operation: 'summary' });
    assert.deepEqual([user.result, user.compartment, user.reads], ['allowed', undefined, []]);
  });
});

describe("a patient/ token's compartment", () => {
  it('narrows its search with a first clause naming its patient, by token for Patient and by reference for others', async () => {
    const patients = search('Patient', [{ name: 'family', type: 'string', values: [{ value: 'Smith' }] } as never]);
    const r1 = await before(jane, { interaction: 'search-type', type: 'Patient', search: patients });
    assert.deepEqual([r1.result, r1.compartment], ['allowed', '1']);
    assert.deepEqual(patients.clauses.map((c) => [c.name, c.type, c.values]), [['_id', 'token', [{ code: '1' }]], ['family', 'string', [{ value: 'Smith' }]]]);
    const appts = search('Appointment');
    const r2 = await before(jane, { interaction: 'search-type', type: 'Appointment', search: appts });
    assert.deepEqual([r2.result, r2.compartment], ['allowed', '1']);
    assert.deepEqual(appts.clauses.map((c) => [c.name, c.type, c.values]), [['patient', 'reference', [{ type: 'Patient', id: '1' }]]]);
    assert.deepEqual([...r2.facts.patients], ['1'], 'the audit record names the patient searched for');
  });

  it("leaves a user/ token's search as it is", async () => {
    const appts = search('Appointment');
    const r = await before(token('user/Appointment.s'), { interaction: 'search-type', type: 'Appointment', search: appts });
    assert.deepEqual([r.result, r.compartment, appts.clauses], ['allowed', undefined, []]);
  });

  it('refuses a search of a type with no patient parameter', async () => {
    const r = await before(jane, { interaction: 'search-type', type: 'Schedule', search: search('Schedule') });
    assert.equal(r.result, '403 Schedule cannot be searched with a patient-context token [Schedule has no patient search parameter]');
  });

  it('reads: no owner read of its own (the handler stops at the owner), Patient decided by the id', async () => {
    const appt = await before(jane, { interaction: 'read', type: 'Appointment', id: '101' });
    assert.deepEqual([appt.result, appt.compartment, appt.reads], ['allowed', '1', []]);
    const vread = await before(jane, { interaction: 'vread', type: 'Appointment', id: '101' });
    assert.deepEqual([vread.result, vread.compartment, vread.reads], ['allowed', '1', []]);
    const other = await before(jane, { interaction: 'read', type: 'Patient', id: '2' });
    assert.deepEqual([other.result, other.reads], ['404 Patient/2 is not known [outside the patient compartment]', []]);
    const own = await before(jane, { interaction: 'vread', type: 'Patient', id: '1' });
    assert.deepEqual([own.result, own.compartment, own.reads], ['allowed', '1', []]);
    const practitioner = await before(jane, { interaction: 'read', type: 'Practitioner', id: '7' });
    assert.deepEqual([practitioner.result, practitioner.compartment], ['allowed', undefined], 'outside the compartment');
  });

  it("a Binary's owner is the subject of the DocumentReference of the same id", async () => {
    const own = await before(jane, { interaction: 'read', type: 'Binary', id: '55' });
    assert.deepEqual([own.result, own.reads], ['allowed', ['DocumentReference/55']]);
    const other = await before(jane, { interaction: 'read', type: 'Binary', id: '56' });
    assert.equal(other.result, '404 Binary/56 is not known [outside the patient compartment]');
  });

  it('creates: the body must name its patient only; no stored read; never a Patient or a Binary', async () => {
    const cases: [Resource, string][] = [
      [appointment('x', '1'), 'allowed'],
      [appointment('x', '2'), '403 A patient-context token can only write Appointment resources of its own patient [write outside the patient compartment]'],
      [appointment('x', '1', '2'), '403 A patient-context token can only write Appointment resources of its own patient [write outside the patient compartment]'],
      [appointment('x'), '403 A patient-context token can only write Appointment resources of its own patient [write outside the patient compartment]'],
      [{ resourceType: 'Binary', contentType: 'text/plain', securityContext: { reference: 'Patient/1' } } as Binary, '403 A patient-context token can only write Binary resources of its own patient [write outside the patient compartment]'],
      [{ resourceType: 'Patient' }, '403 A patient-context token cannot create patients [patient token creating a patient]'],
    ];
    for (const [resource, expected] of cases) {
      const r = await before(jane, { interaction: 'create', type: resource.resourceType, resource });
      assert.deepEqual([r.result, r.reads], [expected, []], JSON.stringify(resource));
    }
  });

  it('a write whose body failed validation is checked without it (the router answers 422 after the hook)', async () => {
    const create = await before(jane, { interaction: 'create', type: 'Appointment' });
    assert.deepEqual([create.result, create.reads], ['allowed', []]);
    const update = await before(jane, { interaction: 'update', type: 'Appointment', id: '100' });
    assert.deepEqual([update.result, update.reads], ['allowed', ['Appointment/100']]);
    assert.equal((await before(jane, { interaction: 'update', type: 'Appointment', id: '101' })).result, '404 Appointment/101 is not known [outside the patient compartment]');
  });

  it('updates: the stored record and the body must both be its patient\'s', async () => {
    const cases: [string, string, Resource, string, string[]][] = [
      ['Appointment', '100', appointment('100', '1'), 'allowed', ['Appointment/100']],
      ['Appointment', '100', appointment('100', '2'), '403 A patient-context token can only write Appointment resources of its own patient [write outside the patient compartment]', ['Appointment/100']],
      ['Appointment', '101', appointment('101', '1'), '404 Appointment/101 is not known [outside the patient compartment]', ['Appointment/101']],
      ['Appointment', '102', appointment('102', '1'), '404 Appointment/102 is not known [outside the patient compartment]', ['Appointment/102']],
      ['Appointment', '999', appointment('999', '1'), '404 Appointment/999 is not known [outside the patient compartment]', ['Appointment/999']],
      // Gone or not found in OSCAR looks like any unknown id; an id the type cannot have is not read.
      ['Appointment', '300', appointment('300', '1'), '404 Appointment/300 is not known [outside the patient compartment]', ['Appointment/300']],
      ['Appointment', '301', appointment('301', '1'), '404 Appointment/301 is not known [outside the patient compartment]', ['Appointment/301']],
      ['Appointment', 'abc', appointment('abc', '1'), '404 Appointment/abc is not known [outside the patient compartment]', []],
      ['Patient', '1', { resourceType: 'Patient', id: '1' }, 'allowed', []],
      ['Patient', '2', { resourceType: 'Patient', id: '2' }, '404 Patient/2 is not known [outside the patient compartment]', []],
      ['Flag', '5', { resourceType: 'Flag', id: '5', status: 'active', code: {}, subject: { reference: 'Patient/1' } } as Resource,
        '403 Flag is not available to patient-context tokens on this server [Flag without a readable owner]', []],
    ];
    for (const [type, id, resource, expected, reads] of cases) {
      const r = await before(jane, { interaction: 'update', type, id, resource });
      assert.deepEqual([r.result, r.reads], [expected, reads], `${type}/${id}`);
    }
  });

  it('an OSCAR failure while reading the owner is answered as that failure, not as an unknown id', async () => {
    const r = await before(jane, { interaction: 'update', type: 'Appointment', id: '302', resource: appointment('302', '1') });
    assert.equal(r.result, '502 OSCAR failed [undefined]');
    await assert.rejects(before(jane, { interaction: 'update', type: 'Appointment', id: '303', resource: appointment('303', '1') }), TypeError);
  });

  it('records its patient among the patients of the request (the audit record)', async () => {
    const r = await before(jane, { interaction: 'read', type: 'Practitioner', id: '7' });
    assert.deepEqual([...r.facts.patients], ['1']);
  });
});

describe('the resources leaving (checkResource)', () => {
  /** beforeInteraction, then checkResource on each resource; the outcome of the last step. */
  async function answer(auth: AuthContext | undefined, info: InteractionInfo, resources: Resource[], h = harness()) {
    const { ctx, facts } = h.request(auth);
    const first = await outcome(() => h.hooks.beforeInteraction(ctx, info), facts);
    if (first !== 'allowed') return first;
    for (const r of resources) {
      const result = await outcome(() => h.hooks.checkResource(ctx, r), facts);
      if (result !== 'allowed') return result;
    }
    return 'allowed';
  }

  it("refuses another patient's resource: on a read like an unknown id, in a search as a whole", async () => {
    assert.equal(await answer(jane, { interaction: 'read', type: 'Appointment', id: '101' }, [appointment('101', '2')]),
      '404 Appointment/101 is not known [resource outside the patient compartment]');
    assert.equal(await answer(jane, { interaction: 'vread', type: 'Appointment', id: '101' }, [appointment('101', '2')]),
      '404 Appointment/101 is not known [resource outside the patient compartment]');
    assert.equal(await answer(jane, { interaction: 'search-type', type: 'Appointment', search: search('Appointment') }, [appointment('100', '1'), appointment('101', '2')]),
      '403 The answer would include resources outside the patient compartment of this token [resource outside the patient compartment]');
    assert.equal(await answer(jane, { interaction: 'read', type: 'Appointment', id: '100' }, [appointment('100', '1')]), 'allowed');
    assert.equal(await answer(jane, { interaction: 'read', type: 'Practitioner', id: '7' }, [{ resourceType: 'Practitioner', id: '7' }]), 'allowed');
  });

  it('a resource without an id is refused as an unknown one with an empty id', async () => {
    const { id: _id, ...noId } = appointment('101', '2');
    assert.equal(await answer(jane, { interaction: 'read', type: 'Appointment', id: '101' }, [noId as Appointment]),
      '404 Appointment/ is not known [resource outside the patient compartment]');
  });

  it('passes what a user/ token may see, and what its search scope found without a read scope', async () => {
    assert.equal(await answer(token('user/Appointment.r'), { interaction: 'read', type: 'Appointment', id: '101' }, [appointment('101', '2')]), 'allowed');
    assert.equal(await answer(token('user/Appointment.s'), { interaction: 'search-type', type: 'Appointment', search: search('Appointment') }, [appointment('101', '2')]), 'allowed');
    // A user/ search scope is not narrowed by a patient/ read scope on the same type.
    assert.equal(await answer(token('user/Appointment.s patient/Appointment.r', '1'), { interaction: 'search-type', type: 'Appointment', search: search('Appointment') }, [appointment('101', '2')]), 'allowed');
    // A type no hook authorised (inside an operation's answer) needs r.
    assert.equal(await answer(token('user/Appointment.r user/Practitioner.r'), { interaction: 'read', type: 'Appointment', id: '100' }, [{ resourceType: 'Practitioner', id: '7' }]), 'allowed');
    assert.equal(await answer(token('user/Appointment.r'), { interaction: 'read', type: 'Appointment', id: '100' }, [{ resourceType: 'Practitioner', id: '7' }]),
      '403 This access token may not read Practitioner (needs user/Practitioner.r) [insufficient_scope Practitioner.r]');
  });

  it('a confined read of the type stays confined when the token also has a wider scope for another letter', async () => {
    assert.equal(await answer(token('patient/*.r user/*.s', '1'), { interaction: 'operation', type: 'Patient', id: '1', operation: 'everything' }, [{ resourceType: 'Patient', id: '2' }]),
      '403 The answer would include resources outside the patient compartment of this token [resource outside the patient compartment]');
  });

  it('a Binary: checked through its DocumentReference, else through its securityContext', async () => {
    const binary = (id: string, owner?: string): Binary => ({ resourceType: 'Binary', id, contentType: 'text/plain', ...(owner && { securityContext: { reference: `Patient/${owner}` } }) });
    assert.equal(await answer(jane, { interaction: 'read', type: 'Binary', id: '55' }, [binary('55')]), 'allowed');
    // Inside an operation's answer (no DocumentReference read for it): its securityContext decides.
    const op: InteractionInfo = { interaction: 'operation', type: 'Patient', id: '1', operation: 'everything' };
    assert.equal(await answer(jane, op, [binary('60', '1')]), 'allowed');
    assert.equal(await answer(jane, op, [binary('55')]),
      '403 The answer would include resources outside the patient compartment of this token [resource outside the patient compartment]');
    assert.equal(await answer(jane, op, [binary('61', '2')]),
      '403 The answer would include resources outside the patient compartment of this token [resource outside the patient compartment]');
    // Checked through DocumentReference 55 does not vouch for another Binary.
    const h = harness();
    const { ctx, facts } = h.request(jane);
    await h.hooks.beforeInteraction(ctx, { interaction: 'read', type: 'Binary', id: '55' });
    assert.equal(await outcome(() => h.hooks.checkResource(ctx, binary('57')), facts), '404 Binary/57 is not known [resource outside the patient compartment]');
  });

  it('answers 401 to a caller without a token, and records every resource leaving', async () => {
    const h = harness();
    const { ctx, facts } = h.request({ kind: 'anonymous' });
    assert.equal(await outcome(() => h.hooks.checkResource(ctx, appointment('100', '1')), facts),
      '401 This server needs an OAuth 2.0 bearer access token (SMART on FHIR): see .well-known/smart-configuration [no access token]');
    assert.deepEqual([[...facts.resources], [...facts.patients]], [['Appointment/100'], ['1']]);
  });
});

describe('with enforcement off (AUTH_MODE=none)', () => {
  it('refuses nothing and still records what the request touched', async () => {
    const h = harness({ enforce: false });
    const { ctx, facts } = h.request({ kind: 'anonymous' });
    const info: InteractionInfo = { interaction: 'search-type', type: 'Appointment', search: search('Appointment', [{ name: 'patient', type: 'reference', values: [{ type: 'Patient', id: '2' }] } as never]) };
    assert.equal(await outcome(() => h.hooks.beforeInteraction(ctx, info), facts), 'allowed');
    assert.equal(await outcome(() => h.hooks.checkResource(ctx, appointment('101', '2')), facts), 'allowed');
    assert.deepEqual([facts.interaction, [...facts.patients], [...facts.resources]], ['search-type', ['2'], ['Appointment/101']]);
  });

  it('records the interaction the router accepted, and a Patient instance as a patient', async () => {
    const recorded = async (info: InteractionInfo) => {
      const h = harness({ enforce: false });
      const { ctx, facts } = h.request({ kind: 'anonymous' });
      await h.hooks.beforeInteraction(ctx, info);
      return { interaction: facts.interaction, type: facts.type, id: facts.id, operation: facts.operation, patients: [...facts.patients] };
    };
    assert.deepEqual(await recorded({ interaction: 'read', type: 'Appointment', id: '100' }), { interaction: 'read', type: 'Appointment', id: '100', operation: undefined, patients: [] });
    assert.deepEqual(await recorded({ interaction: 'read', type: 'Patient', id: '2' }), { interaction: 'read', type: 'Patient', id: '2', operation: undefined, patients: ['2'] });
    assert.deepEqual(await recorded({ interaction: 'operation', type: 'Patient', operation: 'validate' }), { interaction: 'operation', type: 'Patient', id: undefined, operation: 'validate', patients: [] });
    assert.deepEqual(await recorded({ interaction: 'capabilities' }), { interaction: 'capabilities', type: undefined, id: undefined, operation: undefined, patients: [] });
    // A search of a type this server does not have records no patient (and does not fail).
    assert.deepEqual((await recorded({ interaction: 'search-type', type: 'Nothing', search: search('Nothing') })).patients, []);
  });

  it('records as searched-for patients only row ids given to the patient parameter, not practitioners or names', async () => {
    const searched = async (type: string, clauses: unknown[]) => {
      const h = harness({ enforce: false });
      const { ctx, facts } = h.request({ kind: 'anonymous' });
      await h.hooks.beforeInteraction(ctx, { interaction: 'search-type', type, search: search(type, clauses as ParsedSearch['clauses']) });
      return [...facts.patients];
    };
    assert.deepEqual(await searched('Appointment', [
      { name: '_id', type: 'token', values: [{ code: '100' }] },
      { name: 'patient', type: 'reference', values: [{ type: 'Patient', id: '2' }, { type: 'Practitioner', id: '7' }, { id: '3' }, { type: 'Patient', id: 'DOE' }] },
    ]), ['2', '3']);
    assert.deepEqual(await searched('Patient', [{ name: '_id', type: 'token', values: [{ code: '1' }, { code: 'SMITH' }, {}] }]), ['1']);
    assert.deepEqual(await searched('Appointment', [{ name: 'patient', type: 'string', values: [{ value: '4' }] }]), []);
  });

  it('works for a request whose facts were never attached', async () => {
    const h = harness({ enforce: false });
    const ctx: FhirContext = { requestId: 'r', baseUrl: BASE, auth: { kind: 'anonymous' }, signal: new AbortController().signal, prefer: {} };
    assert.equal(await outcome(() => h.hooks.beforeInteraction(ctx, { interaction: 'search-type', type: 'Appointment', search: search('Appointment') }), newFacts()), 'allowed');
    assert.equal(await outcome(() => h.hooks.checkResource(ctx, appointment('100', '1')), newFacts()), 'allowed');
  });
});

describe('a SMART app user held to what OSCAR shows them', () => {
  const user = token('user/*.cruds', undefined, { oscarProvider: '999998' });

  it('is asked about on every patient a returned resource names; a read of a hidden one looks unknown', async () => {
    const h = harness({ visible: ['1'] });
    const { ctx, facts } = h.request(user);
    await h.hooks.beforeInteraction(ctx, { interaction: 'read', type: 'Appointment', id: '101' });
    assert.equal(await outcome(() => h.hooks.checkResource(ctx, appointment('101', '2')), facts),
      '404 Appointment/101 is not known [a patient (or their Appointment) OSCAR does not show this user]');
    const search2 = h.request(user);
    await h.hooks.beforeInteraction(search2.ctx, { interaction: 'search-type', type: 'Appointment', search: search('Appointment') });
    assert.equal(await outcome(() => h.hooks.checkResource(search2.ctx, appointment('101', '2')), search2.facts),
      '403 The answer would include patients, or Appointment records, OSCAR does not show this user [a patient (or their Appointment) OSCAR does not show this user]');
    assert.equal(await outcome(() => h.hooks.checkResource(search2.ctx, appointment('100', '1')), search2.facts), 'allowed');
    assert.deepEqual(h.asked, ['Appointment:2', 'Appointment:2', 'Appointment:1']);
  });

  it('answers without waiting when there is nothing to ask OSCAR (a type outside the compartment, a caller who is not an OSCAR user)', async () => {
    const h = harness({ visible: ['1'] });
    const asUser = h.request(user);
    await h.hooks.beforeInteraction(asUser.ctx, { interaction: 'read', type: 'Practitioner', id: '7' });
    assert.equal(h.hooks.checkResource(asUser.ctx, { resourceType: 'Practitioner', id: '7' }), undefined);
    const backend = h.request(token('system/*.rs'));
    await h.hooks.beforeInteraction(backend.ctx, { interaction: 'read', type: 'Appointment', id: '101' });
    assert.equal(h.hooks.checkResource(backend.ctx, appointment('101', '2')), undefined);
    assert.equal(h.hooks.beforeInteraction(backend.ctx, { interaction: 'read', type: 'Appointment', id: '101' }), undefined);
    assert.deepEqual(h.asked, []);
  });

  it('writes: the body and the stored record are asked about; a Patient by its id; a create has no stored record', async () => {
    const cases: [InteractionInfo, string, string[], string[]][] = [
      [{ interaction: 'update', type: 'Appointment', id: '100', resource: appointment('100', '1') }, 'allowed', ['Appointment:1', 'Appointment:1'], ['Appointment/100']],
      [{ interaction: 'update', type: 'Appointment', id: '101', resource: appointment('101', '1') },
        '403 OSCAR does not let this user see the patient this Appointment belongs to, or their Appointment records [a patient (or their Appointment) OSCAR does not show this user]',
        ['Appointment:1', 'Appointment:2'], ['Appointment/101']],
      [{ interaction: 'update', type: 'Patient', id: '2', resource: { resourceType: 'Patient', id: '2' } },
        '403 OSCAR does not let this user see the patient this Patient belongs to, or their Patient records [a patient (or their Patient) OSCAR does not show this user]', ['Patient:2'], []],
      [{ interaction: 'update', type: 'Patient', id: '1', resource: { resourceType: 'Patient', id: '1' } }, 'allowed', ['Patient:1', 'Patient:1'], []],
      [{ interaction: 'create', type: 'Patient', resource: { resourceType: 'Patient' } }, 'allowed', [], []],
      [{ interaction: 'create', type: 'Appointment', resource: appointment('x', '1') }, 'allowed', ['Appointment:1'], []],
      [{ interaction: 'update', type: 'Practitioner', id: '7', resource: { resourceType: 'Practitioner', id: '7' } }, 'allowed', [], []],
    ];
    for (const [info, expected, asked, reads] of cases) {
      const r = await before(user, info, harness({ visible: ['1'] }));
      assert.deepEqual([r.result, r.asked, r.reads], [expected, asked, reads], `${info.interaction} ${info.type}/${info.id}`);
    }
  });

  it('a caller who did not sign in through OSCAR is not asked about', async () => {
    const r = await before(token('user/*.cruds'), { interaction: 'update', type: 'Appointment', id: '101', resource: appointment('101', '2') }, harness({ visible: [] }));
    assert.deepEqual([r.result, r.asked, r.reads], ['allowed', [], []]);
  });
});

describe('the compartment policy table (README "Scopes")', () => {
  it('names the checks of each interaction; Patient and Binary instances always have a stored owner', () => {
    const table = Object.fromEntries(['read', 'vread', 'create', 'update', 'operation', 'anything else'].map((i) => [i, compartmentChecks(i, 'Appointment')]));
    assert.deepEqual(table, {
      read: ['returned'], vread: ['returned'], create: ['incoming', 'returned'], update: ['stored', 'incoming', 'returned'],
      operation: ['stored', 'returned'], 'anything else': ['stored', 'incoming', 'returned'],
    });
    for (const type of ['Patient', 'Binary']) {
      assert.deepEqual(compartmentChecks('read', type), ['stored', 'returned'], type);
      assert.deepEqual(compartmentChecks('update', type), ['stored', 'incoming', 'returned'], type);
      assert.deepEqual(compartmentChecks('create', type), ['incoming', 'returned'], type);
    }
  });
});
