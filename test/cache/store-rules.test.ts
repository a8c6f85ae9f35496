// The cache store's rules at their edges (src/cache/store.ts): half the TTL per level, a quarter
// of a budget per entry, sizes counted in whole bytes, fresh loads, what the observer hears, and
// that invalidation and clearing count in `seq` and reach exactly the entries they name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CacheStore, type CacheObserver, type UpstreamEntry } from '../../src/cache/store.js';

const entry = (value: unknown, size: number, tags: string[] = []): UpstreamEntry => ({ value, size, tags });
const store = (over: Partial<ConstructorParameters<typeof CacheStore>[0]> = {}): CacheStore =>
  new CacheStore({ maxBytes: 10_000, documentMaxBytes: 0, ttlMs: 600_000, ...over });

test('each level keeps an entry half the configured TTL, at least a millisecond', () => {
  assert.equal(store({ ttlMs: 600_000 }).entryTtlMs, 300_000);
  assert.equal(store({ ttlMs: 3 }).entryTtlMs, 1);
  assert.equal(store({ ttlMs: 1 }).entryTtlMs, 1);
});

test('an entry is served until half the TTL has passed, then loaded again', async () => {
  const s = store({ ttlMs: 1_000 });
  let loads = 0;
  const load = async (): Promise<UpstreamEntry> => { loads++; return entry(loads, 10); };
  await s.upstream('main', 'k', load);
  await new Promise((r) => setTimeout(r, 650));
  assert.equal((await s.upstream('main', 'k', load)).value, 2);
});

test('a main entry may take a quarter of the budget, not more', () => {
  const s = store({ maxBytes: 10_000 });
  const at = { tags: [], size: 2_500 };
  assert.equal(s.set('quarter', at), true);
  assert.equal(s.get('quarter'), at);
  assert.equal(s.set('over', { tags: [], size: 2_501 }), false);
  assert.equal(s.get('over'), undefined);
  assert.equal(store({ maxBytes: 3 }).set('tiny', { tags: [], size: 1 }), true, 'a budget under 4 bytes still keeps a 1-byte entry');
});

test('sizes count in whole bytes, at least one', () => {
  const s = store();
  s.set('a', { tags: [], size: 0 });
  s.set('b', { tags: [], size: 10.1 });
  assert.deepEqual(s.usage().main, { bytes: 12, entries: 2, maxBytes: 10_000 });
});

test('without a document budget, documents are loaded every time and reported as none', async () => {
  const s = store({ documentMaxBytes: 0 });
  assert.equal(s.has('main'), true);
  assert.equal(s.has('documents'), false);
  let loads = 0;
  const load = async (): Promise<UpstreamEntry> => { loads++; return entry('d', 10); };
  await s.upstream('documents', 'd', load);
  await s.upstream('documents', 'd', load);
  assert.equal(loads, 2);
  assert.deepEqual(s.usage().documents, { bytes: 0, entries: 0, maxBytes: 0 });
  assert.equal(store({ documentMaxBytes: 1 }).has('documents'), true);
  assert.deepEqual(store({ documentMaxBytes: 4_000 }).usage().documents, { bytes: 0, entries: 0, maxBytes: 4_000 });
});

test('a document may take a quarter of its budget', async () => {
  const s = store({ documentMaxBytes: 4_000 });
  await s.upstream('documents', 'quarter', async () => entry('q', 1_000));
  await s.upstream('documents', 'over', async () => entry('o', 1_001));
  assert.equal(s.usage().documents.entries, 1);
});

test('a fresh load replaces the cached entry', async () => {
  const s = store();
  await s.upstream('main', 'k', async () => entry('old', 10));
  const fresh = await s.upstream('main', 'k', async () => entry('new', 10), true);
  assert.equal(fresh.value, 'new');
  assert.equal((await s.upstream('main', 'k', async () => entry('never', 10))).value, 'new');
});

test('a fresh load does not join a fetch already in flight, whose answer then goes to its own waiters only', async () => {
  const s = store();
  let finishOld!: (e: UpstreamEntry) => void;
  const old = s.upstream('main', 'k', () => new Promise<UpstreamEntry>((r) => { finishOld = r; }));
  const fresh = s.upstream('main', 'k', async () => entry('new', 10), true);
  finishOld(entry('old', 10));
  assert.equal((await fresh).value, 'new');
  assert.equal((await old).value, 'old');
  assert.equal((await s.upstream('main', 'k', async () => entry('never', 10))).value, 'new', 'the older answer was not stored over it');
});

test('the observer hears hits, misses, joined misses and removals with their reason', async () => {
  const heard: string[] = [];
  const observer: CacheObserver = {
    hit: (c, l) => heard.push(`hit ${c} ${l}`), miss: (c, l) => heard.push(`miss ${c} ${l}`),
    coalesced: (c) => heard.push(`coalesced ${c}`), removed: (c, r) => heard.push(`removed ${c} ${r}`),
  };
  const s = store({ observer, documentMaxBytes: 4_000 });
  let release!: () => void;
  const slow = (): Promise<UpstreamEntry> => new Promise((r) => { release = () => r(entry(1, 10, ['t:1'])); });
  const first = s.upstream('main', 'k', slow);
  const joined = s.upstream('main', 'k', slow);
  await new Promise((r) => setImmediate(r));
  release();
  await Promise.all([first, joined]);
  await s.upstream('main', 'k', slow);
  await s.upstream('documents', 'd', async () => entry(2, 10, ['t:2']));
  s.invalidate(['t:1', 't:2']);
  assert.deepEqual(heard, [
    'miss main upstream', 'coalesced main', 'hit main upstream', 'miss documents upstream', 'removed main delete', 'removed documents delete',
  ]);
});

test('an entry stored again under new tags no longer answers to its old ones', async () => {
  const s = store();
  s.set('k', { tags: ['demographic:1'], size: 10 });
  s.set('k', { tags: ['demographic:2'], size: 10 });
  s.invalidate(['demographic:1']);
  assert.notEqual(s.get('k'), undefined);
  s.invalidate(['demographic:2']);
  assert.equal(s.get('k'), undefined);
});

test('a tag shared by two entries reaches both, also after one of them went', async () => {
  const s = store();
  s.set('a', { tags: ['appointment-lists'], size: 10 });
  s.set('b', { tags: ['appointment-lists'], size: 10 });
  s.set('c', { tags: ['appointment-lists'], size: 10 });
  s.invalidate(['x']);
  s.set('a', { tags: [], size: 10 });
  s.invalidate(['appointment-lists']);
  assert.deepEqual([s.get('a') !== undefined, s.get('b'), s.get('c')], [true, undefined, undefined]);
});

test('a tag keeps naming its entries as they come and go, one or several', async () => {
  const s = store();
  const held = (...keys: string[]): boolean[] => keys.map((k) => s.get(k) !== undefined);
  s.set('a', { tags: ['t'], size: 10 });
  s.set('a', { tags: ['t', 'u'], size: 10 }); // the same entry stored again under the same tag
  s.invalidate(['t']);
  assert.deepEqual(held('a'), [false], 'one entry, stored twice');
  s.set('a', { tags: ['t'], size: 10 });
  s.set('b', { tags: ['t'], size: 10 });
  s.set('a', { tags: ['u'], size: 10 }); // a leaves t: b alone is left under it
  s.set('c', { tags: ['v'], size: 10 });
  s.invalidate(['t']);
  assert.deepEqual(held('a', 'b', 'c'), [true, false, true], 'the one left of two');
  s.set('b', { tags: ['t'], size: 10 });
  s.invalidate(['u']);
  assert.deepEqual(held('a', 'b'), [false, true], 'a tag whose one entry went names nothing more');
  s.set('a', { tags: ['t'], size: 10 });
  s.invalidate(['t']);
  assert.deepEqual(held('a', 'b', 'c'), [false, false, true], 'two again');
});

test('every invalidation and every clear counts in seq; a clear forgets both budgets', async () => {
  const s = store({ documentMaxBytes: 4_000 });
  assert.equal(s.seq, 0);
  s.invalidate([]);
  assert.equal(s.seq, 1);
  s.set('a', { tags: ['t'], size: 10 });
  await s.upstream('documents', 'd', async () => entry('d', 10, ['t']));
  s.clear();
  assert.equal(s.seq, 2);
  assert.deepEqual([s.usage().main.entries, s.usage().documents.entries], [0, 0]);
  s.set('a', { tags: [], size: 10 });
  s.invalidate(['t']);
  assert.notEqual(s.get('a'), undefined, 'a clear forgets the old tags too');
});

test('an invalidation also drops a fetch in flight under another tag, and a second fetch of that key stays joinable', async () => {
  const s = store();
  let release!: (v: UpstreamEntry) => void;
  const pending = s.upstream('main', 'k', () => new Promise<UpstreamEntry>((r) => { release = r; }));
  await new Promise((r) => setImmediate(r));
  s.invalidate(['unrelated:1']);
  release(entry('before', 10, ['demographic:1']));
  assert.equal((await pending).value, 'before');
  let loads = 0;
  assert.equal((await s.upstream('main', 'k', async () => { loads++; return entry('after', 10); })).value, 'after');
  assert.equal(loads, 1);
  assert.equal((await s.upstream('main', 'k', async () => { loads++; return entry('again', 10); })).value, 'after');
});

test('while two fetches of one key run (one started after an invalidation), the first ending leaves the second droppable', async () => {
  const s = store();
  const releases: ((v: UpstreamEntry) => void)[] = [];
  const slow = (): Promise<UpstreamEntry> => new Promise<UpstreamEntry>((r) => { releases.push(r); });
  const first = s.upstream('main', 'k', slow);
  await new Promise((r) => setImmediate(r));
  s.invalidate(['x:1']); // the first fetch may carry pre-write data: never stored
  const second = s.upstream('main', 'k', slow);
  await new Promise((r) => setImmediate(r));
  assert.equal(releases.length, 2, 'the second read started its own fetch');
  releases[0]!(entry('first', 10));
  await first;
  s.invalidate(['x:2']); // a second write while the second fetch still runs
  releases[1]!(entry('second, before the write', 10));
  assert.equal((await second).value, 'second, before the write');
  assert.equal((await s.upstream('main', 'k', async () => entry('after', 10))).value, 'after', 'the second answer was not kept');
});
