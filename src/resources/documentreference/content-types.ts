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
