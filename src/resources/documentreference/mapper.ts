// DocumentReference ⇄ OSCAR documents (mapping §6.1; contract 3.5, 4.10, 5.5).
// Reads come from SOAP DocumentTransfer, which inlines the whole file: the bytes are measured and
// hashed here but never copied into the resource (they are served as Binary/{documentNo}).

import { createHash } from 'node:crypto';
import type { Attachment, DocumentReference } from 'fhir/r4.js';
import type { DocumentTo1, DocumentTransfer } from '../../oscar/types.js';
import { nonBlank, withoutEmpty } from '../without-empty.js';
import type { MappingConfig } from '../mapping-config.js';
import type { MappingError } from '../mapping-errors.js';
import { fhirCalendarDate, restMsOfDate, xsDate, xsInstant } from '../oscar-dates.js';
import { patientRef, practitionerRef, referencedId } from '../references.js';
import { CA_BASELINE_PROFILES, SYSTEMS } from '../systems.js';
import { FILE_EXTENSIONS, mimeTypeOf } from './content-types.js';
import { FALLBACK_DOCTYPE } from './doctype-loinc.js';
import { columnFor, identifierOfColumn } from '../client-identifier.js';

/** DocumentReference.identifier lives in sourceFacility, varchar(120) (contract 5.5): see client-identifier.ts. */
const IDENTIFIER_COLUMN = { expression: 'DocumentReference.identifier', maxLength: 120 };

/**
 * OSCAR's `source` of a document a patient supplied through a patient/ token (contract 5.5:
 * varchar(60)). OSCAR records the facade's own provider as the creator of every upload (contract
 * 3.5), so without this mark a patient's upload would read back as written by that clinician.
 */
export const PATIENT_UPLOAD_SOURCE = 'oscar-fhir: supplied by the patient';

/** Whether OSCAR holds this document as supplied by its patient (see PATIENT_UPLOAD_SOURCE). */
export function isPatientUpload(t: Pick<DocumentTransfer, 'source'>): boolean {
  return nonBlank(t.source) === PATIENT_UPLOAD_SOURCE;
}

export interface DocumentMappingOptions {
  /** Absolute or relative URL of the facade's Binary for a document number. */
  binaryUrl: (documentNo: number) => string;
  /** Name of the document's creator, for the author reference display. */
  authorDisplay?: string;
}

/** contract 4.1: SOAP renders the status char as its code (65 'A', 68 'D'); REST as the char. */
export function documentStatusOf(status: number | string | null | undefined): DocumentReference['status'] {
  const raw = typeof status === 'number' ? status : String(status ?? '').trim();
  const ch = typeof raw === 'number' ? String.fromCharCode(raw) : /^\d+$/.test(raw) ? String.fromCharCode(Number(raw)) : raw;
  return ch.toUpperCase() === 'D' ? 'entered-in-error' : 'current';
}

/** contract 7.26: OSCAR stores uploads as 'yyyyMMddHHmmss_<fileName>'; the title is the client's name. */
export function displayFileName(stored: string | undefined): string | undefined {
  return stored?.replace(/^\d{14}_(?=.)/, '');
}

/**
 * The DocumentReference for a SOAP document, or undefined for a provider-module document (it is
 * not a patient document, mapping §6.1).
 */
export function documentReferenceFromSoap(t: DocumentTransfer, cfg: MappingConfig, opts: DocumentMappingOptions): DocumentReference | undefined {
  if (nonBlank(t.ctlModule) !== 'demographic') return undefined;
  const tz = cfg.timezone;
  const doctype = nonBlank(t.doctype);
  const loinc = doctype ? cfg.documentTypeLoinc[doctype] ?? cfg.documentTypeLoinc[doctype.toLowerCase()] : undefined;
  const bytes = t.fileContents !== undefined ? Buffer.from(t.fileContents, 'base64') : undefined;
  const attachment: Attachment = {
    contentType: mimeTypeOf(t.contenttype, t.docfilename),
    url: t.documentNo !== undefined ? opts.binaryUrl(t.documentNo) : undefined,
    size: bytes?.length,
    hash: bytes ? createHash('sha1').update(bytes).digest('base64') : undefined,
    title: displayFileName(nonBlank(t.docfilename)),
    creation: xsDate(t.observationdate, tz), // observationdate is a date-only column
  };
  const identifier = identifierOfColumn(t.sourceFacility);
  return withoutEmpty<DocumentReference>({
    resourceType: 'DocumentReference',
    id: t.documentNo !== undefined ? String(t.documentNo) : undefined,
    meta: { lastUpdated: xsInstant(t.updatedatetime, tz), profile: [CA_BASELINE_PROFILES.DocumentReference] },
    identifier: identifier ? [identifier] : undefined,
    status: documentStatusOf(t.status),
    docStatus: 'final',
    type: doctype || loinc ? { coding: loinc ? [{ system: SYSTEMS.loinc, code: loinc.code, display: loinc.display }] : undefined, text: doctype } : undefined,
    subject: patientRef(t.ctlModuleId),
    date: xsInstant(t.updatedatetime, tz),
    // A patient's upload is authored by the patient, not by the provider the facade acts as.
    author: [isPatientUpload(t) ? patientRef(t.ctlModuleId) : practitionerRef(t.doccreator, opts.authorDisplay)].filter((r) => r !== undefined),
    description: nonBlank(t.docdesc),
    content: [{ attachment }],
  });
}

// ---------- FHIR → OSCAR (create) ----------

export interface DocumentUpload {
  /** Body for REST POST /document/saveDocumentToDemographic (contract 3.5). */
  to: DocumentTo1;
  notStored: string[];
  errors: MappingError[];
}

/** Every DocumentTo1 property (unknown properties are a 400, contract 1.3); server defaults apply to nulls. */
function emptyDocument(): DocumentTo1 {
  return {
    id: null, type: null, docClass: null, subClass: null, fileName: null, description: null, xml: null, creator: null,
    responsible: null, source: null, sourceFacility: null, programId: -1, updateDateTime: null, status: 'A',
    contentType: null, contentDateTime: null, reportMedia: null, sentDateTime: null, public1: 0, observationDate: null,
    numberOfPages: null, appointmentNo: -1, abnormal: null, restrictToProgram: null, queue: null, providerNo: null,
    demographicNo: null, fileContents: null, reviews: null,
  };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

// contract 5.5 column sizes: docdesc varchar(255), doctype varchar(60), docfilename varchar(255)
// holding 'yyyyMMddHHmmss_' + the name (contract 7.26).
const DOCDESC_MAX = 255;
const DOCTYPE_MAX = 60;
const FILE_NAME_MAX = 255 - 15;

/**
 * The client's title as a bare file name. OSCAR writes the upload to DOCUMENT_DIR/<stamp>_<fileName>
 * (contract 3.5), so a title like '../../x' must never reach it: keep the last path segment, drop
 * control characters and leading dots.
 */
export function safeFileName(title: string | undefined): string | undefined {
  const last = (title ?? '').split(/[/\\]/).pop() ?? '';
  const clean = last.replace(/[\u0000-\u001f\u007f:*?"<>|]/g, '_').replace(/^[.\s]+/, '').trim();
  if (clean === '') return undefined;
  if (clean.length <= FILE_NAME_MAX) return clean;
  const dot = clean.lastIndexOf('.');
  const ext = dot > 0 && clean.length - dot <= 6 ? clean.slice(dot) : '';
  return clean.slice(0, FILE_NAME_MAX - ext.length) + ext;
}

function doctypeFor(d: DocumentReference, cfg: MappingConfig): string {
  for (const c of d.type?.coding ?? []) {
    if (c.system !== SYSTEMS.loinc || !c.code) continue;
    const hit = Object.entries(cfg.documentTypeLoinc).find(([, l]) => l.code === c.code);
    if (hit) return hit[0];
  }
  return nonBlank(d.type?.text) ?? FALLBACK_DOCTYPE;
}

/**
 * The upload for a DocumentReference. `byPatient`: supplied by the patient it is filed under (a
 * patient/ token): marked as such in OSCAR, and it cannot name a clinician as responsible.
 */
export function documentToUpload(d: DocumentReference, cfg: MappingConfig, byPatient = false): DocumentUpload {
  const errors: MappingError[] = [];
  const notStored: string[] = [];
  const to = emptyDocument();

  const content = d.content ?? [];
  content.slice(1).forEach((_, i) => notStored.push(`DocumentReference.content[${i + 1}]`));
  const a = content[0]?.attachment;
  const data = nonBlank(a?.data)?.replace(/\s+/g, '');
  const contentType = nonBlank(a?.contentType);
  if (!data) errors.push({ expression: 'DocumentReference.content[0].attachment.data', message: 'OSCAR needs the document bytes inline (attachment.data)' });
  else if (!BASE64.test(data)) errors.push({ expression: 'DocumentReference.content[0].attachment.data', message: 'attachment.data is not base64' });
  if (!contentType) errors.push({ expression: 'DocumentReference.content[0].attachment.contentType', message: 'OSCAR requires a content type' });
  if (data && BASE64.test(data)) {
    const bytes = Buffer.from(data, 'base64');
    if (bytes.length === 0) errors.push({ expression: 'DocumentReference.content[0].attachment.data', message: 'the document is empty' });
    if (a?.size !== undefined && a.size !== bytes.length) errors.push({ expression: 'DocumentReference.content[0].attachment.size', message: 'size does not match the data' });
    if (a?.hash && a.hash !== createHash('sha1').update(bytes).digest('base64')) {
      errors.push({ expression: 'DocumentReference.content[0].attachment.hash', message: 'SHA-1 hash does not match the data' });
    }
  }
  if (a?.url) notStored.push('DocumentReference.content[0].attachment.url');

  const demographicNo = referencedId(d.subject, 'Patient');
  if (!demographicNo || !/^[1-9]\d{0,9}$/.test(demographicNo)) {
    errors.push({ expression: 'DocumentReference.subject', message: 'OSCAR files documents under a Patient (subject Patient/{id})' });
  }

  const ext = contentType ? FILE_EXTENSIONS[contentType.toLowerCase().split(';')[0]!.trim()] : undefined;
  const fileName = safeFileName(a?.title) ?? `document.${ext ?? 'bin'}`;
  // contract 3.5 needs a "fileType": give the name an extension when the title has none
  to.fileName = /\.[A-Za-z0-9]{1,5}$/.test(fileName) || !ext ? fileName : `${fileName}.${ext}`;
  to.fileContents = data ?? null;
  to.contentType = contentType ?? null;
  to.demographicNo = demographicNo && /^\d+$/.test(demographicNo) ? Number(demographicNo) : null;
  to.type = doctypeFor(d, cfg).slice(0, DOCTYPE_MAX);
  to.description = (nonBlank(d.description) ?? nonBlank(a?.title) ?? to.fileName).slice(0, DOCDESC_MAX);
  if (d.status !== undefined && d.status !== 'current') notStored.push('DocumentReference.status'); // OSCAR files every upload as active ('A')
  const observed = fhirCalendarDate(a?.creation ?? d.date, cfg.timezone);
  if (observed) to.observationDate = restMsOfDate(observed, cfg.timezone); // contract 7.25: local midnight ms
  const author = (d.author ?? []).map((r) => referencedId(r, 'Practitioner')).find((x) => x !== undefined);
  if (byPatient) {
    to.source = PATIENT_UPLOAD_SOURCE;
    if (d.author !== undefined) notStored.push('DocumentReference.author');
  } else if (author) {
    to.responsible = author;
  }

  const sourceFacility = columnFor(IDENTIFIER_COLUMN, d.identifier, undefined, errors);
  if (sourceFacility !== undefined) to.sourceFacility = sourceFacility;

  for (const k of ['category', 'relatesTo', 'securityLabel', 'context', 'custodian', 'authenticator', 'masterIdentifier'] as const) {
    if (d[k] !== undefined) notStored.push(`DocumentReference.${k}`);
  }
  return { to, notStored, errors };
}
