// DocumentService (contract 3.5, 7.26): upload-only; documents are read through SOAP.

import { wallClockOf } from '../wall-clock.js';
import type { DocumentRow } from '../clinic/model.js';
import type { ClinicStore } from '../clinic/store.js';
import type { JsonEntity, Schema } from './body.js';
import { JSON_TYPE } from './media.js';
import { entity, type RestContext, type RestResult, type RestRoute } from './route.js';

const DOCUMENT_TO1: Schema = {
  id: 'Integer', type: 'String', docClass: 'String', subClass: 'String', fileName: 'String', description: 'String',
  xml: 'String', creator: 'String', responsible: 'String', source: 'String', sourceFacility: 'String',
  programId: 'Integer', updateDateTime: 'Date', status: 'char', contentType: 'String', contentDateTime: 'Date',
  reportMedia: 'String', sentDateTime: 'Date', public1: 'int', observationDate: 'Date', numberOfPages: 'Integer',
  appointmentNo: 'Integer', abnormal: 'Boolean', restrictToProgram: 'Boolean', queue: 'Integer', providerNo: 'String',
  demographicNo: 'Integer', fileContents: 'bytes', reviews: { list: 'any' },
};

const VALIDATION_MESSAGE = 'The request body must contain a title, encoded documentData, a fileType (png, jpg, pdf, etc.), and a demographicNo';

const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  pdf: 'application/pdf', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif',
  tif: 'image/tiff', tiff: 'image/tiff', txt: 'text/plain', html: 'text/html', xml: 'text/xml', rtf: 'application/rtf',
};

function isPdf(file: Buffer, contentType: string): boolean {
  return contentType === 'application/pdf' || file.subarray(0, 5).toString('latin1') === '%PDF-';
}

/** Page count the simple way: `/Type /Page` objects (not `/Pages`). */
export function countPdfPages(file: Buffer): number {
  return (file.toString('latin1').match(/\/Type\s*\/Page(?![A-Za-z])/g) ?? []).length;
}

/** yyyyMMddHHmmss of the server clock, the prefix of stored document file names. */
function fileStamp(store: ClinicStore): string {
  return wallClockOf(store.now(), store.serverZone).replace(/[-T:]/g, '');
}

const s = (to: JsonEntity, k: string): string | null => (to[k] ?? null) as string | null;

function storeDocument(ctx: RestContext, to: JsonEntity, file: Buffer): { row: DocumentRow; now: number } {
  const store = ctx.store;
  const tz = ctx.tz;
  const now = store.now();
  const fileName = s(to, 'fileName') ?? '';
  const ext = fileName.includes('.') ? fileName.slice(fileName.lastIndexOf('.') + 1).toLowerCase() : '';
  const contentType = s(to, 'contentType') || MIME_BY_EXTENSION[ext] || 'application/octet-stream';
  const at = (k: string): number => (to[k] as number | null | undefined) ?? now;
  const row: DocumentRow = {
    documentNo: store.nextId('document'), doctype: s(to, 'type') ?? '', docClass: s(to, 'docClass') ?? '',
    docSubClass: s(to, 'subClass') ?? '', docdesc: s(to, 'description') ?? '', docxml: s(to, 'xml') ?? '',
    docfilename: `${fileStamp(store)}_${fileName}`, doccreator: ctx.provider().providerNo,
    responsible: s(to, 'responsible') ?? '', source: s(to, 'source') || 'REST API', sourceFacility: s(to, 'sourceFacility') ?? '',
    programId: (to.programId as number | null | undefined) ?? -1, updatedatetime: store.nowLocal(),
    status: to.status === 'D' ? 'D' : 'A', contenttype: contentType,
    contentdatetime: wallClockOf(at('contentDateTime'), tz), public1: (to.public1 as number | undefined) ?? 0,
    observationdate: wallClockOf(at('observationDate'), tz).slice(0, 10), reviewer: '', reviewdatetime: null,
    numberOfPages: isPdf(file, contentType) ? Math.max(1, countPdfPages(file)) : 1,
    appointmentNo: (to.appointmentNo as number | null | undefined) ?? -1, file,
  };
  store.insertDocument(row);
  return { row, now };
}

/** DocumentTo1 of the in-memory Document that was just saved. */
function documentTo1(row: DocumentRow, to: JsonEntity, now: number): Record<string, unknown> {
  const at = (k: string): number => (to[k] as number | null | undefined) ?? now;
  return {
    id: row.documentNo, type: row.doctype, docClass: row.docClass, subClass: row.docSubClass, fileName: row.docfilename,
    description: row.docdesc, xml: row.docxml, creator: row.doccreator, responsible: row.responsible, source: row.source,
    sourceFacility: row.sourceFacility, programId: row.programId, updateDateTime: now, status: row.status,
    contentType: row.contenttype, contentDateTime: at('contentDateTime'), reportMedia: s(to, 'reportMedia'),
    sentDateTime: (to.sentDateTime ?? null) as number | null, public1: row.public1, observationDate: at('observationDate'),
    numberOfPages: row.numberOfPages, appointmentNo: row.appointmentNo, abnormal: (to.abnormal ?? null) as boolean | null,
    restrictToProgram: (to.restrictToProgram ?? false) as boolean, queue: (to.queue ?? null) as number | null,
    providerNo: s(to, 'providerNo'), demographicNo: (to.demographicNo ?? null) as number | null, fileContents: null, reviews: [],
  };
}

const hasFile = (to: JsonEntity | null): to is JsonEntity => to !== null && Buffer.isBuffer(to.fileContents) && to.fileContents.length > 0;

export const documentRoutes: RestRoute[] = [
  {
    method: 'POST', path: '/document/saveDocumentToDemographic', produces: [JSON_TYPE], consumes: [JSON_TYPE],
    entity: { kind: 'bean', schema: DOCUMENT_TO1 },
    handle(ctx): RestResult {
      const to = ctx.body;
      if (!hasFile(to) || !s(to, 'fileName') || to.demographicNo == null) {
        // a plain String entity: Jackson leaves Strings to CXF's text writer, so no JSON quoting
        return { kind: 'response', status: 400, body: VALIDATION_MESSAGE, contentType: JSON_TYPE };
      }
      const { row, now } = storeDocument(ctx, to, to.fileContents as Buffer);
      ctx.store.data.ctlDocuments.push({ module: 'demographic', moduleId: to.demographicNo as number, documentNo: row.documentNo, status: row.status });
      return entity(documentTo1(row, to, now));
    },
  },
  {
    method: 'POST', path: '/document/uploadPendingDocuments', produces: [JSON_TYPE], consumes: [JSON_TYPE],
    entity: { kind: 'bean', schema: DOCUMENT_TO1 },
    handle(ctx): RestResult {
      const to = ctx.body;
      const fileName = to ? s(to, 'fileName') : null;
      const failed = (message: string): RestResult => ({
        kind: 'response', status: 400, contentType: JSON_TYPE, body: JSON.stringify({ status: 'Failed', message, fileName }),
      });
      if (!hasFile(to) || !fileName || !s(to, 'contentType')) return failed('Missing fileName, fileContents or contentType');
      if (typeof to.queue !== 'number' || to.queue < 1) return failed('A queue is required');
      storeDocument(ctx, to, to.fileContents as Buffer); // goes to the inbox queue, linked to no patient yet
      return entity({ status: 'Success', message: 'Document uploaded to the pending queue', fileName });
    },
  },
];
