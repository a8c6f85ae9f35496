// Stateless paging cursors. A `_cursor` token is base64url JSON holding the offset of the page and
// a fingerprint of the search it belongs to. Nothing is
// stored server-side, so a cursor works across restarts and on any instance; the fingerprint turns
// a cursor replayed against a different search into a 400 instead of a silently wrong page. The
// FHIR base is part of it: a cursor of one clinic of a deployment is refused by another.
import { createHash } from 'node:crypto';
import { invalidValue } from '../errors.js';

export interface CursorState {
  offset: number;
  /** Fingerprint of the search (see searchFingerprint). */
  search: string;
}

/** Parameters that do not change which resources match, or in what order. */
const NOT_IN_FINGERPRINT = new Set(['_cursor', '_count', '_summary', '_elements', '_total', '_format', '_pretty']);

/** Short stable fingerprint of the FHIR base and the parameters that decide the result set and its order. */
export function searchFingerprint(type: string, applied: readonly (readonly [string, string])[], baseUrl?: string): string {
  const relevant = applied
    .filter(([k]) => !NOT_IN_FINGERPRINT.has(k.split(':')[0]!))
    .map(([k, v]) => `${k}=${v}`)
    .sort();
  const search = `${type}?${relevant.join('&')}`;
  return createHash('sha256').update(baseUrl === undefined ? search : `${baseUrl}/${search}`).digest('hex').slice(0, 12);
}

export function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify({ o: state.offset, s: state.search }), 'utf8').toString('base64url');
}

/** Decodes a `_cursor` token; any tampering or garbage is a 400. */
export function decodeCursor(token: string): CursorState {
  const bad = () => invalidValue(`'_cursor' is not a valid paging cursor; follow the Bundle's links instead of building cursors`, ['_cursor']);
  if (!/^[A-Za-z0-9_-]{1,4096}$/.test(token)) throw bad();
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (typeof payload !== 'object' || payload === null) throw bad();
  const { o, s } = payload as Record<string, unknown>;
  if (typeof o !== 'number' || !Number.isSafeInteger(o) || o < 0 || typeof s !== 'string') throw bad();
  return { offset: o, search: s };
}
