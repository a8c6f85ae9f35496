// Binary/{documentNo} ← the file inlined in a SOAP DocumentTransfer (mapping §6.2).

import type { Binary } from 'fhir/r4.js';
import type { DocumentTransfer } from '../../oscar/types.js';
import { nonBlank } from '../without-empty.js';
import { mimeTypeOf } from '../documentreference/content-types.js';
import { xsInstant } from '../oscar-dates.js';

export interface BinaryContent { contentType: string; data: Buffer }

export function binaryFromDocument(t: DocumentTransfer): BinaryContent {
  return {
    // the same type the DocumentReference names (its attachment.contentType)
    contentType: mimeTypeOf(t.contenttype, t.docfilename) ?? 'application/octet-stream',
    data: Buffer.from(t.fileContents ?? '', 'base64'),
  };
}

/**
 * The FHIR Binary of a patient document, or undefined for a provider-module document (not a
 * patient document, mapping §6.1). securityContext names the DocumentReference: access to the bytes
 * is access to that document.
 */
export function binaryResourceFromDocument(t: DocumentTransfer, timezone: string): Binary | undefined {
  if (nonBlank(t.ctlModule) !== 'demographic' || t.documentNo === undefined) return undefined;
  const { contentType, data } = binaryFromDocument(t);
  const lastUpdated = xsInstant(t.updatedatetime, timezone);
  return {
    resourceType: 'Binary',
    id: String(t.documentNo),
    ...(lastUpdated ? { meta: { lastUpdated } } : {}),
    contentType,
    securityContext: { reference: `DocumentReference/${t.documentNo}` },
    // Re-encoded: canonical base64 whatever whitespace the wire carried. An empty file has no data.
    ...(data.length > 0 ? { data: data.toString('base64') } : {}),
  };
}
