// One HTTP exchange with OSCAR over node:http(s) keep-alive agents (measured on this stack:
// about 0.2 ms per loopback call against 0.5 ms for fetch). Every exchange has a hard deadline covering connect,
// upload and the whole response body; transport failures become typed errors.

import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import { OscarProtocolError, OscarTimeoutError, OscarUnavailableError } from './errors.js';

export interface HttpExchange {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string | Buffer;
  timeoutMs: number;
  /** Logical operation name, for error messages (never the URL: its query may hold PHI). */
  operation: string;
}

export interface HttpReply {
  status: number;
  headers: http.IncomingHttpHeaders;
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
}

export class HttpTransport {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly maxBodyBytes: number;
  private readonly acceptEncoding: string;

  constructor(opts: HttpTransportOptions = {}) {
    // `timeout` only reaps idle pooled sockets (Node destroys a timed-out socket only when it is
    // free), so we drop them before Tomcat's 20 s keep-alive does and avoid resets on reuse.
    const agentOpts = { keepAlive: true, maxSockets: opts.maxSockets ?? 16, timeout: 15_000 };
    this.httpAgent = new http.Agent(agentOpts);
    this.httpsAgent = new https.Agent(agentOpts);
    this.maxBodyBytes = opts.maxBodyBytes ?? 256 * 1024 * 1024;
    this.acceptEncoding = opts.gzip === false ? 'identity' : 'gzip';
  }

  send(x: HttpExchange): Promise<HttpReply> {
    const isHttps = x.url.protocol === 'https:';
    const lib = isHttps ? https : http;
    const headers: Record<string, string> = { 'Accept-Encoding': this.acceptEncoding, ...x.headers };
    if (x.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(x.body));

    return new Promise<HttpReply>((resolve, reject) => {
      let settled = false;
      const fail = (e: Error): void => { if (!settled) { settled = true; clearTimeout(timer); reject(e); } };
      const done = (r: HttpReply): void => { if (!settled) { settled = true; clearTimeout(timer); resolve(r); } };

      const req = lib.request({
        method: x.method,
        protocol: x.url.protocol,
        hostname: x.url.hostname.replace(/^\[|\]$/g, ''),
        port: x.url.port || undefined,
        path: `${x.url.pathname}${x.url.search}`,
        headers,
        agent: isHttps ? this.httpsAgent : this.httpAgent,
      });

      const timer = setTimeout(() => {
        fail(new OscarTimeoutError(x.operation, x.timeoutMs));
        req.destroy();
      }, x.timeoutMs);

      req.on('error', (e: NodeJS.ErrnoException) => {
        fail(new OscarUnavailableError(x.operation, 'connection', { code: e.code ?? 'ERR_CONNECTION' }));
      });

      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > this.maxBodyBytes) {
            fail(new OscarProtocolError(x.operation, `response larger than ${this.maxBodyBytes} bytes`));
            req.destroy();
            return;
          }
          chunks.push(c);
        });
        res.on('error', (e: NodeJS.ErrnoException) => {
          fail(new OscarUnavailableError(x.operation, 'connection', { code: e.code ?? 'ERR_RESPONSE' }));
        });
        // A connection cut mid-body closes the response without completing it.
        res.on('close', () => { if (!res.complete) fail(new OscarUnavailableError(x.operation, 'connection', { code: 'ECONNRESET' })); });
        res.on('end', () => {
          if (settled) return;
          const raw = Buffer.concat(chunks);
          const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
          if (encoding === 'gzip' || encoding === 'x-gzip') {
            zlib.gunzip(raw, (err, body) => {
              if (err) fail(new OscarProtocolError(x.operation, 'corrupt gzip body'));
              else done({ status: res.statusCode ?? 0, headers: res.headers, body });
            });
          } else {
            done({ status: res.statusCode ?? 0, headers: res.headers, body: raw });
          }
        });
      });

      if (x.body !== undefined) req.end(x.body);
      else req.end();
    });
  }

  /** Closes pooled sockets (tests, shutdown). */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
