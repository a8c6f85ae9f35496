// MIME type → file extension, used to name uploads that carry no attachment.title: OSCAR's
// upload endpoint insists on a file name with a type (contract 3.5).

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

/** Extensions the reverse lookup knows besides FILE_EXTENSIONS' own (file extension → MIME type). */
const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  ...Object.fromEntries(Object.entries(FILE_EXTENSIONS).map(([mime, ext]) => [ext, mime])),
  xml: 'application/xml', jpeg: 'image/jpeg', tiff: 'image/tiff', htm: 'text/html',
};

/** R4 Attachment.contentType / Binary.contentType (urn:ietf:bcp:13): type/subtype, optional parameters. */
const MIME_TYPE = /^[A-Za-z0-9][\w!#$&^.+-]*\/[A-Za-z0-9][\w!#$&^.+-]*(\s*;\s*[\w!#$&^.+-]+=("[^"]*"|[\w!#$&^.+-]+))*$/;

/**
 * OSCAR's `document.contenttype` as a MIME type, or undefined. The column is free text holding
 * whatever the uploading browser or an import declared (contract 5.5): it can be blank, or no MIME
 * type at all ("pdf", "PDF Document"), which would be an invalid FHIR attachment and an unusable
 * Content-Type header. Then the type comes from the extension ("pdf", ".pdf" or the stored file
 * name's), else it is unknown.
 */
export function mimeTypeOf(contenttype: string | null | undefined, fileName: string | null | undefined): string | undefined {
  const declared = contenttype?.trim() ?? '';
  if (MIME_TYPE.test(declared)) return declared;
  const ext = (s: string): string | undefined => MIME_BY_EXTENSION[(/(?:^|\.)([A-Za-z0-9]+)$/.exec(s.trim())?.[1] ?? '').toLowerCase()];
  return ext(declared) ?? (fileName ? ext(fileName) : undefined);
}
