// Adapter that lets the `soap` package send through our HttpTransport (keep-alive node:http,
// hard deadline, typed transport errors) instead of its default axios client.

import type { IExOptions, IHeaders, IHttpClient } from 'soap';
import type { HttpTransport } from './http-transport.js';
import { OscarFaultError } from './errors.js';

/** Per-request options we smuggle through the `soap` package's `exoptions` argument. */
export interface SoapExchangeOptions {
  oscarOperation?: string;
  oscarTimeoutMs?: number;
}

/** Shape of the response object the `soap` package reads (a subset of an axios response). */
interface SoapHttpResponse {
  status: number;
  headers: Record<string, unknown>;
  data: string;
  config: { headers: Record<string, string> };
}

export class SoapHttpAdapter implements IHttpClient {
  constructor(
    private readonly transport: HttpTransport,
    private readonly defaults: { operation: string; timeoutMs: number },
  ) {}

  request(
    rurl: string, data: unknown, callback: (error: unknown, res?: unknown, body?: unknown) => unknown,
    exheaders?: IHeaders, exoptions?: IExOptions,
  ): never {
    const opts = (exoptions ?? {}) as SoapExchangeOptions;
    const operation = opts.oscarOperation ?? this.defaults.operation;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(exheaders ?? {})) if (v !== undefined && v !== null) headers[k] = String(v);
    const body = typeof data === 'string' ? data : undefined;
    if (body === undefined) headers.Accept ??= 'text/xml, application/xml, */*';

    void this.transport.send({
      method: body === undefined ? 'GET' : 'POST',
      url: new URL(rurl),
      headers,
      body,
      timeoutMs: opts.oscarTimeoutMs ?? this.defaults.timeoutMs,
      operation,
    }).then((reply) => {
      const text = reply.body.toString('utf8');
      const type = String(reply.headers['content-type'] ?? '');
      // A proxy's HTML error page (502/503…) is not a SOAP answer: report the status itself.
      if (reply.status >= 400 && !/xml/i.test(type)) {
        callback(new OscarFaultError(operation, { upstreamStatus: reply.status, upstreamMessage: text }));
        return;
      }
      const res: SoapHttpResponse = { status: reply.status, headers: reply.headers, data: text, config: { headers } };
      callback(null, res, text);
    }, (err: unknown) => { callback(err); });
    // The `soap` package ignores the return value on the callback path; its type wants an axios promise.
    return undefined as never;
  }
}
