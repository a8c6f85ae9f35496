// OSCAR document type (ctl_doctype, contract 5.5) → LOINC document type (mapping
// §6.1). Only types with an unambiguous LOINC document code are listed; the rest
// keep the OSCAR name as text. Clinics add their own types through MappingConfig.

export interface LoincDocumentType { code: string; display: string }

export const DEFAULT_DOCTYPE_LOINC: Readonly<Record<string, LoincDocumentType>> = {
  lab: { code: '11502-2', display: 'Laboratory report' },
  consult: { code: '11488-4', display: 'Consult note' },
  radiology: { code: '18748-4', display: 'Diagnostic imaging study' },
  pathology: { code: '11526-1', display: 'Pathology study' },
  photo: { code: '72170-4', display: 'Photographic image Unspecified body region Document' },
};

/** doctype written when an uploaded DocumentReference carries no usable type. */
export const FALLBACK_DOCTYPE = 'others';
