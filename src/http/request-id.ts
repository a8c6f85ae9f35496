import { randomBytes } from 'node:crypto';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

// New ids are this process's random prefix and a counter, written in the shape of a UUID
// (8-4-4-4-12 hex digits, version and variant digits set): unique across processes and restarts
// (72 random bits per process, a 48-bit counter) and cheaper than randomUUID, which builds its
// string from twenty pieces, on a cache-hit read twice (bench/results.md).
const random = randomBytes(10).toString('hex');
const PREFIX = `${random.slice(0, 8)}-${random.slice(8, 12)}-4${random.slice(13, 16)}-8${random.slice(17, 20)}-`;
const COUNTER_SPAN = 2 ** 48;
let counter = 0;

/** An id no other request or record of any instance has (request ids, audit record ids). */
export function uniqueId(): string {
  counter = (counter + 1) % COUNTER_SPAN;
  return PREFIX + counter.toString(16).padStart(12, '0');
}

/** The caller's X-Request-Id when it is a safe token (so it can be logged), else a new one. */
export function requestIdFor(header: string | string[] | undefined): string {
  const v = Array.isArray(header) ? header[0] : header;
  return v && SAFE_ID.test(v) ? v : uniqueId();
}
