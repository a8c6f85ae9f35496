// A pass-through HTTP proxy between the facade and the simulator that records every upstream call
// with its answer, so a test can check that OSCAR was never sent a call that could not succeed.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface UpstreamCall {
  method: string;
  path: string;
  status: number;
  /** The SOAP faultstring of a fault answer. */
  fault?: string;
}

export interface RecordingProxy {
  /** The simulator's web-app URL, through the proxy. */
  url: string;
  calls: UpstreamCall[];
  close(): Promise<void>;
}

const FAULT = /<faultstring>([^<]*)<\/faultstring>/;

export async function startRecordingProxy(targetUrl: string): Promise<RecordingProxy> {
  const target = new URL(targetUrl);
  const calls: UpstreamCall[] = [];
  const server = http.createServer((req, res) => {
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => {
        const body = Buffer.concat(chunks);
        const call: UpstreamCall = { method: req.method ?? '', path: req.url ?? '', status: r.statusCode ?? 0 };
        const fault = (r.statusCode ?? 0) >= 400 ? FAULT.exec(body.toString('utf8'))?.[1] : undefined;
        if (fault !== undefined) call.fault = fault;
        calls.push(call);
        res.writeHead(r.statusCode ?? 502, r.headers);
        res.end(body);
      });
    });
    up.on('error', () => { res.writeHead(502); res.end(); });
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${target.pathname}`,
    calls,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
