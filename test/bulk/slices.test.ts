// An export's CPU work steps aside to the event loop every few milliseconds (src/bulk/slices.ts),
// so an interactive request waiting on a socket is served during a long batch, not after it.
// The clock is the test's: each record "takes" a set time, so no result depends on the machine's load.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { timeSlices } from '../../src/bulk/slices.js';

/** Runs `records` records of `msEach` each (on the fake clock), pausing after each; returns after which record a waiting callback ran. */
async function work(records: number, msEach: number, sliceMs: number): Promise<{ servedAfter: number | undefined; turns: number }> {
  let now = 0;
  const pause = timeSlices(sliceMs, () => now);
  let done = 0;
  let servedAfter: number | undefined;
  let turns = 0;
  let counting = true;
  const count = (): void => { if (!counting) return; turns++; setImmediate(count); };
  setImmediate(() => { servedAfter = done; });
  setImmediate(count);
  for (let i = 0; i < records; i++) {
    now += msEach;
    done++;
    await pause();
  }
  counting = false;
  return { servedAfter, turns };
}

describe('export time slices', () => {
  it('a waiting callback runs as soon as a slice of work is over, not after the whole batch', async () => {
    const { servedAfter } = await work(60, 1, 4);
    assert.equal(servedAfter, 4, 'served after the 4th 1-ms record');
  });

  it('yields once per slice, not once per record', async () => {
    const { turns } = await work(40, 0.5, 4);
    assert.equal(turns, 5, '20 ms of work in 4 ms slices');
  });

  it('records slower than a slice yield after each one', async () => {
    const { turns } = await work(10, 5, 4);
    assert.equal(turns, 10);
  });

  it('an await of a resolved promise alone would not let the callback in (the reason for the slices)', async () => {
    let served = false;
    setImmediate(() => { served = true; });
    for (let i = 0; i < 20; i++) await Promise.resolve();
    assert.equal(served, false);
  });
});
