// A demographic read through OSCAR REST only (SOAP behind a WAF, variants §6 B5). The record read
// `GET /demographics/basic/{id}` fails with HTTP 500 for a patient whose birth date is partial
// (contract 7.23), and OSCAR answers it with an error page that cannot be told from a failure; so
// the patient is looked up by number first (`POST /demographics/search`, contract 3.6), and the
// record is read only when the search row shows a whole birth date. OSCAR is never sent a read
// that cannot succeed; a partial birth date leaves the search row as all REST can say.
import type { OscarClient } from '../../oscar/client.js';
import type { DemographicSearchResult, DemographicTo1 } from '../../oscar/types.js';

export type RestDemographic =
  | { kind: 'record'; to: DemographicTo1 }
  /** The patient's birth date is partial: the REST record read would fail (contract 7.23). */
  | { kind: 'search-row'; row: DemographicSearchResult };

/** formattedDOB is "yyyy-MM-dd" only when all three birth-date parts are numbers (contract 3.7). */
const WHOLE_DATE = /^\d{4}-\d{2}-\d{2}$/;

export async function restDemographic(oscar: OscarClient, id: number): Promise<RestDemographic | undefined> {
  // active=false: every patient status (contract 3.6).
  const found = await oscar.restSearchDemographics({ type: 'DemographicNo', term: String(id), active: false, startIndex: 0, itemsToReturn: 1 });
  const row = found.content.find((r) => r.demographicNo === id);
  if (!row) return undefined;
  if (!WHOLE_DATE.test(row.formattedDOB ?? '')) return { kind: 'search-row', row };
  const to = await oscar.restGetDemographicBasic(id);
  return to?.demographicNo === id ? { kind: 'record', to } : undefined;
}
