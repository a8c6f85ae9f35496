// Slow and idle clients cannot hold connections: a cap on open connections, deadlines for the
// headers and the whole request, and an early answer over a trickling body closes the connection.
// Raw sockets with bounded loops; the deadlines are set short through the configuration.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startSecureStack, type SecureStack } from '../auth/fixture.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { sleep } from '../resilience/support.js';
import { rawRequest } from './raw-http.js';

/** A socket that records what it received and when the server closed it. */
interface Watched { socket: Socket; data: () => string; closedAfter: () => number | undefined; opened: number }

function watch(port: number): Promise<Watched> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const opened = performance.now();
    let closedAt: number | undefined;
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => { closedAt = performance.now(); });
    socket.on('error', () => { /* a reset is one way of being closed */ });
    socket.once('connect', () => resolve({
      socket, opened, data: () => Buffer.concat(chunks).toString('latin1'), closedAfter: () => (closedAt === undefined ? undefined : closedAt - opened),
    }));
    socket.once('error', reject);
  });
}

/** Calls `step` every `everyMs` until the server closes the socket or `maxSteps` ran out. */
async function trickle(w: Watched, everyMs: number, maxSteps: number, step: (i: number) => string): Promise<void> {
  for (let i = 0; i < maxSteps && w.closedAfter() === undefined; i++) {
    if (w.socket.writable) w.socket.write(step(i));
    await sleep(everyMs);
  }
}

const statusOf = (raw: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);

/** Generous on a loaded machine, and still far below the minute and more these connections used to live. */
const SOON_MS = 6_000;
const closedSoon = (w: Watched): void => {
  assert.ok(w.closedAfter() !== undefined && w.closedAfter()! < SOON_MS, `closed after ${w.closedAfter()?.toFixed(0) ?? 'more than'} ms`);
};

describe('deadlines for slow clients (HTTP_HEADERS_TIMEOUT_MS=400, HTTP_REQUEST_TIMEOUT_MS=800)', () => {
  let stack: Stack;
  let port: number;
  before(async () => {
    stack = await startStack({ env: { HTTP_HEADERS_TIMEOUT_MS: '400', HTTP_REQUEST_TIMEOUT_MS: '800', CACHE_MAX_BYTES: '0' } });
    port = Number(new URL(stack.base).port);
  });
  after(async () => { await stack.close(); });

  it('a connection that sends nothing is answered 408 and closed soon after the header deadline', async () => {
    const w = await watch(port);
    await trickle(w, 50, SOON_MS / 50, () => '');
    closedSoon(w);
    assert.equal(statusOf(w.data()), 408);
  });

  it('headers sent one line at a time are cut off at the header deadline', async () => {
    const w = await watch(port);
    await trickle(w, 100, SOON_MS / 100, (i) => (i === 0 ? 'GET /fhir/metadata HTTP/1.1\r\nHost: x\r\n' : `X-Slow-${i}: y\r\n`));
    closedSoon(w);
    assert.equal(statusOf(w.data()), 408);
  });

  it('a body sent one byte at a time is cut off at the request deadline', async () => {
    const w = await watch(port);
    // Longer than the test will ever send: the request cannot complete by itself.
    const body = JSON.stringify({ resourceType: 'Patient', name: [{ family: 'SLOW' }] }).padEnd(1_000, ' ');
    const head = `POST /fhir/Patient HTTP/1.1\r\nHost: x\r\nContent-Type: application/fhir+json\r\nContent-Length: ${body.length}\r\n\r\n`;
    await trickle(w, 100, SOON_MS / 100, (i) => (i === 0 ? head : body[i - 1]!));
    closedSoon(w);
    assert.equal(statusOf(w.data()), 408);
  });
});

describe('open connections are capped (HTTP_MAX_CONNECTIONS=3)', () => {
  let stack: Stack;
  let port: number;
  before(async () => {
    stack = await startStack({ env: { HTTP_MAX_CONNECTIONS: '3', CACHE_MAX_BYTES: '0' } });
    port = Number(new URL(stack.base).port);
  });
  after(async () => { await stack.close(); });

  it('a connection beyond the cap is closed without an answer; one frees up when another closes', async () => {
    const held = await Promise.all([watch(port), watch(port), watch(port)]);
    await sleep(100);
    const refused = await rawRequest(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', 2_000);
    assert.equal(refused.status, 0, 'dropped on arrival');
    held[0]!.socket.destroy();
    await sleep(100);
    const ok = await rawRequest(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 2_000);
    assert.equal(ok.status, 200);
    for (const w of held) w.socket.destroy();
  });
});

describe('an unauthenticated request with a trickling body (default deadlines)', () => {
  let stack: SecureStack;
  let port: number;
  before(async () => {
    stack = await startSecureStack();
    port = Number(new URL(stack.base).port);
  });
  after(async () => { await stack.close(); });

  it('is answered 401 with Connection: close and the connection is gone within seconds, not at the request deadline', async () => {
    const w = await watch(port);
    const head = 'POST /fhir/Patient HTTP/1.1\r\nHost: x\r\nContent-Type: application/fhir+json\r\nContent-Length: 1000\r\n\r\n{';
    await trickle(w, 100, SOON_MS / 100, (i) => (i === 0 ? head : ' '));
    assert.equal(statusOf(w.data()), 401);
    assert.match(w.data(), /\r\nconnection: close\r\n/i);
    closedSoon(w);
  });
});

describe('a connection on which nothing moves (HTTP_IDLE_TIMEOUT_MS=400)', () => {
  let stack: Stack;
  let port: number;
  before(async () => {
    stack = await startStack({ env: { HTTP_IDLE_TIMEOUT_MS: '400', CACHE_MAX_BYTES: '0' } });
    port = Number(new URL(stack.base).port);
  });
  after(async () => { await stack.close(); });

  it('is destroyed once nothing has moved either way for the idle time, even while its request waits for OSCAR', async () => {
    await rawRequest(port, 'GET /fhir/Patient/1001 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 10_000); // set-up calls out of the way
    const rule = stack.sim.faults.add({ match: { path: '/ws/DemographicService' }, mode: 'latency', latencyMs: 8_000 });
    try {
      const w = await watch(port);
      w.socket.write('GET /fhir/Patient/1002 HTTP/1.1\r\nHost: x\r\n\r\n');
      await trickle(w, 50, SOON_MS / 50, () => '');
      closedSoon(w);
      assert.ok(w.closedAfter()! >= 350, `not before the idle time: closed after ${w.closedAfter()!.toFixed(0)} ms`);
      assert.equal(w.data(), '', 'no answer: OSCAR had not answered');
    } finally { stack.sim.faults.remove(rule); }
  });

  it('a connection that keeps sending is not idle', async () => {
    const w = await watch(port);
    // A header line every 100 ms, for longer than the idle time (well within the header deadline).
    await trickle(w, 100, 10, (i) => (i === 0 ? 'GET /healthz HTTP/1.1\r\nHost: x\r\n' : `X-Pad-${i}: y\r\n`));
    assert.equal(w.closedAfter(), undefined, 'still open after a second of steady traffic');
    w.socket.write('Connection: close\r\n\r\n');
    await trickle(w, 50, 40, () => '');
    assert.equal(statusOf(w.data()), 200);
  });
});
