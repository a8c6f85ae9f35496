// One request (or one group of parallel requests) at a time over keep-alive node:http, timed from
// the first byte sent to the last byte read: the same client for the facade and for a raw OSCAR
// client making the facade's own calls, so the difference of the two is what the facade adds.
import http from 'node:http';
import type { LoadResult } from './loadgen.js';

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

export interface Exchange { method: 'GET' | 'POST'; url: string; headers?: Record<string, string>; body?: string }

/** Sends one request; resolves with its status once the whole body has arrived. */
export async function exchange(x: Exchange): Promise<number> {
  return (await sizedExchange(x)).status;
}

/**
 * The same, with the length of the body that arrived (bytes, as sent: gzip stays gzip), and with
 * `keep` the body itself.
 */
export function sizedExchange(x: Exchange, keep = false): Promise<{ status: number; bytes: number; body?: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(x.url, { method: x.method, agent, headers: { ...x.headers, ...(x.body !== undefined && { 'content-length': Buffer.byteLength(x.body) }) } }, (res) => {
      let bytes = 0;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => { bytes += chunk.length; if (keep) chunks.push(chunk); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, ...(keep && { body: Buffer.concat(chunks) }) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(x.body);
  });
}

const at = (sorted: Float64Array, p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** Runs `step(i)` for i = 0…count−1, one after the other; each step's requests count as one. */
export async function sequential(count: number, step: (i: number) => Exchange[]): Promise<LoadResult> {
  const ms = new Float64Array(count);
  const statuses: Record<string, number> = {};
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    const codes = await Promise.all(step(i).map(exchange));
    ms[i] = performance.now() - t;
    for (const c of codes) statuses[c] = (statuses[c] ?? 0) + 1;
  }
  const seconds = (performance.now() - started) / 1000;
  const sorted = ms.slice().sort();
  const bad = Object.entries(statuses).filter(([c]) => Number(c) >= 300).reduce((n, [, k]) => n + k, 0);
  return {
    requests: count, rps: count / seconds, p50Ms: at(sorted, 50), p90Ms: at(sorted, 90), p99Ms: at(sorted, 99),
    meanMs: ms.reduce((a, b) => a + b, 0) / Math.max(1, count), non2xx: bad, errors: 0, statuses,
  };
}
