// Logical id syntax (R4 datatypes §2.24.0.1 `id`): every id this server accepts must match it,
// and a resource type may narrow it further (OSCAR ids are numeric, mapping.md "ids").

export const FHIR_ID_RE = /^[A-Za-z0-9\-.]{1,64}$/;

export function isValidId(id: string, pattern?: RegExp): boolean {
  return FHIR_ID_RE.test(id) && (pattern === undefined || pattern.test(id));
}

/** Id pattern for resources keyed by OSCAR's numeric row ids. */
export const NUMERIC_ID = /^[0-9]{1,18}$/;
