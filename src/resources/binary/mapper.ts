// Binary/{documentNo} ← the file inlined in a SOAP DocumentTransfer (mapping.md "DocumentReference").

import type { DocumentTransfer } from '../../oscar/types.js';
import { nonBlank } from '../compact.js';

export interface BinaryContent { contentType: string; data: Buffer }

export function binaryFromDocument(t: DocumentTransfer): BinaryContent {
  return {
    contentType: nonBlank(t.contenttype) ?? 'application/octet-stream',
    data: Buffer.from(t.fileContents ?? '', 'base64'),
  };
}
