// The FHIR interaction a request is, as a bounded metrics label (never an id or a type: labels
// must not carry client-typed values). Runs on every request, so it looks at the path's
// segments in place instead of parsing the route (the router does that, and reports errors).

export type InteractionLabel =
  | 'read' | 'vread' | 'search' | 'create' | 'update' | 'delete' | 'operation' | 'capabilities' | 'history' | 'other';

/** The path's non-empty segments as [start, end) offsets, at most 5 (no strings are made). */
function segmentBounds(path: string, out: number[]): number {
  let n = 0;
  let i = 0;
  while (i < path.length && n < 5) {
    let end = path.indexOf('/', i);
    if (end < 0) end = path.length;
    if (end > i) { out[2 * n] = i; out[2 * n + 1] = end; n++; }
    i = end + 1;
  }
  return i < path.length ? 6 : n;
}

const bounds: number[] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const is = (path: string, k: number, word: string): boolean =>
  bounds[2 * k + 1]! - bounds[2 * k]! === word.length && path.startsWith(word, bounds[2 * k]);
const isOp = (path: string, k: number): boolean => path.charCodeAt(bounds[2 * k]!) === 36; /* '$' */

export function interactionOf(method: string, path: string): InteractionLabel {
  const m = method === 'HEAD' ? 'GET' : method;
  const n = segmentBounds(path, bounds);
  if (n === 0 || n > 4) return 'other';
  if (n === 1) {
    if (is(path, 0, 'metadata')) return 'capabilities';
    if (isOp(path, 0)) return 'operation';
    return m === 'GET' ? 'search' : m === 'POST' ? 'create' : 'other';
  }
  if (n === 2) {
    if (is(path, 1, '_search')) return 'search';
    if (is(path, 1, '_history')) return 'history';
    if (isOp(path, 1)) return 'operation';
    return m === 'GET' ? 'read' : m === 'PUT' ? 'update' : m === 'DELETE' ? 'delete' : 'other';
  }
  if (n === 3) {
    if (is(path, 2, '_history')) return 'history';
    return isOp(path, 2) ? 'operation' : 'other';
  }
  return is(path, 2, '_history') ? 'vread' : 'other';
}
