// How to read the answers discovery gets, and which failures of ordinary calls mean the capability
// map is out of date. Each rule names the behaviour it recognises (variants §6).
import type { IncomingHttpHeaders } from 'node:http';
import { OscarFaultError, OscarProtocolError } from '../errors.js';

export interface Answer {
  status: number;
  headers?: IncomingHttpHeaders;
  body: string;
}

const header = (a: Answer, name: string): string => {
  const v = a.headers?.[name];
  return Array.isArray(v) ? v.join(',') : v ?? '';
};

const CLOUDFLARE_PAGE = /Cloudflare Ray ID|Attention Required! \| Cloudflare|cf-browser-verification|challenge-platform/i;
const HAPROXY_PAGE = /Request forbidden by administrative rules/i;

/**
 * Who refused a request with 403 in front of OSCAR: a Cloudflare WAF (B5: `Server: cloudflare`, a
 * `cf-ray` header or its block/challenge page), another proxy (B4: HAProxy's deny page, or any HTML
 * 403; OSCAR itself answers a refused call with a fault or 405, not a 403 page), or nobody.
 */
export function edgeRefusal(a: Answer): 'cloudflare' | 'proxy' | undefined {
  if (a.status !== 403) return undefined;
  if (/cloudflare/i.test(header(a, 'server')) || header(a, 'cf-ray') !== '' || CLOUDFLARE_PAGE.test(a.body)) return 'cloudflare';
  if (/haproxy/i.test(header(a, 'server')) || HAPROXY_PAGE.test(a.body)) return 'proxy';
  const type = header(a, 'content-type');
  if (/html/i.test(type) || (type === '' && /<html/i.test(a.body))) return 'proxy';
  return undefined;
}

/** CXF's answer for a path no JAX-RS server owns (B2: `ModuleNames` without REST). */
export const isCxfNoService = (a: Answer): boolean => a.status === 404 && /No service was found/i.test(a.body);

/** The faultstring of a SOAP 1.1 fault, when the body is one. */
export function soapFaultText(body: string): string | undefined {
  if (!/Fault>/.test(body)) return undefined;
  const m = /<(?:[\w.-]+:)?faultstring[^>]*>([\s\S]*?)<\/(?:[\w.-]+:)?faultstring>/.exec(body);
  return m ? m[1]!.trim() : '';
}

/** The text of the `return` element of a SOAP answer (a scalar such as an int). */
export function soapReturnText(body: string): string | undefined {
  return /<return[^>]*>([^<]*)<\/return>/.exec(body)?.[1]?.trim();
}

/** Juno's IPInWSS4JInterceptor (B8) refuses callers not on web_service_allowed_ips. */
export const isIpAllowListFault = (faultText: string): boolean => /Unauthorized IP Address/i.test(faultText);

/** login2's refusal (contract 4.3, 4.12; B6): bad credentials, an expired account, or an MFA-managed one. */
export const isBadCredentialsFault = (faultText: string): boolean => /Invalid Username\/Password|NotAuthorised|FailedAuthentication/i.test(faultText);

// CXF's words when an operation is not in the service (an upgrade removed it, or we asked the
// wrong line): "Unexpected wrapper element {ns}op found", "No such operation", "Message part … was
// not recognized", "No binding operation info …".
const NO_OPERATION = /Unexpected wrapper element|No such operation|was not recognized|No binding operation info/i;

/**
 * A failure that says this instance no longer offers what the map says it does (variants §7.1):
 * an unknown SOAP operation, a REST 404 or 405, or a 403 from an edge proxy. The caller
 * re-discovers (debounced), so one false positive costs one probe round at most.
 */
export function meansStaleCapabilities(e: unknown): boolean {
  if (e instanceof OscarProtocolError) return /is not in the WSDL/.test(e.message);
  if (!(e instanceof OscarFaultError)) return false;
  if (e.faultCode !== undefined) return NO_OPERATION.test(e.upstreamMessage);
  const status = e.upstreamStatus ?? 0;
  if (status === 404 || status === 405) return true;
  return edgeRefusal({ status, body: e.upstreamMessage }) !== undefined;
}
