// The rendered-read fast path in isolation (src/cache/read-cache.ts): what it answers itself, what
// it leaves to the router, what it keeps, and that the authorization hooks run on every hit and any
// refusal goes to the router. A fake router counts the calls, so a hit is visible as no call.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Resource } from 'fhir/r4.js';
import { FreshReads } from '../../src/cache/fresh-reads.js';
import { createReadCache, type ReadCacheOptions } from '../../src/cache/read-cache.js';
import { CacheStore } from '../../src/cache/store.js';
import { renderBody, stampVersion, type FhirContext, type FhirRequest, type FhirResponse } from '../../src/fhir/index.js';

const PATIENT = { resourceType: 'Patient', id: '1', meta: { versionId: 'v1' }, name: [{ family: 'DOE' }] };
const HEADERS = { 'content-type': 'application/fhir+json;charset=utf-8', etag: 'W/"v1"', 'last-modified': 'Tue, 12 Mar 2024 13:00:00 GMT' };

interface Setup {
  serve: (req: Partial<FhirRequest>) => Promise<FhirResponse>;
  calls: FhirRequest[];
  store: CacheStore;
  fresh: FreshReads;
  freshCalls: boolean[];
  events: string[];
}

function setup(opts: {
  answer?: (req: FhirRequest) => FhirResponse;
  hooks?: ReadCacheOptions['hooks'];
  routes?: () => string;
  during?: (store: CacheStore) => void;
} = {}): Setup {
  const events: string[] = [];
  const store = new CacheStore({ maxBytes: 10_000_000, documentMaxBytes: 0, ttlMs: 600_000 });
  const fresh = new FreshReads();
  const serveFn = createReadCache({
    store, instance: 'i', baseUrl: 'http://x/fhir', hooks: opts.hooks ?? {}, fresh,
    kinds: new Map([['Patient', 'demographic'], ['Binary', 'document']]), routes: opts.routes,
    observer: {
      hit: (c, l) => events.push(`hit ${c} ${l}`), miss: (c, l) => events.push(`miss ${c} ${l}`),
      coalesced: () => {}, removed: () => {},
    },
  });
  const calls: FhirRequest[] = [];
  const freshCalls: boolean[] = [];
  const router = async (req: FhirRequest): Promise<FhirResponse> => {
    calls.push(req);
    freshCalls.push(fresh.active);
    opts.during?.(store);
    return opts.answer ? opts.answer(req) : { status: 200, headers: { ...HEADERS }, body: structuredClone(PATIENT) };
  };
  const serve = async (req: Partial<FhirRequest>): Promise<FhirResponse> =>
    serveFn({ method: 'GET', path: '/Patient/1', query: [], headers: {}, requestId: 'r1', ...req }, router);
  return { serve, calls, store, fresh, freshCalls, events };
}

const text = (res: FhirResponse): string => (Buffer.isBuffer(res.body) ? res.body.toString('utf8') : JSON.stringify(res.body));

describe('rendered reads: hits and misses', () => {
  it('renders a read once, then answers it from the kept bytes with the first answer’s headers', async () => {
    const s = setup();
    const first = await s.serve({});
    const second = await s.serve({});
    assert.equal(s.calls.length, 1);
    assert.equal(second.status, 200);
    assert.deepEqual(second.headers, HEADERS);
    assert.equal(text(second), JSON.stringify(PATIENT));
    assert.equal(text(first), JSON.stringify(PATIENT));
    assert.deepEqual(s.events, ['miss main rendered', 'hit main rendered']);
  });

  it('keeps a stamped resource as the UTF-8 of its JSON, in bytes of their own (no slice of the shared pool)', async () => {
    // A name outside Latin-1: the text is written as UTF-8, the length counted in bytes.
    const stamped = stampVersion({ resourceType: 'Patient', id: '1', name: [{ family: 'Nguyễn', given: ['Thị'] }], birthDate: '1970-01-01' } as Resource);
    const s = setup({ answer: () => ({ status: 200, headers: { ...HEADERS }, body: stamped }) });
    const first = await s.serve({});
    const second = await s.serve({});
    assert.equal(s.calls.length, 1);
    // What the router would have sent: the text stampVersion made (canonical member order).
    const expected = renderBody({ status: 200, headers: {}, body: stamped })!;
    assert.deepEqual(JSON.parse(expected.toString('utf8')), JSON.parse(JSON.stringify(stamped)));
    for (const res of [first, second]) {
      const body = res.body as Buffer;
      assert.ok(Buffer.isBuffer(body));
      assert.ok(body.equals(expected), body.toString('utf8'));
      assert.equal(body.buffer.byteLength, body.length, 'its own ArrayBuffer, not a pool slab');
    }
  });

  it('answers HEAD from a kept read without a body, and does not keep what a HEAD miss rendered', async () => {
    const s = setup();
    await s.serve({ method: 'HEAD' });
    await s.serve({ method: 'HEAD' });
    assert.equal(s.calls.length, 2);
    await s.serve({});
    const head = await s.serve({ method: 'HEAD' });
    assert.equal(s.calls.length, 3);
    assert.deepEqual(head, { status: 200, headers: HEADERS });
  });

  it('answers a matching If-None-Match with 304 and only the validators, anything else with the bytes', async () => {
    const s = setup();
    await s.serve({});
    assert.deepEqual(await s.serve({ headers: { 'if-none-match': 'W/"v1"' } }),
      { status: 304, headers: { etag: 'W/"v1"', 'last-modified': 'Tue, 12 Mar 2024 13:00:00 GMT' } });
    assert.deepEqual(await s.serve({ headers: { 'if-none-match': '*' } }),
      { status: 304, headers: { etag: 'W/"v1"', 'last-modified': 'Tue, 12 Mar 2024 13:00:00 GMT' } });
    const other = await s.serve({ headers: { 'if-none-match': 'W/"v0"' } });
    assert.equal(other.status, 200);
    assert.equal(text(other), JSON.stringify(PATIENT));
    assert.equal(s.calls.length, 1);
  });

  it('sends no validator the router did not send', async () => {
    const s = setup({ answer: () => ({ status: 200, headers: { 'content-type': 'application/fhir+json' }, body: structuredClone(PATIENT) }) });
    await s.serve({});
    assert.deepEqual(await s.serve({ headers: { 'if-none-match': '"v1"' } }), { status: 304, headers: {} });
  });

  it('leaves If-Modified-Since alone to the router, but not when If-None-Match comes with it', async () => {
    const s = setup();
    await s.serve({});
    await s.serve({ headers: { 'if-modified-since': 'Tue, 12 Mar 2024 13:00:00 GMT' } });
    assert.equal(s.calls.length, 2);
    const both = await s.serve({ headers: { 'if-modified-since': 'x', 'if-none-match': 'W/"v1"' } });
    assert.equal(both.status, 304);
    assert.equal(s.calls.length, 2);
  });

  it('keys by media type and by the routes in force', async () => {
    let routes = 'a';
    const s = setup({ routes: () => routes });
    await s.serve({});
    await s.serve({ headers: { accept: 'application/fhir+json' } });
    assert.equal(s.calls.length, 1);
    await s.serve({ headers: { accept: 'application/json' } });
    assert.equal(s.calls.length, 2);
    routes = 'b';
    await s.serve({});
    assert.equal(s.calls.length, 3);
    routes = 'a';
    await s.serve({});
    assert.equal(s.calls.length, 3);
    // The same request again, only the routes changed in between.
    routes = 'c';
    await s.serve({});
    assert.equal(s.calls.length, 4, 'bytes rendered under other routes are not served');
    await s.serve({});
    assert.equal(s.calls.length, 4);
  });

  it('leaves to the router, and never keeps, what it does not answer itself', async () => {
    const cases: Partial<FhirRequest>[] = [
      { query: [['_elements', 'id']] },
      { path: '/Patient' },
      { path: '/metadata' },
      { path: '/Patient/1/_history/1' },
      { path: '/Binary/1' },
      { path: '/patient/1' },
      { headers: { accept: 'application/fhir+xml' } },
    ];
    for (const req of cases) {
      const s = setup();
      await s.serve(req);
      await s.serve(req);
      assert.equal(s.calls.length, 2, JSON.stringify(req));
      assert.equal(s.store.usage().main.entries, 0, JSON.stringify(req));
    }
  });
});

describe('rendered reads: what is kept', () => {
  it('keeps only a 200 JSON answer of a tracked type with a version, rendered without an invalidation meanwhile', async () => {
    const answers: [string, (req: FhirRequest) => FhirResponse][] = [
      ['404', () => ({ status: 404, headers: {}, body: { resourceType: 'OperationOutcome' } })],
      ['no body', () => ({ status: 200, headers: {} })],
      ['bytes', () => ({ status: 200, headers: {}, body: Buffer.from('{}') })],
      ['pretty', () => ({ status: 200, headers: {}, body: structuredClone(PATIENT), pretty: true })],
      ['no version', () => ({ status: 200, headers: {}, body: { resourceType: 'Patient', id: '1' } })],
      ['untracked type', () => ({ status: 200, headers: {}, body: { resourceType: 'Basic', id: '1', meta: { versionId: 'v1' } } })],
    ];
    for (const [name, answer] of answers) {
      const s = setup({ answer });
      const res = await s.serve({});
      await s.serve({});
      assert.equal(s.calls.length, 2, name);
      assert.equal(s.store.usage().main.entries, 0, name);
      assert.deepEqual(res, answer(s.calls[0]!), `${name}: the router's answer unchanged`);
    }
    const raced = setup({ during: (store) => store.invalidate(['demographic:9']) });
    await raced.serve({});
    await raced.serve({});
    assert.equal(raced.calls.length, 2, 'an invalidation while rendering: not kept');
  });

  it('drops a kept read when its record changes', async () => {
    const s = setup();
    await s.serve({});
    s.store.invalidate(['demographic:1']);
    await s.serve({});
    assert.equal(s.calls.length, 2);
  });
});

describe('rendered reads: writes and per-user answers', () => {
  it('runs writes with fresh reads, and searches and operations posted as reads without', async () => {
    const cases: [string, string, boolean][] = [
      ['POST', '/Patient', true], ['PUT', '/Patient/1', true], ['DELETE', '/Patient/1', true], ['PATCH', '/Patient/1', true],
      ['POST', '/Patient/_search', false], ['POST', '/$export', false], ['POST', '/Patient/1/$everything', false],
    ];
    for (const [method, path, fresh] of cases) {
      const s = setup();
      await s.serve({ method, path });
      assert.deepEqual(s.freshCalls, [fresh], `${method} ${path}`);
      assert.equal(s.store.usage().main.entries, 0);
    }
  });

  it('never answers a SMART user’s read from the shared cache, nor keeps it', async () => {
    const s = setup();
    await s.serve({});
    await s.serve({ auth: { oscarProvider: '5' } });
    await s.serve({ auth: { oscarProvider: '5' } });
    assert.deepEqual(s.freshCalls, [false, true, true]);
    await s.serve({ auth: { client: 'x' } });
    assert.equal(s.calls.length, 3);
  });
});

describe('rendered reads: authorization on every hit', () => {
  it('asks beforeInteraction for the read of that type and id, and checkResource with a frozen copy', async () => {
    const seen: unknown[] = [];
    let ctxSeen: FhirContext | undefined;
    const s = setup({
      hooks: {
        beforeInteraction: (ctx, facts) => { ctxSeen = ctx; seen.push(facts); },
        checkResource: (_ctx, r: Resource) => { seen.push(r); assert.ok(Object.isFrozen(r)); },
      },
    });
    await s.serve({});
    seen.length = 0;
    const hit = await s.serve({ requestId: 'r2', auth: { client: 'c' }, headers: { prefer: 'return=minimal' } });
    assert.equal(hit.status, 200);
    assert.equal(s.calls.length, 1);
    assert.deepEqual(seen, [{ interaction: 'read', type: 'Patient', id: '1' }, PATIENT]);
    assert.equal(ctxSeen?.requestId, 'r2');
    assert.deepEqual(ctxSeen?.auth, { client: 'c' });
    assert.equal(ctxSeen?.baseUrl, 'http://x/fhir');
    assert.deepEqual(ctxSeen?.prefer, { return: 'minimal' });
    assert.equal(ctxSeen?.signal.aborted, false);
  });

  it('hands the request’s own abort signal to the hooks', async () => {
    let signal: AbortSignal | undefined;
    const s = setup({ hooks: { beforeInteraction: (ctx) => { signal = ctx.signal; } } });
    await s.serve({});
    const ac = new AbortController();
    await s.serve({ signal: ac.signal });
    assert.equal(signal, ac.signal);
  });

  it('leaves a refused hit to the router, whichever hook refuses, at once or later', async () => {
    const refuse = (): never => { throw new Error('forbidden'); };
    const later = async (): Promise<void> => { throw new Error('forbidden'); };
    const cases: [string, ReadCacheOptions['hooks']][] = [
      ['beforeInteraction throws', { beforeInteraction: refuse }],
      ['beforeInteraction rejects', { beforeInteraction: later }],
      ['checkResource throws', { checkResource: refuse }],
      ['checkResource rejects', { checkResource: later }],
      ['checkResource rejects after an async beforeInteraction', { beforeInteraction: async () => {}, checkResource: later }],
      ['checkResource throws after an async beforeInteraction', { beforeInteraction: async () => {}, checkResource: refuse }],
    ];
    for (const [name, hooks] of cases) {
      let allow = true;
      const guard = (fn: (() => unknown) | undefined) => (fn ? () => (allow ? undefined : fn()) : undefined);
      const s = setup({ hooks: { beforeInteraction: guard(hooks.beforeInteraction as () => unknown) as never, checkResource: guard(hooks.checkResource as () => unknown) as never } });
      await s.serve({});
      allow = false;
      await s.serve({});
      assert.equal(s.calls.length, 2, name);
    }
  });

  it('answers a hit that async hooks allow', async () => {
    const order: string[] = [];
    const s = setup({
      hooks: {
        beforeInteraction: async () => { order.push('before'); },
        checkResource: async () => { order.push('check'); },
      },
    });
    await s.serve({});
    order.length = 0;
    const hit = await s.serve({ headers: { 'if-none-match': 'W/"v1"' } });
    assert.equal(hit.status, 304);
    assert.deepEqual(order, ['before', 'check']);
    assert.equal(s.calls.length, 1);
  });
});
