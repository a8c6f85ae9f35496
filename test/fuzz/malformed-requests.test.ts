// Fuzz: thousands of seeded malformed requests across every endpoint the registry declares, plus
// protocol-level junk on raw sockets. Zero 500s, zero crashes or unhandled rejections, every
// refusal an OperationOutcome, and no OSCAR call for anything refused at parse time.
// FUZZ_SEED and FUZZ_COUNT reproduce or widen a run.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, it } from 'node:test';
import { startStack, type Stack } from '../helpers/stack.js';
import { rawRequest } from '../http/raw-http.js';
import { parseTimeCase, rawCase, Rng, upstreamCase, type FuzzCase } from './generators.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_240_611);
const TOTAL = Number(process.env.FUZZ_COUNT ?? 5_300);
const BATCH = 40;

interface Result { c: FuzzCase; status: number; body: string; contentType: string }

let stack: Stack;
let port: number;
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
const crashes: unknown[] = [];
const onCrash = (e: unknown): void => { crashes.push(e); };

before(async () => {
  process.on('unhandledRejection', onCrash);
  process.on('uncaughtExceptionMonitor', onCrash);
  stack = await startStack({ env: { MAX_BODY_BYTES: String(64 * 1024), CACHE_MAX_BYTES: '0', CHANGE_POLL_SECONDS: '0', OSCAR_BREAKER_THRESHOLD: '1000' } });
  port = Number(new URL(stack.base).port);
});
after(async () => {
  process.off('unhandledRejection', onCrash);
  process.off('uncaughtExceptionMonitor', onCrash);
  agent.destroy();
  await stack.close();
});

/** Sends one case; status 0 = the server hung up without an answer, -1 = the client refused to send it. */
function send(c: FuzzCase): Promise<Result> {
  if (c.raw) {
    return rawRequest(port, c.raw, 2_000).then(
      (a) => ({ c, status: a.status, body: a.body, contentType: a.headers['content-type'] ?? '' }),
      () => ({ c, status: 0, body: '', contentType: '' }),
    );
  }
  return new Promise((resolve) => {
    let req: http.ClientRequest;
    try {
      req = http.request({ host: '127.0.0.1', port, method: c.method, path: c.path, headers: c.headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (b: Buffer) => chunks.push(b));
        res.on('end', () => resolve({ c, status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), contentType: String(res.headers['content-type'] ?? '') }));
        res.on('error', () => resolve({ c, status: 0, body: '', contentType: '' }));
      });
    } catch {
      resolve({ c, status: -1, body: '', contentType: '' });
      return;
    }
    req.on('error', () => resolve({ c, status: 0, body: '', contentType: '' }));
    req.setTimeout(15_000, () => req.destroy());
    req.end(c.body);
  });
}

const upstreamCalls = (): number => stack.sim.stats.snapshot().total + stack.sim.stats.snapshot().inFlight;

it(`${TOTAL} malformed requests across every endpoint: no 500, no crash, no OSCAR call for parse-time refusals`, async (t) => {
  const tStart = performance.now();
  const rng = new Rng(SEED);
  const registry = stack.facade.registry;
  const nRaw = Math.round(TOTAL * 0.04);
  const nUpstream = Math.round(TOTAL * 0.16);
  const nParse = TOTAL - nRaw - nUpstream;
  const results: Result[] = [];
  const leaks: string[] = [];

  // Parse-time refusals, in concurrent batches; a batch that reached OSCAR is replayed one by
  // one to name the culprit.
  const parseCases = [...Array.from({ length: nParse }, () => parseTimeCase(rng, registry)), ...Array.from({ length: nRaw }, () => rawCase(rng))];
  for (let i = 0; i < parseCases.length; i += BATCH) {
    const batch = parseCases.slice(i, i + BATCH);
    const before = upstreamCalls();
    results.push(...(await Promise.all(batch.map(send))));
    if (upstreamCalls() !== before) {
      for (const c of batch) {
        const b = upstreamCalls();
        await send(c);
        if (upstreamCalls() !== b) leaks.push(`${c.kind}: ${c.method} ${c.path.slice(0, 120)}`);
      }
    }
  }
  const tParse = performance.now();
  const upstreamStart = stack.sim.stats.snapshot().total;
  for (let i = 0; i < nUpstream; i += BATCH) {
    results.push(...(await Promise.all(Array.from({ length: Math.min(BATCH, nUpstream - i) }, () => send(upstreamCase(rng, registry))))));
  }
  const upstreamMade = stack.sim.stats.snapshot().total - upstreamStart;
  const tUp = performance.now();

  const sent = results.filter((r) => r.status !== -1);
  const byStatus = new Map<number, number>();
  for (const r of sent) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
  const mix = [...byStatus].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}:${n}`).join(' ');
  t.diagnostic(`timing: parse-time phase ${Math.round(tParse - tStart)} ms, upstream phase ${Math.round(tUp - tParse)} ms`);
  t.diagnostic(`seed ${SEED}: ${sent.length} requests sent (${results.length - sent.length} refused by the client library); status mix ${mix}; ${upstreamMade} OSCAR calls for ${nUpstream} odd-but-valid requests`);

  const describe = (r: Result): string => `${r.c.kind} ${r.c.method} ${(r.c.raw?.toString('latin1') ?? r.c.path).slice(0, 100)} → ${r.status} ${r.body.slice(0, 160)}`;
  assert.ok(sent.length >= 5_000 || TOTAL < 5_000, `at least 5000 requests reached the server (${sent.length})`);
  assert.deepEqual(sent.filter((r) => r.status >= 500).map(describe), [], 'no 5xx at all (no faults are injected here)');
  assert.deepEqual(leaks, [], 'no OSCAR call for a request refused at parse time');
  const parseTime = sent.filter((r) => r.c.parseTime);
  assert.deepEqual(parseTime.filter((r) => !(r.status >= 400 && r.status < 500) && !(r.c.raw && r.status === 0)).map(describe), [], 'parse-time cases are refused with a 4xx');
  const notOutcome = sent.filter((r) => r.status >= 400 && r.c.method !== 'HEAD' && r.status !== 0 && !(r.contentType.includes('fhir+json') && JSON.parse(r.body).resourceType === 'OperationOutcome'));
  assert.deepEqual(notOutcome.map(describe), [], 'every refusal is an OperationOutcome');
  assert.deepEqual(crashes, [], 'no unhandled rejection or exception');
  const writes = sent.filter((r) => r.c.echo !== undefined);
  assert.ok(writes.some((r) => r.status === 201), 'some markup writes were stored');
  const notEchoed = writes.filter((r) => r.status === 201 && !r.body.includes(JSON.stringify(r.c.echo).slice(1, -1)));
  assert.deepEqual(notEchoed.map((r) => `${JSON.stringify(r.c.echo)} in ${r.body}`), [], 'markup in a created resource is stored and returned as the same text');

  // Still healthy afterwards.
  assert.equal((await stack.fhir('/Patient/1001')).status, 200);
  assert.equal((await fetch(stack.base.replace(/\/fhir$/, '/healthz'))).status, 200);
});
