// Small Java library behaviours the operations depend on.

/** String.split(literal) with limit 0: trailing empty strings are removed; no match → the string itself. */
export function javaSplit(s: string, sep: string): string[] {
  if (!s.includes(sep)) return [s];
  const parts = s.split(sep);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}
