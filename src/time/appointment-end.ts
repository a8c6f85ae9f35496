// The end of an OSCAR appointment as FHIR means it (variants B11, contract 7.8). OSCAR keeps the
// last included moment: a SOAP booking stores the exclusive end − 1 ms (cut to the second by the
// TIME column: 09:14:59 for a 09:15 end), REST /schedule/add stores start + duration − 1 minute
// (09:14:00), and OSCAR's own screens store the last included minute. One rule reads them all:
// the exclusive end is the stored end + 1 ms, rounded up to the minute.

const MINUTE = 60_000;

/** The exclusive end (epoch ms) of an appointment whose stored end is `storedEndMs`. */
export function exclusiveEndOf(storedEndMs: number): number {
  return Math.ceil((storedEndMs + 1) / MINUTE) * MINUTE;
}
