// The `fetch` of the facade's calls that are not OSCAR traffic — oidc-provider fetching a Backend
// Services client's jwks_uri, jose fetching an external SMART issuer's keys — made to honour the
// environment's HTTPS_PROXY / HTTP_PROXY / NO_PROXY (docs/proxy.md §5). Node's own fetch reads them
// only when NODE_USE_ENV_PROXY=1 is in the environment the process starts with (set from inside
// the process it changes nothing), so a clinic that sets HTTPS_PROXY would get OSCAR proxied and
// the keys not; and Node's rules for NO_PROXY and for http:// targets (tunnelled with CONNECT,
// which many proxies refuse on ports other than 443) are not the ones of docs/proxy.md §3. An
// address the settings send through the proxy goes on the facade's own transport
// (oscar/http-transport.ts: CONNECT tunnels for https, absolute form for http, Node's public roots
// for TLS); every other one goes to Node's fetch exactly as before, oidc-provider's guard against
// special-use addresses included (through a proxy the proxy resolves the name: the guard cannot
// see the address, whichever way the call is made).
import type { IncomingHttpHeaders } from 'node:http';
import { OscarProtocolError, OscarTimeoutError, OscarUnavailableError } from '../oscar/errors.js';
import { HttpTransport } from '../oscar/http-transport.js';
import { proxyRoute, type ProxySettings } from '../oscar/proxy.js';
import { isTlsFailure } from '../oscar/tls-trust.js';

/** Longest a proxied call may take when its caller gives no signal (both callers do: 2.5 s and 5 s). */
const DEFAULT_TIMEOUT_MS = 10_000;

/** Statuses whose Response can carry no body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

function responseHeaders(h: IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(h)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.append(name, v);
  }
  return out;
}

/** Rejects with the signal's reason once it aborts (a TimeoutError from AbortSignal.timeout, as fetch does). */
function abortable<T>(p: Promise<T>, signal: AbortSignal | null | undefined): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Says that a key fetch failed, through the proxy or not (src/auth/index.ts: the facade's logger, as a warning). */
export type EgressLog = (fields: Record<string, string | undefined>, message: string) => void;

/**
 * Why a call through the proxy failed, from the transport's typed error, in words about the key
 * fetch and the proxy: the transport is OSCAR's (oscar/http-transport.ts), so its errors and their
 * messages say "OSCAR", which this call is not. The proxy is named by its label (scheme, host,
 * port: never its credentials); nothing of the answer's body or the URL's path and query.
 */
function failureOf(e: unknown, proxyLabel: string): { why: string; reason: string; code: string | undefined } {
  if (e instanceof OscarUnavailableError) {
    const code = e.code;
    switch (e.reason) {
      case 'proxy': return { why: `the proxy ${e.proxy ?? proxyLabel} refused it (${code ?? '?'})`, reason: e.reason, code };
      case 'tls': return { why: `the key server's certificate was refused (${code ?? '?'})`, reason: e.reason, code };
      default: return { why: `no connection through the proxy ${proxyLabel} (${code ?? e.reason})`, reason: e.reason, code };
    }
  }
  if (e instanceof OscarTimeoutError) return { why: 'no answer in time', reason: 'timeout', code: undefined };
  if (e instanceof OscarProtocolError) return { why: 'an unreadable answer', reason: 'protocol', code: undefined };
  return { why: (e as Error).name, reason: 'other', code: undefined };
}

/**
 * Why Node's own fetch failed: its TypeError ('fetch failed') carries the socket's or TLS's error,
 * with its code, as its cause. Only the code is kept: the cause's message can hold the address.
 */
function directFailureOf(e: unknown): { why: string; reason: string; code: string | undefined } {
  const raw = ((e as Error).cause as { code?: unknown } | undefined)?.code;
  const code = typeof raw === 'string' ? raw : undefined;
  if (isTlsFailure(code)) return { why: `the key server's certificate was refused (${code})`, reason: 'tls', code };
  if (code) return { why: `no connection (${code})`, reason: 'connection', code };
  return { why: (e as Error).name, reason: 'other', code: undefined };
}

/** The host (and port) `input` names; never its user, password, path or query. */
function hostOf(input: Parameters<typeof fetch>[0]): string {
  try { return new URL(input instanceof Request ? input.url : String(input)).host; } catch { return '(not a URL)'; }
}

/**
 * `direct` with its failures logged as those through the proxy are (docs/proxy.md §5): the key
 * server's host, the reason and the code; a caller that gave up (AbortError) is not a failure.
 */
function loggedDirect(direct: typeof fetch, log: EgressLog): typeof fetch {
  return async (input, init) => {
    try {
      return await direct(input, init);
    } catch (e) {
      const name = (e as Error).name;
      if (name !== 'AbortError') {
        const host = hostOf(input);
        const { why, reason, code } = name === 'TimeoutError' ? { why: 'no answer in time', reason: 'timeout', code: undefined } : directFailureOf(e);
        log({ host, reason, code }, `a signing-key fetch from ${host} failed: ${why}`);
      }
      throw e;
    }
  };
}

/**
 * `fetch` for non-OSCAR calls under the environment's proxy settings (`proxy`, from
 * egressProxySettingsFrom); without settings, `direct` itself (its failures logged when `log` is
 * given). Redirects are answered, not followed (both callers ask for redirect: 'manual').
 */
export function egressFetch(proxy: ProxySettings | undefined, direct: typeof fetch = globalThis.fetch, log?: EgressLog): typeof fetch {
  const plain = log ? loggedDirect(direct, log) : direct;
  if (!proxy) return plain;
  const transport = new HttpTransport({ maxSockets: 4, gzip: false, proxy, redirects: 'answer' });
  return async (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const route = proxyRoute(proxy, url);
    if (!route) return plain(input, init);
    if (init.body !== undefined && init.body !== null && typeof init.body !== 'string') throw new TypeError('egress fetch: only string bodies go through the proxy');
    let reply;
    try {
      reply = await abortable(transport.send({
        method: (init.method ?? 'GET').toUpperCase(), url, operation: `egress ${url.host}`, timeoutMs: DEFAULT_TIMEOUT_MS,
        headers: Object.fromEntries(new Headers(init.headers)),
        ...(typeof init.body === 'string' && { body: init.body }),
      }), init.signal);
    } catch (e) {
      // The caller's own deadline passed (said here: the caller does not log it), or it gave up.
      if ((e as Error).name === 'TimeoutError') log?.({ host: url.host, proxy: route.label, reason: 'timeout', code: undefined }, `a signing-key fetch from ${url.host} through the proxy failed: no answer in time`);
      if ((e as Error).name === 'TimeoutError' || (e as Error).name === 'AbortError') throw e;
      // As fetch fails: a TypeError, its cause a plain Error (not the transport's OSCAR-named one).
      const { why, reason, code } = failureOf(e, route.label);
      log?.({ host: url.host, proxy: route.label, reason, code }, `a signing-key fetch from ${url.host} through the proxy failed: ${why}`);
      throw new TypeError(`fetch of signing keys from ${url.host} failed: ${why}`, { cause: Object.assign(new Error(why), { code: code ?? reason }) });
    }
    return new Response(NULL_BODY.has(reply.status) ? null : new Uint8Array(reply.body), { status: reply.status, headers: responseHeaders(reply.headers) });
  };
}
