// The sample's 95 % interval (scripts/mutate/interval.ts), against values worked out by hand from
// the Wilson formula.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { wilson95 } from '../../scripts/mutate/interval.js';

it('gives the Wilson 95 % interval of a sampled score', () => {
  assert.deepEqual(wilson95(45, 50), { low: 78.6, high: 95.7 });
  assert.deepEqual(wilson95(90, 100), { low: 82.6, high: 94.5 });
  assert.deepEqual(wilson95(50, 50), { low: 92.9, high: 100 });
  assert.deepEqual(wilson95(0, 10), { low: 0, high: 27.8 });
  assert.deepEqual(wilson95(0, 0), { low: 0, high: 100 });
});
