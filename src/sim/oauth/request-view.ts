import type { Request } from 'express';
import { servletParams } from './percent.js';

/**
 * The parts of a javax.servlet HttpServletRequest that OSCAR's OAuth code reads, built from an
 * Express request the way Tomcat would present it (contract 2.4: "sign with the URL the servlet
 * container sees").
 */
export interface ServletRequestView {
  method: string;
  /** req.getScheme(): the socket's scheme (proxies are not trusted). */
  scheme: string;
  /** req.getServerName(): host part of the Host header. */
  serverName: string;
  /** req.getServerPort(): port of the Host header, else the scheme's default. */
  serverPort: number;
  /** req.getRequestURI(): the raw, undecoded path including the context path. */
  requestURI: string;
  /** req.getQueryString(): raw text after '?', or null. */
  queryString: string | null;
  contentType: string | null;
  /** Every `Authorization` header, in order (req.getHeaders("Authorization")). */
  authorizationHeaders: string[];
  /** req.getParameterMap(): query parameters, plus form-body parameters of a POST. */
  parameterMap: Map<string, string[]>;
}

function splitHost(host: string, scheme: string): { name: string; port: number } {
  const defaultPort = scheme === 'https' ? 443 : 80;
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(host);
  const name = m?.[1] ?? host;
  const port = m?.[2] ? Number(m[2]) : defaultPort;
  return { name, port };
}

export function isFormContentType(contentType: string | null): boolean {
  return contentType !== null && contentType.toLowerCase().startsWith('application/x-www-form-urlencoded');
}

export function bodyBuffer(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

export function servletView(req: Request): ServletRequestView {
  const scheme = req.protocol;
  const { name, port } = splitHost(req.headers.host ?? '', scheme);
  const url = req.originalUrl;
  const q = url.indexOf('?');
  const requestURI = q < 0 ? url : url.slice(0, q);
  const queryString = q < 0 ? null : url.slice(q + 1);
  const contentType = req.headers['content-type'] ?? null;
  const auth = req.headersDistinct?.authorization ?? (req.headers.authorization ? [req.headers.authorization] : []);

  const parameterMap = new Map<string, string[]>();
  const add = (k: string, v: string): void => {
    const list = parameterMap.get(k);
    if (list) list.push(v); else parameterMap.set(k, [v]);
  };
  for (const [k, v] of servletParams(queryString)) add(k, v);
  // Tomcat parses form bodies for POST only (parseBodyMethods="POST").
  if (req.method === 'POST' && isFormContentType(contentType)) {
    for (const [k, v] of servletParams(bodyBuffer(req).toString('utf8'))) add(k, v);
  }
  return {
    method: req.method, scheme, serverName: name, serverPort: port, requestURI, queryString,
    contentType, authorizationHeaders: auth, parameterMap,
  };
}

/** req.getParameter(name): the first value, or null. */
export function parameter(view: ServletRequestView, name: string): string | null {
  return view.parameterMap.get(name)?.[0] ?? null;
}
