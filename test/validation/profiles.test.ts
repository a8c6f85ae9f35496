// CA Baseline profile rules and the R4 invariants of the resources we serve.
// One deliberately broken resource per rule, each asserting the exact issue.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateResource } from '../../src/validation/index.js';
import { assertOnlyIssue, assertValid } from './assert-issues.js';
import { json, valid } from './fixtures.js';

const JHN = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'JHN' }] };
const DAR = { url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' };
const NULL_FLAVOR = 'http://terminology.hl7.org/CodeSystem/v3-NullFlavor';
const VERIFICATION = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification';

describe('CA Baseline Patient', () => {
  it('identifier without system (CA Baseline Identifier: system 1..1)', () => {
    const p = json(valid.patient());
    delete p.identifier[1].system;
    assertOnlyIssue(p, { expression: 'Patient.identifier[1].system', code: 'required', rule: 'ca-baseline-identifier' });
  });

  it('identifier without value (CA Baseline Identifier: value 1..1)', () => {
    const p = json(valid.patient());
    delete p.identifier[1].value;
    assertOnlyIssue(p, { expression: 'Patient.identifier[1].value', code: 'required', rule: 'ca-baseline-identifier' });
  });

  it('JHN slice: a health card number without its naming system', () => {
    const p = json(valid.patient());
    delete p.identifier[0].system;
    assertOnlyIssue(p, { expression: 'Patient.identifier[0].system', code: 'required', rule: 'ca-baseline-patient-jhn', message: /JHN/ });
  });

  it('JHN slice: type JHN without a value', () => {
    const p = json(valid.patient());
    p.identifier.push({ type: JHN, system: 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-bc-patient-healthcare-id' });
    assertOnlyIssue(p, { expression: 'Patient.identifier[2].value', code: 'required', rule: 'ca-baseline-patient-jhn' });
  });

  it('ipa-pat-2: a name with neither family, given, text nor data-absent-reason', () => {
    const p = json(valid.patient());
    p.name.push({ use: 'nickname' });
    assertOnlyIssue(p, { expression: 'Patient.name[1]', code: 'invariant', rule: 'ipa-pat-2' });
  });

  it('ipa-pat-2: a name with a value AND a data-absent-reason', () => {
    const p = json(valid.patient());
    p.name[0].extension = [DAR];
    assertOnlyIssue(p, { expression: 'Patient.name[0]', code: 'invariant', rule: 'ipa-pat-2' });
  });

  it('ipa-pat-2 accepts a name that is only a data-absent-reason', () => {
    const p = json(valid.patient());
    p.name = [{ extension: [DAR] }];
    assertValid(p);
  });

  it('telecom without system (CA Baseline telecom.system 1..1)', () => {
    const p = json(valid.patient());
    p.telecom.push({ value: '416-555-0111', use: 'mobile' });
    // R4 cpt-2 says the same thing; both rules name the same element
    const issues = validateResource(p);
    assert.deepEqual(
      issues.map((i) => [i.expression, i.code, i.rule]).sort(),
      [
        ['Patient.telecom[2]', 'invariant', 'cpt-2'],
        ['Patient.telecom[2].system', 'required', 'ca-baseline-patient-telecom'],
      ],
    );
  });

  it('telecom without value (CA Baseline telecom.value 1..1)', () => {
    const p = json(valid.patient());
    delete p.telecom[1].value;
    assertOnlyIssue(p, { expression: 'Patient.telecom[1].value', code: 'required', rule: 'ca-baseline-patient-telecom' });
  });

  it('ext-identifierversion must carry valueString', () => {
    const p = json(valid.patient());
    p.identifier[0].extension[0] = { url: p.identifier[0].extension[0].url, valueCode: 'AB' };
    assertOnlyIssue(p, { expression: 'Patient.identifier[0].extension[0].valueString', code: 'required', rule: 'ca-baseline-ext-identifierversion' });
  });

  it('birth sex extension at most once', () => {
    const p = json(valid.patient());
    p.extension.push(structuredClone(p.extension[0]));
    assertOnlyIssue(p, { expression: 'Patient.extension[1]', code: 'structure', rule: 'ca-baseline-ext-patientbirthsex' });
  });

  it('pat-1: a contact with no details', () => {
    const p = json(valid.patient());
    p.contact = [{ relationship: [{ text: 'sister' }] }];
    assertOnlyIssue(p, { expression: 'Patient.contact[0]', code: 'invariant', rule: 'pat-1' });
  });
});

describe('CA Baseline Practitioner', () => {
  it('identifier without system', () => {
    const pr = json(valid.practitioner());
    delete pr.identifier[0].system;
    assertOnlyIssue(pr, { expression: 'Practitioner.identifier[0].system', code: 'required', rule: 'ca-baseline-identifier' });
  });

  it('name with only text (family or given required, unlike Patient)', () => {
    const pr = json(valid.practitioner());
    pr.name = [{ text: 'Dr Oscar' }];
    assertOnlyIssue(pr, { expression: 'Practitioner.name[0]', code: 'invariant', rule: 'ca-baseline-practitioner-name' });
  });
});

describe('Appointment (R4 invariants; no CA Baseline profile)', () => {
  it('app-1: participant with neither type nor actor', () => {
    const a = json(valid.appointment());
    a.participant.push({ status: 'needs-action' });
    assertOnlyIssue(a, { expression: 'Appointment.participant[2]', code: 'invariant', rule: 'app-1' });
  });

  it('app-2: start without end', () => {
    const a = json(valid.appointment());
    a.status = 'proposed'; // keeps app-3 satisfied, so app-2 is the one problem
    delete a.end;
    assertOnlyIssue(a, { expression: 'Appointment', code: 'invariant', rule: 'app-2' });
  });

  it('app-3: a booked appointment without start and end', () => {
    const a = json(valid.appointment());
    delete a.start;
    delete a.end;
    assertOnlyIssue(a, { expression: 'Appointment', code: 'invariant', rule: 'app-3' });
  });

  it('app-3 accepts a waitlisted appointment without times', () => {
    const a = json(valid.appointment());
    a.status = 'waitlist';
    delete a.start;
    delete a.end;
    delete a.minutesDuration;
    assertValid(a);
  });

  it('app-4: a cancelation reason on a booked appointment', () => {
    const a = json(valid.appointment());
    a.cancelationReason = { text: 'patient request' };
    assertOnlyIssue(a, { expression: 'Appointment', code: 'invariant', rule: 'app-4' });
  });

  it('app-4 accepts a cancelation reason on a noshow', () => {
    const a = json(valid.appointment());
    a.status = 'noshow';
    a.cancelationReason = { text: 'did not attend' };
    assertValid(a);
  });
});

describe('CA Baseline AllergyIntolerance', () => {
  it('ait-1: no clinicalStatus while not entered-in-error', () => {
    const ai = json(valid.allergy());
    delete ai.clinicalStatus;
    assertOnlyIssue(ai, { expression: 'AllergyIntolerance', code: 'invariant', rule: 'ait-1' });
  });

  it('ait-2: clinicalStatus on an entered-in-error allergy', () => {
    const ai = json(valid.allergy());
    ai.verificationStatus.coding[0].code = 'entered-in-error';
    assertOnlyIssue(ai, { expression: 'AllergyIntolerance', code: 'invariant', rule: 'ait-2' });
  });

  it('ca-baseline-allergy: a NullFlavor code without verificationStatus', () => {
    const ai = json(valid.allergy());
    ai.code = { coding: [{ system: NULL_FLAVOR, code: 'NASK' }] };
    delete ai.verificationStatus;
    delete ai.clinicalStatus;
    delete ai.category;
    delete ai.criticality;
    delete ai.reaction;
    // ait-1 also requires clinicalStatus unless entered-in-error, which a not-asked record cannot have:
    // the two published profiles conflict here, and both are reported
    assert.deepEqual(
      validateResource(ai).map((i) => i.rule),
      ['ait-1', 'ca-baseline-allergy'],
    );
  });

  it('ca-baseline-allergy-notasked: a NullFlavor code with a criticality (human text also covers clinicalStatus)', () => {
    const ai = json(valid.allergy());
    ai.code = { coding: [{ system: NULL_FLAVOR, code: 'NASK' }] };
    ai.verificationStatus.coding[0].code = 'entered-in-error';
    delete ai.clinicalStatus;
    delete ai.category;
    delete ai.reaction;
    assertOnlyIssue(ai, { expression: 'AllergyIntolerance', code: 'invariant', rule: 'ca-baseline-allergy-notasked' });
  });

  it('ca-baseline-allergy-noallergy: "No known allergy" with an unconfirmed verification', () => {
    const ai = json(valid.noKnownAllergy());
    ai.verificationStatus.coding[0].code = 'unconfirmed';
    assertOnlyIssue(ai, { expression: 'AllergyIntolerance', code: 'invariant', rule: 'ca-baseline-allergy-noallergy' });
  });

  it('ca-baseline-allergy-noallergy is implemented with implies: an ordinary allergy passes', () => {
    // as published (with `and`) this invariant would fail every allergy that is not "no known allergy"
    assertValid(valid.allergy());
    const ai = json(valid.allergy());
    ai.verificationStatus.coding[0].code = 'unconfirmed';
    assertValid(ai);
  });

  it('a "no known drug allergy" (NKDA, 409137002) unconfirmed gets our local warning, not an error', () => {
    const ai = json(valid.noKnownAllergy());
    ai.code = { coding: [{ system: 'http://snomed.info/sct', code: '409137002' }], text: 'NKDA' };
    ai.verificationStatus = { coding: [{ system: VERIFICATION, code: 'unconfirmed' }] };
    assertOnlyIssue(ai, { expression: 'AllergyIntolerance', code: 'invariant', severity: 'warning', rule: 'oscar-fhir-no-known-allergy' });
  });
});

describe('CA Baseline Immunization', () => {
  it('imm-1: education with neither documentType nor reference', () => {
    const imm = json(valid.immunization());
    imm.education = [{ presentationDate: '2023-11-02' }];
    assertOnlyIssue(imm, { expression: 'Immunization.education[0]', code: 'invariant', rule: 'imm-1' });
  });

  it('ext-dateestimated on occurrenceDateTime must carry valueBoolean', () => {
    const imm = json(valid.immunization());
    imm._occurrenceDateTime.extension[0] = { url: imm._occurrenceDateTime.extension[0].url, valueString: 'yes' };
    assertOnlyIssue(imm, {
      expression: 'Immunization._occurrenceDateTime.extension[0].valueBoolean',
      code: 'required',
      rule: 'ca-baseline-ext-dateestimated',
    });
  });

  it('accepts occurrenceString (allowed by CA Baseline)', () => {
    const imm = json(valid.immunization());
    delete imm.occurrenceDateTime;
    delete imm._occurrenceDateTime;
    imm.occurrenceString = 'spring 2001';
    assertValid(imm);
  });
});

describe('CA Baseline DocumentReference', () => {
  it('ca-baseline-documentreference-1: an attachment with neither url nor data', () => {
    const d = json(valid.documentReference());
    delete d.content[0].attachment.url;
    assertOnlyIssue(d, { expression: 'DocumentReference.content[0].attachment', code: 'invariant', rule: 'ca-baseline-documentreference-1' });
  });
});

describe('Bundle, OperationOutcome, CapabilityStatement, Binary basics', () => {
  it('Bundle.type is required', () => {
    const b = json(valid.searchBundle());
    delete b.type;
    // without a type, bdl-2 (search only in searchset) also fails on each entry carrying search
    const issues = validateResource(b);
    assert.deepEqual(issues.find((i) => i.expression === 'Bundle.type'), { severity: 'error', code: 'required', expression: 'Bundle.type', message: "Required element 'type' is missing" });
  });

  it('bdl-1: total on a collection', () => {
    const b = json(valid.searchBundle());
    b.type = 'collection';
    for (const e of b.entry) delete e.search;
    assertOnlyIssue(b, { expression: 'Bundle', code: 'invariant', rule: 'bdl-1' });
  });

  it('bdl-5: an entry with nothing in it but a fullUrl', () => {
    const b = json(valid.searchBundle());
    b.entry.push({ fullUrl: 'https://fhir.example.org/fhir/Patient/1002' });
    assertOnlyIssue(b, { expression: 'Bundle.entry[2]', code: 'invariant', rule: 'bdl-5' });
  });

  it('bdl-7: a duplicated fullUrl', () => {
    const b = json(valid.searchBundle());
    b.entry.push(structuredClone(b.entry[0]));
    assertOnlyIssue(b, { expression: 'Bundle.entry[2]', code: 'invariant', rule: 'bdl-7' });
  });

  it('bdl-8: a version-specific fullUrl', () => {
    const b = json(valid.searchBundle());
    b.entry[0].fullUrl = 'https://fhir.example.org/fhir/Patient/1001/_history/2';
    assertOnlyIssue(b, { expression: 'Bundle.entry[0]', code: 'invariant', rule: 'bdl-8' });
  });

  it('OperationOutcome.issue.severity is required', () => {
    const oo = json(valid.operationOutcome());
    delete oo.issue[0].severity;
    assertOnlyIssue(oo, { expression: 'OperationOutcome.issue[0].severity', code: 'required' });
  });

  it('OperationOutcome.issue.code must be an issue-type', () => {
    const oo = json(valid.operationOutcome());
    oo.issue[0].code = 'missing';
    assertOnlyIssue(oo, { expression: 'OperationOutcome.issue[0].code', code: 'code-invalid' });
  });

  it('CapabilityStatement cpb-14: kind instance without implementation', () => {
    const cs = json(valid.capabilityStatement());
    delete cs.implementation;
    assertOnlyIssue(cs, { expression: 'CapabilityStatement', code: 'invariant', rule: 'cpb-14' });
  });

  it('CapabilityStatement cpb-12: duplicated search parameter', () => {
    const cs = json(valid.capabilityStatement());
    cs.rest[0].resource[0].searchParam.push({ name: 'identifier', type: 'token' });
    assertOnlyIssue(cs, { expression: 'CapabilityStatement.rest[0].resource[0]', code: 'invariant', rule: 'cpb-12' });
  });

  it('CapabilityStatement.rest.resource.type must be a resource type', () => {
    const cs = json(valid.capabilityStatement());
    cs.rest[0].resource[0].type = 'Patients';
    assertOnlyIssue(cs, { expression: 'CapabilityStatement.rest[0].resource[0].type', code: 'code-invalid' });
  });

  it('CapabilityStatement cpb-0 is a warning (name not machine-friendly)', () => {
    const cs = json(valid.capabilityStatement());
    cs.name = 'oscar fhir';
    assertOnlyIssue(cs, { expression: 'CapabilityStatement', code: 'invariant', severity: 'warning', rule: 'cpb-0' });
  });

  it('Binary.contentType is required', () => {
    const bin = json(valid.binary());
    delete bin.contentType;
    assertOnlyIssue(bin, { expression: 'Binary.contentType', code: 'required' });
  });
});
