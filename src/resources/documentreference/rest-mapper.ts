// DocumentReference ← OSCAR's answer to a REST upload (`saveDocumentToDemographic`, contract 3.5),
// for instances whose SOAP is out of reach (variants §6 B5): OSCAR REST has no document read, so
// a create is answered from the DocumentTo1 OSCAR returns. It is restated as the DocumentTransfer a
// SOAP read of the same row gives, so both paths make one resource.
import type { DocumentReference } from 'fhir/r4.js';
import type { DocumentTo1, DocumentTransfer } from '../../oscar/types.js';
import { formatXsDateTime } from '../../time/zone.js';
import type { MappingConfig } from '../mapping-config.js';
import { nonBlank } from '../without-empty.js';
import { documentReferenceFromSoap, type DocumentMappingOptions } from './mapper.js';

const xs = (ms: number | null | undefined, tz: string): string | undefined =>
  (typeof ms === 'number' && Number.isFinite(ms) ? formatXsDateTime(ms, tz) : undefined);

/**
 * `saved` is OSCAR's answer; `sent` the body uploaded. contract 3.5: the answer is the in-memory
 * document, so its dates are the instants sent (or now) and its fileContents are not echoed: the
 * bytes are the ones sent, which OSCAR stored as they were.
 */
export function documentReferenceFromUpload(saved: DocumentTo1, sent: DocumentTo1, cfg: MappingConfig, opts: DocumentMappingOptions): DocumentReference | undefined {
  const tz = cfg.timezone;
  const status = nonBlank(saved.status) ?? 'A';
  const t: DocumentTransfer = {
    documentNo: saved.id ?? undefined, doctype: saved.type ?? undefined, docClass: saved.docClass ?? undefined,
    docSubClass: saved.subClass ?? undefined, docdesc: saved.description ?? undefined, docfilename: saved.fileName ?? undefined,
    doccreator: saved.creator ?? undefined, responsible: saved.responsible ?? undefined, source: saved.source ?? undefined,
    sourceFacility: saved.sourceFacility ?? undefined, programId: saved.programId ?? undefined,
    updatedatetime: xs(saved.updateDateTime, tz), observationdate: xs(saved.observationDate, tz),
    // contract 4.1: SOAP renders the status char as its code.
    status: status.charCodeAt(0), contenttype: saved.contentType ?? undefined, public1: saved.public1,
    numberofpages: saved.numberOfPages ?? undefined, appointmentNo: saved.appointmentNo ?? undefined,
    fileContents: saved.fileContents ?? sent.fileContents ?? undefined,
    ctlModule: 'demographic', ctlModuleId: saved.demographicNo ?? sent.demographicNo ?? undefined,
  };
  return documentReferenceFromSoap(t, cfg, opts);
}
