// Binary ← OSCAR document bytes (mapping §6.1): only a patient's document has a Binary, which names
// its DocumentReference as the security context; the bytes are re-encoded and an empty file has none.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DocumentTransfer } from '../../src/oscar/types.js';
import { binaryResourceFromDocument } from '../../src/resources/binary/mapper.js';
import { DOCUMENT_NUMBERS, soapReturns } from './soap-fixtures.js';
import { SOAP_DOCUMENTS } from './wire-samples.js';

const TZ = 'America/Toronto';
const cbc = (over: Partial<DocumentTransfer> = {}): DocumentTransfer => ({ ...soapReturns<DocumentTransfer>(SOAP_DOCUMENTS, DOCUMENT_NUMBERS)[0]!, ...over });

describe('Binary from an OSCAR document', () => {
  it('maps the CBC wire sample: its bytes, its type, and the DocumentReference that guards it', () => {
    assert.deepEqual(binaryResourceFromDocument(cbc(), TZ), {
      resourceType: 'Binary',
      id: '300',
      meta: { lastUpdated: '2024-03-12T10:15:00-04:00' },
      contentType: 'application/pdf',
      securityContext: { reference: 'DocumentReference/300' },
      data: 'JVBERi0xLjQKJQ==',
    });
  });

  it('has no Binary for a provider-module document, nor for a document without a number', () => {
    assert.equal(binaryResourceFromDocument(cbc({ ctlModule: 'provider', ctlModuleId: 999998 }), TZ), undefined);
    assert.equal(binaryResourceFromDocument(cbc({ ctlModule: undefined }), TZ), undefined);
    assert.equal(binaryResourceFromDocument(cbc({ documentNo: undefined }), TZ), undefined);
    assert.equal(binaryResourceFromDocument(cbc({ ctlModule: 'provider', documentNo: undefined }), TZ), undefined);
  });

  it('re-encodes the bytes canonically, and gives an empty file no data', () => {
    assert.equal(binaryResourceFromDocument(cbc({ fileContents: 'JVBE\nRi0x\r\nLjQKJQ==' }), TZ)?.data, 'JVBERi0xLjQKJQ==');
    const empty = binaryResourceFromDocument(cbc({ fileContents: '' }), TZ);
    assert.ok(empty);
    assert.equal('data' in empty, false);
  });
});
