// Security headers, CORS for browser SMART apps, and per-client rate limiting.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createCors } from '../../src/http/cors.js';
import { InProcessRateLimits } from '../../src/state/index.js';
import { fhirSecurityHeaders } from '../../src/http/security-headers.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { assertOutcome } from '../resilience/support.js';
import { okRouter, startHandler } from './handler-harness.js';

const APP = 'https://app.example.org';

describe('security headers', () => {
  let stack: Stack;
  before(async () => { stack = await startStack(); });
  after(async () => { await stack.close(); });

  it('every FHIR answer, success or error, carries the helmet-equivalent headers', async () => {
    for (const path of ['/metadata', '/Patient/1001', '/Patient/abc', '/Nope']) {
      const r = await stack.fhir(path);
      const h = r.headers;
      assert.equal(h.get('x-content-type-options'), 'nosniff', path);
      assert.equal(h.get('x-frame-options'), 'DENY');
      assert.match(h.get('content-security-policy') ?? '', /default-src 'none'.*frame-ancestors 'none'.*sandbox/);
      assert.equal(h.get('referrer-policy'), 'no-referrer');
      assert.equal(h.get('cross-origin-resource-policy'), 'same-origin');
      assert.equal(h.get('cache-control'), 'private, no-cache');
      assert.equal(h.get('strict-transport-security'), null, 'no HSTS on a plain-http base URL');
      assert.equal(h.get('x-powered-by'), null);
      assert.equal(h.get('access-control-allow-origin'), null, 'CORS is off unless configured');
    }
  });

  it('the ops app (health, SMART routes) is behind helmet', async () => {
    const r = await fetch(stack.base.replace(/\/fhir$/, '/healthz'));
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(r.headers.get('content-security-policy'));
    assert.equal(r.headers.get('x-powered-by'), null);
    assert.ok(r.headers.get('x-request-id'));
  });

  it('HSTS is sent when the public base URL is https', async () => {
    const h = await startHandler(okRouter, { baseHeaders: fhirSecurityHeaders({ https: true, cors: false }) });
    try {
      const r = await fetch(`${h.base}/Patient/1`);
      assert.match(r.headers.get('strict-transport-security') ?? '', /max-age=\d+/);
    } finally { await h.close(); }
  });

  it('without CORS configured, a preflight gets a plain OPTIONS answer with no CORS grant', async () => {
    const r = await stack.fhir('/Patient', { method: 'OPTIONS', headers: { origin: APP, 'access-control-request-method': 'GET' } });
    assert.equal(r.status, 204);
    assert.match(r.headers.get('allow') ?? '', /GET/);
    assert.equal(r.headers.get('access-control-allow-origin'), null);
  });

  it('has no rate limit by default', async () => {
    const statuses = await Promise.all(Array.from({ length: 30 }, () => stack.fhir('/metadata').then((r) => r.status)));
    assert.ok(statuses.every((x) => x === 200));
  });
});

describe('CORS (CORS_ORIGINS)', () => {
  let stack: Stack;
  before(async () => { stack = await startStack({ env: { CORS_ORIGINS: `${APP}, http://localhost:3000`, CACHE_MAX_BYTES: '0' } }); });
  after(async () => { await stack.close(); });

  it('answers a preflight from an allowed origin with the methods and headers a FHIR client needs', async () => {
    const r = await stack.fhir('/Patient', {
      method: 'OPTIONS', headers: { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, if-none-exist' },
    });
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('access-control-allow-origin'), APP);
    assert.match(r.headers.get('access-control-allow-methods') ?? '', /POST/);
    for (const h of ['Authorization', 'Content-Type', 'If-None-Exist', 'If-Match', 'Prefer']) assert.match(r.headers.get('access-control-allow-headers') ?? '', new RegExp(h));
    assert.match(r.headers.get('access-control-max-age') ?? '', /^\d+$/);
    assert.equal(r.headers.get('access-control-allow-credentials'), null, 'bearer tokens need no credentials mode');
    assert.equal(stack.sim.stats.snapshot().total, 0, 'a preflight never reaches OSCAR');
  });

  it('exposes the FHIR headers on actual answers to an allowed origin, and only to it', async () => {
    const r = await stack.fhir('/Patient/1001', { headers: { origin: APP } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('access-control-allow-origin'), APP);
    const exposed = r.headers.get('access-control-expose-headers') ?? '';
    for (const h of ['ETag', 'Location', 'Content-Location', 'X-Request-Id', 'Last-Modified']) assert.match(exposed, new RegExp(h));
    assert.match(r.headers.get('vary') ?? '', /Origin/);
    assert.equal(r.headers.get('cross-origin-resource-policy'), 'cross-origin');

    const other = await stack.fhir('/Patient/1001', { headers: { origin: 'https://evil.example.com' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    const refused = await stack.fhir('/Patient', { method: 'OPTIONS', headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'GET' } });
    assertOutcome(refused, 403, 'forbidden');
    assert.equal(refused.headers.get('access-control-allow-origin'), null);
  });

  it('covers the ops routes too (SMART discovery and token endpoints are called from browsers)', async () => {
    const pre = await fetch(stack.base.replace(/\/fhir$/, '/healthz'), { method: 'OPTIONS', headers: { origin: APP, 'access-control-request-method': 'GET' } });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), APP);
    const get = await fetch(stack.base.replace(/\/fhir$/, '/healthz'), { headers: { origin: APP } });
    assert.equal(get.headers.get('access-control-allow-origin'), APP);
  });

  it('"*" allows any origin', async () => {
    const h = await startHandler(okRouter, { cors: createCors(['*']) });
    try {
      const r = await fetch(`${h.base}/Patient/1`, { headers: { origin: 'https://anywhere.example' } });
      assert.equal(r.headers.get('access-control-allow-origin'), '*');
      const pre = await fetch(`${h.base}/Patient`, { method: 'OPTIONS', headers: { origin: 'https://anywhere.example', 'access-control-request-method': 'PUT' } });
      assert.equal(pre.status, 204);
      assert.equal(pre.headers.get('access-control-allow-origin'), '*');
    } finally { await h.close(); }
  });
});

describe('rate limiting (RATE_LIMIT_PER_MINUTE)', () => {
  it('answers 429 with Retry-After once a client has used its minute, without calling OSCAR', async () => {
    const s = await startStack({ env: { RATE_LIMIT_PER_MINUTE: '3', CACHE_MAX_BYTES: '0' } });
    try {
      for (let i = 0; i < 3; i++) assert.equal((await s.fhir('/metadata')).status, 200);
      s.sim.stats.reset();
      const r = await s.fhir('/Patient/1001');
      assertOutcome(r, 429, 'throttled');
      assert.ok(Number(r.headers.get('retry-after')) >= 1);
      assert.equal(s.sim.stats.snapshot().total, 0);
      // Preflights are not FHIR requests and are not counted.
      assert.equal((await s.fhir('/metadata', { method: 'OPTIONS' })).status, 204);
    } finally { await s.close(); }
  });

  it('keys the allowance by the token\'s client id, else by IP', async () => {
    const h = await startHandler(okRouter, {
      rateLimit: { limits: new InProcessRateLimits(), perMinute: 2 },
      authenticate: (req) => (req.headers['x-client'] ? { kind: 'token', clientId: String(req.headers['x-client']) } : { kind: 'anonymous' }),
    });
    try {
      const as = (client?: string): Promise<number> => fetch(`${h.base}/Patient/1`, { headers: client ? { 'x-client': client } : {} }).then((r) => r.status);
      assert.deepEqual([await as('a'), await as('a'), await as('a')], [200, 200, 429]);
      assert.deepEqual([await as('b'), await as('b'), await as('b')], [200, 200, 429], 'another client has its own allowance');
      assert.deepEqual([await as(), await as(), await as()], [200, 200, 429], 'anonymous callers share their IP\'s allowance');
    } finally { await h.close(); }
  });

  it('refills continuously and keeps its key table bounded', async () => {
    let now = 0;
    const rl = new InProcessRateLimits(10, () => now);
    for (let i = 0; i < 60; i++) assert.equal(await rl.take('k', 60), 0);
    assert.equal(await rl.take('k', 60), 1, 'one request per second comes back');
    now += 1000;
    assert.equal(await rl.take('k', 60), 0);
    for (let i = 0; i < 50; i++) await rl.take(`ip:${i}`, 60);
    assert.ok(rl.size <= 10);
    now += 120_000;
    await rl.take('fresh', 60);
    assert.equal(rl.size, 1, 'idle full buckets are swept');
  });
});
