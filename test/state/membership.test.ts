// Splitting a bound meant for the whole clinic (OSCAR_MAX_IN_FLIGHT) between its instances.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inProcessState, shareOf } from '../../src/state/index.js';

const shares = (bound: number, count: number): number[] => Array.from({ length: count }, (_, rank) => shareOf(bound, { rank, count }));

describe('shares of the clinic\'s OSCAR bound', () => {
  it('one instance has the whole bound', () => {
    assert.deepEqual(shares(4, 1), [4]);
  });

  it('instances split it in whole slots that add up to it, the first ones taking the remainder', () => {
    assert.deepEqual(shares(4, 2), [2, 2]);
    assert.deepEqual(shares(5, 2), [3, 2]);
    assert.deepEqual(shares(4, 3), [2, 1, 1]);
    assert.deepEqual(shares(10, 4), [3, 3, 2, 2]);
  });

  it('every instance keeps one slot when there are more instances than the bound', () => {
    assert.deepEqual(shares(2, 3), [1, 1, 1]);
  });

  it('an instance on the in-process state is alone', () => {
    assert.deepEqual(inProcessState().membership.place(), { rank: 0, count: 1 });
  });
});
