// Saying in the resource itself that the connected OSCAR gave less than usual (mapping §1.12):
// a meta.tag from the facade's own code system, so a client can tell "OSCAR has no value" from
// "this OSCAR cannot say" (variants §7.4, docs/mapping.md).
import type { Coding, Resource } from 'fhir/r4.js';

export const FIDELITY_CODES = {
  /** AllergyIntolerance: archived and active rows look alike without OSCAR REST (variants §6 B14). */
  clinicalStatusUnverified: 'clinical-status-unverified',
  /** AllergyIntolerance: found through OSCAR REST's active list (no SOAP): the patient's archived allergies are not listed (contract 3.3). */
  activeAllergiesOnly: 'active-allergies-only',
  /** Patient: read with getDemographic only (no getDemographic2 on this OSCAR). */
  demographicWithoutTransfer2: 'demographic-without-transfer2',
  /** Patient: read through OSCAR REST (no SOAP): no residential address, email consent or roster enrolment (contract 7.24). */
  demographicOverRest: 'demographic-over-rest',
  /** Patient: OSCAR REST's search row is all there is (a REST search result, or a read where a partial birth date stops the record read, contract 7.23). */
  demographicSearchRow: 'demographic-search-row',
} as const;

export type FidelityCode = (typeof FIDELITY_CODES)[keyof typeof FIDELITY_CODES];

/** The code system of the tags: under the facade's public base URL. */
export function fidelitySystem(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/CodeSystem/fidelity`;
}

/** `r` with the tag added once. */
export function tagFidelity<R extends Resource>(r: R, baseUrl: string, code: FidelityCode): R {
  const tag: Coding = { system: fidelitySystem(baseUrl), code };
  const tags = r.meta?.tag ?? [];
  if (tags.some((t) => t.system === tag.system && t.code === code)) return r;
  return { ...r, meta: { ...r.meta, tag: [...tags, tag] } };
}
