// Background work (bulk export) shares the limiter with interactive reads without starving them
// (src/oscar/guard/priority.ts, limiter.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Limiter } from '../../src/oscar/guard/limiter.js';
import { inBackground } from '../../src/oscar/guard/priority.js';

const settled = async <T>(p: Promise<T>): Promise<boolean> => {
  let done = false;
  void p.then(() => { done = true; }, () => { done = true; });
  await new Promise((r) => setImmediate(r));
  return done;
};

describe('background priority in the OSCAR limiter', () => {
  it('background calls never take the last free slot: an interactive call gets it at once', async () => {
    const l = new Limiter({ maxInFlight: 2, maxQueue: 10, maxWaitMs: 1000 });
    const b1 = inBackground(() => l.acquire('bg'));
    const b2 = inBackground(() => l.acquire('bg'));
    assert.equal(await settled(b1), true);
    assert.equal(await settled(b2), false, 'the second background call waits (share: all slots but one)');
    const i1 = l.acquire('front-desk');
    assert.equal(await settled(i1), true, 'the interactive call is not queued behind background work');
    (await i1)();
    (await b1)();
    assert.equal(await settled(b2), true);
    (await b2)();
  });

  it('a freed slot goes to a waiting interactive call before a waiting background one', async () => {
    const l = new Limiter({ maxInFlight: 2, maxQueue: 10, maxWaitMs: 1000, maxBackground: 2 });
    const held = [await inBackground(() => l.acquire('bg')), await inBackground(() => l.acquire('bg'))];
    const bg = inBackground(() => l.acquire('bg'));
    const front = l.acquire('front-desk');
    assert.equal(await settled(front), false);
    held[0]!();
    assert.equal(await settled(front), true, 'interactive first');
    assert.equal(await settled(bg), false);
    held[1]!();
    assert.equal(await settled(bg), true);
    (await front)();
    (await bg)();
    assert.equal(l.inFlight, 0);
  });
});
