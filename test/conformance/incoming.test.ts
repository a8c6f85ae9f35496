// Incoming writes over HTTP: one deliberately broken resource per rule the facade enforces on
// Patient create/update, Appointment create/update and DocumentReference create. Each must be
// refused with the right status (400: not a resource of the URL's type / id mismatch; 422: a
// schema or profile violation), an OperationOutcome naming the offending element with a human
// message, and NOTHING sent to OSCAR: not a write, not even a read (the simulator counts every
// call; the cache is off, so nothing polls it in the background).
// Also: $validate on every type answers with an OperationOutcome and stores nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { OperationOutcome, OperationOutcomeIssue } from 'fhir/r4.js';
import { validateResource } from '../../src/validation/index.js';
import { startStack, type FhirAnswer, type Stack } from '../helpers/stack.js';
import { json, valid, type Json } from '../validation/fixtures.js';

let stack: Stack;
let appointmentId: string;
before(async () => {
  stack = await startStack({ env: { CACHE_MAX_BYTES: '0' } });
  appointmentId = String(stack.sim.store.data.appointments.find((a) => a.demographicNo === 1001)!.appointmentNo);
});
after(async () => { await stack.close(); });

const CA = 'http://hl7.org/fhir/ca/baseline/StructureDefinition';
const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';

type Target = 'Patient create' | 'Patient update' | 'Appointment create' | 'Appointment update' | 'DocumentReference create';

/** A valid body for each target (checked valid below), shaped like what clients send. */
function base(target: Target): Json {
  switch (target) {
    case 'Patient create': { const { id: _i, meta: _m, ...p } = valid.patient(); return json(p); }
    case 'Patient update': return json({ ...valid.patient(), meta: undefined });
    case 'Appointment create': {
      const { id: _i, created: _c, ...a } = valid.appointment();
      return json({ ...a, start: '2030-06-12T14:00:00Z', end: '2030-06-12T14:15:00Z' });
    }
    case 'Appointment update': return json({ ...valid.appointment(), id: appointmentId });
    case 'DocumentReference create': return json({
      resourceType: 'DocumentReference', status: 'current',
      type: { coding: [{ system: 'http://loinc.org', code: '11488-4' }] },
      subject: { reference: 'Patient/1001' }, description: 'Referral note',
      content: [{ attachment: { contentType: 'text/plain', data: Buffer.from('Referral note\n').toString('base64'), title: 'referral.txt' } }],
    });
  }
}

function request(target: Target, body: unknown): { path: string; init: RequestInit } {
  const type = target.split(' ')[0]!;
  const update = target.endsWith('update');
  const id = type === 'Patient' ? '1001' : appointmentId;
  return {
    path: update ? `/${type}/${id}` : `/${type}`,
    init: { method: update ? 'PUT' : 'POST', headers: { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' }, body: typeof body === 'string' ? body : JSON.stringify(body) },
  };
}

/** What OSCAR holds that a write could change. */
function storeState(): string {
  const d = stack.sim.store.data;
  return JSON.stringify([d.demographics.length, d.appointments.length, d.documents.length, d.demographicExts.length,
    stack.sim.store.demographic(1001), d.appointments.find((a) => String(a.appointmentNo) === appointmentId)]);
}

/** Sends the request and asserts nothing reached OSCAR: zero upstream calls, the store unchanged. */
async function sendUntouched(path: string, init: RequestInit): Promise<FhirAnswer> {
  const before = storeState();
  stack.sim.stats.reset();
  const r = await stack.fhir(path, init);
  assert.equal(stack.sim.stats.snapshot().total, 0, `upstream calls for ${init.method ?? 'GET'} ${path}: ${JSON.stringify(stack.sim.stats.snapshot().byOperation)}`);
  assert.equal(storeState(), before, 'the simulated OSCAR store changed');
  return r;
}

const errors = (oo: OperationOutcome): OperationOutcomeIssue[] => oo.issue.filter((i) => i.severity === 'error' || i.severity === 'fatal');
const human = (i: OperationOutcomeIssue): string => i.diagnostics ?? i.details?.text ?? '';

interface Case {
  rule: string;
  target: Target;
  /** Breaks the valid body (or replaces it: a string is sent as is). */
  breakIt: (b: Json) => Json | string | void;
  status: 400 | 422;
  /** The expression the error issue must carry ('' = the issue need not carry one). */
  expression: string;
  /** Further error expressions the same single defect legitimately raises. */
  also?: string[];
  code?: string;
}

const jhn = { coding: [{ system: V2_0203, code: 'JHN' }] };
const gpContained = (extra: Json): Json[] => [{ resourceType: 'Practitioner', id: 'gp', name: [{ family: 'WELBY' }], ...extra }];

const CASES: Case[] = [
  // --- the body is not a resource of the URL's type: 400 before validation ---
  { rule: 'malformed JSON', target: 'Patient create', breakIt: () => '{"resourceType": "Patient", "name": [', status: 400, expression: '', code: 'structure' },
  { rule: 'body is not a JSON object', target: 'Appointment create', breakIt: () => '[{"resourceType": "Appointment"}]', status: 400, expression: '' },
  { rule: 'wrong resourceType', target: 'Patient update', breakIt: () => JSON.stringify({ ...valid.appointment(), id: '1001' }), status: 400, expression: 'resourceType' },
  { rule: 'no resourceType', target: 'DocumentReference create', breakIt: (b) => { delete b.resourceType; }, status: 400, expression: 'resourceType' },
  { rule: 'update: body id ≠ URL id', target: 'Patient update', breakIt: (b) => { b.id = '1002'; }, status: 400, expression: 'Patient.id' },
  { rule: 'update: body without id', target: 'Appointment update', breakIt: (b) => { delete b.id; }, status: 400, expression: 'Appointment.id' },

  // --- R4 JSON schema ---
  { rule: 'unknown element', target: 'Patient create', breakIt: (b) => { b.shoeSize = 42; }, status: 422, expression: 'Patient.shoeSize', code: 'structure' },
  { rule: 'wrong JSON type', target: 'Patient update', breakIt: (b) => { b.active = 'yes'; }, status: 422, expression: 'Patient.active', code: 'structure' },
  { rule: 'single value where the element repeats', target: 'Patient create', breakIt: (b) => { b.name = { family: 'SOLO' }; }, status: 422, expression: 'Patient.name', code: 'structure' },
  { rule: 'a string where a complex element belongs', target: 'Patient create', breakIt: (b) => { b.managingOrganization = 'Organization/1'; }, status: 422, expression: 'Patient.managingOrganization', code: 'structure' },
  { rule: 'strings in an array of complex elements', target: 'Patient update', breakIt: (b) => { b.name = ['Chen']; }, status: 422, expression: 'Patient.name[0]', code: 'structure' },
  { rule: 'a string where a reference of a backbone element belongs', target: 'Appointment create', breakIt: (b) => { b.participant[0].actor = 'Practitioner/1'; }, status: 422, expression: 'Appointment.participant[0].actor', code: 'structure' },
  { rule: 'null where a complex element belongs', target: 'Patient create', breakIt: (b) => { b.maritalStatus = null; }, status: 422, expression: 'Patient.maritalStatus', code: 'structure' },
  { rule: 'primitive format (date)', target: 'Patient create', breakIt: (b) => { b.birthDate = '17/01/1980'; }, status: 422, expression: 'Patient.birthDate', code: 'value' },
  { rule: 'dateTime without a timezone', target: 'Appointment create', breakIt: (b) => { b.start = '2030-06-12T14:00:00'; }, status: 422, expression: 'Appointment.start', code: 'value' },
  { rule: 'code outside its enumeration', target: 'Patient create', breakIt: (b) => { b.gender = 'F'; }, status: 422, expression: 'Patient.gender', code: 'code-invalid' },
  { rule: 'required complex element', target: 'Appointment create', breakIt: (b) => { delete b.participant; }, status: 422, expression: 'Appointment.participant', code: 'required' },

  // --- R4 rules the schema cannot express (element-rules.json + walker) ---
  { rule: 'required primitive element', target: 'Appointment update', breakIt: (b) => { delete b.status; }, status: 422, expression: 'Appointment.status', code: 'required' },
  { rule: 'required element of a backbone element', target: 'Appointment create', breakIt: (b) => { delete b.participant[0].status; }, status: 422, expression: 'Appointment.participant[0].status', code: 'required' },
  { rule: 'required binding on a code', target: 'DocumentReference create', breakIt: (b) => { b.docStatus = 'done'; }, status: 422, expression: 'DocumentReference.docStatus', code: 'code-invalid' },
  { rule: 'MIME type binding', target: 'DocumentReference create', breakIt: (b) => { b.content[0].attachment.contentType = 'pdf'; }, status: 422, expression: 'DocumentReference.content[0].attachment.contentType', code: 'code-invalid' },
  { rule: 'calendar date that does not exist', target: 'Appointment update', breakIt: (b) => { b.start = '2030-02-30T14:00:00Z'; b.end = '2030-02-30T14:15:00Z'; }, status: 422, expression: 'Appointment.start', also: ['Appointment.end'], code: 'value' },
  { rule: 'positiveInt below 1', target: 'Appointment create', breakIt: (b) => { b.minutesDuration = 0; }, status: 422, expression: 'Appointment.minutesDuration', code: 'value' },
  { rule: 'base64Binary that is not base64', target: 'DocumentReference create', breakIt: (b) => { b.content[0].attachment.data = 'not base64!'; }, status: 422, expression: 'DocumentReference.content[0].attachment.data', code: 'value' },
  { rule: 'empty string', target: 'Patient update', breakIt: (b) => { b.name[0].family = ''; }, status: 422, expression: 'Patient.name[0].family', code: 'value' },
  { rule: 'empty array', target: 'Patient create', breakIt: (b) => { b.telecom = []; }, status: 422, expression: 'Patient.telecom', code: 'value' },
  { rule: 'empty object', target: 'Patient create', breakIt: (b) => { b.address = [{}]; }, status: 422, expression: 'Patient.address[0]', code: 'value' },
  { rule: 'two members of one choice (deceased[x])', target: 'Patient create', breakIt: (b) => { b.deceasedBoolean = true; b.deceasedDateTime = '2020-01-01'; }, status: 422, expression: 'Patient.deceasedDateTime', code: 'structure' },
  { rule: 'narrative div not xhtml (txt-1)', target: 'Patient create', breakIt: (b) => { b.text = { status: 'generated', div: '<p>JANE</p>' }; }, status: 422, expression: 'Patient.text.div', code: 'value' },
  { rule: 'contained resource of a type this server does not validate', target: 'Patient create', breakIt: (b) => { b.contained = [{ resourceType: 'Observation', id: 'o1' }]; }, status: 422, expression: 'Patient.contained[0].resourceType', code: 'not-supported' },

  // --- R4 invariants ---
  { rule: 'app-1', target: 'Appointment create', breakIt: (b) => { b.participant.push({ status: 'accepted' }); }, status: 422, expression: 'Appointment.participant[2]', code: 'invariant' },
  { rule: 'app-2', target: 'Appointment create', breakIt: (b) => { b.status = 'proposed'; delete b.end; }, status: 422, expression: 'Appointment', code: 'invariant' },
  { rule: 'app-3', target: 'Appointment update', breakIt: (b) => { delete b.start; delete b.end; delete b.minutesDuration; }, status: 422, expression: 'Appointment', code: 'invariant' },
  { rule: 'app-4', target: 'Appointment update', breakIt: (b) => { b.cancelationReason = { text: 'patient sick' }; }, status: 422, expression: 'Appointment', code: 'invariant' },
  { rule: 'pat-1', target: 'Patient create', breakIt: (b) => { b.contact = [{ gender: 'female' }]; }, status: 422, expression: 'Patient.contact[0]', code: 'invariant' },
  { rule: 'ext-1', target: 'Patient update', breakIt: (b) => { b.extension.push({ url: 'http://example.org/fhir/StructureDefinition/empty' }); }, status: 422, expression: 'Patient.extension[1]', code: 'invariant' },
  { rule: 'ref-1', target: 'Patient create', breakIt: (b) => { b.generalPractitioner = [{ reference: '#gp' }]; }, status: 422, expression: 'Patient.generalPractitioner[0]', code: 'invariant' },
  { rule: 'att-1', target: 'DocumentReference create', breakIt: (b) => { delete b.content[0].attachment.contentType; }, status: 422, expression: 'DocumentReference.content[0].attachment', code: 'invariant' },
  { rule: 'cpt-2', target: 'Patient create', breakIt: (b) => { b.contact = [{ name: { family: 'DOE' }, telecom: [{ value: '416-555-0111' }] }]; }, status: 422, expression: 'Patient.contact[0].telecom[0]', code: 'invariant' },
  { rule: 'per-1', target: 'Patient update', breakIt: (b) => { b.identifier[0].period = { start: '2029-01-01', end: '2019-01-01' }; }, status: 422, expression: 'Patient.identifier[0].period', code: 'invariant' },
  { rule: 'dom-2', target: 'Patient create', breakIt: (b) => { b.contained = gpContained({ contained: [{ resourceType: 'Practitioner', id: 'inner', name: [{ family: 'X' }] }] }); b.generalPractitioner = [{ reference: '#gp' }]; }, status: 422, expression: 'Patient.contained[0]', also: ['Patient.contained[0].contained[0]'], code: 'invariant' },
  { rule: 'dom-3', target: 'Patient create', breakIt: (b) => { b.contained = gpContained({}); }, status: 422, expression: 'Patient.contained[0]', code: 'invariant' },
  { rule: 'dom-4', target: 'Patient create', breakIt: (b) => { b.contained = gpContained({ meta: { versionId: '1' } }); b.generalPractitioner = [{ reference: '#gp' }]; }, status: 422, expression: 'Patient.contained[0]', code: 'invariant' },
  { rule: 'dom-5', target: 'Patient create', breakIt: (b) => { b.contained = gpContained({ meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }] } }); b.generalPractitioner = [{ reference: '#gp' }]; }, status: 422, expression: 'Patient.contained[0]', code: 'invariant' },

  // --- CA Baseline (profiles/rules/patient.json, documentreference.json) ---
  { rule: 'ipa-pat-2', target: 'Patient create', breakIt: (b) => { b.name = [{ use: 'official' }]; }, status: 422, expression: 'Patient.name[0]', code: 'invariant' },
  { rule: 'ca-baseline-patient-jhn (system)', target: 'Patient create', breakIt: (b) => { delete b.identifier[0].system; }, status: 422, expression: 'Patient.identifier[0].system', code: 'required' },
  { rule: 'ca-baseline-patient-jhn (value)', target: 'Patient update', breakIt: (b) => { delete b.identifier[0].value; }, status: 422, expression: 'Patient.identifier[0].value', code: 'required' },
  { rule: 'ca-baseline-identifier (system)', target: 'Patient create', breakIt: (b) => { delete b.identifier[1].system; }, status: 422, expression: 'Patient.identifier[1].system', code: 'required' },
  { rule: 'ca-baseline-identifier (value)', target: 'Patient create', breakIt: (b) => { b.identifier.push({ system: 'https://clinic.example.org/chart-no' }); }, status: 422, expression: 'Patient.identifier[2].value', code: 'required' },
  { rule: 'ca-baseline-patient-telecom (system)', target: 'Patient create', breakIt: (b) => { delete b.telecom[0].system; }, status: 422, expression: 'Patient.telecom[0].system', also: ['Patient.telecom[0]'], code: 'required' },
  { rule: 'ca-baseline-patient-telecom (value)', target: 'Patient update', breakIt: (b) => { delete b.telecom[1].value; }, status: 422, expression: 'Patient.telecom[1].value', code: 'required' },
  { rule: 'ca-baseline-ext-identifierversion', target: 'Patient create', breakIt: (b) => { b.identifier[0].extension = [{ url: `${CA}/ext-identifierversion`, valueInteger: 2 }]; }, status: 422, expression: 'Patient.identifier[0].extension[0].valueString', code: 'required' },
  { rule: 'ca-baseline-ext-patientbirthsex', target: 'Patient create', breakIt: (b) => { delete b.extension[0].valueCoding.code; }, status: 422, expression: 'Patient.extension[0].valueCoding.code', code: 'required' },
  { rule: 'ca-baseline-ext-aboriginalidentitygroup', target: 'Patient create', breakIt: (b) => { const e = { url: `${CA}/ext-aboriginalidentitygroup`, valueCoding: { system: 'http://example.org/x', code: 'a' } }; b.extension.push(e, e); }, status: 422, expression: 'Patient.extension[2]', code: 'structure' },
  { rule: 'ca-baseline-ext-aboriginalidentityindicator', target: 'Patient create', breakIt: (b) => { b.extension.push({ url: `${CA}/ext-aboriginalidentityindicator`, valueString: 'yes' }); }, status: 422, expression: 'Patient.extension[1].valueCoding', code: 'required' },
  { rule: 'ca-baseline-ext-ethnicity', target: 'Patient update', breakIt: (b) => { b.extension.push({ url: `${CA}/ext-ethnicity`, valueCoding: { code: '2135-2' } }); }, status: 422, expression: 'Patient.extension[1].valueCoding.system', code: 'required' },
  { rule: 'ca-baseline-ext-nofixedaddress', target: 'Patient create', breakIt: (b) => { b.address[0].extension.push({ url: `${CA}/ext-nofixedaddress`, valueString: 'true' }); }, status: 422, expression: 'Patient.address[0].extension[1].valueBoolean', code: 'required' },
  { rule: 'ca-baseline-address-preferred', target: 'Patient create', breakIt: (b) => { b.address[0].extension.push({ url: 'http://hl7.org/fhir/StructureDefinition/iso21090-preferred', valueBoolean: false }); }, status: 422, expression: 'Patient.address[0].extension[1]', code: 'structure' },
  { rule: 'ca-baseline-documentreference-1', target: 'DocumentReference create', breakIt: (b) => { delete b.content[0].attachment.data; }, status: 422, expression: 'DocumentReference.content[0].attachment', code: 'invariant' },
];

describe('incoming writes: one broken resource per rule, refused before OSCAR', () => {
  test('the unbroken bodies are valid, and a valid create does reach OSCAR (so the counting below can fail)', async () => {
    for (const t of ['Patient create', 'Patient update', 'Appointment create', 'Appointment update', 'DocumentReference create'] as Target[]) {
      assert.deepEqual(validateResource(base(t)).filter((i) => i.severity === 'error'), [], t);
    }
    const { path, init } = request('Patient create', { ...base('Patient create'), identifier: [{ system: 'https://clinic.example.org/oscar/fhir/NamingSystem/chart-no', value: 'C-1' }] });
    const before = stack.sim.store.data.demographics.length;
    stack.sim.stats.reset();
    const r = await stack.fhir(path, init);
    assert.equal(r.status, 201, r.text);
    assert.ok(stack.sim.stats.snapshot().total > 0);
    assert.equal(stack.sim.store.data.demographics.length, before + 1);
  });

  for (const c of CASES) {
    test(`${c.rule} (${c.target}) → ${c.status} at ${c.expression || '(no element)'}`, async () => {
      const body = base(c.target);
      const broken = c.breakIt(body);
      const { path, init } = request(c.target, broken ?? body);
      const r = await sendUntouched(path, init);
      assert.equal(r.status, c.status, r.text.slice(0, 500));
      assert.equal(r.body?.resourceType, 'OperationOutcome', r.text.slice(0, 200));
      const errs = errors(r.body as OperationOutcome);
      assert.ok(errs.length > 0, 'an error issue');
      for (const i of errs) assert.ok(human(i).length >= 10, `a human message: ${JSON.stringify(i)}`);
      if (c.expression) {
        const issue = errs.find((i) => i.expression?.[0] === c.expression);
        assert.ok(issue, `an error at ${c.expression}; got ${JSON.stringify(errs)}`);
        if (c.code) assert.equal(issue.code, c.code);
        if (c.code === 'invariant') assert.ok(human(issue).startsWith(`${c.rule}: `), `the message names the invariant: ${human(issue)}`);
        // exactly one defect was introduced, so nothing else is reported
        const allowed = new Set([c.expression, ...(c.also ?? [])]);
        assert.deepEqual(errs.filter((i) => !allowed.has(i.expression?.[0] ?? '')), [], 'only the broken element is reported');
      } else if (c.code) {
        assert.equal(errs[0]!.code, c.code);
      }
    });
  }
});

describe('$validate on every type: an OperationOutcome, nothing stored', () => {
  const samples: [string, () => Json][] = [
    ['Patient', () => json(valid.patient())],
    ['Practitioner', () => json(valid.practitioner())],
    ['Appointment', () => json(valid.appointment())],
    ['AllergyIntolerance', () => json(valid.allergy())],
    ['Immunization', () => json(valid.immunization())],
    ['DocumentReference', () => json(valid.documentReference())],
    ['Binary', () => json(valid.binary())],
    ['Schedule', () => ({ resourceType: 'Schedule', actor: [{ reference: 'Practitioner/999998' }] })],
    ['Slot', () => ({ resourceType: 'Slot', schedule: { reference: 'Schedule/prov-999998' }, status: 'free', start: '2026-12-07T09:00:00-05:00', end: '2026-12-07T09:15:00-05:00' })],
  ];
  const post = (type: string, body: unknown, query = ''): Promise<FhirAnswer> =>
    sendUntouched(`/${type}/$validate${query}`, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(body) });

  test('the registry has exactly these types (every type listed with $validate)', async () => {
    const cs = (await stack.fhir('/metadata')).body;
    const validated = cs.rest[0].resource.filter((r: { operation?: { name: string }[] }) => r.operation?.some((o) => o.name === 'validate'));
    assert.deepEqual(validated.map((r: { type: string }) => r.type).sort(), samples.map(([t]) => t).sort());
  });

  for (const [type, make] of samples) {
    test(`${type}: valid → no error issue; broken → the error, 200 both times`, async () => {
      const ok = await post(type, make());
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.body.resourceType, 'OperationOutcome');
      assert.deepEqual(errors(ok.body), []);

      const broken = make();
      broken.shoeSize = 42;
      const bad = await post(type, broken);
      assert.equal(bad.status, 200, bad.text);
      const errs = errors(bad.body);
      assert.equal(errs.length, 1, JSON.stringify(errs));
      assert.equal(errs[0]!.expression?.[0], `${type}.shoeSize`);
      assert.match(human(errs[0]!), /shoeSize/);
    });
  }

  test('Parameters{resource, mode=update} form; a profile violation; a resource of another type', async () => {
    const p = json(valid.patient());
    delete p.identifier[0].system;
    const r = await post('Patient', { resourceType: 'Parameters', parameter: [{ name: 'resource', resource: p }, { name: 'mode', valueCode: 'update' }] });
    assert.equal(r.status, 200);
    const errs = errors(r.body);
    assert.deepEqual(errs.map((i) => i.expression?.[0]), ['Patient.identifier[0].system']);
    assert.match(human(errs[0]!), /JHN/);

    const noId = json(valid.appointment());
    delete noId.id;
    const u = await post('Appointment', noId, '?mode=update');
    assert.deepEqual(errors(u.body).map((i) => i.expression?.[0]), ['Appointment.id']);

    const other = await post('DocumentReference', valid.patient());
    assert.deepEqual(errors(other.body).map((i) => i.expression?.[0]), ['resourceType']);
  });
});
