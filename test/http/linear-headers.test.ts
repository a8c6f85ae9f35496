// Headers any client can send are parsed in linear time: a hostile If-None-Match / If-Match or
// Content-Type must cost about what a normal request costs, and never stall other clients. The
// server runs in its own process so that a frozen event loop shows up as a timeout here.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { slowestOf, startServerProcess, timed, type ServerProcess } from './server-process.js';

/** 15,000 spaces between a tag and `x"y`: the shape that made the old pattern backtrack. */
const HOSTILE_ETAGS = `a,${' '.repeat(15_000)}x"y`;

describe('hostile headers cost what a normal request costs', () => {
  let srv: ServerProcess;
  let fhir: string;
  /** Generous: twenty times the slowest of a few normal reads in this run, and never under half a second. */
  let budget: number;
  let current: { body: string; etag: string };
  before(async () => {
    srv = await startServerProcess({ CACHE_MAX_BYTES: '0' });
    fhir = `${srv.origin}/fhir`;
    const first = await fetch(`${fhir}/Patient/1001`);
    current = { etag: first.headers.get('etag')!, body: await first.text() };
    const slowest = await slowestOf(5, `${fhir}/Patient/1001`, { headers: { 'if-none-match': 'W/"0123456789abcdef"' } });
    budget = Math.max(20 * slowest, 500);
  });
  after(async () => { await srv.stop(); });

  it('If-None-Match with 15,000 spaces answers within the budget while /healthz stays responsive', async () => {
    const attack = timed(`${fhir}/Patient/1001`, { headers: { 'if-none-match': HOSTILE_ETAGS } }, 2 * budget);
    await new Promise((r) => setTimeout(r, 20));
    const health = await timed(`${srv.origin}/healthz`, {}, 2 * budget);
    const a = await attack;
    assert.equal(a.timedOut, false, `the read answered within ${2 * budget} ms`);
    assert.equal(a.status, 200, 'no listed version matches: a full answer');
    assert.ok(a.ms <= budget, `hostile read took ${a.ms.toFixed(0)} ms, budget ${budget.toFixed(0)} ms`);
    assert.equal(health.timedOut, false, '/healthz answered meanwhile');
    assert.equal(health.status, 200);
    assert.ok(health.ms <= budget, `/healthz took ${health.ms.toFixed(0)} ms, budget ${budget.toFixed(0)} ms`);
  });

  it('If-Match with 15,000 spaces on an update is a quick 412', async () => {
    const r = await timed(`${fhir}/Patient/1001`, {
      method: 'PUT', headers: { 'content-type': 'application/fhir+json', 'if-match': HOSTILE_ETAGS }, body: current.body,
    }, 2 * budget);
    assert.equal(r.timedOut, false);
    assert.equal(r.status, 412, r.text.slice(0, 200));
    assert.ok(r.ms <= budget, `took ${r.ms.toFixed(0)} ms, budget ${budget.toFixed(0)} ms`);
  });

  it('a list of more than 64 entity tags is a 400; 64 are read as usual', async () => {
    const others = Array.from({ length: 63 }, (_, i) => `W/"${i.toString(16).padStart(16, '0')}"`);
    const ok = await timed(`${fhir}/Patient/1001`, { headers: { 'if-none-match': [...others, current.etag].join(', ') } }, 2 * budget);
    assert.equal(ok.status, 304, 'the 64th tag is the current version');
    const tooMany = await timed(`${fhir}/Patient/1001`, { headers: { 'if-none-match': [...others, 'W/"x"', current.etag].join(', ') } }, 2 * budget);
    assert.equal(tooMany.status, 400);
    assert.match(tooMany.text, /at most 64 entity tags/);
  });

  it('a Content-Type charset parameter full of spaces costs no more than a normal one', async () => {
    // The first charset satisfies the body reader; the second is the one a quadratic pattern chewed on.
    const hostile = `application/fhir+json; charset=utf-8; charset=${' '.repeat(15_000)}a"b`;
    const body = JSON.stringify({ resourceType: 'Patient', name: [{ family: 'x' }] });
    const send = (contentType: string) => timed(`${fhir}/Patient/$validate`, { method: 'POST', headers: { 'content-type': contentType }, body }, 2 * budget);
    let normalMs = 0;
    let hostileMs = 0;
    for (let i = 0; i < 5; i++) {
      const n = await send('application/fhir+json; charset=utf-8');
      const h = await send(hostile);
      assert.ok(!n.timedOut && !h.timedOut, 'both answered');
      assert.notEqual(h.status, 500);
      normalMs += n.ms;
      hostileMs += h.ms;
    }
    assert.ok(hostileMs <= 3 * normalMs + 100, `hostile ${hostileMs.toFixed(0)} ms vs normal ${normalMs.toFixed(0)} ms for five each`);
  });
});
