// Operations: /healthz, /readyz (cached, single-flight), X-Request-Id on every answer and every
// log line of a request, no PHI or tokens in logs, and bugs answered as clean 500s.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createReadiness } from '../../src/http/readiness.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { assertOutcome, captureLogger } from '../resilience/support.js';
import { startHandler } from './handler-harness.js';

describe('health and readiness', () => {
  let stack: Stack;
  let ops: string;
  before(async () => {
    stack = await startStack({ env: { READY_CACHE_MS: '60000', CHANGE_POLL_SECONDS: '0' } });
    ops = stack.base.replace(/\/fhir$/, '');
  });
  after(async () => { await stack.close(); });

  it('/healthz says the process is up without asking OSCAR', async () => {
    stack.sim.stats.reset();
    const r = await fetch(`${ops}/healthz`);
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { status: 'ok' });
    assert.equal(stack.sim.stats.snapshot().total, 0);
  });

  it('/readyz checks OSCAR REST and SOAP once, then answers from its cache', async () => {
    stack.sim.stats.reset();
    const answers = await Promise.all([1, 2, 3].map(() => fetch(`${ops}/readyz`)));
    for (const r of answers) {
      assert.equal(r.status, 200);
      const body = await r.json() as { status: string; checks: unknown; capabilities?: { source: string } };
      assert.deepEqual({ status: body.status, checks: body.checks }, { status: 'ready', checks: { soap: 'ok', rest: 'ok' } });
      assert.equal(body.capabilities?.source, 'assumed', 'the capability map in force (no probes in this stack)');
    }
    const firstRound = stack.sim.stats.snapshot();
    assert.equal(firstRound.byOperation['SystemInfoService.isAlive'], 1, 'concurrent probes share one check');
    assert.equal(firstRound.byOperation['REST GET /oauth/info'], 1);
    await fetch(`${ops}/readyz`);
    assert.equal(stack.sim.stats.snapshot().total, firstRound.total, 'cached');
  });

  it('readiness probes OSCAR without retries and reports what failed', async () => {
    let calls = 0;
    let draining = false;
    const ready = createReadiness({
      probe: async () => { calls++; return { soap: 'ok', rest: calls === 1 ? 'timeout' : 'ok' }; }, cacheMs: 0, draining: () => draining,
    });
    assert.deepEqual(await ready(), { ok: false, checks: { soap: 'ok', rest: 'timeout' } });
    assert.deepEqual(await ready(), { ok: true, checks: { soap: 'ok', rest: 'ok' } });
    draining = true;
    assert.deepEqual(await ready(), { ok: false, checks: { server: 'draining' } });
    assert.equal(calls, 2, 'a draining server does not probe OSCAR');
  });
});

describe('request ids and logs', () => {
  const log = captureLogger('debug');
  let stack: Stack;
  before(async () => { stack = await startStack({ logger: log.logger, env: { LOG_LEVEL: 'debug', CHANGE_POLL_SECONDS: '0' } }); });
  after(async () => { await stack.close(); });

  it('echoes a safe X-Request-Id, replaces an unsafe one, and generates one when absent', async () => {
    assert.equal((await stack.fhir('/metadata', { headers: { 'x-request-id': 'abc-123.X:9' } })).headers.get('x-request-id'), 'abc-123.X:9');
    const unsafe = (await stack.fhir('/metadata', { headers: { 'x-request-id': '<script>alert(1)</script>' } })).headers.get('x-request-id');
    assert.match(unsafe ?? '', /^[0-9a-f-]{36}$/);
    assert.match((await stack.fhir('/metadata')).headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    assert.equal((await fetch(stack.base.replace(/\/fhir$/, '/healthz'), { headers: { 'x-request-id': 'ops-1' } })).headers.get('x-request-id'), 'ops-1');
  });

  it('puts the request id on every line of a request, and no PHI or token on any line', async () => {
    log.lines.length = 0;
    const secretToken = 'eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXRva2Vu.sig';
    const reads = [
      await stack.fhir('/Patient?family=DOE&given=JANE&birthdate=1980-01-17', { headers: { authorization: `Bearer ${secretToken}` } }),
      await stack.fhir('/Patient/1001', { headers: { authorization: `Bearer ${secretToken}` } }),
      await stack.fhir('/Patient/JANE%20DOE'),
      await stack.fhir('/Patient?birthdate=notadate'),
    ];
    const ids = new Set(reads.map((r) => r.headers.get('x-request-id')));
    const requestLines = log.lines.filter((l) => l.msg === 'request');
    assert.equal(requestLines.length, 4, 'one access line per request');
    for (const l of requestLines) assert.ok(ids.has(String(l.requestId)), 'the access line carries the answer\'s X-Request-Id');
    const text = log.text();
    for (const phi of ['DOE', 'JANE', '1980-01-17', secretToken, 'notadate']) assert.ok(!text.includes(phi), `no "${phi}" in the logs`);
    const notFound = requestLines.find((l) => l.status === 404);
    assert.equal(notFound?.route, '/Patient/:id', 'paths are logged by shape only');
  });

  it('logs upstream failures with the request id and the failure, never the query', async () => {
    log.lines.length = 0;
    const rule = stack.sim.faults.add({ match: { path: '/ws/DemographicService' }, mode: 'garbage' });
    const r = await stack.fhir('/Patient?family=ZZTOP');
    stack.sim.faults.remove(rule);
    assertOutcome(r, 502, 'exception');
    const line = log.lines.find((l) => l.msg === 'request failed');
    assert.ok(line);
    assert.equal(line.requestId, r.headers.get('x-request-id'));
    assert.equal(line.error, 'OscarProtocolError');
    assert.ok(!log.text().includes('ZZTOP'));
  });
});

describe('bugs become clean 500s', () => {
  it('a throwing router, or a response that cannot be serialised, is a 500 OperationOutcome and the server lives on', async () => {
    let mode = 0;
    const log = captureLogger('error');
    const h = await startHandler(async () => {
      if (mode === 0) throw new TypeError('cannot read properties of undefined (reading "family")');
      return { status: 200, headers: {}, body: { n: 1n } as unknown as object };
    }, { logger: log.logger });
    try {
      for (mode of [0, 1]) {
        const res = await fetch(`${h.base}/Patient/1`);
        const text = await res.text();
        assert.equal(res.status, 500);
        assert.equal(JSON.parse(text).issue[0].code, 'exception');
        assert.ok(!text.includes('family') && !text.includes('BigInt'), 'no internals in the answer');
        assert.ok(log.lines.some((l) => l.requestId === res.headers.get('x-request-id')), 'logged with the request id');
      }
    } finally { await h.close(); }
  });
});
