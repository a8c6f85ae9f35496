// The in-process state (the default) keeps the state contract, and stays bounded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inProcessState, InProcessOnceKeys, StateUnavailableError } from '../../src/state/index.js';
import { stateContract } from './contract.js';

stateContract('in-process', async () => inProcessState(), async () => inProcessState('clinic-2'));

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
