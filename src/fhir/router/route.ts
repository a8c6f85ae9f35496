// Which FHIR interaction a path below the base names (R4 http §3.1.0 URL patterns).

export type Route =
  | { kind: 'system' }
  | { kind: 'system-op'; op: string }
  | { kind: 'metadata' }
  | { kind: 'type'; type: string }
  | { kind: 'search-post'; type: string }
  | { kind: 'type-history'; type: string }
  | { kind: 'type-op'; type: string; op: string }
  | { kind: 'instance'; type: string; id: string }
  | { kind: 'instance-history'; type: string; id: string }
  | { kind: 'vread'; type: string; id: string; vid: string }
  | { kind: 'instance-op'; type: string; id: string; op: string }
  | { kind: 'unknown' };

function decode(segment: string): string | undefined {
  try { return decodeURIComponent(segment); } catch { return undefined; }
}

export function parseRoute(path: string): Route {
  const trimmed = path.replace(/^\/+/, '').replace(/\/+$/, '');
  if (trimmed === '') return { kind: 'system' };
  const raw = trimmed.split('/');
  const seg = raw.map(decode);
  if (seg.some((s) => s === undefined || s === '')) return { kind: 'unknown' };
  const [a, b, c, d, ...more] = seg as string[];
  if (more.length > 0 || a === undefined) return { kind: 'unknown' };
  if (b === undefined) {
    if (a === 'metadata') return { kind: 'metadata' };
    if (a.startsWith('$')) return { kind: 'system-op', op: a.slice(1) };
    return { kind: 'type', type: a };
  }
  if (c === undefined) {
    if (b === '_search') return { kind: 'search-post', type: a };
    if (b === '_history') return { kind: 'type-history', type: a };
    if (b.startsWith('$')) return { kind: 'type-op', type: a, op: b.slice(1) };
    return { kind: 'instance', type: a, id: b };
  }
  if (d === undefined) {
    if (c === '_history') return { kind: 'instance-history', type: a, id: b };
    if (c.startsWith('$')) return { kind: 'instance-op', type: a, id: b, op: c.slice(1) };
    return { kind: 'unknown' };
  }
  if (c === '_history') return { kind: 'vread', type: a, id: b, vid: d };
  return { kind: 'unknown' };
}
