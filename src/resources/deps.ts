// What every resource type's service needs: the OSCAR client, the clinic's mapping tables and
// the provider directory (names for Practitioner references).
import type { OscarClient } from '../oscar/client.js';
import type { MappingConfig } from './mapping-config.js';
import type { ProviderDirectory } from './provider-directory.js';

export interface ResourceDeps {
  oscar: OscarClient;
  mapping: MappingConfig;
  providers: ProviderDirectory;
  /** Public FHIR base URL (for Binary urls in attachments). */
  baseUrl: string;
  /** Most rows one upstream list call may bring back before a search is refused as too costly. */
  maxUpstreamRows: number;
}
