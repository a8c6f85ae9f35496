// A backstop deadline around one guarded OSCAR call. The transport already times out every HTTP
// exchange; this catches anything between it and us that might never call back (a library
// callback that throws, a promise nobody settles), so no FHIR request can wait forever on OSCAR.

import { OscarTimeoutError } from '../errors.js';

export function withDeadline<T>(work: Promise<T>, ms: number, operation: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OscarTimeoutError(operation, ms)), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
