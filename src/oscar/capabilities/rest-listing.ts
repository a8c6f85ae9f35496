// The REST resource paths an instance lists (variants §7.2 step 5): CXF's WADL of `/ws/services`
// or `/ws/services/v1`, or Juno's OpenAPI document (card H). Paths are kept relative to
// `/ws/services`, as RestCall paths and WIRE_OPS are, with template parameters as `{name}`.
import { XMLParser } from 'fast-xml-parser';

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false, removeNSPrefix: true, attributeNamePrefix: '@',
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
  processEntities: false,
});

const children = (n: Node, name: string): Node[] => {
  const v = n[name];
  return Array.isArray(v) ? v.filter((x): x is Node => typeof x === 'object' && x !== null) : [];
};

/** '/preventions/' + 'active' → '/preventions/active'; CXF regex templates `{id: \d+}` → `{id}`. */
export function normalisePath(...parts: string[]): string {
  const joined = `/${parts.join('/')}`.replace(/\{\s*([^}:\s]+)\s*(?::[^}]*)?\}/g, '{$1}').replace(/\/{2,}/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

/**
 * The paths with at least one method in a WADL whose resources sit at `<root>/ws/services` +
 * `prefix` ('' or '/v1'); undefined when the text is not a WADL (CXF's HTML service list, a
 * proxy page…).
 */
export function readWadl(text: string, prefix = ''): string[] | undefined {
  let doc: Node;
  try { doc = parser.parse(text) as Node; } catch { return undefined; }
  const application = children(doc, 'application')[0];
  if (!application) return undefined;
  const out = new Set<string>();
  const walk = (n: Node, at: string): void => {
    for (const r of children(n, 'resource')) {
      const path = normalisePath(at, typeof r['@path'] === 'string' ? r['@path'] : '');
      if (children(r, 'method').length > 0) out.add(path);
      walk(r, path);
    }
  };
  for (const resources of children(application, 'resources')) walk(resources, prefix);
  return [...out].sort();
}

/** Juno's OpenAPI (`<ctx>/openapi/openapi.json`): its paths, below `/ws/services`. */
export function readOpenApi(text: string): string[] | undefined {
  let doc: unknown;
  try { doc = JSON.parse(text); } catch { return undefined; }
  const paths = (doc as { paths?: unknown } | null)?.paths;
  if (!paths || typeof paths !== 'object') return undefined;
  // [inf] The servlet documents the v1 resources; their keys may or may not carry the mount point.
  return Object.keys(paths).map((p) => {
    if (p.startsWith('/ws/services/')) return normalisePath(p.slice('/ws/services'.length));
    return p.startsWith('/v1/') ? normalisePath(p) : normalisePath('/v1', p);
  }).sort();
}
