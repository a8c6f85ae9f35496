// MIME type → file extension, used to name uploads that carry no attachment.title: OSCAR's
// upload endpoint insists on a file name with a type (contract 3.5).

import { lookupTable } from '../lookup-table.js';

// Looked up by a contentType that passed the media-type grammar (a '/' in it): no member name.
export const FILE_EXTENSIONS: Readonly<Record<string, string>> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/tiff': 'tif',
  'text/plain': 'txt',
  'text/html': 'html',
  'text/xml': 'xml',
  'application/xml': 'xml',
  'application/rtf': 'rtf',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
};

/** Extensions the reverse lookup knows besides FILE_EXTENSIONS' own (file extension → MIME type), looked up by a file name's. */
const MIME_BY_EXTENSION: Readonly<Record<string, string>> = lookupTable({
  ...Object.fromEntries(Object.entries(FILE_EXTENSIONS).map(([mime, ext]) => [ext, mime])),
  xml: 'application/xml', jpeg: 'image/jpeg', tiff: 'image/tiff', htm: 'text/html',
});

/**
 * R4 Attachment.contentType / Binary.contentType (urn:ietf:bcp:13) in the media-type grammar of
 * RFC 9110 §8.3.1, restricted to visible ASCII, space and tab: the value goes into a Content-Type
 * header, where anything else (a U+2028 in a quoted parameter, say) makes node refuse the whole
 * answer. Each repetition starts at a ';', so matching cannot backtrack.
 */
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED = '"(?:[\\t !#-\\[\\]-~]|\\\\[\\t -~])*"';
const MIME_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|${QUOTED}))*$`);
/** Longer than any media type in use; a stored value beyond it is not one. */
const MAX_MIME_LENGTH = 255;

/**
 * OSCAR's `document.contenttype` as a MIME type, or undefined. The column is free text holding
 * whatever the uploading browser or an import declared (contract 5.5): it can be blank, or no MIME
 * type at all ("pdf", "PDF Document"), which would be an invalid FHIR attachment and an unusable
 * Content-Type header. Then the type comes from the extension ("pdf", ".pdf" or the stored file
 * name's), else it is unknown. A value that claims to be a media type (it has a '/') but breaks
 * the grammar is unknown too: nothing is guessed for content whose declared type is malformed
 * (Binary then serves application/octet-stream).
 */
export function mimeTypeOf(contenttype: string | null | undefined, fileName: string | null | undefined): string | undefined {
  const declared = contenttype?.trim() ?? '';
  if (declared.length <= MAX_MIME_LENGTH && MIME_TYPE.test(declared)) return declared;
  if (declared.includes('/')) return undefined;
  const ext = (s: string): string | undefined => MIME_BY_EXTENSION[(/(?:^|\.)([A-Za-z0-9]+)$/.exec(s.trim())?.[1] ?? '').toLowerCase()];
  return ext(declared) ?? (fileName ? ext(fileName) : undefined);
}
