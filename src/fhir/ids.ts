// Logical id syntax (R4 datatypes §2.24.0.1 `id`): every id this server accepts must match it,
// and a resource type may narrow it further (OSCAR ids are numeric, mapping §1.1).

export const FHIR_ID_RE = /^[A-Za-z0-9\-.]{1,64}$/;

export function isValidId(id: string, pattern?: RegExp): boolean {
  return FHIR_ID_RE.test(id) && (pattern === undefined || pattern.test(id));
}

/**
 * Id pattern for resources keyed by OSCAR's numeric row ids: Java ints (0 … 2147483647) without
 * leading zeros. A larger number cannot exist in OSCAR (and would not survive the SOAP xs:int).
 */
export const NUMERIC_ID = /^(?:0|[1-9][0-9]{0,8}|1[0-9]{9}|20[0-9]{8}|21[0-3][0-9]{7}|214[0-6][0-9]{6}|2147[0-3][0-9]{5}|21474[0-7][0-9]{4}|214748[0-2][0-9]{3}|2147483[0-5][0-9]{2}|21474836[0-3][0-9]|214748364[0-7])$/;
