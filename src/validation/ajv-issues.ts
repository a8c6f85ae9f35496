// Collapse ajv's errors into one readable finding per problem.
// ajv reports in JSON-pointer terms and can repeat itself (allErrors); we want FHIRPath-style
// expressions, the unknown property's name, the allowed codes, and nothing echoing the value.
import type { ErrorObject } from 'ajv';
import { fromPointer, toExpression } from './json-path.js';
import type { Finding, JsonPath } from './types.js';

const PRIMITIVE_FORMS: Record<string, string> = {
  date: 'a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD)',
  dateTime: 'a FHIR dateTime (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss with a timezone)',
  instant: 'a FHIR instant (YYYY-MM-DDThh:mm:ss[.sss] with a timezone)',
  time: 'a FHIR time (hh:mm:ss)',
  string: 'a non-empty string',
  markdown: 'a non-empty string',
  code: 'a code (no leading, trailing or repeated whitespace)',
  id: 'an id (1 to 64 of A-Z a-z 0-9 - .)',
  uri: 'a uri without whitespace',
  url: 'a url without whitespace',
  canonical: 'a canonical url without whitespace',
  oid: 'an oid (urn:oid:...)',
  uuid: 'a uuid (urn:uuid:...)',
};
const MAX_LISTED_CODES = 25;

function primitiveOf(schemaPath: string): string | undefined {
  return /^#\/definitions\/([a-zA-Z]+)\//.exec(schemaPath)?.[1];
}

function listCodes(values: unknown): string {
  const codes = Array.isArray(values) ? values.map(String) : [];
  const shown = codes.slice(0, MAX_LISTED_CODES).join(' | ');
  return codes.length > MAX_LISTED_CODES ? `${shown} | … (${codes.length} codes)` : shown;
}

/** Finding for one ajv error; `base` is the validated resource's own location in the whole. */
function toFinding(e: ErrorObject, instance: unknown, root: string, base: JsonPath): Finding | undefined {
  const at = [...base, ...fromPointer(e.instancePath, instance)];
  const finding = (path: JsonPath, code: Finding['code'], message: string, drop: JsonPath[] | null): Finding => ({
    severity: 'error',
    code,
    expression: toExpression(root, path),
    message,
    path,
    drop,
  });
  const self = (path: JsonPath): JsonPath[] | null => (path.length > 0 ? [path] : null);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const path = [...at, name];
      return finding(path, 'structure', `Unknown element '${name}'`, [path]);
    }
    case 'required': {
      const name = String(params.missingProperty);
      return finding([...at, name], 'required', `Required element '${name}' is missing`, self(at));
    }
    case 'enum':
      return finding(at, 'code-invalid', `Code is not allowed here; allowed codes: ${listCodes(params.allowedValues)}`, self(at));
    case 'const':
      return finding(at, 'value', `Must be '${String(params.allowedValue)}'`, self(at));
    case 'pattern': {
      const type = primitiveOf(e.schemaPath);
      const form = (type && PRIMITIVE_FORMS[type]) ?? `a valid FHIR ${type ?? 'value'}`;
      return finding(at, 'value', `Value must be ${form}`, self(at));
    }
    case 'type': {
      const expected = String(params.type);
      const what = expected === 'array' ? 'an array' : expected === 'object' ? 'a JSON object' : `a JSON ${expected}`;
      return finding(at, 'structure', `Element must be ${what}`, self(at));
    }
    case 'oneOf':
    case 'anyOf':
    case 'if':
      return undefined; // summaries of branch errors, which are reported themselves
    default:
      return finding(at, 'structure', `Element ${e.message ?? 'is invalid'}`, self(at));
  }
}

/**
 * One finding per location: ajv may report several keywords for one bad element
 * (e.g. `type` and `pattern`); the first is kept.
 */
export function findingsFromAjv(
  errors: readonly ErrorObject[] | null | undefined,
  instance: unknown,
  root: string,
  base: JsonPath,
): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    const f = toFinding(e, instance, root, base);
    if (!f || seen.has(f.expression)) continue;
    seen.add(f.expression);
    out.push(f);
  }
  return out;
}
