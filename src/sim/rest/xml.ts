// A JAXB-like XML rendering of transfer objects for the XML-only REST methods (contract 1.3, 7.15):
// element per property in declaration order, nulls omitted, lists as repeated elements,
// java.util.Date as xs:dateTime with the server's offset.

import { formatJaxbDateTime } from '../wall-clock.js';

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Property names whose numbers are java.util.Date values in our transfer objects. */
const DATE_PROPERTIES = new Set([
  'patientStatusDate', 'dateOfBirth', 'dateJoined', 'hcRenewDate', 'endDate', 'effDate', 'rosterDate',
  'rosterTerminationDate', 'lastUpdateDate', 'onWaitingListSinceDate', 'dob', 'signedConfidentiality',
  'dateCreated', 'timestamp', 'entryDate', 'startDate',
]);

function element(name: string, value: unknown, tz: string): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => element(name, v, tz)).join('');
  if (typeof value === 'object') {
    const inner = Object.entries(value as Record<string, unknown>).map(([k, v]) => element(k, v, tz)).join('');
    return `<${name}>${inner}</${name}>`;
  }
  if (typeof value === 'number' && DATE_PROPERTIES.has(name)) return `<${name}>${formatJaxbDateTime(value, tz)}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** The document for a root element, with JAXB's default XML declaration. */
export function jaxbDocument(rootName: string, value: Record<string, unknown>, tz: string): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>${element(rootName, value, tz)}`;
}
