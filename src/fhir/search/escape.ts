// FHIR search value escaping (R4 search §3.1.1.4.10): `\,` `\|` `\$` `\\` stand for the literal
// characters; unescaped `,` separates OR values and unescaped `|` separates system and code.

/** Split on every unescaped `sep`, keeping escapes in the parts (unescape each part afterwards). */
export function splitUnescaped(value: string, sep: string): string[] {
  // Most values hold no escape at all (a list of ids): the plain split gives the same parts.
  if (!value.includes('\\')) return value.split(sep);
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '\\' && i + 1 < value.length) {
      current += ch + value[i + 1]!;
      i++;
    } else if (ch === sep) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

/** Remove search escapes; a backslash before any other character is kept literally. */
export function unescapeValue(value: string): string {
  if (!value.includes('\\')) return value;
  return value.replace(/\\([\\,|$])/g, '$1');
}
