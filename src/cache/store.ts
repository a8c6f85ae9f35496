// The cache's storage: two byte-bounded LRUs (lru-cache) and the tag index that invalidation
// works through. Document bytes (base64 files inside SOAP answers) get their own budget, so a few
// scans can never push every patient record out of memory.
//
// Correctness rules kept here:
// - identical concurrent misses share one upstream call (the fetches in flight, by key; not
//   lru-cache's `fetch`, which costs an AbortController and a chain of promises per miss);
// - an invalidation deletes the tagged entries AND every fetch still in flight: a fetch that
//   started before a write may carry pre-write data, so its answer goes to its waiters but is
//   never stored, and later misses do not join it;
// - `seq` counts invalidations, so whoever builds an entry from several upstream answers can
//   tell whether anything was invalidated meanwhile and then not store it.
import { LRUCache } from 'lru-cache';

export type CacheName = 'main' | 'documents';

export interface CacheObserver {
  hit(cache: CacheName, level: 'upstream' | 'rendered'): void;
  miss(cache: CacheName, level: 'upstream' | 'rendered'): void;
  /** Identical concurrent misses that joined a fetch already in flight. */
  coalesced(cache: CacheName): void;
  removed(cache: CacheName, reason: string): void;
}

export interface StoredEntry {
  /** Invalidation tags (tags.ts). */
  readonly tags: readonly string[];
  /** Estimated memory held by the entry, in bytes (what the budgets count). */
  readonly size: number;
}

export interface UpstreamEntry extends StoredEntry {
  readonly value: unknown;
}

export interface CacheStoreOptions {
  maxBytes: number;
  documentMaxBytes: number;
  /**
   * Longest age of an answer. A rendered read is built from upstream entries that may already be
   * old, so each level keeps its entries for half of it: together never more than ttlMs.
   */
  ttlMs: number;
  observer?: CacheObserver;
}

type Lru = LRUCache<string, StoredEntry>;

export class CacheStore {
  /** Life of one entry (half the configured TTL, see CacheStoreOptions.ttlMs). */
  readonly entryTtlMs: number;
  /** Number of invalidations so far. */
  seq = 0;
  private readonly main: Lru;
  private readonly documents: Lru | undefined;
  /**
   * The keys of the entries carrying each tag: the one key itself while there is one (most
   * record tags name one or two entries, and a page's entry brings 50 new tags: no Set for each).
   */
  private readonly byTag = new Map<string, string | Set<string>>();
  /** The fetch in flight per key whose answer will be stored; an invalidated one leaves this map. */
  private readonly inFlight = new Map<string, Promise<UpstreamEntry>>();
  private readonly observer: CacheObserver | undefined;

  constructor(opts: CacheStoreOptions) {
    this.entryTtlMs = Math.max(1, Math.floor(opts.ttlMs / 2));
    this.observer = opts.observer;
    // One entry may take at most a quarter of its budget: one huge answer cannot flush the rest.
    this.main = this.lru('main', opts.maxBytes, Math.max(1, Math.floor(opts.maxBytes / 4)));
    this.documents = opts.documentMaxBytes > 0
      ? this.lru('documents', opts.documentMaxBytes, Math.max(1, Math.floor(opts.documentMaxBytes / 4)))
      : undefined;
  }

  private lru(name: CacheName, maxSize: number, maxEntrySize: number): Lru {
    return new LRUCache<string, StoredEntry>({
      maxSize,
      maxEntrySize,
      sizeCalculation: (e) => Math.max(1, Math.ceil(e.size)),
      ttl: this.entryTtlMs,
      onInsert: (e, key) => {
        for (const t of e.tags) {
          const keys = this.byTag.get(t);
          if (keys === undefined) this.byTag.set(t, key);
          else if (typeof keys !== 'string') keys.add(key);
          else if (keys !== key) this.byTag.set(t, new Set([keys, key]));
        }
      },
      dispose: (e, key, reason) => {
        for (const t of e.tags) {
          const keys = this.byTag.get(t);
          if (keys === key || (typeof keys === 'object' && keys.delete(key) && keys.size === 0)) this.byTag.delete(t);
        }
        this.observer?.removed(name, reason);
      },
    });
  }

  /** Whether a budget exists for this cache (documents may be switched off). */
  has(cache: CacheName): boolean {
    return cache === 'main' || this.documents !== undefined;
  }

  /**
   * The upstream entry for `key`: from the cache, from a fetch already in flight, or from `load`
   * (then stored). `fresh`: always from `load`; the entry and any fetch in flight for this key
   * (which may have started before whatever the caller needs to see) make way for it.
   */
  upstream(cache: CacheName, key: string, load: () => Promise<UpstreamEntry>, fresh = false): Promise<UpstreamEntry> {
    const lru = cache === 'main' ? this.main : this.documents;
    if (!lru) return load();
    // A fresh load neither joins a fetch in flight nor lets it store its answer (it takes its place below).
    if (fresh) {
      lru.delete(key);
    } else {
      const stored = lru.get(key) as UpstreamEntry | undefined;
      if (stored) {
        this.observer?.hit(cache, 'upstream');
        return Promise.resolve(stored);
      }
      const joined = this.inFlight.get(key);
      if (joined) {
        this.observer?.coalesced(cache);
        return joined;
      }
    }
    this.observer?.miss(cache, 'upstream');
    const fetching = load();
    this.inFlight.set(key, fetching);
    const settled = (): boolean => {
      // Still the key's fetch: no invalidation, clear or fresh read since it started.
      const current = this.inFlight.get(key) === fetching;
      if (current) this.inFlight.delete(key);
      return current;
    };
    fetching.then((entry) => { if (settled()) lru.set(key, entry); }, settled);
    return fetching;
  }

  /** A stored entry (rendered answers use this; no fetch). */
  get<E extends StoredEntry>(key: string): E | undefined {
    return this.main.get(key) as E | undefined;
  }

  /** Stores an entry (for entryTtlMs); false when it was too big to keep. */
  set(key: string, entry: StoredEntry): boolean {
    this.main.set(key, entry);
    return this.main.has(key);
  }

  /** Forgets every entry carrying one of `tags`, and every fetch still in flight (see the header). */
  invalidate(tags: Iterable<string>): void {
    this.seq++;
    for (const t of tags) {
      const keys = this.byTag.get(t);
      if (keys === undefined) continue;
      for (const k of typeof keys === 'string' ? [keys] : [...keys]) this.delete(k);
    }
    for (const k of this.inFlight.keys()) this.delete(k);
    this.inFlight.clear();
  }

  /** Forgets everything. */
  clear(): void {
    this.seq++;
    this.main.clear();
    this.documents?.clear();
    this.byTag.clear();
    this.inFlight.clear();
  }

  private delete(key: string): void {
    this.main.delete(key);
    this.documents?.delete(key);
  }

  /** Bytes (estimated) and entries held, per cache. */
  usage(): Record<CacheName, { bytes: number; entries: number; maxBytes: number }> {
    return {
      main: { bytes: this.main.calculatedSize, entries: this.main.size, maxBytes: this.main.maxSize },
      documents: { bytes: this.documents?.calculatedSize ?? 0, entries: this.documents?.size ?? 0, maxBytes: this.documents?.maxSize ?? 0 },
    };
  }
}
