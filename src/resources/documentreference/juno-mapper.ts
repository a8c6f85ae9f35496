// DocumentReference → Juno's `POST /v1/document` body (contract 3.10), for Juno instances, whose
// OSCAR REST has no saveDocumentToDemographic: the upload rules of mapper.ts, then Juno's names
// and limits. The document lands in no chart; restV1AssignDocument files it under the patient.

import type { DocumentReference } from 'fhir/r4.js';
import type { JunoDocumentInbound } from '../../oscar/types.js';
import { localDateOf } from '../../time/zone.js';
import type { MappingConfig } from '../mapping-config.js';
import type { MappingError } from '../mapping-errors.js';
import { nonBlank } from '../without-empty.js';
import { documentToUpload } from './mapper.js';

/** contract 3.10: DocumentTransferBasic.documentDescription is @Size(max=60). */
const JUNO_DESCRIPTION_MAX = 60;

export interface JunoDocumentUpload {
  body: JunoDocumentInbound;
  /** The chart to file the upload in afterwards. */
  demographicNo: number | null;
  notStored: string[];
  errors: MappingError[];
}

/**
 * `creator` is the provider the facade acts as (Juno requires `documentCreator`, an existing
 * provider number of at most 6 characters, contract 3.10).
 */
export function junoDocumentUpload(d: DocumentReference, creator: string, cfg: MappingConfig, byPatient = false): JunoDocumentUpload {
  const { to, notStored, errors } = documentToUpload(d, cfg, byPatient);
  const description = to.description ?? '';
  if (description.length > JUNO_DESCRIPTION_MAX) {
    errors.push({ expression: 'DocumentReference.description', message: `Juno stores at most ${JUNO_DESCRIPTION_MAX} characters here` });
  }
  const body: JunoDocumentInbound = {
    fileName: to.fileName ?? '', base64EncodedFile: to.fileContents ?? '', documentDescription: description,
    documentCreator: creator, status: 'A',
  };
  const optional = { documentType: nonBlank(to.type), source: nonBlank(to.source), sourceFacility: nonBlank(to.sourceFacility), responsible: nonBlank(to.responsible) };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) body[k as keyof typeof optional] = v;
  if (to.observationDate !== null) body.observationDate = localDateOf(to.observationDate, cfg.timezone);
  return { body, demographicNo: to.demographicNo, notStored, errors };
}
