// The in-process write lock: one holder per key, waiters served in order, bounded waits and leases.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { InProcessLocks, LockTimeoutError, withLock } from '../../src/state/index.js';

const LONG = { waitMs: 5_000, leaseMs: 5_000 };

describe('InProcessLocks', () => {
  it('runs holders of one key one at a time, in arrival order; other keys do not wait', async () => {
    const locks = new InProcessLocks();
    const log: string[] = [];
    const job = (key: string, name: string, ms: number) => withLock(locks, key, LONG, async () => {
      log.push(`${name}+`); await sleep(ms); log.push(`${name}-`);
    });
    await Promise.all([job('A', 'a1', 30), job('A', 'a2', 1), job('B', 'b1', 1), job('A', 'a3', 1)]);
    assert.deepEqual(log.filter((x) => x.startsWith('a')), ['a1+', 'a1-', 'a2+', 'a2-', 'a3+', 'a3-']);
    assert.ok(log.indexOf('b1-') < log.indexOf('a1-'), 'key B ran while A was held');
    assert.equal(locks.size, 0, 'nothing is left behind');
  });

  it('releases when the holder throws', async () => {
    const locks = new InProcessLocks();
    await assert.rejects(withLock(locks, 'k', LONG, async () => { throw new Error('boom'); }), /boom/);
    assert.equal(await withLock(locks, 'k', { waitMs: 10, leaseMs: 1_000 }, async () => 'next'), 'next');
  });

  it('a waiter gives up after waitMs with LockTimeoutError and leaves the queue', async () => {
    const locks = new InProcessLocks();
    const lease = await locks.acquire('k', LONG);
    await assert.rejects(locks.acquire('k', { waitMs: 20, leaseMs: 1_000 }), LockTimeoutError);
    await lease.release();
    assert.equal(locks.size, 0);
  });

  it('a holder that never releases loses the key when its lease ends', async () => {
    const locks = new InProcessLocks();
    const stuck = await locks.acquire('k', { waitMs: 1_000, leaseMs: 30 });
    const next = await locks.acquire('k', { waitMs: 1_000, leaseMs: 1_000 });
    await stuck.release(); // late: must not free the key the next holder has
    await assert.rejects(locks.acquire('k', { waitMs: 20, leaseMs: 1_000 }), LockTimeoutError);
    await next.release();
  });
});
