import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { DocumentReference } from 'fhir/r4.js';
import type { DocumentTransfer } from '../../src/oscar/types.js';
import { binaryFromDocument } from '../../src/resources/binary/mapper.js';
import { documentReferenceFromSoap, documentStatusOf, documentToUpload, PATIENT_UPLOAD_SOURCE } from '../../src/resources/documentreference/mapper.js';
import { defaultMappingConfig } from '../../src/resources/mapping-config.js';
import { assertValidResource } from './fhir-assert.js';
import { DOCUMENT_NUMBERS, soapReturns } from './soap-fixtures.js';
import { SOAP_DOCUMENTS } from './wire-samples.js';

const cfg = defaultMappingConfig();
const opts = { binaryUrl: (id: number): string => `https://fhir.example.org/fhir/Binary/${id}` };
const cbc = (): DocumentTransfer => soapReturns<DocumentTransfer>(SOAP_DOCUMENTS, DOCUMENT_NUMBERS)[0]!;

const expectedCbc: DocumentReference = {
  resourceType: 'DocumentReference',
  id: '300',
  meta: { lastUpdated: '2024-03-12T10:15:00-04:00', profile: ['http://hl7.org/fhir/ca/baseline/StructureDefinition/profile-documentreference'] },
  status: 'current',
  docStatus: 'final',
  type: { coding: [{ system: 'http://loinc.org', code: '11502-2', display: 'Laboratory report' }], text: 'lab' },
  subject: { reference: 'Patient/1001' },
  date: '2024-03-12T10:15:00-04:00',
  author: [{ reference: 'Practitioner/999998' }],
  description: 'CBC results',
  content: [{
    attachment: {
      contentType: 'application/pdf',
      url: 'https://fhir.example.org/fhir/Binary/300',
      size: 10,
      hash: '7dwlnFPO2vZ3WKGNzGv1KWH2uyA=', // SHA-1 of the 10 bytes "%PDF-1.4\n%", base64
      title: 'cbc.pdf',
      creation: '2024-03-11',
    },
  }],
};

describe('DocumentReference from OSCAR', () => {
  it('maps the SOAP document wire sample (7) without inlining the bytes', () => {
    const d = documentReferenceFromSoap(cbc(), cfg, opts);
    assert.deepEqual(d, expectedCbc);
    assert.equal(JSON.stringify(d).includes('JVBERi0xLjQKJQ=='), false);
    assertValidResource(d);
  });

  it('maps status 68 / D to entered-in-error and 65 / A to current', () => {
    assert.equal(documentReferenceFromSoap({ ...cbc(), status: 68 }, cfg, opts)?.status, 'entered-in-error');
    assert.deepEqual([65, 68, 'A', 'D', '68', undefined].map((s) => documentStatusOf(s)), ['current', 'entered-in-error', 'current', 'entered-in-error', 'entered-in-error', 'current']);
    assertValidResource(documentReferenceFromSoap({ ...cbc(), status: 68 }, cfg, opts));
  });

  it('returns nothing for provider-module documents (not patient documents)', () => {
    assert.equal(documentReferenceFromSoap({ ...cbc(), ctlModule: 'provider', ctlModuleId: 999998 }, cfg, opts), undefined);
  });

  it('keeps unknown doctypes as text and honours configured LOINC codes', () => {
    assert.deepEqual(documentReferenceFromSoap({ ...cbc(), doctype: 'insurance' }, cfg, opts)?.type, { text: 'insurance' });
    const custom = defaultMappingConfig({ documentTypeLoinc: { discharge: { code: '18842-5', display: 'Discharge summary' }, lab: null } });
    assert.deepEqual(documentReferenceFromSoap({ ...cbc(), doctype: 'discharge' }, custom, opts)?.type?.coding, [{ system: 'http://loinc.org', code: '18842-5', display: 'Discharge summary' }]);
    assert.deepEqual(documentReferenceFromSoap(cbc(), custom, opts)?.type, { text: 'lab' });
  });

  it('serves the bytes as a Binary with their content type', () => {
    const b = binaryFromDocument(cbc());
    assert.equal(b.contentType, 'application/pdf');
    assert.equal(b.data.toString('latin1'), '%PDF-1.4\n%');
  });
});

describe('DocumentReference to OSCAR upload', () => {
  const upload = (over: Partial<DocumentReference> = {}): DocumentReference => ({
    resourceType: 'DocumentReference', status: 'current',
    type: { coding: [{ system: 'http://loinc.org', code: '11502-2' }] },
    subject: { reference: 'Patient/1001' },
    description: 'CBC results',
    content: [{ attachment: { contentType: 'application/pdf', data: 'JVBERi0xLjQKJQ==', title: 'cbc.pdf', creation: '2024-03-11' } }],
    ...over,
  });

  it('builds a saveDocumentToDemographic body from attachment.data', () => {
    const { to, errors, notStored } = documentToUpload(upload(), cfg);
    assert.deepEqual(errors, []);
    assert.deepEqual(notStored, []);
    assert.equal(to.fileContents, 'JVBERi0xLjQKJQ==');
    assert.equal(to.contentType, 'application/pdf');
    assert.equal(to.fileName, 'cbc.pdf');
    assert.equal(to.demographicNo, 1001);
    assert.equal(to.type, 'lab');
    assert.equal(to.description, 'CBC results');
    assert.equal(to.observationDate, Date.parse('2024-03-11T12:00:00-04:00')); // contract 7.25; noon keeps the day in the JVM's zone (variants B10)
    assert.equal(to.status, 'A');
  });

  it('marks a patient\'s own upload as supplied by the patient, and it names no clinician', () => {
    const { to, notStored } = documentToUpload(upload({ author: [{ reference: 'Practitioner/999998' }] }), cfg, true);
    assert.equal(to.source, 'oscar-fhir: supplied by the patient');
    assert.equal(to.responsible, null);
    assert.deepEqual(notStored, ['DocumentReference.author']);
    const staff = documentToUpload(upload({ author: [{ reference: 'Practitioner/999998' }] }), cfg);
    assert.equal(staff.to.source, null, 'OSCAR applies its own default ("REST API")');
    assert.equal(staff.to.responsible, '999998');
    // Read back: authored by the patient, not by the provider the facade uploaded as.
    const back = documentReferenceFromSoap({ ...cbc(), source: PATIENT_UPLOAD_SOURCE }, cfg, opts);
    assert.deepEqual(back?.author, [{ reference: 'Patient/1001' }]);
    assert.deepEqual(documentReferenceFromSoap({ ...cbc(), source: 'REST API' }, cfg, opts)?.author, [{ reference: 'Practitioner/999998' }]);
  });

  it('names an untitled upload after its content type and falls back to doctype text', () => {
    const d = upload({ type: { text: 'consult' } });
    d.content[0]!.attachment.title = undefined;
    const { to } = documentToUpload(d, cfg);
    assert.equal(to.fileName, 'document.pdf');
    assert.equal(to.type, 'consult');
  });

  it('rejects uploads OSCAR cannot store (422)', () => {
    const exprs = (d: DocumentReference): string[] => documentToUpload(d, cfg).errors.map((e) => e.expression);
    assert.deepEqual(exprs(upload({ content: [{ attachment: { contentType: 'application/pdf', url: 'https://x/y.pdf' } }] })), ['DocumentReference.content[0].attachment.data']);
    assert.deepEqual(exprs(upload({ subject: { reference: 'Group/5' } })), ['DocumentReference.subject']);
    for (const reference of ['Patient/0', 'Patient/01', 'Patient/abc', 'Patient/12345678901']) {
      assert.deepEqual(exprs(upload({ subject: { reference } })), ['DocumentReference.subject'], reference);
    }
    assert.deepEqual(exprs(upload({ subject: { reference: 'Patient/1234567890' } })), [], 'ten digits is an OSCAR demographic number');
    const wrongHash = upload();
    wrongHash.content[0]!.attachment.hash = createHash('sha1').update('other').digest('base64');
    assert.deepEqual(exprs(wrongHash), ['DocumentReference.content[0].attachment.hash']);
    const rightHash = upload();
    rightHash.content[0]!.attachment.hash = '7dwlnFPO2vZ3WKGNzGv1KWH2uyA=';
    rightHash.content[0]!.attachment.size = 10;
    assert.deepEqual(exprs(rightHash), []);
  });
});

describe('DocumentReference.identifier ⇄ OSCAR sourceFacility column', () => {
  const id = { system: 'https://portal.example.org/uploads', value: 'u-1' };
  const upload: DocumentReference = {
    resourceType: 'DocumentReference', status: 'current', subject: { reference: 'Patient/1001' }, identifier: [id],
    content: [{ attachment: { contentType: 'application/pdf', data: 'JVBERi0xLjQKJQ==', title: 'cbc.pdf' } }],
  };

  it('is stored as marked text, not reported as dropped, and read back', () => {
    const { to, errors, notStored } = documentToUpload(upload, cfg);
    assert.deepEqual(errors, []);
    assert.equal(to.sourceFacility, 'fhir-identifier:https://portal.example.org/uploads|u-1');
    assert.ok(!notStored.includes('DocumentReference.identifier'));
    assert.deepEqual(documentReferenceFromSoap({ ...cbc(), sourceFacility: to.sourceFacility! }, cfg, opts)?.identifier, [id]);
  });

  it('a facility name OSCAR holds is no identifier; an identifier too long for varchar(120) is refused', () => {
    assert.equal(documentReferenceFromSoap({ ...cbc(), sourceFacility: 'General Hospital' }, cfg, opts)?.identifier, undefined);
    const long = documentToUpload({ ...upload, identifier: [{ ...id, value: 'v'.repeat(80) }] }, cfg);
    assert.match(long.errors.map((e) => e.message).join(), /at most 104 characters/);
  });
});
