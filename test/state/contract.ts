// What every FacadeState must do, whatever keeps it: run against the in-process state and the
// PostgreSQL one alike. Lifetimes are short real times (the database keeps its own clock).
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { withLock, LockTimeoutError, type FacadeState } from '../../src/state/index.js';

export function stateContract(name: string, open: () => Promise<FacadeState>, clinic2?: () => Promise<FacadeState>): void {
  describe(`${name}: the state contract`, () => {
    let s: FacadeState;
    before(async () => { s = await open(); });
    after(async () => { await s.close(); });

    it('a once-key is claimed once until its lifetime ends', async () => {
      assert.equal(await s.once.claim('jti-a', 300), true);
      assert.equal(await s.once.claim('jti-a', 300), false, 'a replay within the lifetime is refused');
      assert.equal(await s.once.claim('jti-b', 300), true, 'another key is free');
      await sleep(400);
      assert.equal(await s.once.claim('jti-a', 300), true, 'free again after its lifetime');
    });

    it('rate limits: a minute\'s allowance, then the seconds to wait', async () => {
      for (let i = 0; i < 3; i++) assert.equal(await s.rateLimits.take('rl-k', 3), 0);
      const wait = await s.rateLimits.take('rl-k', 3);
      assert.ok(wait >= 1 && wait <= 20, `waits about 20 s for the next token, got ${wait}`);
      assert.equal(await s.rateLimits.take('rl-other', 3), 0, 'another key has its own bucket');
    });

    it('locks serialise one key, time out waiters, and free a key on release', async () => {
      const log: string[] = [];
      const job = (n: string) => withLock(s.locks, 'Patient/1', { waitMs: 5_000, leaseMs: 5_000 }, async () => {
        log.push(`${n}+`); await sleep(30); log.push(`${n}-`);
      });
      await Promise.all([job('a'), job('b')]);
      assert.ok(log.join() === 'a+,a-,b+,b-' || log.join() === 'b+,b-,a+,a-', log.join());
      const held = await s.locks.acquire('Patient/2', { waitMs: 1_000, leaseMs: 5_000 });
      await assert.rejects(s.locks.acquire('Patient/2', { waitMs: 50, leaseMs: 5_000 }), LockTimeoutError);
      await held.release();
      await held.release(); // idempotent
      const again = await s.locks.acquire('Patient/2', { waitMs: 200, leaseMs: 5_000 });
      await again.release();
    });

    it('documents: put, get, lifetimes, lookups, consume once, delete by lookup', async () => {
      await s.documents.put('Session', 's1', { a: 1 }, { lookup: { uid: 'u1', grantId: 'g1' } });
      await s.documents.put('AccessToken', 't1', { b: 2 }, { ttlMs: 300, lookup: { grantId: 'g1' } });
      await s.documents.put('AccessToken', 't2', { c: 3 }, { lookup: { grantId: 'g2' } });
      assert.deepEqual((await s.documents.get('Session', 's1'))?.value, { a: 1 });
      assert.equal(await s.documents.get('Session', 't1'), undefined, 'kinds are apart');
      const t1 = await s.documents.get('AccessToken', 't1');
      assert.ok(t1?.expiresAt && t1.expiresAt > Date.now() - 1_000 && t1.expiresAt < Date.now() + 2_000, 'expiresAt is about now + ttl');
      assert.equal((await s.documents.findBy<{ a: number }>('Session', 'uid', 'u1'))?.id, 's1');
      assert.equal(await s.documents.findBy('Session', 'uid', 'nobody'), undefined);
      assert.equal(await s.documents.consume('AccessToken', 't2'), true);
      assert.equal(await s.documents.consume('AccessToken', 't2'), false, 'only the first consume counts');
      assert.ok((await s.documents.get('AccessToken', 't2'))?.consumedAt);
      assert.equal(await s.documents.deleteBy('grantId', 'g1'), 2, 'every kind with that grant');
      assert.equal(await s.documents.get('Session', 's1'), undefined);
      await s.documents.put('Code', 'c1', { d: 4 }, { ttlMs: 100 });
      await sleep(200);
      assert.equal(await s.documents.get('Code', 'c1'), undefined, 'expired');
      assert.equal(await s.documents.consume('Code', 'c1'), false, 'an expired document cannot be consumed');
      assert.deepEqual(await s.documents.putIfAbsent('Key', 'k', { v: 'first' }), { v: 'first' });
      assert.deepEqual(await s.documents.putIfAbsent('Key', 'k', { v: 'second' }), { v: 'first' }, 'the first writer wins');
      await s.documents.delete('Key', 'k');
      assert.equal(await s.documents.get('Key', 'k'), undefined);
    });

    it('the vault gives back the bytes it was given, within their lifetime', async () => {
      const bytes = Uint8Array.from([0, 1, 2, 255, 128]);
      await s.vault.put('oscar-token:p1', bytes);
      bytes[0] = 9; // the caller's buffer is not the stored one
      assert.deepEqual([...(await s.vault.get('oscar-token:p1'))!], [0, 1, 2, 255, 128]);
      await s.vault.put('oscar-token:p2', Uint8Array.from([7]), { ttlMs: 100 });
      await sleep(200);
      assert.equal(await s.vault.get('oscar-token:p2'), undefined);
      await s.vault.delete('oscar-token:p1');
      assert.equal(await s.vault.get('oscar-token:p1'), undefined);
    });

    it('jobs run, keep their output, retry, fail and can be cancelled', async () => {
      const ran: string[] = [];
      let flaky = 0;
      await s.jobs.work<{ n: string }>('contract-q', async ({ data, signal }) => {
        ran.push(data.n);
        if (data.n === 'flaky' && flaky++ === 0) throw new Error('once');
        if (data.n === 'bad') throw new Error('always');
        if (data.n === 'slow') await new Promise((r) => signal.addEventListener('abort', r));
        return { done: data.n };
      }, { concurrency: 2 });
      const ok = await s.jobs.send('contract-q', { n: 'ok' });
      const flakyId = await s.jobs.send('contract-q', { n: 'flaky' }, { retryLimit: 1 });
      const bad = await s.jobs.send('contract-q', { n: 'bad' });
      const until = async (id: string, state: string) => {
        for (let i = 0; i < 200; i++) {
          const j = await s.jobs.get('contract-q', id);
          if (j?.state === state) return j;
          await sleep(50);
        }
        assert.fail(`job ${id} never reached ${state}: ${(await s.jobs.get('contract-q', id))?.state}`);
      };
      assert.deepEqual((await until(ok, 'completed')).output, { done: 'ok' });
      assert.deepEqual((await until(flakyId, 'completed')).output, { done: 'flaky' });
      assert.equal((await until(bad, 'failed')).state, 'failed');
      assert.equal((await s.jobs.get('contract-q', ok))?.data && ((await s.jobs.get<{ n: string }>('contract-q', ok))!.data.n), 'ok');
      const slow = await s.jobs.send('contract-q', { n: 'slow' });
      await until(slow, 'active');
      await s.jobs.cancel('contract-q', slow);
      assert.equal((await s.jobs.get('contract-q', slow))?.state, 'cancelled');
      assert.equal(await s.jobs.get('other-q', ok), undefined, 'a job belongs to its queue');
    });

    it('a retried job waits its retry delay before it runs again', async () => {
      const runs: number[] = [];
      await s.jobs.work<{ n: string }>('contract-delay-q', async () => {
        runs.push(Date.now());
        if (runs.length === 1) throw new Error('once');
        return { done: true };
      });
      const id = await s.jobs.send('contract-delay-q', { n: 'x' }, { retryLimit: 1, retryDelaySeconds: 2 });
      for (let i = 0; i < 200 && (await s.jobs.get('contract-delay-q', id))?.state !== 'completed'; i++) await sleep(50);
      assert.equal((await s.jobs.get('contract-delay-q', id))?.state, 'completed', 'the retry ran');
      assert.equal(runs.length, 2);
      const gap = runs[1]! - runs[0]!;
      assert.ok(gap >= 1_900, `the second run waited about 2 s, not ${gap} ms`);
    });

    if (clinic2) {
      it('clinics do not see each other\'s keys', async () => {
        const other = await clinic2();
        try {
          assert.equal(await s.once.claim('shared-jti', 5_000), true);
          assert.equal(await other.once.claim('shared-jti', 5_000), true, 'the same key in another clinic is another key');
          await s.documents.put('Doc', 'd', { clinic: s.clinic });
          assert.equal(await other.documents.get('Doc', 'd'), undefined);
        } finally { await other.close(); }
      });
    }
  });
}
