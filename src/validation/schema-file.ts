// The vendored R4 schema (profiles/r4/) as both readers take it: the build compiles it with ajv,
// and the fast check (fast-check.ts) makes its own plans from the same definitions at load, so
// the two apply the same patterns.
import { readFileSync } from 'node:fs';
import { PATHS } from './inputs.js';
import type { JsonSchemaDef } from './schema-types.js';

export interface SchemaFile {
  id?: string;
  $id?: string;
  definitions: Record<string, JsonSchemaDef>;
}

/**
 * The R4 schema's regexes are XML Schema regexes, where `\s` is only [ \t\n\r] and `\S` every
 * other character; in ECMAScript `\s` also covers U+00A0, U+2000–U+200A, U+3000, U+FEFF… So the
 * string/markdown pattern `^[ \r\n\t\S]+$` (in XSD: any non-empty text) refused a name holding a
 * no-break space or an ideographic space, which FHIR allows (HAPI and @medplum/core accept it):
 * a 422 on such a write, a 500 (strict) or a dropped name (sanitize) on such a read.
 * `code` (`[^\s]+(\s[^\s]+)*`) keeps the ECMAScript reading, closer to its prose ("no whitespace
 * other than single spaces"), as do uri/url (`\S*`; a raw no-break space is no URI character).
 */
/** string and markdown as translated: any text of one character or more */
export const ANY_TEXT = '^[\\s\\S]+$';

const XSD_PATTERNS: Readonly<Record<string, string>> = {
  '^[ \\r\\n\\t\\S]+$': ANY_TEXT,
};

function translatePatterns(node: unknown): void {
  if (Array.isArray(node)) {
    for (const x of node) translatePatterns(x);
  } else if (node !== null && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (typeof o.pattern === 'string') o.pattern = XSD_PATTERNS[o.pattern] ?? o.pattern;
    for (const v of Object.values(o)) if (typeof v === 'object') translatePatterns(v);
  }
}

/** The schema file, parsed, its patterns as ECMAScript reads them. */
export function readSchema(): SchemaFile {
  const schema = JSON.parse(readFileSync(PATHS.schema, 'utf8')) as SchemaFile;
  translatePatterns(schema.definitions);
  return schema;
}
