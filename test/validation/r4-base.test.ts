// R4 base rules: what the JSON schema checks (reported readably) and what it misses
// (required primitives, required bindings, calendar dates, emptiness, choice exclusivity...).
// One deliberately broken resource per rule, each asserting the exact issue.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateResource } from '../../src/validation/index.js';
import { calendarProblem } from '../../src/validation/primitives.js';
import { assertOnlyIssue, assertValid } from './assert-issues.js';
import { json, valid } from './fixtures.js';

describe('schema checks, collapsed to one readable issue each', () => {
  it('names the unknown property', () => {
    const p = json(valid.patient());
    p.name[0].nickname = 'AL';
    assertOnlyIssue(p, { expression: 'Patient.name[0].nickname', code: 'structure', message: /Unknown element 'nickname'/ });
  });

  it('lists the allowed codes for a wrong enum, without echoing the value', () => {
    const p = json(valid.patient());
    p.gender = 'woman';
    const issue = assertOnlyIssue(p, { expression: 'Patient.gender', code: 'code-invalid' });
    assert.match(issue.message, /male \| female \| other \| unknown/);
    assert.doesNotMatch(issue.message, /woman/);
  });

  it('reports a missing required complex element (Immunization.patient)', () => {
    const imm = json(valid.immunization());
    delete imm.patient;
    assertOnlyIssue(imm, { expression: 'Immunization.patient', code: 'required' });
  });

  it('reports a malformed date with the expected form and no value', () => {
    const p = json(valid.patient());
    p.birthDate = '29/02/1980';
    const issue = assertOnlyIssue(p, { expression: 'Patient.birthDate', code: 'value', message: /YYYY-MM-DD/ });
    assert.doesNotMatch(issue.message, /1980/);
  });

  it('reports a wrong JSON type (object where an array is required)', () => {
    const p = json(valid.patient());
    p.name = { family: 'X' };
    assertOnlyIssue(p, { expression: 'Patient.name', code: 'structure', message: /array/ });
  });

  // The schema's object definitions carry no `type: object`: these passed it and the walk alike.
  const notObjects: [string, (p: Record<string, any>) => void, string][] = [
    ['null', (p) => { p.meta = null; }, 'Patient.meta'],
    ['a string in an array of complex elements', (p) => { p.name = ['Chen']; }, 'Patient.name[0]'],
    ['a null item of such an array', (p) => { p.name.push(null); }, 'Patient.name[1]'],
    ['an array inside such an array', (p) => { p.name = [[p.name[0]]]; }, 'Patient.name[0]'],
    ['a number', (p) => { p.maritalStatus = 5; }, 'Patient.maritalStatus'],
    ['a reference written as a string', (p) => { p.managingOrganization = 'Organization/1'; }, 'Patient.managingOrganization'],
    ["a string as a primitive's extension part", (p) => { p._gender = 'x'; }, 'Patient._gender'],
    ['a string as an extension value of a complex type', (p) => { p.extension = [{ url: 'http://example.org/e', valueCoding: 'abc' }]; }, 'Patient.extension[0].valueCoding'],
  ];
  for (const [what, change, expression] of notObjects) {
    it(`reports ${what} where a complex element belongs`, () => {
      const p = json(valid.patient());
      change(p);
      assertOnlyIssue(p, { expression, code: 'structure', message: /JSON object/ });
    });
  }

  it('takes a complex element set to undefined as absent (JSON has no undefined)', () => {
    const p = json(valid.patient());
    p.meta = undefined;
    assertValid(p);
  });

  it('reports a string where a backbone element of a nested element belongs', () => {
    const a = json(valid.appointment());
    a.participant[0].actor = ['Practitioner/1'];
    assertOnlyIssue(a, { expression: 'Appointment.participant[0].actor', code: 'structure', message: /JSON object/ });
  });
});

describe('required primitive elements the schema does not require', () => {
  it('Immunization.status', () => {
    const imm = json(valid.immunization());
    delete imm.status;
    assertOnlyIssue(imm, { expression: 'Immunization.status', code: 'required' });
  });

  it('Immunization.occurrence[x]', () => {
    const imm = json(valid.immunization());
    delete imm.occurrenceDateTime;
    delete imm._occurrenceDateTime;
    assertOnlyIssue(imm, { expression: 'Immunization.occurrence[x]', code: 'required' });
  });

  it('Appointment.status', () => {
    const a = json(valid.appointment());
    delete a.status;
    // app-3 reads status too, but a missing status is one problem: app-3 passes only for proposed/cancelled/waitlist
    // with start+end present, so only the required issue is expected here
    assertOnlyIssue(a, { expression: 'Appointment.status', code: 'required' });
  });

  it('Appointment.participant.status', () => {
    const a = json(valid.appointment());
    delete a.participant[1].status;
    assertOnlyIssue(a, { expression: 'Appointment.participant[1].status', code: 'required' });
  });

  it('DocumentReference.status', () => {
    const d = json(valid.documentReference());
    delete d.status;
    assertOnlyIssue(d, { expression: 'DocumentReference.status', code: 'required' });
  });

  it('DocumentReference.relatesTo.code', () => {
    const d = json(valid.documentReference());
    d.relatesTo = [{ target: { reference: 'DocumentReference/41' } }];
    assertOnlyIssue(d, { expression: 'DocumentReference.relatesTo[0].code', code: 'required' });
  });

  it('Patient.link.type', () => {
    const p = json(valid.patient());
    p.link = [{ other: { reference: 'Patient/1002' } }];
    assertOnlyIssue(p, { expression: 'Patient.link[0].type', code: 'required' });
  });

  it('accepts a required primitive present only as its _element extension', () => {
    const imm = json(valid.immunization());
    delete imm.status;
    imm._status = { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }] };
    assert.deepEqual(validateResource(imm), []);
  });
});

describe('required bindings the schema leaves open', () => {
  it('Immunization.status must be completed | entered-in-error | not-done', () => {
    const imm = json(valid.immunization());
    imm.status = 'given';
    assertOnlyIssue(imm, {
      expression: 'Immunization.status',
      code: 'code-invalid',
      message: /completed \| entered-in-error \| not-done/,
    });
  });

  it('DocumentReference.docStatus must be a composition-status', () => {
    const d = json(valid.documentReference());
    d.docStatus = 'done';
    assertOnlyIssue(d, { expression: 'DocumentReference.docStatus', code: 'code-invalid', message: /preliminary \| final \| amended \| entered-in-error/ });
  });

  it('AllergyIntolerance.clinicalStatus coding code must be in the value set', () => {
    const a = json(valid.allergy());
    a.clinicalStatus.coding[0].code = 'current';
    assertOnlyIssue(a, {
      expression: 'AllergyIntolerance.clinicalStatus.coding[0].code',
      code: 'code-invalid',
      message: /active \| inactive \| resolved/,
    });
  });

  it('AllergyIntolerance.verificationStatus must carry a coding from its value set (text alone is not enough)', () => {
    const a = json(valid.allergy());
    a.verificationStatus = { text: 'confirmed' };
    assertOnlyIssue(a, { expression: 'AllergyIntolerance.verificationStatus', code: 'code-invalid', message: /allergyintolerance-verification/ });
  });

  it('Attachment.contentType must be a MIME type', () => {
    const d = json(valid.documentReference());
    d.content[0].attachment.contentType = 'pdf';
    assertOnlyIssue(d, { expression: 'DocumentReference.content[0].attachment.contentType', code: 'code-invalid' });
  });
});

describe('values the schema regexes let through', () => {
  it('rejects 1980-02-30 as a date', () => {
    const p = json(valid.patient());
    p.birthDate = '1980-02-30';
    assertOnlyIssue(p, { expression: 'Patient.birthDate', code: 'value', message: /calendar date/ });
  });

  it('rejects an impossible dateTime deep inside a data type (Identifier.period.end)', () => {
    const p = json(valid.patient());
    p.identifier[0].period.end = '2029-04-31';
    assertOnlyIssue(p, { expression: 'Patient.identifier[0].period.end', code: 'value' });
  });

  it('rejects an impossible instant (meta.lastUpdated) and a non-leap 29 February', () => {
    const p = json(valid.patient());
    p.meta.lastUpdated = '2023-02-29T10:00:00Z';
    assertOnlyIssue(p, { expression: 'Patient.meta.lastUpdated', code: 'value' });
  });

  it('rejects an impossible date inside an extension value', () => {
    const p = json(valid.patient());
    p.extension.push({ url: 'https://clinic.example.org/ext/seen', valueDate: '2021-06-31' });
    assertOnlyIssue(p, { expression: 'Patient.extension[1].valueDate', code: 'value' });
  });

  it('checks the day of every full date, whatever follows it, and nothing shorter or spelled otherwise', () => {
    const impossible = ['1980-02-30', '1900-02-29', '2023-02-29T10:00:00Z', '2024-04-31T00:00:00.123+05:00', '2024-06-31'];
    const fine = ['2000-02-29', '1980-02-29T23:59:59Z', '2024-12-31', '2024', '2024-02', '2024-2-30', '2024-13-40', '20x4-02-30', '２０２４-02-30', '2024-02-3', ''];
    for (const value of impossible) assert.match(calendarProblem(value) ?? '', /calendar date/, value);
    for (const value of fine) assert.equal(calendarProblem(value), undefined, value);
  });

  it('accepts 29 February in a leap year (the valid Patient is born 1980-02-29)', () => {
    assert.deepEqual(validateResource(valid.patient()), []);
  });

  it('rejects a fractional or negative positiveInt', () => {
    const a = json(valid.appointment());
    a.minutesDuration = 0;
    assertOnlyIssue(a, { expression: 'Appointment.minutesDuration', code: 'value', message: /positiveInt/ });
  });

  it('rejects Binary.data that is not base64', () => {
    const b = json(valid.binary());
    b.data = 'not base64!';
    assertOnlyIssue(b, { expression: 'Binary.data', code: 'value', message: /base64/ });
  });

  it('accepts a proper generated narrative', () => {
    const p = json(valid.patient());
    p.text = { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml"><p>Alex</p></div>' };
    assert.deepEqual(validateResource(p), []);
  });

  it('rejects a narrative div without the xhtml namespace (txt-1)', () => {
    const p = json(valid.patient());
    p.text = { status: 'generated', div: '<div>Alex</div>' };
    assertOnlyIssue(p, { expression: 'Patient.text.div', code: 'value', rule: 'txt-1' });
  });
});

describe('no empty strings, arrays or objects anywhere', () => {
  it('empty string', () => {
    const p = json(valid.patient());
    p.address[0].city = '';
    assertOnlyIssue(p, { expression: 'Patient.address[0].city', code: 'value', message: /Empty strings/ });
  });

  it('empty string in a uri (the schema pattern for uri allows it)', () => {
    const p = json(valid.patient());
    p.identifier[1].system = '';
    assertOnlyIssue(p, { expression: 'Patient.identifier[1].system', code: 'value', message: /Empty strings/ });
  });

  it('empty array', () => {
    const p = json(valid.patient());
    p.name[0].prefix = [];
    assertOnlyIssue(p, { expression: 'Patient.name[0].prefix', code: 'value', message: /Empty arrays/ });
  });

  it('empty object', () => {
    const p = json(valid.patient());
    p.maritalStatus = {};
    assertOnlyIssue(p, { expression: 'Patient.maritalStatus', code: 'value', message: /Empty objects/ });
  });
});

describe('choice types', () => {
  it('deceasedBoolean and deceasedDateTime together', () => {
    const p = json(valid.patient());
    p.deceasedBoolean = true;
    p.deceasedDateTime = '2024-01-01';
    assertOnlyIssue(p, { expression: 'Patient.deceasedDateTime', code: 'structure', message: /deceased\[x\]/ });
  });

  it('occurrence[x] other than dateTime | string is unknown (CA Baseline closed slicing = R4 types)', () => {
    const imm = json(valid.immunization());
    imm.occurrencePeriod = { start: '2023-11-02' };
    assertOnlyIssue(imm, { expression: 'Immunization.occurrencePeriod', code: 'structure' });
  });
});

describe('data-type invariants, wherever the type occurs', () => {
  it('ext-1: an extension with both a value and sub-extensions', () => {
    const p = json(valid.patient());
    p.extension.push({ url: 'https://clinic.example.org/ext/x', valueString: 'a', extension: [{ url: 'y', valueString: 'b' }] });
    assertOnlyIssue(p, { expression: 'Patient.extension[1]', code: 'invariant', rule: 'ext-1' });
  });

  it('Extension.url is required', () => {
    const p = json(valid.patient());
    p.extension.push({ valueString: 'a' });
    assertOnlyIssue(p, { expression: 'Patient.extension[1].url', code: 'required' });
  });

  it('per-1: Period start after end', () => {
    const p = json(valid.patient());
    p.identifier[0].period = { start: '2029-01-01', end: '2019-01-01' };
    assertOnlyIssue(p, { expression: 'Patient.identifier[0].period', code: 'invariant', rule: 'per-1' });
  });

  it('ref-1: a local reference without the contained resource', () => {
    const imm = json(valid.immunization());
    imm.performer[0].actor = { reference: '#p1' };
    assertOnlyIssue(imm, { expression: 'Immunization.performer[0].actor', code: 'invariant', rule: 'ref-1' });
  });

  it('att-1: attachment data without a contentType', () => {
    const d = json(valid.documentReference());
    delete d.content[0].attachment.contentType;
    d.content[0].attachment.data = 'JVBERi0xLjQK';
    assertOnlyIssue(d, { expression: 'DocumentReference.content[0].attachment', code: 'invariant', rule: 'att-1' });
  });
});

describe('resource types and nested resources', () => {
  it('a resource type we do not serve', () => {
    assertOnlyIssue({ resourceType: 'Observation', status: 'final' }, { expression: 'Observation.resourceType', code: 'not-supported' });
  });

  it('no resourceType at all', () => {
    assertOnlyIssue({ id: '1' }, { expression: 'Resource.resourceType', code: 'required' });
  });

  it('validates a Bundle entry by its own type, with the path through the Bundle', () => {
    const b = json(valid.searchBundle());
    b.entry[1].resource.identifier[0].system = undefined;
    delete b.entry[1].resource.identifier[0].system;
    assertOnlyIssue(b, { expression: 'Bundle.entry[1].resource.identifier[0].system', code: 'required' });
  });

  it('finds an unknown property inside a Bundle entry resource', () => {
    const b = json(valid.searchBundle());
    b.entry[0].resource.favouriteColour = 'blue';
    assertOnlyIssue(b, { expression: 'Bundle.entry[0].resource.favouriteColour', code: 'structure' });
  });

  it('validates contained resources (dom-4: no meta.versionId)', () => {
    const imm = json(valid.immunization());
    imm.contained = [{ resourceType: 'Practitioner', id: 'p1', meta: { versionId: '3' }, name: [{ family: 'NURSE' }] }];
    imm.performer[0].actor = { reference: '#p1' };
    assertOnlyIssue(imm, { expression: 'Immunization.contained[0]', code: 'invariant', rule: 'dom-4' });
  });

  it('dom-3: a contained resource nobody references', () => {
    const imm = json(valid.immunization());
    imm.contained = [{ resourceType: 'Practitioner', id: 'p1', name: [{ family: 'NURSE' }] }];
    assertOnlyIssue(imm, { expression: 'Immunization.contained[0]', code: 'invariant', rule: 'dom-3' });
  });
});
