// A request whose answer may come before its body is sent (node:http, not fetch: a server that
// answers early and closes must not turn into a client-side upload error here).
import { request } from 'node:http';

export interface EarlyAnswer { status: number; headers: Record<string, string | string[] | undefined>; text: string; ms: number }

export function sendBody(url: string, method: string, headers: Record<string, string>, body: Buffer | string, timeoutMs: number): Promise<EarlyAnswer> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(url, { method, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 }));
      res.on('error', reject);
    });
    req.setTimeout(Math.ceil(timeoutMs), () => req.destroy(new Error(`no answer within ${Math.ceil(timeoutMs)} ms`)));
    // Writing the rest after an early answer fails with EPIPE/ECONNRESET: the answer is what counts.
    req.on('error', (e) => { if (!answered) reject(e); });
    req.end(body);
  });
}
