// DocumentReference search parameters: what each one means on this server and which OSCAR call
// answers it (design principle 1). Every list call inlines every file (contract 4.10), so a
// search must name a patient, ids or a change date; the other parameters filter those.
import { ID_PARAM, LAST_UPDATED_PARAM, type SearchParamDef } from '../../fhir/index.js';

const R4 = 'http://hl7.org/fhir/SearchParameter/';

export const DOCUMENT_STATUS_SYSTEM = 'http://hl7.org/fhir/document-reference-status';

const PATIENT_LISTING = 'SOAP getDocumentsByDemographicIdAfter (consent-gated, contract 7.9); when it returns nothing, '
  + 'getDocumentsByProgramProviderDemographicDate once per OSCAR provider (documents are listed by creator, contract 4.10). '
  + 'Documents whose file OSCAR cannot read are skipped by OSCAR.';

export const DOCUMENT_SEARCH_PARAMS: SearchParamDef[] = [
  { ...ID_PARAM, description: 'document_no; one SOAP getDocument per id (at most LIMIT_SEARCH_IDS ids, 50 by default). A document whose file OSCAR cannot read is left out with a warning.' },
  {
    ...LAST_UPDATED_PARAM,
    description: 'Documents changed since a time (gt, ge, eq, sa, ap give the lower bound), from SOAP getDocumentsUpdateAfterDate read in chunks; provider documents are dropped. Other prefixes need patient, subject or _id.',
  },
  {
    name: 'patient', type: 'reference', definition: `${R4}clinical-patient`, target: ['Patient'],
    description: `The patient the document is filed under (ctl_document module 'demographic'). ${PATIENT_LISTING}`,
  },
  {
    name: 'subject', type: 'reference', definition: `${R4}DocumentReference-subject`, target: ['Patient'],
    description: `Same as patient: OSCAR files documents under patients only (provider documents are not served). ${PATIENT_LISTING}`,
  },
  {
    name: 'identifier', type: 'token', definition: `${R4}clinical-identifier`,
    description: 'The client\'s own identifier of a document it filed (system|value), kept in OSCAR\'s sourceFacility column. Filters the documents found by another parameter, so a retried create can find its upload: If-None-Exist: subject=Patient/…&identifier=system|value.',
  },
  {
    name: 'type', type: 'token', definition: `${R4}clinical-type`, modifiers: ['text', 'not'],
    description: 'OSCAR document type (doctype, as a code without system, e.g. lab, consult) or its LOINC document code (http://loinc.org|11502-2). Filters the documents found by another parameter.',
  },
  {
    name: 'date', type: 'date', definition: `${R4}DocumentReference-date`,
    description: 'When the document last changed in OSCAR (updatedatetime), any prefix. Filters the documents found by another parameter.',
  },
  {
    name: 'status', type: 'token', definition: `${R4}DocumentReference-status`, system: DOCUMENT_STATUS_SYSTEM,
    codes: ['current', 'entered-in-error'], modifiers: ['not'],
    description: "current = OSCAR status 'A', entered-in-error = deleted ('D'). Filters the documents found by another parameter.",
  },
];
