// The wire access capability discovery needs (variants §7.2): raw answers (status, headers, body)
// rather than typed results, because the probes read what a proxy, a WAF or CXF says about a
// request, not only what OSCAR returns. Built by OscarClient.probeChannel() on the client's own
// transport, OAuth signer and limiter: discovery counts against OSCAR's concurrency bound like any
// other call (design principle 5), but never trips a circuit breaker and is never retried.
import { OscarError, OscarRedirectError, OscarUnavailableError } from '../errors.js';
import type { HttpReply, HttpTransport } from '../http-transport.js';
import type { RestClient } from '../rest.js';
import { soapEnvelope, type SoapArgs, type UsernameToken } from '../soap-envelope.js';
import type { Answer } from './classify.js';

export interface ProbeChannel {
  /** OSCAR web-app base, e.g. 'https://emr.example.org/oscar' (no trailing slash). */
  readonly baseUrl: string;
  /** Unsigned GET of `<base><path>` (WSDL, WADL, OpenAPI). */
  get(path: string, operation: string): Promise<HttpReply>;
  /**
   * A SOAP call: without WS-Security (LoginService, SystemInfoService; contract 7.27), or with the
   * UsernameToken `security` (login2's securityId and securityTokenKey, contract 4.2).
   */
  soap(service: string, operation: string, args: SoapArgs, namespace: string, security?: UsernameToken): Promise<HttpReply>;
  /** A REST call below `/ws/services`, signed with OAuth 1.0a; `body` is sent as JSON. */
  rest(method: 'GET' | 'PUT', path: string, body?: unknown): Promise<HttpReply>;
}

export interface ProbeChannelParts {
  baseUrl: string;
  transport: HttpTransport;
  rest: RestClient;
  /** A slot of the client's limiter; resolves to its release. */
  admit: (operation: string) => Promise<() => void>;
  timeoutMs: number;
}

export function createProbeChannel(p: ProbeChannelParts): ProbeChannel {
  const base = p.baseUrl.replace(/\/+$/, '');
  const limited = async (operation: string, send: () => Promise<HttpReply>): Promise<HttpReply> => {
    const release = await p.admit(operation);
    try { return await send(); } finally { release(); }
  };
  return {
    baseUrl: base,
    get: (path, operation) => limited(operation, () => p.transport.send({
      method: 'GET', url: new URL(`${base}${path}`), timeoutMs: p.timeoutMs, operation,
      headers: { Accept: 'application/xml, text/xml, application/json, */*' },
    })),
    soap: (service, operation, args, namespace, security) => {
      const name = `${service}.${operation}`;
      return limited(name, () => p.transport.send({
        method: 'POST', url: new URL(`${base}/ws/${service}`), timeoutMs: p.timeoutMs, operation: name,
        body: soapEnvelope({ namespace, operation, args, ...(security && { security }) }),
        // contract 4.1: SOAPAction "" (CXF tolerates any).
        headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '""' },
      }));
    },
    rest: (method, path, body) => {
      const operation = `rest:probe ${method} ${path}`;
      return limited(operation, () => p.rest.send({ operation, method, path, body, timeoutMs: p.timeoutMs }));
    },
  };
}

/** An exchange's answer, or why there was none ('timeout', 'ECONNREFUSED', 'queue-full'…). */
export type Attempt = { answer: Answer } | { failure: string };

export async function attempt(send: () => Promise<HttpReply>): Promise<Attempt> {
  try {
    const reply = await send();
    return { answer: { status: reply.status, headers: reply.headers, body: reply.body.toString('utf8') } };
  } catch (e) {
    if (e instanceof OscarUnavailableError) return { failure: e.code ?? e.reason };
    // Where OSCAR's host sends the probe, and the OSCAR_URL that implies (docs/oscar-redirects.md).
    if (e instanceof OscarRedirectError) return { failure: `redirected: ${e.hint}` };
    if (e instanceof OscarError) return { failure: e.kind };
    throw e;
  }
}
