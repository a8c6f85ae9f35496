// The cache store: byte budgets, the separate document budget, single-flight, and invalidation
// racing a fetch in flight.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CacheStore, type UpstreamEntry } from '../../src/cache/store.js';

const entry = (value: unknown, size: number, tags: string[] = []): UpstreamEntry => ({ value, size, tags });

test('entries are bounded by bytes, not by count', async () => {
  const store = new CacheStore({ maxBytes: 10_000, documentMaxBytes: 0, ttlMs: 60_000 });
  for (let i = 0; i < 10; i++) await store.upstream('main', `k${i}`, async () => entry(i, 2_000));
  const u = store.usage().main;
  assert.ok(u.bytes <= 10_000, `held ${u.bytes} bytes`);
  assert.equal(u.entries, 5, 'the oldest entries were evicted to stay within the budget');
  let loads = 0;
  await store.upstream('main', 'k9', async () => { loads++; return entry(9, 2_000); });
  await store.upstream('main', 'k0', async () => { loads++; return entry(0, 2_000); });
  assert.equal(loads, 1, 'the newest entry is still cached, the oldest is gone');
});

test('document bytes have their own budget and never crowd out the main cache', async () => {
  const store = new CacheStore({ maxBytes: 10_000, documentMaxBytes: 40_000, ttlMs: 60_000 });
  await store.upstream('main', 'patient', async () => entry('p', 1_000));
  for (let i = 0; i < 20; i++) await store.upstream('documents', `doc${i}`, async () => entry('x', 9_000));
  const u = store.usage();
  assert.equal(u.main.entries, 1);
  assert.equal(u.documents.entries, 4, 'the newest four 9,000-byte documents fit the 40,000-byte budget');
  assert.equal(u.documents.bytes, 36_000);
  let loads = 0;
  await store.upstream('documents', 'doc19', async () => { loads++; return entry('x', 9_000); });
  assert.equal(loads, 0, 'a document within a quarter of the budget is served from the cache');
  await store.upstream('documents', 'huge', async () => entry('x', 30_000));
  assert.equal(store.usage().documents.entries, u.documents.entries, 'an entry over a quarter of the budget is not kept');
});

test('identical concurrent misses share one load', async () => {
  const store = new CacheStore({ maxBytes: 1_000_000, documentMaxBytes: 0, ttlMs: 60_000 });
  let loads = 0;
  const load = async (): Promise<UpstreamEntry> => { loads++; await new Promise((r) => setTimeout(r, 20)); return entry({ n: 1 }, 100); };
  const results = await Promise.all(Array.from({ length: 100 }, () => store.upstream('main', 'same', load)));
  assert.equal(loads, 1);
  assert.ok(results.every((r) => r.value === results[0]!.value));
});

test('an invalidation during a fetch lets its waiters have the answer but never stores it', async () => {
  const store = new CacheStore({ maxBytes: 1_000_000, documentMaxBytes: 0, ttlMs: 60_000 });
  let release!: () => void;
  const pending = store.upstream('main', 'k', () => new Promise<UpstreamEntry>((r) => { release = () => r(entry('before-write', 100, ['demographic:1'])); }));
  await new Promise((r) => setImmediate(r));
  store.invalidate(['demographic:1']);
  release();
  assert.equal((await pending).value, 'before-write');
  let loads = 0;
  const next = await store.upstream('main', 'k', async () => { loads++; return entry('after-write', 100, ['demographic:1']); });
  assert.equal(loads, 1, 'the pre-write answer was not cached');
  assert.equal(next.value, 'after-write');
});

test('invalidation by tag drops exactly the tagged entries', async () => {
  const store = new CacheStore({ maxBytes: 1_000_000, documentMaxBytes: 1_000_000, ttlMs: 60_000 });
  await store.upstream('main', 'a', async () => entry(1, 10, ['demographic:1']));
  await store.upstream('main', 'b', async () => entry(2, 10, ['demographic:2']));
  await store.upstream('documents', 'c', async () => entry(3, 10, ['documents:1']));
  store.invalidate(['demographic:1', 'documents:1']);
  let loads = 0;
  for (const k of ['a', 'b'] as const) await store.upstream('main', k, async () => { loads++; return entry(0, 10); });
  await store.upstream('documents', 'c', async () => { loads++; return entry(0, 10); });
  assert.equal(loads, 2, 'a and c were reloaded, b was still cached');
});
