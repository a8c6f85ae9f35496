// The bounded upstream queue: at most OSCAR_MAX_IN_FLIGHT calls reach OSCAR at once, at most
// OSCAR_MAX_QUEUE wait, and everything beyond is refused at once with a 503 — memory does not
// grow with the backlog and OSCAR never sees more than its share.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startStack, type Stack } from '../helpers/stack.js';
import { assertOutcome, waitFor } from './support.js';

let stack: Stack;
before(async () => {
  stack = await startStack({ env: { OSCAR_MAX_IN_FLIGHT: '1', OSCAR_MAX_QUEUE: '2', OSCAR_BREAKER_THRESHOLD: '1000', CACHE_MAX_BYTES: '0' } });
  assert.equal((await stack.fhir('/Patient/1001')).status, 200);
});
after(async () => { await stack.close(); });

it('a full queue answers 503 + Retry-After at once, and OSCAR never sees more than the bound', async () => {
  const rule = stack.sim.faults.add({ match: { path: '/ws/DemographicService' }, mode: 'latency', latencyMs: 150 });
  stack.sim.stats.reset();
  const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => stack.fhir(`/Patient/${1030 + i}`)));
  stack.sim.faults.remove(rule);
  const refused = answers.filter((r) => r.status === 503);
  const served = answers.filter((r) => r.status === 200);
  assert.ok(refused.length >= 1, `some requests were refused (statuses ${answers.map((r) => r.status).join(',')})`);
  assert.ok(served.length >= 1, 'the queue still served what it could hold');
  assert.equal(refused.length + served.length, answers.length, 'nothing else than 200 or 503');
  for (const r of refused) {
    assertOutcome(r, 503, 'transient');
    assert.match(r.headers.get('retry-after') ?? '', /^\d+$/);
  }
  assert.equal(stack.sim.stats.snapshot().maxInFlight, 1, 'OSCAR saw one call at a time');
  // A refused read may leave its sibling call finishing in the background; the queue then drains.
  await waitFor(() => stack.facade.oscar.load().inFlight === 0 && stack.facade.oscar.load().queued === 0, 2_000, 'the queue to drain');
});
