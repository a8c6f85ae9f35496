// What every resource type's service needs: the OSCAR client, the clinic's mapping tables and
// the provider directory (names for Practitioner references).
import type { OscarClient } from '../oscar/client.js';
import type { BookingRules } from '../booking/rules.js';
import type { RouteChoice } from '../routing/routes.js';
import type { KeyedLocks } from '../state/index.js';
import type { MappingConfig } from './mapping-config.js';
import type { ProviderDirectory } from './provider-directory.js';

export interface SearchLimits {
  /** Most rows one upstream list call may bring back before a search is refused as too costly (no silent truncation). */
  upstreamRows: number;
  /** Most `_id` values (or other record ids, such as Immunization identifiers) one search may name: one OSCAR call each. */
  ids: number;
  /** Most patients (Appointment: patients or practitioners) one search may name: one OSCAR call each. */
  patients: number;
  /** Most patients whose REST active-allergy list one AllergyIntolerance search (or page) may fetch for clinical status. */
  statusPatients: number;
}

/** The limits when none are configured. */
export const DEFAULT_SEARCH_LIMITS: Readonly<SearchLimits> = { upstreamRows: 1000, ids: 50, patients: 20, statusPatients: 50 };

export interface ResourceDeps {
  oscar: OscarClient;
  mapping: MappingConfig;
  providers: ProviderDirectory;
  /** Public FHIR base URL (for Binary urls in attachments). */
  baseUrl: string;
  /** What one search may cost OSCAR (LIMIT_* settings, README "Configuration"). */
  limits: SearchLimits;
  /** Which of the ways to serve an interaction the connected OSCAR allows (src/routing); absent: the preferred one. */
  routes?: RouteChoice;
  /** Online-booking rules (BOOKING_*); absent: DEFAULT_BOOKING_RULES. */
  booking?: BookingRules;
  /** The clock booking rules read (lead time, horizon, same-day codes); absent: Date.now. Tests move it. */
  now?: () => number;
  /** Locks shared with the router (src/state): a booking holds its provider's day; absent: this process's own. */
  locks?: KeyedLocks;
}
