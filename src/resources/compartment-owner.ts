// Requests by a caller confined to one patient (ctx.compartment, set by the auth hooks) cost OSCAR
// that patient's records only (README "Security"). Reads stop at the first OSCAR answer that names
// the record's patient: a record of another patient, or of none, is answered exactly like an
// unknown id, before any further OSCAR call (mapping, active lists, provider names, file hashing)
// could make it slower or fail differently. Searches anchor on the patient's own lists, so an
// `_id` or identifier list is matched in memory against them and costs no call per id.
import type { FhirContext } from '../fhir/index.js';

/**
 * The demographic numbers a confined search reads: the compartment's patient, or none when the
 * compartment names no OSCAR patient (nothing can match). Undefined when the request is not confined.
 */
export function compartmentAnchor(compartment: string | undefined): number[] | undefined {
  if (compartment === undefined) return undefined;
  return /^[1-9]\d{0,9}$/.test(compartment) && Number(compartment) <= 2_147_483_647 ? [Number(compartment)] : [];
}

/** Whether a record whose patient is `demographicNo` must look unknown to this request. */
export function hiddenFrom(ctx: Pick<FhirContext, 'compartment'>, demographicNo: number | string | null | undefined): boolean {
  if (ctx.compartment === undefined) return false;
  return demographicNo === undefined || demographicNo === null || String(demographicNo) !== ctx.compartment;
}
