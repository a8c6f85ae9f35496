// The FHIR interaction a request is, as a bounded metrics label (never an id or a type: labels
// must not carry client-typed values). Runs on every request, so it looks at the path's
// segments in place instead of parsing the route (the router does that, and reports errors).

export type InteractionLabel =
  | 'read' | 'vread' | 'search' | 'create' | 'update' | 'delete' | 'operation' | 'capabilities' | 'history' | 'other';

/** Segments of a path below the FHIR base ('/Patient/1' → ['Patient', '1']), at most 5. */
function segments(path: string): string[] {
  const out: string[] = [];
  let start = 0;
  while (start < path.length && out.length < 5) {
    const end = path.indexOf('/', start);
    const seg = end < 0 ? path.slice(start) : path.slice(start, end);
    if (seg !== '') out.push(seg);
    if (end < 0) break;
    start = end + 1;
  }
  return out;
}

export function interactionOf(method: string, path: string): InteractionLabel {
  const m = method === 'HEAD' ? 'GET' : method;
  const s = segments(path);
  const [a, b, c] = s;
  if (a === undefined || s.length > 4) return 'other';
  if (s.length === 1) {
    if (a === 'metadata') return 'capabilities';
    if (a.startsWith('$')) return 'operation';
    return m === 'GET' ? 'search' : m === 'POST' ? 'create' : 'other';
  }
  if (s.length === 2) {
    if (b === '_search') return 'search';
    if (b === '_history') return 'history';
    if (b!.startsWith('$')) return 'operation';
    return m === 'GET' ? 'read' : m === 'PUT' ? 'update' : m === 'DELETE' ? 'delete' : 'other';
  }
  if (s.length === 3) {
    if (c === '_history') return 'history';
    return c!.startsWith('$') ? 'operation' : 'other';
  }
  return c === '_history' ? 'vread' : 'other';
}
