// Outgoing policy: sanitizeOutgoing drops exactly the invalid elements, or withholds a resource
// whose required core is broken, and never modifies its input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sanitizeOutgoing, validateResource } from '../../src/validation/index.js';
import { json, valid } from './fixtures.js';

describe('sanitizeOutgoing', () => {
  it('returns a valid resource as is, nothing dropped', () => {
    const p = valid.patient();
    const out = sanitizeOutgoing(p);
    assert.equal(out.resource, p);
    assert.deepEqual(out.dropped, []);
    assert.deepEqual(out.issues, []);
  });

  it('drops only the bad element (impossible birthDate) and leaves the rest untouched', () => {
    const p = json(valid.patient());
    p.birthDate = '1980-02-30';
    const out = sanitizeOutgoing(p);
    assert.deepEqual(out.dropped, ['Patient.birthDate']);
    const expected = json(valid.patient());
    delete expected.birthDate;
    assert.deepEqual(out.resource, expected);
    assert.deepEqual(validateResource(out.resource), []);
    assert.equal(p.birthDate, '1980-02-30', 'the input is not modified');
  });

  it('reports the issues without echoing values', () => {
    const p = json(valid.patient());
    p.birthDate = '1980-02-30';
    const out = sanitizeOutgoing(p);
    assert.equal(out.issues.length, 1);
    assert.doesNotMatch(JSON.stringify(out), /1980-02-30/);
  });

  it('drops an identifier missing its system, keeping the other identifiers', () => {
    const p = json(valid.patient());
    delete p.identifier[1].system;
    const out = sanitizeOutgoing(p);
    assert.deepEqual(out.dropped, ['Patient.identifier[1]']);
    assert.equal(json(out.resource!).identifier.length, 1);
    assert.equal(json(out.resource!).identifier[0].value, '9876543217');
  });

  it('drops an unknown element and an empty string in the same pass', () => {
    const p = json(valid.patient());
    p.shoeSize = 42;
    p.address[0].city = '';
    const out = sanitizeOutgoing(p);
    assert.deepEqual(out.dropped.sort(), ['Patient.address[0].city', 'Patient.shoeSize']);
    assert.deepEqual(validateResource(out.resource), []);
  });

  it('follows an invariant repair hint (app-4 drops cancelationReason)', () => {
    const a = json(valid.appointment());
    a.cancelationReason = { text: 'patient request' };
    const out = sanitizeOutgoing(a);
    assert.deepEqual(out.dropped, ['Appointment.cancelationReason']);
    assert.equal(json(out.resource!).status, 'booked');
  });

  it('cascades: a participant missing its status goes, the appointment stays', () => {
    const a = json(valid.appointment());
    delete a.participant[1].status;
    const out = sanitizeOutgoing(a);
    assert.deepEqual(out.dropped, ['Appointment.participant[1]']);
    assert.equal(json(out.resource!).participant.length, 1);
  });

  it('withholds the resource when its required core is broken (Immunization without status)', () => {
    const imm = json(valid.immunization());
    delete imm.status;
    const out = sanitizeOutgoing(imm);
    assert.equal(out.resource, undefined);
    assert.deepEqual(out.issues.map((i) => i.expression), ['Immunization.status']);
  });

  it('withholds the resource when removal cascades to the root (only attachment lacks url and data)', () => {
    const d = json(valid.documentReference());
    delete d.content[0].attachment.url;
    assert.equal(sanitizeOutgoing(d).resource, undefined);
  });

  it('withholds the resource for a root invariant that names no repair (app-2)', () => {
    const a = json(valid.appointment());
    a.status = 'proposed';
    delete a.end;
    assert.equal(sanitizeOutgoing(a).resource, undefined);
  });

  it('drops a broken entry of a Bundle and keeps the Bundle', () => {
    const b = json(valid.searchBundle());
    delete b.entry[1].resource.identifier[0].system;
    const out = sanitizeOutgoing(b);
    assert.deepEqual(out.dropped, ['Bundle.entry[1].resource.identifier[0]']);
    assert.deepEqual(validateResource(out.resource), []);

    const core = json(valid.searchBundle());
    core.entry[0].resource.gender = 'woman';
    core.entry[0].resource.name = [{}];
    delete core.entry[1].resource.resourceType;
    const out2 = sanitizeOutgoing(core);
    // the practitioner without resourceType cannot be repaired: the entry resource goes, then the
    // entry itself (bdl-5); the empty name goes (and with it the then-empty name array)
    assert.deepEqual(out2.dropped.sort(), [
      'Bundle.entry[0].resource.gender',
      'Bundle.entry[0].resource.name[0]',
      'Bundle.entry[1]',
      'Bundle.entry[1].resource',
    ]);
    assert.equal(json(out2.resource!).entry[0].resource.name, undefined);
    assert.equal(json(out2.resource!).entry.length, 1);
    assert.deepEqual(validateResource(out2.resource), []);
  });

  it('keeps warnings: they never cause a drop', () => {
    const cs = json(valid.capabilityStatement());
    cs.name = 'oscar fhir';
    const out = sanitizeOutgoing(cs);
    assert.equal(out.resource, cs);
    assert.deepEqual(out.dropped, []);
  });
});
