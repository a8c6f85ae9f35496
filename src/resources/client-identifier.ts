// A client's own identifier for a record it creates, kept in a free-text OSCAR column that the
// write stores and every read returns and that OSCAR never fills itself: Appointment.identifier
// in `appointment.resources` (varchar(255)), DocumentReference.identifier in
// `document.sourceFacility` (varchar(120)) (contract 5.2, 5.5). It makes a create safely
// retryable: a client that got a 504 retries with If-None-Exist naming its patient and the
// identifier and finds the record instead of writing a second one (mapping §3.3, §6.1). These
// columns also show in OSCAR's own screens, so the text is marked to be told apart from a
// clinic's own entries there, which are never overwritten.
import type { Identifier } from 'fhir/r4.js';
import type { MappingError } from './mapping-errors.js';

const MARK = 'fhir-identifier:';

export interface IdentifierColumn {
  /** FHIRPath of the identifier in error messages, e.g. 'Appointment.identifier'. */
  expression: string;
  /** OSCAR column width (contract 5). */
  maxLength: number;
}

/** The identifier a stored column value carries, if it is one of ours. */
export function identifierOfColumn(text: string | null | undefined): Identifier | undefined {
  if (!text?.startsWith(MARK)) return undefined;
  const rest = text.slice(MARK.length);
  const bar = rest.indexOf('|');
  if (bar <= 0 || bar === rest.length - 1) return undefined;
  return { system: rest.slice(0, bar), value: rest.slice(bar + 1) };
}

/**
 * The column value for a write: the identifier's text; without one, an identifier stored before
 * is cleared and anything else is left as it is (undefined: nothing to send).
 */
export function columnFor(col: IdentifierColumn, identifiers: readonly Identifier[] | undefined, stored: string | null | undefined, errors: MappingError[]): string | undefined {
  const ours = stored === undefined || stored === null || stored === '' || stored.startsWith(MARK);
  const list = identifiers ?? [];
  if (list.length === 0) return ours && stored ? '' : stored ?? undefined;
  const refuse = (expression: string, message: string): string | undefined => { errors.push({ expression, message }); return stored ?? undefined; };
  if (list.length > 1) return refuse(col.expression, 'OSCAR keeps one identifier per record here');
  const { system, value } = list[0]!;
  if (!system || !value) return refuse(col.expression, 'the identifier needs a system and a value');
  if (system.includes('|')) return refuse(`${col.expression}.system`, 'the identifier system cannot contain |');
  if (!ours) return refuse(col.expression, 'the OSCAR column that would keep the identifier holds the clinic\'s own text');
  const text = `${MARK}${system}|${value}`;
  if (text.length > col.maxLength) return refuse(col.expression, `OSCAR stores at most ${col.maxLength - MARK.length} characters of system and value together`);
  return text;
}
