// DemographicManager.searchPatients as the REST search endpoints use it (contract 3.1, 3.6).

import type { DemographicRow } from '../clinic/model.js';
import type { ClinicStore } from '../clinic/store.js';

export const SEARCH_MODES = ['Name', 'Phone', 'HIN', 'Address', 'DOB', 'ChartNo', 'DemographicNo'] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];
export const SORT_MODES = ['DemographicNo', 'Name', 'Phone', 'Address', 'DOB', 'ChartNo', 'Sex', 'ProviderName', 'RS', 'PS'] as const;
export type SortMode = (typeof SORT_MODES)[number];

/** oscar_mcmaster.properties `inactive_statuses` default (contract 3.6). */
export const INACTIVE_STATUSES: readonly string[] = ['IN', 'DE', 'IC', 'ID', 'MO', 'FI'];

export interface SearchRequest {
  mode: SearchMode;
  keyword: string;
  active: boolean;
  sortMode: SortMode;
  sortDir: 'asc' | 'desc';
}

/** SQL `LIKE 'x%'` under MySQL's case-insensitive collation. */
const startsWith = (value: string | null, prefix: string): boolean => (value ?? '').toLowerCase().startsWith(prefix.toLowerCase());

function matcher(mode: SearchMode, keyword: string): (d: DemographicRow) => boolean {
  const k = keyword.trim();
  switch (mode) {
    case 'Name': {
      const [last = '', first] = k.split(',').map((s) => s.trim());
      return (d) => startsWith(d.lastName, last) && (first === undefined || startsWith(d.firstName, first));
    }
    case 'Phone': return (d) => startsWith(d.phone, k) || startsWith(d.phone2, k);
    case 'HIN': return (d) => startsWith(d.hin, k);
    case 'Address': return (d) => (d.address ?? '').toLowerCase().includes(k.toLowerCase());
    case 'ChartNo': return (d) => startsWith(d.chartNo, k);
    case 'DemographicNo': return (d) => String(d.demographicNo) === k;
    case 'DOB': {
      const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(k);
      if (!m) return () => false;
      return (d) => Number(d.yearOfBirth) === Number(m[1]) && Number(d.monthOfBirth) === Number(m[2]) && Number(d.dateOfBirth) === Number(m[3]);
    }
  }
}

function sortKey(store: ClinicStore, mode: SortMode): (d: DemographicRow) => string {
  switch (mode) {
    case 'DemographicNo': return (d) => String(d.demographicNo).padStart(12, '0');
    case 'Name': return (d) => `${d.lastName.toLowerCase()}\u0000${d.firstName.toLowerCase()}`;
    case 'Phone': return (d) => d.phone ?? '';
    case 'Address': return (d) => (d.address ?? '').toLowerCase();
    case 'DOB': return (d) => `${d.yearOfBirth ?? ''}-${(d.monthOfBirth ?? '').padStart(2, '0')}-${(d.dateOfBirth ?? '').padStart(2, '0')}`;
    case 'ChartNo': return (d) => d.chartNo ?? '';
    case 'Sex': return (d) => d.sex;
    case 'ProviderName': return (d) => {
      const p = d.providerNo ? store.provider(d.providerNo) : undefined;
      return p ? `${p.lastName},${p.firstName}`.toLowerCase() : '';
    };
    case 'RS': return (d) => d.rosterStatus ?? '';
    case 'PS': return (d) => d.patientStatus;
  }
}

/** Every match, sorted; callers page. Active = patient_status not in inactive_statuses. */
export function searchPatients(store: ClinicStore, req: SearchRequest): DemographicRow[] {
  const match = matcher(req.mode, req.keyword);
  const key = sortKey(store, req.sortMode);
  const dir = req.sortDir === 'desc' ? -1 : 1;
  return store.data.demographics
    .filter((d) => (!req.active || !INACTIVE_STATUSES.includes(d.patientStatus)) && match(d))
    .map((d) => ({ d, k: key(d) }))
    .sort((a, b) => (a.k < b.k ? -dir : a.k > b.k ? dir : a.d.demographicNo - b.d.demographicNo))
    .map((x) => x.d);
}
