// The in-process state (the default) keeps the state contract, and stays bounded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inProcessState, InProcessOnceKeys, StateUnavailableError } from '../../src/state/index.js';
import { stateContract } from './contract.js';

stateContract('in-process', async () => inProcessState(), async () => inProcessState('clinic-2'));

describe('in-process job retries', () => {
  it('runs a retry whose timer fired before the wall clock reached its time (clock set back meanwhile)', async (t) => {
    const real = Date.now.bind(Date);
    let back = 0;
    t.mock.method(Date, 'now', () => real() - back);
    const state = inProcessState();
    const runs: number[] = [];
    await state.jobs.work<{ n: string }>('set-back-q', async () => {
      runs.push(real());
      if (runs.length === 1) {
        // After the retry time is set: the wall clock goes back 150 ms, as an NTP step would.
        setTimeout(() => { back = 150; }, 20);
        throw new Error('once');
      }
      return { done: true };
    });
    const id = await state.jobs.send('set-back-q', { n: 'x' }, { retryLimit: 1, retryDelaySeconds: 0.2 });
    for (let i = 0; i < 100 && (await state.jobs.get('set-back-q', id))?.state !== 'completed'; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal((await state.jobs.get('set-back-q', id))?.state, 'completed', 'the retry ran');
    assert.equal(runs.length, 2);
    assert.ok(runs[1]! - runs[0]! >= 340, `it waited for the wall clock: ${runs[1]! - runs[0]!} ms`);
  });
});

describe('in-process state bounds', () => {
  it('refuses a claim rather than forget a live one when the table is full', async () => {
    let now = 0;
    const once = new InProcessOnceKeys(2, () => now);
    assert.equal(await once.claim('a', 1_000), true);
    assert.equal(await once.claim('b', 1_000), true);
    await assert.rejects(once.claim('c', 1_000), StateUnavailableError);
    assert.equal(await once.claim('a', 1_000), false, 'a is still remembered');
    now = 2_000;
    assert.equal(await once.claim('c', 1_000), true, 'expired entries make room');
  });
});
