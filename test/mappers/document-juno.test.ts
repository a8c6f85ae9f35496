// DocumentReference → Juno's POST /v1/document body (contract 3.10): the upload rules of the OSCAR
// path, Juno's field names, ISO observation date and its 60-character description.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DocumentReference } from 'fhir/r4.js';
import { junoDocumentUpload } from '../../src/resources/documentreference/juno-mapper.js';
import { defaultMappingConfig } from '../../src/resources/mapping-config.js';

const cfg = defaultMappingConfig();
const upload = (over: Partial<DocumentReference> = {}): DocumentReference => ({
  resourceType: 'DocumentReference', status: 'current',
  type: { coding: [{ system: 'http://loinc.org', code: '11502-2' }] },
  subject: { reference: 'Patient/1001' },
  description: 'CBC results',
  author: [{ reference: 'Practitioner/999997' }],
  content: [{ attachment: { contentType: 'application/pdf', data: 'JVBERi0xLjQKJQ==', title: 'cbc.pdf', creation: '2024-03-11' } }],
  ...over,
});

describe('DocumentReference to Juno /v1/document', () => {
  it('builds the body and names the chart to file it in', () => {
    assert.deepEqual(junoDocumentUpload(upload(), '999998', cfg), {
      body: {
        fileName: 'cbc.pdf', base64EncodedFile: 'JVBERi0xLjQKJQ==', documentDescription: 'CBC results', documentCreator: '999998',
        status: 'A', documentType: 'lab', responsible: '999997', observationDate: '2024-03-11',
      },
      demographicNo: 1001, notStored: [], errors: [],
    });
  });

  it('refuses a description longer than Juno stores, and keeps the upload checks of the OSCAR path', () => {
    const long = junoDocumentUpload(upload({ description: 'x'.repeat(61) }), '999998', cfg);
    assert.deepEqual(long.errors, [{ expression: 'DocumentReference.description', message: 'Juno stores at most 60 characters here' }]);
    const noPatient = junoDocumentUpload(upload({ subject: undefined }), '999998', cfg);
    assert.equal(noPatient.demographicNo, null);
    assert.deepEqual(noPatient.errors.map((e) => e.expression), ['DocumentReference.subject']);
  });
});
