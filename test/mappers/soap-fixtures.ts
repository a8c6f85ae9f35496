// Turns the SOAP response envelopes of the wire samples into transfer objects the way a SOAP
// client would: the <return> elements, children as properties, numbers/booleans typed per the
// transfer's schema (contract 4.5–4.11). Test-only: the real client lives in src/oscar/.

import { XMLParser } from 'fast-xml-parser';

const parser = new XMLParser({
  removeNSPrefix: true, parseTagValue: false, ignoreAttributes: true, trimValues: false,
  isArray: (name) => name === 'return' || name === 'preventionExts',
});

type Raw = Record<string, unknown>;

function coerce(node: Raw, numeric: ReadonlySet<string>, booleans: ReadonlySet<string>): Raw {
  const out: Raw = {};
  for (const [k, v] of Object.entries(node)) {
    if (Array.isArray(v)) out[k] = v.map((x) => (x && typeof x === 'object' ? coerce(x as Raw, numeric, booleans) : x));
    else if (v && typeof v === 'object') out[k] = coerce(v as Raw, numeric, booleans);
    else if (typeof v === 'string' && numeric.has(k)) out[k] = Number(v);
    else if (typeof v === 'string' && booleans.has(k)) out[k] = v === 'true';
    else out[k] = v;
  }
  return out;
}

/** The typed `<return>` objects of a SOAP response envelope. */
export function soapReturns<T>(xml: string, numeric: string[] = [], booleans: string[] = []): T[] {
  const doc = parser.parse(xml) as { Envelope: { Body: Record<string, { return?: Raw[] }> } };
  const response = Object.values(doc.Envelope.Body)[0];
  return (response?.return ?? []).map((r) => coerce(r, new Set(numeric), new Set(booleans)) as T);
}

export const DEMOGRAPHIC_NUMBERS = ['activeCount', 'demographicNo', 'genderId', 'headRecord', 'hsAlertCount', 'pronounId'];
export const ALLERGY_NUMBERS = ['agccs', 'agcsp', 'demographicNo', 'hicSeqno', 'hiclSeqno', 'id', 'typeCode'];
export const PREVENTION_NUMBERS = ['demographicId', 'id', 'preventionId'];
export const PREVENTION_BOOLEANS = ['deleted', 'never', 'refused'];
export const DOCUMENT_NUMBERS = ['appointmentNo', 'ctlModuleId', 'documentNo', 'numberofpages', 'programId', 'public1', 'status'];
