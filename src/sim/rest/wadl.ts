// The WADL CXF's WadlGenerator serves at `<address>?_wadl` (variants §7.2 step 5: discovery reads
// the mounted resource paths from it). One <resource> per root resource (the first path segment,
// as the resource classes' @Path values are), sub-resources with their template parameters,
// one <method> per HTTP method with the media types it consumes and produces.
import type { RestRoute } from './route.js';

const WADL_NS = 'http://wadl.dev.java.net/2009/02';
const attr = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

function method(route: RestRoute): string {
  const request = route.entity ? `<request>${route.consumes.map((t) => `<representation mediaType="${attr(t)}"/>`).join('')}</request>` : '';
  const response = `<response>${route.produces.map((t) => `<representation mediaType="${attr(t)}"/>`).join('')}</response>`;
  return `<method name="${route.method}">${request}${response}</method>`;
}

function templateParams(path: string, ints: readonly string[]): string {
  return [...path.matchAll(/\{([^}]+)\}/g)].map(([, name = '']) =>
    `<param name="${attr(name)}" style="template" type="${ints.includes(name) ? 'xs:int' : 'xs:string'}"/>`).join('');
}

/** The WADL document listing `routes` under `base` (the JAX-RS server's address URL). */
export function buildWadl(base: string, routes: readonly RestRoute[]): string {
  const roots = new Map<string, Map<string, RestRoute[]>>();
  for (const r of routes) {
    const m = /^(\/[^/]+)(.*)$/.exec(r.path);
    const root = m?.[1] ?? r.path;
    const sub = m?.[2] ?? '';
    const subs = roots.get(root) ?? new Map<string, RestRoute[]>();
    subs.set(sub, [...(subs.get(sub) ?? []), r]);
    roots.set(root, subs);
  }
  const resources = [...roots].map(([root, subs]) => {
    const inner = [...subs].map(([sub, rs]) => {
      const methods = rs.map(method).join('');
      const ints = rs.flatMap((r) => r.intParams ?? []);
      return sub === '' ? methods : `<resource path="${attr(sub)}">${templateParams(sub, ints)}${methods}</resource>`;
    }).join('');
    return `<resource path="${attr(root)}">${inner}</resource>`;
  }).join('');
  return `<application xmlns="${WADL_NS}" xmlns:xs="http://www.w3.org/2001/XMLSchema"><grammars></grammars>`
    + `<resources base="${attr(base)}">${resources}</resources></application>`;
}
