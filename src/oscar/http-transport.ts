// One HTTP exchange with OSCAR over kept-alive connections of our own (net/tls sockets, one
// request at a time on each), read by http1-response.ts. Measured side by side on a loaded 2-core
// machine, a loopback SOAP call cost 130–250 µs of CPU through node:http's client (fetch more
// still) and 80–135 µs this way, and a cache miss makes one or two such calls. Every exchange is
// one write (head and body together) and has a hard deadline covering connect, upload and the
// whole response body; transport failures become typed errors. Through an outbound HTTP proxy
// (proxy.ts, docs/proxy.md) an http origin's requests go to the proxy in absolute form and an
// https origin's connections are CONNECT tunnels with TLS to OSCAR inside (an https:// proxy is
// itself reached over TLS, verified by its own trust settings, the same inside it); either way
// the route is decided once per origin, when its pool opens, so the direct path pays nothing per
// exchange.
// A redirect is never followed: it is an OscarRedirectError (docs/oscar-redirects.md).

import net from 'node:net';
import tls from 'node:tls';
import zlib from 'node:zlib';
import { validateHeaderName, validateHeaderValue, type IncomingHttpHeaders } from 'node:http';
import { type OscarError, OscarProtocolError, OscarTimeoutError, OscarUnavailableError, redirectError } from './errors.js';
import { MalformedResponseError, ResponseReader } from './http1-response.js';
import { Deadlines } from './guard/deadlines.js';
import { proxyRoute, type ProxyRoute, type ProxySettings } from './proxy.js';
import { isTlsFailure, refusal, tlsPlanFor, type OscarTrust, type TlsPlan } from './tls-trust.js';

export interface HttpExchange {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string | Buffer;
  timeoutMs: number;
  /** Logical operation name, for error messages (never the URL: its query may hold PHI). */
  operation: string;
  /**
   * Called once the whole response is in, before the reply is decoded and handed on: the guard
   * gives the call's slot to the next waiting call here (guard/slot.ts), ahead of this answer's reading.
   */
  answered?: () => void;
}

export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpTransportOptions {
  /** Sockets kept per host; the limiter already bounds concurrency, this is a safety net. */
  maxSockets?: number;
  /** Largest response body accepted (documents are inlined base64, contract 4.10). */
  maxBodyBytes?: number;
  /**
   * Ask OSCAR to gzip its answers (default true). contract 4.1: CXF compresses every SOAP answer
   * when asked; that pays across a WAN but costs CPU on both sides on the same host or a fast LAN.
   */
  gzip?: boolean;
  /** The outbound proxy (OSCAR_PROXY, HTTP(S)_PROXY, NO_PROXY: proxy.ts); absent = every origin direct. */
  proxy?: ProxySettings;
  /** Certificates trusted for OSCAR beyond the public roots (OSCAR_CA_FILE, OSCAR_TLS_FINGERPRINT; tls-trust.ts). */
  tls?: OscarTrust;
  /**
   * 'error' (default, every call to OSCAR): a 3xx answer is an OscarRedirectError
   * (docs/oscar-redirects.md); 'answer': it is handed on like any other (egress-fetch.ts, whose
   * callers ask fetch not to follow redirects).
   */
  redirects?: 'error' | 'answer';
}

// An idle socket is dropped before Tomcat's 20 s keep-alive timeout would close it, so a request
// is never written to a socket the server is closing.
const IDLE_MS = 15_000;
const METHOD = /^[A-Z]+$/;
// What Node's client refuses in a request target too: anything but visible ASCII and Latin-1.
const BAD_TARGET = /[^\u0021-\u00ff]/;

/** One request on one socket at a time. */
interface Exchange {
  operation: string;
  head: string;
  body: string | Buffer | undefined;
  reader: ResponseReader;
  /** The connection it runs on, once it has one. */
  conn: Connection | undefined;
  /** Ends the exchange: with an error, or (none) with the reader's complete response. Only the first call counts. */
  settle(e?: Error): void;
}

interface Connection {
  socket: net.Socket;
  pool: Pool;
  exchange: Exchange | undefined;
  /** False while a CONNECT tunnel is being set up: the exchange's bytes wait for the TLS socket inside it. */
  ready: boolean;
  /**
   * The peer has sent bytes over it: its TLS, if any, was accepted (a refused certificate ends the
   * socket before any), so a TLS error from then on is the connection failing, not a refusal.
   */
  spoke?: boolean;
}

/** The sockets to one origin, with the route to it, decided when the pool opens. */
interface Pool {
  url: URL;
  all: Set<Connection>;
  idle: Connection[];
  waiting: Exchange[];
  /** The proxy this origin is reached through; undefined = direct. */
  via: ProxyRoute | undefined;
  /** Before the path in the request line: `http://host:port` for an http origin through a proxy (absolute form, RFC 9112 §3.2.2), else ''. */
  targetPrefix: string;
  /** Header lines only the proxy reads (Proxy-Authorization), for an http origin through a proxy; else ''. */
  proxyHead: string;
  /** How its TLS sockets are verified (undefined: Node's defaults). */
  tls: TlsPlan | undefined;
}

export class HttpTransport {
  private readonly pools = new Map<string, Pool>();
  private readonly maxSockets: number;
  private readonly maxBodyBytes: number;
  private readonly acceptEncoding: string;
  private readonly trust: OscarTrust | undefined;
  /** The exchanges' deadlines, on one timer (guard/deadlines.ts). */
  private readonly deadlines = new Deadlines();
  private readonly proxy: ProxySettings | undefined;
  /** How an https:// proxy's own certificate is verified (OSCAR_PROXY_CA_FILE…; undefined: Node's defaults). */
  private readonly proxyTls: TlsPlan | undefined;
  private readonly redirectsAreErrors: boolean;

  constructor(opts: HttpTransportOptions = {}) {
    this.redirectsAreErrors = opts.redirects !== 'answer';
    this.maxSockets = opts.maxSockets ?? 16;
    this.maxBodyBytes = opts.maxBodyBytes ?? 256 * 1024 * 1024;
    this.acceptEncoding = opts.gzip === false ? 'identity' : 'gzip';
    this.proxy = opts.proxy;
    // Built once: the secure context of Node's roots and the proxy's CA file serves every origin's sockets to the proxy.
    this.proxyTls = tlsPlanFor(opts.proxy?.trust);
    this.trust = opts.tls;
  }

  send(x: HttpExchange): Promise<HttpReply> {
    let head: string;
    let pool: Pool;
    try {
      if (x.url.protocol !== 'http:' && x.url.protocol !== 'https:') throw new TypeError(`unsupported protocol ${x.url.protocol}`);
      pool = this.poolFor(x.url);
      head = this.headOf(x, pool);
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise<HttpReply>((resolve, reject) => {
      let settled = false;
      const ex: Exchange = {
        operation: x.operation, head, body: x.body, reader: new ResponseReader(x.method === 'HEAD'), conn: undefined,
        settle: (e) => {
          if (settled) return;
          settled = true;
          this.deadlines.cancel(deadline);
          if (e) { reject(e); return; }
          x.answered?.();
          const r = ex.reader;
          const headers = r.headers as IncomingHttpHeaders;
          // A proxy asking for credentials in place of OSCAR's answer (http origin, absolute form).
          if (r.status === 407 && pool.via) { reject(proxyRefused(x.operation, pool.via, r.status)); return; }
          // Never followed (docs/oscar-redirects.md): the request's credentials stay where they were
          // sent, and the operator learns where OSCAR really is.
          if (this.redirectsAreErrors && r.status >= 300 && r.status <= 399) { reject(redirectError(x.operation, x.url, r.status, r.headers.location)); return; }
          const raw = r.body();
          const encoding = (r.headers['content-encoding'] ?? '').toLowerCase();
          if (encoding === 'gzip' || encoding === 'x-gzip') {
            zlib.gunzip(raw, (err, body) => {
              if (err) reject(gzipFailure(x.operation, r, err));
              else resolve({ status: r.status, headers, body });
            });
          } else {
            resolve({ status: r.status, headers, body: raw });
          }
        },
      };
      const deadline = this.deadlines.add(x.timeoutMs, () => {
        ex.settle(new OscarTimeoutError(x.operation, x.timeoutMs));
        const i = pool.waiting.indexOf(ex);
        if (i >= 0) pool.waiting.splice(i, 1);
        // Its socket is mid-exchange: it cannot carry another request.
        if (ex.conn?.exchange === ex) ex.conn.socket.destroy();
      });
      this.start(ex, pool);
    });
  }

  /** Closes every socket (tests, shutdown): exchanges under way and waiting fail. */
  close(): void {
    for (const pool of this.pools.values()) {
      for (const ex of pool.waiting.splice(0)) ex.settle(new OscarUnavailableError(ex.operation, 'connection', { code: 'ECONNABORTED' }));
      for (const c of pool.all) c.socket.destroy();
    }
  }

  /** The request line and header section, checked as Node's client checks them. */
  private headOf(x: HttpExchange, pool: Pool): string {
    if (!METHOD.test(x.method)) throw new TypeError('invalid HTTP method');
    const target = `${x.url.pathname}${x.url.search}`;
    if (BAD_TARGET.test(target)) throw new TypeError('request path contains unescaped characters');
    let head = `${x.method} ${pool.targetPrefix}${target} HTTP/1.1\r\nHost: ${x.url.host}\r\nConnection: keep-alive\r\n${pool.proxyHead}`;
    let encoding = false;
    for (const name in x.headers) {
      const value = x.headers[name]!;
      // Throw on a name that is not a token and on CR, LF or NUL in a value: a header can never
      // smuggle in another header or a second request.
      validateHeaderName(name);
      validateHeaderValue(name, value);
      const lower = name.toLowerCase();
      if (lower === 'host' || lower === 'connection' || lower === 'content-length' || lower === 'transfer-encoding' || lower === 'proxy-authorization') continue;
      if (lower === 'accept-encoding') encoding = true;
      head += `${name}: ${value}\r\n`;
    }
    if (!encoding) head += `Accept-Encoding: ${this.acceptEncoding}\r\n`;
    if (x.body !== undefined) head += `Content-Length: ${Buffer.byteLength(x.body)}\r\n`;
    return `${head}\r\n`;
  }

  private poolFor(url: URL): Pool {
    const key = `${url.protocol}//${url.host}`;
    let p = this.pools.get(key);
    if (!p) {
      // The one proxy decision for this origin (NO_PROXY included): its sockets go where it says, always.
      const via = this.proxy && proxyRoute(this.proxy, url);
      const absolute = via !== undefined && url.protocol === 'http:';
      p = {
        url, all: new Set(), idle: [], waiting: [], via,
        targetPrefix: absolute ? `http://${url.host}` : '', proxyHead: absolute ? via.authorization : '',
        tls: url.protocol === 'https:' ? tlsPlanFor(this.trust) : undefined,
      };
      this.pools.set(key, p);
    }
    return p;
  }

  /** Runs `ex` on the most recently idle socket, on a new one, or queues it until one is free. */
  private start(ex: Exchange, pool: Pool): void {
    // A socket destroyed since it went idle (peer closed, close()) leaves the pool only on its
    // 'close' event, a tick later: a write to it would fail silently and the exchange wait for its deadline.
    let idle = pool.idle.pop();
    while (idle?.socket.destroyed) idle = pool.idle.pop();
    if (idle) this.run(idle, ex);
    else if (pool.all.size < this.maxSockets) this.run(this.connect(pool), ex);
    else pool.waiting.push(ex);
  }

  private connect(pool: Pool): Connection {
    const { url, via } = pool;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    if (via && url.protocol === 'https:') return this.tunnel(pool, via, host, port);
    const socket = via
      ? this.toProxy(via)
      : url.protocol === 'https:'
        ? this.secure(pool, { host, port, ...(net.isIP(host) === 0 && { servername: host }) })
        : net.connect({ host, port });
    socket.setNoDelay(true);
    const c: Connection = { socket, pool, exchange: undefined, ready: true };
    pool.all.add(c);
    this.listen(c, socket);
    return c;
  }

  /**
   * A connection to an https origin through the proxy: CONNECT host:port, then TLS with OSCAR inside
   * the tunnel (its certificate checked against OSCAR's name, as on a direct connection). The
   * exchange's deadline runs from before the CONNECT; a refusal (407, 403, 502…) fails it with an
   * error naming the proxy and its status. The socket is then used like a direct one.
   */
  private tunnel(pool: Pool, via: ProxyRoute, host: string, port: number): Connection {
    const raw = this.toProxy(via);
    raw.setNoDelay(true);
    const c: Connection = { socket: raw, pool, exchange: undefined, ready: false };
    pool.all.add(c);
    const authority = net.isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
    raw.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${via.authorization}\r\n`, 'latin1');
    // A 2xx answer to CONNECT has no body (RFC 9110 §9.3.6); another one's body is not read.
    const reader = new ResponseReader(true);
    const refused = (e: Error): void => this.fail(c, c.exchange && e);
    const onData = (d: Buffer): void => {
      let done: boolean;
      try {
        done = reader.push(d);
      } catch {
        // Bytes after the head: a refusal's body, or a proxy speaking before TLS began.
        done = reader.status >= 300;
        if (!done) { refused(new OscarProtocolError(c.exchange?.operation ?? '', `the proxy ${via.label} answered CONNECT with more than a head`)); return; }
      }
      if (!done) return;
      if (reader.status < 200 || reader.status > 299) { refused(proxyRefused(c.exchange?.operation ?? '', via, reader.status)); return; }
      raw.removeListener('data', onData);
      raw.removeListener('error', onError);
      raw.removeListener('end', onEnd);
      raw.removeListener('close', onClose);
      const socket = this.secure(pool, { socket: raw, host, ...(net.isIP(host) === 0 && { servername: host }) });
      c.socket = socket;
      c.ready = true;
      this.listen(c, socket);
      if (c.exchange) this.write(c, c.exchange);
    };
    const onError = (e: NodeJS.ErrnoException): void => refused(failureOf(c.exchange?.operation ?? '', e, via));
    const onEnd = (): void => refused(new OscarUnavailableError(c.exchange?.operation ?? '', 'connection', { code: 'ECONNRESET' }));
    const onClose = (): void => this.onClose(c);
    raw.on('data', onData);
    raw.on('error', onError);
    raw.on('end', onEnd);
    raw.on('close', onClose);
    return c;
  }

  /**
   * TLS to OSCAR, directly or inside a proxy's tunnel, verified as this origin's plan says
   * (tls-trust.ts: OSCAR_CA_FILE, OSCAR_TLS_FINGERPRINT; Node's defaults without them).
   */
  private secure(pool: Pool, options: tls.ConnectionOptions): tls.TLSSocket {
    return verified(options, pool.tls, "OSCAR's");
  }

  /**
   * A socket to the proxy: plain TCP for an http:// proxy; for an https:// one, TLS verified
   * against Node's roots and the proxy's name, or as OSCAR_PROXY_CA_FILE / OSCAR_PROXY_TLS_FINGERPRINT
   * say (docs/proxy.md §2), before the CONNECT or the request is released.
   */
  private toProxy(via: ProxyRoute): net.Socket {
    if (!via.tls) return net.connect({ host: via.host, port: via.port });
    return verified({ host: via.host, port: via.port, ...(net.isIP(via.host) === 0 && { servername: via.host }) }, this.proxyTls, 'the proxy\'s');
  }

  /** The events of a connection's socket once it carries exchanges. */
  private listen(c: Connection, socket: net.Socket): void {
    // Node restarts the count at every read and write; only an idle socket is dropped (an exchange has its own deadline).
    socket.setTimeout(IDLE_MS);
    socket.on('data', (d: Buffer) => this.onData(c, d));
    // An http origin through an https:// proxy: this socket's TLS is the proxy's, not OSCAR's.
    const proxyTls = c.pool.via?.tls === true && c.pool.url.protocol === 'http:' ? c.pool.via : undefined;
    socket.on('error', (e: NodeJS.ErrnoException) => {
      const ex = c.exchange;
      this.fail(c, ex && failureOf(ex.operation, e, proxyTls, c.spoke === true));
    });
    socket.on('end', () => this.onEnd(c));
    socket.on('close', () => this.onClose(c));
    socket.on('timeout', () => { if (!c.exchange) socket.destroy(); });
  }

  private run(c: Connection, ex: Exchange): void {
    c.exchange = ex;
    ex.conn = c;
    if (c.ready) this.write(c, ex);
  }

  private write(c: Connection, ex: Exchange): void {
    const s = c.socket;
    s.ref();
    // One write: the head and the body together.
    if (ex.body === undefined) s.write(ex.head, 'latin1');
    else if (typeof ex.body === 'string') s.write(ex.head + ex.body);
    else s.write(Buffer.concat([Buffer.from(ex.head, 'latin1'), ex.body]));
  }

  private onData(c: Connection, d: Buffer): void {
    const ex = c.exchange;
    if (!ex) { c.socket.destroy(); return; } // bytes nobody asked for, on an idle socket
    c.spoke = true;
    let done: boolean;
    try {
      done = ex.reader.push(d);
    } catch (e) {
      this.fail(c, new OscarProtocolError(ex.operation, e instanceof MalformedResponseError ? e.message : 'unreadable HTTP response'));
      return;
    }
    if (ex.reader.bodyBytes > this.maxBodyBytes) this.fail(c, new OscarProtocolError(ex.operation, `response larger than ${this.maxBodyBytes} bytes`));
    else if (done) this.finish(c);
  }

  /** The server closed its side: the end of a body read to the end of the connection, or a cut. */
  private onEnd(c: Connection): void {
    const ex = c.exchange;
    if (ex?.reader.end()) {
      ex.reader.keepAlive = false;
      this.finish(c);
    } else {
      this.fail(c, ex && new OscarUnavailableError(ex.operation, 'connection', { code: 'ECONNRESET' }));
    }
  }

  private onClose(c: Connection): void {
    const { pool } = c;
    pool.all.delete(c);
    const i = pool.idle.indexOf(c);
    if (i >= 0) pool.idle.splice(i, 1);
    // A connection cut before the response was complete.
    const ex = c.exchange;
    if (ex) this.fail(c, new OscarUnavailableError(ex.operation, 'connection', { code: 'ECONNRESET' }));
    const waiting = pool.waiting.shift();
    if (waiting) this.start(waiting, pool);
  }

  /** A complete response: the exchange settles, and the socket serves the next one or waits idle. */
  private finish(c: Connection): void {
    const ex = c.exchange!;
    c.exchange = undefined;
    ex.settle();
    if (!ex.reader.keepAlive) { c.socket.destroy(); return; }
    const waiting = c.pool.waiting.shift();
    if (waiting) { this.run(c, waiting); return; }
    c.pool.idle.push(c);
    // An idle socket does not keep the process alive.
    c.socket.unref();
  }

  /** The socket cannot be trusted any more: it closes, and the exchange on it (if any) fails with `e`. */
  private fail(c: Connection, e: Error | undefined): void {
    const ex = c.exchange;
    c.exchange = undefined;
    c.socket.destroy();
    if (ex && e) ex.settle(e);
  }
}

/** A TLS socket verified as `plan` says (tls-trust.ts; Node's defaults without one). */
function verified(options: tls.ConnectionOptions, plan: TlsPlan | undefined, whose: string): tls.TLSSocket {
  const socket = tls.connect({ ...options, ...plan?.options });
  // Before the request's write: the bytes written wait for the handshake, and go only once this accepts.
  const check = plan?.check;
  if (check) socket.once('secureConnect', () => { const refused = check(socket); if (refused) socket.destroy(refusal(refused, whose)); });
  return socket;
}

/**
 * A socket's failure as the exchange's error. On a socket whose TLS is an https:// proxy's
 * (`proxyTls`), a TLS failure is the proxy's (reason 'proxy', Node's code): OSCAR was not reached.
 * On a socket the peer has already sent bytes over (`spoke`), a TLS error (a bad record MAC: the
 * stream cut or mangled mid-answer) is the connection's failure, like a reset: the certificate
 * was accepted, and the same call may well succeed on a new connection.
 */
function failureOf(operation: string, e: NodeJS.ErrnoException, proxyTls: ProxyRoute | undefined, spoke = false): OscarUnavailableError {
  const code = e.code ?? 'ERR_CONNECTION';
  if (isTlsFailure(e.code) && !spoke) return proxyTls?.tls ? new OscarUnavailableError(operation, 'proxy', { code, proxy: proxyTls.label }) : new OscarUnavailableError(operation, 'tls', { code });
  return new OscarUnavailableError(operation, 'connection', { code });
}

/**
 * A gzip body that does not inflate. Cut short (zlib's "unexpected end of file") in a body framed
 * by the end of the connection, it is the connection's failure like any other answer cut short
 * (RFC 9112 §8): the connection ended before the answer did. Anything else, or a
 * body whose framing said it was complete, is an answer that cannot be read.
 */
function gzipFailure(operation: string, r: ResponseReader, err: NodeJS.ErrnoException): OscarError {
  if (r.closeDelimited && err.code === 'Z_BUF_ERROR') return new OscarUnavailableError(operation, 'connection', { code: 'ECONNRESET' });
  return new OscarProtocolError(operation, 'corrupt gzip body');
}

/** The proxy refused to carry the exchange: named with its status, never with its credentials. */
function proxyRefused(operation: string, via: ProxyRoute, status: number): OscarUnavailableError {
  return new OscarUnavailableError(operation, 'proxy', { code: `HTTP ${status}`, proxy: via.label });
}
