// Reads by a caller confined to one patient (ctx.compartment, set by the auth hooks) stop at the
// first OSCAR answer that names the record's patient: a record of another patient, or of none,
// is answered exactly like an unknown id, before any further OSCAR call (mapping, active lists,
// provider names, file hashing) could make it slower or fail differently (README "Security").
import type { FhirContext } from '../fhir/index.js';

/** Whether a record whose patient is `demographicNo` must look unknown to this request. */
export function hiddenFrom(ctx: Pick<FhirContext, 'compartment'>, demographicNo: number | string | null | undefined): boolean {
  if (ctx.compartment === undefined) return false;
  return demographicNo === undefined || demographicNo === null || String(demographicNo) !== ctx.compartment;
}
