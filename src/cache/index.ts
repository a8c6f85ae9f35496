// The facade's cache: what is cached where, and how it is kept correct.
//
//  1. Upstream answers (cached-oscar.ts): every OSCAR read the resources make, keyed by OSCAR
//     instance + canonical request, byte-bounded (CACHE_MAX_BYTES; document bytes in their own
//     CACHE_DOCUMENT_MAX_BYTES budget), single-flight for identical concurrent misses.
//  2. Rendered reads (read-cache.ts): the serialised bytes + ETag of `GET Type/id`, so a hit skips
//     the router, mapping, validation and serialisation. Auth hooks still run on every hit.
//  Neither depends on who asked: authorization runs on every request, before and after the cache.
//
// Keeping it correct:
//  - a write through the facade invalidates what it touched in one place, the wrapped client
//    (cached-oscar.ts, rules in upstream-ops.ts), once its OSCAR call was sent, failed and timed-out
//    calls included (OSCAR may have applied them); the response is built after that, so the
//    write is visible on the very next read. A write refused before its OSCAR call drops nothing;
//  - other instances sharing the state (src/state) are told through its invalidation bus, and the
//    write's response waits until they have applied it; an instance that may have missed a
//    message drops everything. A write is refused (503) before its OSCAR call when the bus is down;
//  - while a write request runs, its reads go to OSCAR (fresh-reads.ts), so its If-Match check and
//    the record an update starts from are OSCAR's current ones;
//  - changes made directly in OSCAR: the change feed (change-feed.ts) evicts them within
//    CHANGE_POLL_SECONDS + one poll; nothing is served older than CACHE_TTL_SECONDS (each level
//    keeps entries for half of it, as a rendered read may be built from an upstream entry).
import type { OscarClient } from '../oscar/client.js';
import type { Logger } from '../logging.js';
import type { Registry, RouterHooks } from '../fhir/index.js';
import { ChangeFeed, type ChangeFeedObserver } from './change-feed.js';
import { tagsOfChanges, wrapOscar } from './cached-oscar.js';
import { instanceId, type OscarIdentity } from './keys.js';
import { recordKindsOf } from './fhir-records.js';
import { FreshReads } from './fresh-reads.js';
import { createReadCache, type ServeFn } from './read-cache.js';
import { CacheStore, type CacheObserver, type CacheName } from './store.js';
import type { RecordChange } from './tags.js';
import type { FacadeState, Invalidation } from '../state/index.js';

export type { RecordChange, RecordKind } from './tags.js';
export type { CacheObserver, CacheName } from './store.js';
export type { ChangeFeedObserver } from './change-feed.js';
export type { ServeFn } from './read-cache.js';
export type { OscarIdentity } from './keys.js';

export interface CacheInvalidation {
  /** Forget every cached answer built from these OSCAR records (tags.ts), here and on the other instances. */
  invalidate(...changes: RecordChange[]): Promise<void>;
  /** Forget everything, here and on the other instances. */
  invalidateAll(): Promise<void>;
}

const NO_CACHE: CacheInvalidation = { invalidate: async () => {}, invalidateAll: async () => {} };

export interface CacheSettings {
  /** Budget of upstream answers + rendered reads; 0 = no cache at all. */
  maxBytes: number;
  /** Budget of answers carrying document bytes; 0 = never cache them. */
  documentMaxBytes: number;
  ttlSeconds: number;
  /** Change-feed poll interval; 0 = no polling (TTL only). */
  pollSeconds: number;
  /** Rows one change-feed poll asks each OSCAR delta operation for (LIMIT_CHANGE_FEED_ROWS). */
  feedRows: number;
}

export interface FacadeCacheOptions {
  oscar: OscarClient;
  identity: OscarIdentity;
  settings: CacheSettings;
  timezone: string;
  logger?: Logger;
  observer?: CacheObserver;
  feedObserver?: ChangeFeedObserver;
  /** Other instances: evictions told to them and heard from them, and who polls the change feed. */
  state?: Pick<FacadeState, 'invalidation' | 'leadership'>;
}

export interface FacadeCache extends CacheInvalidation {
  readonly enabled: boolean;
  /** The client the resources use (reads cached, writes invalidating). */
  readonly oscar: OscarClient;
  /**
   * The FHIR handler's front (fhir-handler `serve`): rendered hits, answered after the router's
   * auth hooks (`hooks`, the very ones the router runs) allow them; writes with fresh reads.
   * The registry's definitions say which OSCAR record each type is (recordKind).
   */
  /** `routes`: the routing fingerprint in force (read-cache.ts ReadCacheOptions.routes). */
  serveWith(hooks: Pick<RouterHooks, 'beforeInteraction' | 'checkResource'>, baseUrl: string, registry: Pick<Registry, 'all'>, routes?: () => string): ServeFn;
  /** Bytes and entries held, per budget. */
  usage(): Record<CacheName, { bytes: number; entries: number; maxBytes: number }>;
  /** ms epoch of the last change-feed poll in which every feed answered (0 = never / no feed). */
  lastChangePoll(): number;
  /** Polls the change feed now (tests, operators); resolves with the number of changes applied. */
  pollChanges(): Promise<number>;
  /** Starts the change feed (if configured). */
  start(): void;
  close(): void;
}

export function createFacadeCache(o: FacadeCacheOptions): FacadeCache {
  const { settings } = o;
  const passThrough: ServeFn = (req, router) => router(req);
  if (settings.maxBytes <= 0) {
    return {
      enabled: false, oscar: o.oscar, serveWith: () => passThrough, ...NO_CACHE,
      usage: () => ({ main: { bytes: 0, entries: 0, maxBytes: 0 }, documents: { bytes: 0, entries: 0, maxBytes: 0 } }),
      lastChangePoll: () => 0, pollChanges: async () => 0, start: () => {}, close: () => {},
    };
  }
  const store = new CacheStore({ maxBytes: settings.maxBytes, documentMaxBytes: settings.documentMaxBytes, ttlMs: settings.ttlSeconds * 1000, observer: o.observer });
  const instance = instanceId(o.identity);
  const bus = o.state?.invalidation;
  const apply = (m: Invalidation): void => { if ('all' in m) store.clear(); else store.invalidate(m.tags); };
  bus?.subscribe(apply);
  /** Here at once, then on every other instance before the promise resolves (never rejects). */
  const broadcast = async (m: Invalidation): Promise<void> => {
    apply(m);
    try {
      await bus?.publish(m);
    } catch (e) {
      // The write is done; an instance that did not hear of it was cut off and drops its cache.
      o.logger?.warn({ error: (e as Error).name }, 'cache invalidation could not be told to the other instances');
    }
  };
  const invalidate = (changes: readonly RecordChange[]): Promise<void> => broadcast({ tags: tagsOfChanges(changes) });
  const warned = new Set<string>();
  const fresh = new FreshReads();
  const oscar = wrapOscar(o.oscar, {
    store, instance, invalidate, fresh,
    ...(bus && { beforeWrite: () => bus.assertConnected() }),
    onUnknown: (method) => {
      if (warned.has(method)) return;
      warned.add(method);
      o.logger?.warn({ method }, 'OscarClient method not classified in src/cache/upstream-ops.ts: the cache is dropped after every call');
    },
  });
  // Without polling the feed still exists, to be polled on demand (pollChanges).
  const feed = new ChangeFeed({
    oscar: o.oscar, timezone: o.timezone, intervalMs: Math.max(1, settings.pollSeconds) * 1000, pageRows: settings.feedRows, invalidate: (changes) => void invalidate(changes), clearAll: () => void broadcast({ all: true }),
    ...(o.state && { leads: () => o.state!.leadership.leads('change-feed') }),
    ...(o.logger && { logger: o.logger }), ...(o.feedObserver && { observer: o.feedObserver }),
  });
  return {
    enabled: true,
    oscar,
    serveWith: (hooks, baseUrl, registry, routes) => createReadCache({ store, instance, baseUrl, hooks, fresh, kinds: recordKindsOf(registry.all()), observer: o.observer, routes }),
    invalidate: (...changes) => invalidate(changes),
    invalidateAll: () => broadcast({ all: true }),
    usage: () => store.usage(),
    lastChangePoll: () => feed.lastSuccess,
    pollChanges: () => feed.pollNow(),
    start: () => { if (settings.pollSeconds > 0) feed.start(); },
    close: () => feed.stop(),
  };
}
