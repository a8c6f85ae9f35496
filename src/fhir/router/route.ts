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
  // Slashes at either end are ignored. Written without patterns, a map and a rest array: this runs
  // on every request that reaches the router, before its first OSCAR call.
  let start = 0;
  let end = path.length;
  while (start < end && path.charCodeAt(start) === 47 /* '/' */) start++;
  while (end > start && path.charCodeAt(end - 1) === 47) end--;
  if (start === end) return { kind: 'system' };
  const raw = (start === 0 && end === path.length ? path : path.slice(start, end)).split('/');
  if (raw.length > 4) return { kind: 'unknown' };
  const seg: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    // Without a '%', decoding changes nothing.
    const s = raw[i]!.includes('%') ? decode(raw[i]!) : raw[i]!;
    if (s === undefined || s === '') return { kind: 'unknown' };
    seg.push(s);
  }
  const [a, b, c, d] = seg as [string, string | undefined, string | undefined, string | undefined];
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
