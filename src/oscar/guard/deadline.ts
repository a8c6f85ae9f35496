// A backstop deadline around one guarded OSCAR call. The transport already times out every HTTP
// exchange; this catches anything between it and us that might never call back (a library
// callback that throws, a promise nobody settles), so no FHIR request can wait forever on OSCAR.

import { OscarTimeoutError } from '../errors.js';
import { Deadlines } from './deadlines.js';

// Every call has one: a timer each would cost more than the rest of the guard (deadlines.ts).
const backstops = new Deadlines();

export function withDeadline<T>(work: Promise<T>, ms: number, operation: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const d = backstops.add(ms, () => reject(new OscarTimeoutError(operation, ms)));
    // A settlement after the deadline changes nothing (and a late failure is handled here).
    work.then((v) => { backstops.cancel(d); resolve(v); }, (e: unknown) => { backstops.cancel(d); reject(e); });
  });
}
