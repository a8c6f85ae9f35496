// A request's abort signal tells its handlers that the client went away (they stop calling OSCAR
// for nobody), whether the client left before or after the signal was first asked for; and a
// request every step of which answers at once is answered without a promise.
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import type { FhirRequest, FhirResponse } from '../../src/fhir/index.js';
import { createFhirHandler } from '../../src/http/fhir-handler.js';
import { createRouteLabeler } from '../../src/http/route-label.js';
import { fhirSecurityHeaders } from '../../src/http/security-headers.js';
import { createLogger } from '../../src/logging.js';
import { startHandler, type Harness } from './handler-harness.js';

const OK: FhirResponse = { status: 200, headers: { 'content-type': 'application/fhir+json' }, body: { resourceType: 'Patient', id: '1' } };

/** Sends a GET and drops the connection once the server has the request. */
function leaveAfterSending(base: string, path: string): void {
  const { port } = new URL(base);
  const socket = connect(Number(port), '127.0.0.1', () => {
    socket.write(`GET /fhir${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
  });
  socket.on('error', () => {});
  setTimeout(() => socket.destroy(), 50);
}

/** Resolves when the server's answer object of the next request closes (the client left). */
function nextClose(h: Harness): Promise<void> {
  return new Promise((resolve) => {
    h.server.once('request', (_req: IncomingMessage, res: ServerResponse) => res.once('close', () => resolve()));
  });
}

describe('the abort signal of a request whose client goes away', () => {
  const harnesses: Harness[] = [];
  after(async () => { for (const h of harnesses) await h.close(); });

  it('is already aborted when first asked for after the client left', async () => {
    let seen: boolean | undefined;
    let gone!: Promise<void>;
    const h = await startHandler(async (req: FhirRequest) => {
      await gone;
      seen = req.signal?.aborted;
      return OK;
    });
    harnesses.push(h);
    gone = nextClose(h);
    leaveAfterSending(h.base, '/Patient/1');
    await gone;
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(seen, true);
  });

  it('aborts when the client leaves after it was asked for', async () => {
    let aborted!: Promise<boolean>;
    const h = await startHandler(async (req: FhirRequest) => {
      const signal = req.signal!;
      assert.equal(signal.aborted, false);
      aborted = new Promise((resolve) => {
        signal.addEventListener('abort', () => resolve(true));
        setTimeout(() => resolve(false), 2_000);
      });
      await aborted;
      return OK;
    });
    harnesses.push(h);
    leaveAfterSending(h.base, '/Patient/1');
    while (aborted === undefined) await new Promise((r) => setTimeout(r, 5));
    assert.equal(await aborted, true);
  });

  it('is not aborted for a client that stays and gets its answer', async () => {
    let signal: AbortSignal | undefined;
    const h = await startHandler(async (req: FhirRequest) => {
      signal = req.signal;
      return OK;
    });
    harnesses.push(h);
    const r = await fetch(`${h.base}/Patient/1`);
    assert.equal(r.status, 200);
    await r.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(signal?.aborted, false);
  });
});

describe('a request answered at once', () => {
  it('is answered and reported without a promise when identity and the read cache answer synchronously', async () => {
    const finished: number[] = [];
    const handler = createFhirHandler({
      router: async () => OK, serve: () => OK, basePath: '/fhir', bodyLimitBytes: 1024, logger: createLogger('silent'),
      baseHeaders: fhirSecurityHeaders({ https: false, cors: false }), routeLabel: createRouteLabeler(['Patient']),
      authenticate: () => ({ kind: 'anonymous' }),
      onFinished: (info) => finished.push(info.status),
    });
    const returned: unknown[] = [];
    const server = createServer((req, res) => { returned.push(handler(req, res)); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const status = await new Promise<number>((resolve, reject) => {
        httpRequest({ host: '127.0.0.1', port, path: '/fhir/Patient/1' }, (res) => { res.resume(); resolve(res.statusCode!); }).on('error', reject).end();
      });
      assert.equal(status, 200);
      assert.deepEqual(returned, [undefined]);
      assert.deepEqual(finished, [200]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
