// OSCAR's document.contenttype is free text (contract 5.5): whatever it holds, the DocumentReference
// attachment and the Binary carry the same valid MIME type (found by the conformance probe: a
// non-MIME value made both invalid, a 500 in strict mode and a withheld Binary in sanitize mode).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DocumentTransfer } from '../../src/oscar/types.js';
import { binaryFromDocument, binaryResourceFromDocument } from '../../src/resources/binary/mapper.js';
import { mimeTypeOf } from '../../src/resources/documentreference/content-types.js';
import { documentReferenceFromSoap } from '../../src/resources/documentreference/mapper.js';
import { defaultMappingConfig } from '../../src/resources/mapping-config.js';
import { validateResource } from '../../src/validation/index.js';
import { assertValidResource } from './fhir-assert.js';
import { DOCUMENT_NUMBERS, soapReturns } from './soap-fixtures.js';
import { SOAP_DOCUMENTS } from './wire-samples.js';

const cfg = defaultMappingConfig();
const opts = { binaryUrl: (id: number): string => `https://fhir.example.org/fhir/Binary/${id}` };
const cbc = (over: Partial<DocumentTransfer>): DocumentTransfer => ({ ...soapReturns<DocumentTransfer>(SOAP_DOCUMENTS, DOCUMENT_NUMBERS)[0]!, ...over });

describe('document content type', () => {
  it('keeps a MIME type as stored, parameters and case included', () => {
    assert.equal(mimeTypeOf('application/pdf', 'x.doc'), 'application/pdf');
    assert.equal(mimeTypeOf(' text/plain; charset=UTF-8 ', undefined), 'text/plain; charset=UTF-8');
    assert.equal(mimeTypeOf('Image/JPEG', undefined), 'Image/JPEG');
  });

  it('takes a bare extension, or else the stored file name\'s, when the column holds no MIME type', () => {
    assert.equal(mimeTypeOf('pdf', undefined), 'application/pdf');
    assert.equal(mimeTypeOf('.JPG', undefined), 'image/jpeg');
    assert.equal(mimeTypeOf('PDF Document', '20240312101500_cbc.pdf'), 'application/pdf');
    assert.equal(mimeTypeOf('null', '20240312101500_scan.TIFF'), 'image/tiff');
    assert.equal(mimeTypeOf('', '20240312101500_note.txt'), 'text/plain');
    assert.equal(mimeTypeOf('a\tb', 'no-extension'), undefined);
    assert.equal(mimeTypeOf(undefined, undefined), undefined);
  });

  for (const stored of ['pdf', 'PDF Document', 'null', '0', ' x ', 'a\tb', 'application/pdf', '']) {
    it(`DocumentReference and Binary agree and are valid for contenttype ${JSON.stringify(stored)}`, () => {
      const t = cbc({ contenttype: stored });
      const doc = documentReferenceFromSoap(t, cfg, opts)!;
      assertValidResource(doc);
      assert.deepEqual(validateResource(doc).filter((i) => i.severity === 'error'), []);
      const binary = binaryResourceFromDocument(t, cfg.timezone)!;
      assert.deepEqual(validateResource(binary).filter((i) => i.severity === 'error'), []);
      assert.equal(doc.content[0]!.attachment.contentType, 'application/pdf'); // the stored file is cbc.pdf
      assert.equal(binary.contentType, 'application/pdf');
      assert.equal(binaryFromDocument(t).contentType, 'application/pdf');
    });
  }

  it('an unknown type stays unknown: no attachment.contentType, and application/octet-stream for the bytes', () => {
    const t = cbc({ contenttype: 'scan', docfilename: '20240312101500_scan' });
    assert.equal(documentReferenceFromSoap(t, cfg, opts)!.content[0]!.attachment.contentType, undefined);
    assert.equal(binaryFromDocument(t).contentType, 'application/octet-stream');
  });
});
