// Something a type implements that the back end at hand cannot serve (fhir/instance-limits.ts),
// said the same way wherever a client meets it: a 501, a refused search parameter, a warning.

/** Why it cannot be served, and what the operator can do about it. */
export interface Unavailable {
  missing: string;
  remedy: string;
}

export function unavailableText(what: string, u: Unavailable): string {
  return `${what} is not possible with the connected OSCAR: ${u.missing}. Remedy: ${u.remedy}.`;
}

/** `record[key]` when it is the record's own entry (client text never reaches Object.prototype). */
export function ownEntry<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
