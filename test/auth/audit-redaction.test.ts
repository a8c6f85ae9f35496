// Which query values the audit trail keeps: OSCAR row ids (bare or typed) in id parameters and
// paging controls; every other value is masked, because a search by name, birth date or health
// number would otherwise copy PHI into the trail.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactQuery } from '../../src/auth/audit.js';

const one = (k: string, v: string): string => redactQuery([[k, v]]);

describe('audit query redaction', () => {
  it('keeps row ids, typed or not, one or several, in id parameters', () => {
    assert.equal(one('_id', '1001'), '_id=1001');
    assert.equal(one('patient', 'Patient/1001'), 'patient=Patient%2F1001');
    assert.equal(one('subject:Patient', '1001,1002'), 'subject%3APatient=1001%2C1002');
    assert.equal(one('actor', 'Practitioner/999998,Patient/1001'), 'actor=Practitioner%2F999998%2CPatient%2F1001');
  });

  it('masks an id parameter holding anything but row ids', () => {
    for (const v of ['SMITH', '/1001', 'patient/1001', 'Patient/', 'Patient/1001/_history/1', '1001,SMITH', '', 'P/1001', '1001x']) {
      assert.equal(one('patient', v), 'patient=***', v);
    }
  });

  it('masks id parameters whose modifier changes what the value is, and keys with two modifiers', () => {
    assert.equal(one('patient:identifier', '1001'), 'patient%3Aidentifier=***');
    assert.equal(one('patient:missing', 'true'), 'patient%3Amissing=***');
    assert.equal(one('subject:Patient:x', '1001'), 'subject%3APatient%3Ax=***');
  });

  it('keeps paging and presentation controls of a safe shape, masks the rest', () => {
    assert.equal(one('_count', '50'), '_count=50');
    assert.equal(one('_include', 'Appointment:patient'), '_include=Appointment%3Apatient');
    assert.equal(one('status', 'booked,arrived'), 'status=booked%2Carrived');
    assert.equal(one('_sort', '-date'), '_sort=-date');
    assert.equal(one('_count', 'x'.repeat(200)), `_count=${'x'.repeat(200)}`);
    assert.equal(one('_count', 'x'.repeat(201)), '_count=***');
    assert.equal(one('_sort', 'family name'), '_sort=***');
    assert.equal(one('status:not', 'cancelled'), 'status%3Anot=cancelled');
  });

  it('masks every other parameter, and joins several in order', () => {
    assert.equal(one('family', '1001'), 'family=***');
    assert.equal(one('birthdate', '1980-01-01'), 'birthdate=***');
    assert.equal(one('identifier', 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-patient-hcn|9876543225'), 'identifier=***');
    assert.equal(redactQuery([['family', 'DOE'], ['_count', '10'], ['_id', '7']]), 'family=***&_count=10&_id=7');
    assert.equal(redactQuery([]), '');
  });

  it('keeps row ids in each id parameter, and safe values in each paging or presentation control', () => {
    for (const p of ['_id', 'patient', 'subject', 'actor', 'practitioner', 'performer']) assert.equal(one(p, '1001'), `${p}=1001`, p);
    for (const p of ['_count', '_cursor', '_include', '_revinclude', '_summary', '_elements', '_sort', '_total', '_format', '_pretty', 'status']) {
      assert.equal(one(p, 'a-b.c:d_e,f*$9'), `${p}=${encodeURIComponent('a-b.c:d_e,f*$9')}`, p);
    }
    for (const p of ['', 'id', 'patients', '_text', '_content', 'name']) assert.equal(one(p, '1001'), `${p}=***`, p);
  });
});
