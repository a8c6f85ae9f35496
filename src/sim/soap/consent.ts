// PatientConsentManager's provider-specific consent filter (contract 7.9): a consentType of type
// `provider_consent_filter`, active, owned by the calling provider, and a Consent row saying the
// patient consented to it.

import type { ClinicStore } from '../clinic/store.js';
import type { ConsentTypeRow } from '../clinic/model.js';
import type { Caller } from './context.js';

export const PROVIDER_CONSENT_FILTER = 'provider_consent_filter';

/** consentTypeDao.findConsentTypeForProvider (first match, as getSingleResultOrNull with maxResults 1). */
export function providerConsentType(store: ClinicStore, caller: Caller): ConsentTypeRow | undefined {
  const providerNo = caller.security.providerNo;
  if (providerNo === null) return undefined; // `providerNo = NULL` matches nothing in SQL
  return store.data.consentTypes.find((t) => t.type === PROVIDER_CONSENT_FILTER && t.active && t.providerNo === providerNo);
}

/** consentTypeDao.findConsentType: any active consent type of that type, whoever owns it. */
export function clinicConsentType(store: ClinicStore): ConsentTypeRow | undefined {
  return store.data.consentTypes.find((t) => t.type === PROVIDER_CONSENT_FILTER && t.active);
}

export function hasPatientConsented(store: ClinicStore, demographicNo: number, type: ConsentTypeRow | undefined): boolean {
  if (!type || !type.active) return false;
  const consent = store.data.consents.find((c) => c.demographicNo === demographicNo && c.consentTypeId === type.id);
  return consent?.consented ?? false;
}

/** filterProviderSpecificConsent: only when the caller owns a consent type are non-consenting patients removed. */
export function filterByProviderConsent<T>(store: ClinicStore, caller: Caller, rows: readonly T[], demographicOf: (r: T) => number): T[] {
  const type = providerConsentType(store, caller);
  if (!type) return [...rows];
  return rows.filter((r) => hasPatientConsented(store, demographicOf(r), type));
}
