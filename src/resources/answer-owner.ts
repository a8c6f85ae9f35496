// OSCAR's answers about one patient, checked to be about that patient. A row naming another
// patient would be served or exported as that patient's record (or, in an active list, make this
// patient's allergies read inactive): the answer is refused as unreadable (OscarProtocolError:
// the API answers 502, an export leaves the patient out and names it, src/bulk/sources/source.ts).
import { OscarProtocolError } from '../oscar/errors.js';

/** `rows` as they came, when each names `demographicNo` or no patient; otherwise an OscarProtocolError of `operation`. */
export function ofPatient<T extends { demographicNo?: number | null }>(rows: readonly T[], demographicNo: number, operation: string): readonly T[] {
  if (rows.some((t) => t.demographicNo !== undefined && t.demographicNo !== null && t.demographicNo !== demographicNo)) {
    throw new OscarProtocolError(operation, 'an answer about another patient');
  }
  return rows;
}
