// The circuit breaker seen from a FHIR client: after repeated failures the facade stops calling
// a sick OSCAR and answers 503 + Retry-After at once; after the cooldown one probe goes through;
// a failed probe re-opens the circuit, a good one closes it and service resumes.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startStack, type Stack } from '../helpers/stack.js';
import { assertOutcome, sleep } from './support.js';

const COOLDOWN_MS = 400;
let stack: Stack;
before(async () => {
  stack = await startStack({
    env: { OSCAR_TIMEOUT_MS: '5000', OSCAR_RETRIES: '0', OSCAR_BREAKER_THRESHOLD: '3', OSCAR_BREAKER_COOLDOWN_MS: String(COOLDOWN_MS), CACHE_MAX_BYTES: '0' },
  });
  assert.equal((await stack.fhir('/Patient/1001')).status, 200);
});
after(async () => { await stack.close(); });

const family = 'soap:DemographicService';
const hitsOf = (id: string): number => stack.sim.faults.list().find((f) => f.id === id)?.hits ?? 0;

it('opens after repeated failures, answers at once without calling OSCAR, probes, and closes on recovery', async () => {
  const rule = stack.sim.faults.add({ match: { path: '/ws/DemographicService' }, mode: 'reset' });
  for (let i = 0; i < 3 && stack.facade.oscar.breakerState(family) === 'closed'; i++) {
    assertOutcome(await stack.fhir(`/Patient/${1002 + i}`), 503, 'transient');
  }
  assert.equal(stack.facade.oscar.breakerState(family), 'open');

  // Open: a 503 that tells the client when to come back, answered without waiting on OSCAR
  // because nothing is sent to it (the no-call check below, not a stopwatch, proves "at once").
  const before = hitsOf(rule);
  const fast = await stack.fhir('/Patient/1010');
  assertOutcome(fast, 503, 'transient');
  const retryAfter = Number(fast.headers.get('retry-after'));
  assert.ok(retryAfter >= 1 && retryAfter <= Math.ceil(COOLDOWN_MS / 1000), `Retry-After ${retryAfter}`);
  assert.equal(hitsOf(rule), before, 'no call while the circuit is open');
  // Other endpoint families are not affected (the REST family is separate).
  assert.equal(stack.facade.oscar.breakerState('rest'), 'closed');

  // After the cooldown a probe goes out; OSCAR is still sick, so the circuit opens again.
  await sleep(COOLDOWN_MS + 50);
  assertOutcome(await stack.fhir('/Patient/1011'), 503, 'transient');
  assert.ok(hitsOf(rule) > before, 'a probe was let through');
  assert.equal(stack.facade.oscar.breakerState(family), 'open');

  // OSCAR recovers: the next probe succeeds and the circuit closes.
  stack.sim.faults.remove(rule);
  await sleep(COOLDOWN_MS + 50);
  const ok = await stack.fhir('/Patient/1012');
  assert.equal(ok.status, 200);
  assert.equal(stack.facade.oscar.breakerState(family), 'closed');
  assert.equal((await stack.fhir('/Patient/1013')).status, 200);
});

it('a SOAP fault does not open the circuit: OSCAR answered, if unhappily', async () => {
  const rule = stack.sim.faults.add({ match: { path: '/ws/DemographicService' }, mode: 'soapFault' });
  for (let i = 0; i < 5; i++) assertOutcome(await stack.fhir(`/Patient/${1020 + i}`), 502, 'exception');
  stack.sim.faults.remove(rule);
  assert.equal(stack.facade.oscar.breakerState(family), 'closed');
});
