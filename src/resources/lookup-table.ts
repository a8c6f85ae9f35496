// Code tables looked up by OSCAR's text (a status code, a doctype, a severity): OSCAR is
// untrusted input too, and on a plain object `constructor`, `toString` or `__proto__` would
// find Object's members (docs/smart-app-launch.md §7.8).

/**
 * One table with no prototype, the parts' members copied in order (a later part wins): a name not
 * in it finds nothing, and a `__proto__` member of a part stays a key like any other.
 */
export function lookupTable<V>(...parts: (Readonly<Record<string, V>> | undefined)[]): Record<string, V> {
  return Object.assign(Object.create(null) as Record<string, V>, ...parts);
}
