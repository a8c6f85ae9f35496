// The FhirContext the router hands to hooks and handlers: the request's abort signal is asked of
// the request only when a hook or handler reads it (an HTTP request makes its signal on demand,
// src/http/fhir-handler.ts), and then it is the request's own; the Prefer header is parsed as before.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FhirContext, FhirRequest } from '../../src/fhir/index.js';
import { setup } from './harness.js';

/** A GET of `path` whose signal getter counts how often it is asked for. */
function countingRequest(path: string, headers: Record<string, string> = {}): { req: FhirRequest; asked: () => number; abort: () => void } {
  const abort = new AbortController();
  let asked = 0;
  const req: FhirRequest = {
    method: 'GET', path, query: [], headers, requestId: 'ctx-1',
    get signal() { asked++; return abort.signal; },
  };
  return { req, asked: () => asked, abort: () => abort.abort() };
}

describe('router: the request context', () => {
  it('does not ask the request for its abort signal when no hook or handler reads it', async () => {
    const { router } = setup();
    const r = countingRequest('/Patient/1');
    const res = await router(r.req);
    assert.equal(res.status, 200);
    assert.equal(r.asked(), 0);
  });

  it('hands a hook that reads ctx.signal the request’s own signal, aborted when the request is', async () => {
    const seen: FhirContext[] = [];
    const { router } = setup({ hooks: { beforeInteraction: (ctx) => { seen.push(ctx); } } });
    const r = countingRequest('/Patient/1');
    assert.equal((await router(r.req)).status, 200);
    assert.equal(seen.length, 1);
    const ctx = seen[0]!;
    assert.equal(ctx.signal.aborted, false);
    r.abort();
    assert.equal(ctx.signal.aborted, true);
    assert.ok(r.asked() >= 1);
    assert.equal(ctx.requestId, 'ctx-1');
  });

  it('gives a request without a signal one that never aborts', async () => {
    const seen: FhirContext[] = [];
    const { router } = setup({ hooks: { beforeInteraction: (ctx) => { seen.push(ctx); } } });
    assert.equal((await router({ method: 'GET', path: '/Patient/1', query: [], headers: {}, requestId: 'ctx-2' })).status, 200);
    assert.ok(seen[0]!.signal instanceof AbortSignal);
    assert.equal(seen[0]!.signal.aborted, false);
  });

  it('parses the Prefer header into ctx.prefer, and none into an empty preference', async () => {
    const seen: FhirContext[] = [];
    const { router } = setup({ hooks: { beforeInteraction: (ctx) => { seen.push(ctx); } } });
    await router(countingRequest('/Patient/1', { prefer: 'return=minimal; handling=lenient' }).req);
    await router(countingRequest('/Patient/1').req);
    assert.deepEqual({ ...seen[0]!.prefer }, { return: 'minimal', handling: 'lenient' });
    assert.deepEqual({ ...seen[1]!.prefer }, {});
  });
});
