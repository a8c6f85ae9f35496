// Resource-method selection as CXF's JAXRSUtils.findTargetMethod does it (contract 1.6): path
// templates by JAX-RS precedence, then HTTP method (405), @Consumes (415, ignored for GET) and
// @Produces against Accept (406). All of this happens before the OAuth interceptor runs.

import { consumes, negotiate } from './media.js';
import type { RestRoute } from './route.js';

interface CompiledRoute {
  route: RestRoute;
  regex: RegExp;
  names: string[];
  literalChars: number;
}

export type Selection =
  | { kind: 'not-found' }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'unsupported-media-type' }
  | { kind: 'not-acceptable' }
  | { kind: 'selected'; route: RestRoute; params: Record<string, string>; mediaType: string };

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function compile(route: RestRoute): CompiledRoute {
  const names: string[] = [];
  let literalChars = 0;
  let re = '';
  for (const part of route.path.split(/(\{[^}]+\})/)) {
    const m = /^\{([^}]+)\}$/.exec(part);
    if (m) { names.push(m[1] ?? ''); re += '([^/]+?)'; } else { literalChars += part.length; re += escapeRe(part); }
  }
  return { route, regex: new RegExp(`^${re}/?$`), names, literalChars };
}

/** Routes sorted by JAX-RS precedence: more literal characters first, then more template variables. */
export function compileRoutes(routes: readonly RestRoute[]): CompiledRoute[] {
  return routes.map(compile).sort((a, b) => b.literalChars - a.literalChars || b.names.length - a.names.length);
}

function decodeParam(s: string): string {
  try { return decodeURIComponent(s); } catch { return s; }
}

export function selectRoute(
  table: readonly CompiledRoute[], method: string, path: string,
  contentType: string | undefined, accept: string | undefined, hasBody: boolean,
): Selection {
  const matching: Array<{ c: CompiledRoute; m: RegExpExecArray }> = [];
  for (const c of table) {
    const m = c.regex.exec(path);
    if (m) matching.push({ c, m });
  }
  if (matching.length === 0) return { kind: 'not-found' };
  const byMethod = matching.filter(({ c }) => c.route.method === method);
  if (byMethod.length === 0) return { kind: 'method-not-allowed', allow: [...new Set(matching.map(({ c }) => c.route.method))] };
  const fits = method === 'GET' ? byMethod : byMethod.filter(({ c }) =>
    consumes(c.route.consumes, contentType) && !(hasBody && (contentType === undefined || contentType.trim() === '')));
  if (fits.length === 0) return { kind: 'unsupported-media-type' };
  for (const { c, m } of fits) {
    const mediaType = negotiate(c.route.produces, accept);
    if (mediaType === null) continue;
    const params: Record<string, string> = {};
    c.names.forEach((name, i) => { params[name] = decodeParam(m[i + 1] ?? ''); });
    return { kind: 'selected', route: c.route, params, mediaType };
  }
  return { kind: 'not-acceptable' };
}
