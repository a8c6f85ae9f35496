// DocumentReference ⇄ OSCAR document rule by rule (mapping §6.1; contract 3.5, 4.1, 5.5, 7.26):
// each case pins one rule with literal values, so a changed comparison, limit or message shows here.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DocumentReference } from 'fhir/r4.js';
import type { DocumentTransfer } from '../../src/oscar/types.js';
import { binaryFromDocument, binaryResourceFromDocument } from '../../src/resources/binary/mapper.js';
import {
  displayFileName, documentReferenceFromSoap, documentStatusOf, documentToUpload, isPatientUpload, safeFileName,
} from '../../src/resources/documentreference/mapper.js';
import { defaultMappingConfig } from '../../src/resources/mapping-config.js';
import { DOCUMENT_NUMBERS, soapReturns } from './soap-fixtures.js';
import { SOAP_DOCUMENTS } from './wire-samples.js';

const cfg = defaultMappingConfig();
const opts = { binaryUrl: (id: number): string => `https://fhir.example.org/fhir/Binary/${id}` };
const cbc = (over: Partial<DocumentTransfer> = {}): DocumentTransfer => ({ ...soapReturns<DocumentTransfer>(SOAP_DOCUMENTS, DOCUMENT_NUMBERS)[0]!, ...over });
const read = (over: Partial<DocumentTransfer>) => documentReferenceFromSoap(cbc(over), cfg, opts);
/** "%PDF-1.4\n%" (10 bytes), the CBC sample's file. */
const PDF = 'JVBERi0xLjQKJQ==';
const DATA = 'DocumentReference.content[0].attachment.data';

const upload = (change: (d: DocumentReference) => void = () => {}): DocumentReference => {
  const d: DocumentReference = {
    resourceType: 'DocumentReference', status: 'current', subject: { reference: 'Patient/1001' },
    content: [{ attachment: { contentType: 'application/pdf', data: PDF, title: 'cbc.pdf' } }],
  };
  change(d);
  return d;
};
const att = (d: DocumentReference) => d.content[0]!.attachment;

describe('DocumentReference from an OSCAR document', () => {
  it('reads the status character whether OSCAR sends it as a code or a letter, in any case (contract 4.1)', () => {
    const cases: [number | string | null | undefined, string][] = [
      [68, 'entered-in-error'], [100, 'entered-in-error'], [' 68 ', 'entered-in-error'], ['d', 'entered-in-error'], [' D ', 'entered-in-error'],
      [65, 'current'], ['65', 'current'], ['A', 'current'], ['', 'current'], [null, 'current'], ['DD', 'current'],
    ];
    for (const [status, want] of cases) assert.equal(documentStatusOf(status), want, String(status));
  });

  it('shows the client file name without the 14-digit upload stamp (contract 7.26)', () => {
    assert.equal(displayFileName('20240312101500_cbc.pdf'), 'cbc.pdf');
    assert.equal(displayFileName('20240312101500_'), '20240312101500_');
    assert.equal(displayFileName('2024031210150_cbc.pdf'), '2024031210150_cbc.pdf');
    assert.equal(displayFileName('x20240312101500_cbc.pdf'), 'x20240312101500_cbc.pdf');
    assert.equal(displayFileName(undefined), undefined);
  });

  it('takes a document of the demographic module even with spaces around the module name', () => {
    assert.equal(read({ ctlModule: ' demographic ' })?.id, '300');
    assert.equal(read({ ctlModule: undefined }), undefined);
  });

  it('looks a doctype up in lower case, and gives no type without one', () => {
    assert.deepEqual(read({ doctype: 'LAB' })?.type, { coding: [{ system: 'http://loinc.org', code: '11502-2', display: 'Laboratory report' }], text: 'LAB' });
    assert.equal(read({ doctype: ' ' })?.type, undefined);
  });

  it('leaves out the parts OSCAR did not send: number, file, creator', () => {
    const d = read({ documentNo: undefined, fileContents: undefined, doccreator: '-1', docfilename: ' ', observationdate: undefined });
    assert.equal(d?.id, undefined);
    assert.deepEqual(d?.content, [{ attachment: { contentType: 'application/pdf' } }]);
    assert.equal(d?.author, undefined);
    assert.deepEqual(documentReferenceFromSoap(cbc(), cfg, { ...opts, authorDisplay: 'Dr Who' })?.author, [{ reference: 'Practitioner/999998', display: 'Dr Who' }]);
  });

  it('reads a patient upload by its source mark, spaces around it allowed', () => {
    assert.equal(isPatientUpload({ source: ' oscar-fhir: supplied by the patient ' }), true);
    assert.equal(isPatientUpload({ source: 'oscar-fhir: supplied by the patient (copy)' }), false);
    assert.equal(isPatientUpload({ source: undefined }), false);
  });
});

describe('Binary of an OSCAR document', () => {
  it('takes its type from the file name when the column holds none, else octet-stream', () => {
    assert.equal(binaryFromDocument(cbc({ contenttype: '', docfilename: 'x.png' })).contentType, 'image/png');
    assert.equal(binaryFromDocument(cbc({ contenttype: 'a/b/c', docfilename: 'x.png' })).contentType, 'application/octet-stream');
    assert.equal(binaryFromDocument(cbc({ fileContents: undefined })).data.length, 0);
  });

  it('has no meta without an update time', () => {
    const b = binaryResourceFromDocument(cbc({ updatedatetime: undefined }), 'America/Toronto');
    assert.equal(b && 'meta' in b, false);
  });
});

describe('file names of uploads (contract 3.5: OSCAR writes DOCUMENT_DIR/<stamp>_<fileName>)', () => {
  it('keeps the last path segment, replaces control and reserved characters, drops leading dots and spaces', () => {
    const cases: [string | undefined, string | undefined][] = [
      ['../../etc/passwd', 'passwd'],
      ['C:\\docs\\scan.pdf', 'scan.pdf'],
      ['..hidden.txt', 'hidden.txt'],
      [' . x.pdf', 'x.pdf'],
      ['a:b*c?d"e<f>g|h\u0001i\u007f.pdf', 'a_b_c_d_e_f_g_h_i_.pdf'],
      ['folder/', undefined],
      ['...', undefined],
      [undefined, undefined],
    ];
    for (const [title, want] of cases) assert.equal(safeFileName(title), want, String(title));
  });

  it('cuts a name to 240 characters (255 less the stamp), keeping a short extension', () => {
    assert.equal(safeFileName('a'.repeat(240)), 'a'.repeat(240));
    assert.equal(safeFileName('a'.repeat(241)), 'a'.repeat(240));
    assert.equal(safeFileName(`${'a'.repeat(300)}.pdf`), `${'a'.repeat(236)}.pdf`);
    assert.equal(safeFileName(`${'a'.repeat(300)}.abcde`), `${'a'.repeat(234)}.abcde`);
    assert.equal(safeFileName(`${'a'.repeat(300)}.abcdef`), 'a'.repeat(240));
    assert.equal(safeFileName(`${'a'.repeat(236)}.pdf`), `${'a'.repeat(236)}.pdf`);
  });

  it('adds the content type’s extension to a title without one, and names an untitled upload', () => {
    const name = (title: string | undefined, contentType: string) =>
      documentToUpload(upload((d) => { att(d).title = title; att(d).contentType = contentType; }), cfg).to.fileName;
    assert.equal(name('scan', 'image/png'), 'scan.png');
    assert.equal(name('scan', 'Application/PDF; charset=binary'), 'scan.pdf');
    assert.equal(name('scan.final', 'image/png'), 'scan.final');
    assert.equal(name('scan.abcdef', 'image/png'), 'scan.abcdef.png');
    assert.equal(name('scan', 'application/x-unknown'), 'scan');
    assert.equal(name(undefined, 'application/x-unknown'), 'document.bin');
    assert.equal(name(undefined, 'text/plain'), 'document.txt');
  });
});

describe('DocumentReference to an OSCAR upload', () => {
  it('sends the bytes without the whitespace of the base64 text', () => {
    const { to, errors } = documentToUpload(upload((d) => { att(d).data = ' JVBE\nRi0x\r\nLjQKJQ== '; }), cfg);
    assert.deepEqual(errors, []);
    assert.equal(to.fileContents, PDF);
  });

  it('says what is wrong with the attachment', () => {
    const errors = (change: (d: DocumentReference) => void) => documentToUpload(upload(change), cfg).errors;
    assert.deepEqual(errors((d) => { att(d).data = ' '; }), [{ expression: DATA, message: 'OSCAR needs the document bytes inline (attachment.data)' }]);
    assert.deepEqual(errors((d) => { att(d).data = 'JVBE$Ri0x'; }), [{ expression: DATA, message: 'attachment.data is not base64' }]);
    assert.deepEqual(errors((d) => { att(d).data = 'JVBE$Ri0x'; att(d).size = 1; att(d).hash = 'x'; }), [{ expression: DATA, message: 'attachment.data is not base64' }]);
    assert.deepEqual(errors((d) => { att(d).data = '=='; }), [{ expression: DATA, message: 'the document is empty' }]);
    assert.deepEqual(errors((d) => { att(d).contentType = ' '; }), [{ expression: 'DocumentReference.content[0].attachment.contentType', message: 'OSCAR requires a content type' }]);
    assert.deepEqual(errors((d) => { att(d).size = 11; }), [{ expression: 'DocumentReference.content[0].attachment.size', message: 'size does not match the data' }]);
    assert.deepEqual(errors((d) => { att(d).size = 0; }), [{ expression: 'DocumentReference.content[0].attachment.size', message: 'size does not match the data' }]);
    assert.deepEqual(errors((d) => { att(d).size = 10; att(d).hash = '7dwlnFPO2vZ3WKGNzGv1KWH2uyA='; }), []);
    assert.deepEqual(errors((d) => { att(d).hash = '2jmj7l5rSw0yVb/vlWAYkK/YBwk='; }), [{ expression: 'DocumentReference.content[0].attachment.hash', message: 'SHA-1 hash does not match the data' }]);
    assert.deepEqual(errors((d) => { d.subject = undefined; }), [{ expression: 'DocumentReference.subject', message: 'OSCAR files documents under a Patient (subject Patient/{id})' }]);
    assert.deepEqual(errors((d) => { d.content = []; }), [
      { expression: DATA, message: 'OSCAR needs the document bytes inline (attachment.data)' },
      { expression: 'DocumentReference.content[0].attachment.contentType', message: 'OSCAR requires a content type' },
    ]);
  });

  it('sends no patient number for a subject that is not one', () => {
    assert.equal(documentToUpload(upload((d) => { d.subject = undefined; }), cfg).to.demographicNo, null);
    assert.equal(documentToUpload(upload((d) => { d.subject = { reference: 'Patient/a-1' }; }), cfg).to.demographicNo, null);
  });

  it('reports what OSCAR does not keep: further contents, the url, a non-current status and unmapped elements', () => {
    const { notStored } = documentToUpload(upload((d) => {
      d.content.push({ attachment: { url: 'https://x/1' } }, { attachment: { url: 'https://x/2' } });
      att(d).url = 'https://x/0';
      d.status = 'superseded';
      Object.assign(d, {
        category: [{ text: 'c' }], relatesTo: [{ code: 'appends', target: { reference: 'DocumentReference/1' } }],
        securityLabel: [{ text: 's' }], context: { period: { start: '2024-01-01' } }, custodian: { reference: 'Organization/1' },
        authenticator: { reference: 'Practitioner/1' }, masterIdentifier: { value: 'm' },
      });
    }), cfg);
    assert.deepEqual(notStored, [
      'DocumentReference.content[1]', 'DocumentReference.content[2]', 'DocumentReference.content[0].attachment.url',
      'DocumentReference.status', 'DocumentReference.category', 'DocumentReference.relatesTo', 'DocumentReference.securityLabel',
      'DocumentReference.context', 'DocumentReference.custodian', 'DocumentReference.authenticator', 'DocumentReference.masterIdentifier',
    ]);
    assert.deepEqual(documentToUpload(upload((d) => { Reflect.deleteProperty(d, 'status'); }), cfg).notStored, []);
  });

  it('files the doctype of the LOINC code, else the type text cut to 60, else others', () => {
    const type = (t: DocumentReference['type']) => documentToUpload(upload((d) => { d.type = t; }), cfg).to.type;
    assert.equal(type({ coding: [{ system: 'urn:other', code: '11488-4' }, { system: 'http://loinc.org' }, { system: 'http://loinc.org', code: '11488-4' }] }), 'consult');
    assert.equal(type({ coding: [{ system: 'http://loinc.org', code: '00000-0' }], text: ' memo ' }), 'memo');
    assert.equal(type({ text: 'x'.repeat(61) }), 'x'.repeat(60));
    assert.equal(type(undefined), 'others');
  });

  it('describes the upload by its description, else its title, else its file name, cut to 255', () => {
    const description = (change: (d: DocumentReference) => void) => documentToUpload(upload(change), cfg).to.description;
    assert.equal(description((d) => { d.description = 'd'.repeat(256); }), 'd'.repeat(255));
    assert.equal(description((d) => { d.description = ' '; att(d).title = ' ../scan '; }), '../scan');
    assert.equal(description((d) => { att(d).title = undefined; }), 'document.pdf');
  });

  it('dates the observation by the attachment creation, else the document date, in the clinic zone (contract 7.25)', () => {
    const observed = (change: (d: DocumentReference) => void) => documentToUpload(upload(change), cfg).to.observationDate;
    assert.equal(observed((d) => { d.date = '2024-01-16T02:30:00Z'; }), Date.parse('2024-01-15T12:00:00-05:00'));
    assert.equal(observed((d) => { d.date = '2024-01-16T02:30:00Z'; att(d).creation = '2024-02-01'; }), Date.parse('2024-02-01T12:00:00-05:00'));
    assert.equal(observed(() => {}), null);
  });

  it('names the first Practitioner author as responsible', () => {
    const r = documentToUpload(upload((d) => { d.author = [{ reference: 'Patient/1001' }, { reference: 'Practitioner/5' }, { reference: 'Practitioner/6' }]; }), cfg);
    assert.equal(r.to.responsible, '5');
    assert.deepEqual(r.notStored, []);
    assert.deepEqual(documentToUpload(upload(), cfg, true).notStored, []);
    assert.equal(documentToUpload(upload(), cfg, true).to.responsible, null);
  });

  it('sends no sourceFacility without an identifier', () => {
    assert.equal(documentToUpload(upload(), cfg).to.sourceFacility, null);
  });
});
