// The default state: everything in this process's memory. Needs nothing and covers exactly one
// process — two instances behind a load balancer do not see each other's locks, used assertions,
// allowances, evictions or jobs (README.md in this folder; STATE_DATABASE_URL shares them).
import { ExpiringMap } from './expiring-map.js';
import type { DocumentStore, PutOptions, StoredDocument } from './documents.js';
import type { InvalidationBus } from './invalidation.js';
import type { Leadership } from './leadership.js';
import type { OnceKeys } from './once.js';
import type { RateLimits } from './rate-limits.js';
import type { Ciphertext, TokenVault } from './vault.js';

/** Most live entries per in-process table (used assertions, documents, secrets). */
const MAX_ENTRIES = 100_000;

export class InProcessOnceKeys implements OnceKeys {
  readonly #seen: ExpiringMap<true>;
  constructor(max = MAX_ENTRIES, now?: () => number) { this.#seen = new ExpiringMap(max, now); }
  async claim(key: string, ttlMs: number): Promise<boolean> {
    if (this.#seen.get(key)) return false;
    this.#seen.set(key, true, ttlMs);
    return true;
  }
}

interface Bucket { tokens: number; at: number }

/** Token buckets keyed by caller; idle (full) buckets are swept, the key table has a hard size. */
export class InProcessRateLimits implements RateLimits {
  readonly #buckets = new Map<string, Bucket>();
  #lastSweep: number;

  constructor(private readonly maxKeys = MAX_ENTRIES, private readonly now: () => number = Date.now) {
    this.#lastSweep = now();
  }

  get size(): number { return this.#buckets.size; }

  async take(key: string, perMinute: number): Promise<number> {
    return this.takeNow(key, perMinute);
  }

  /** take() without the promise (the fallback of a shared store that cannot answer). */
  takeNow(key: string, perMinute: number): number {
    const now = this.now();
    const perMs = perMinute / 60_000;
    if (now - this.#lastSweep > 60_000) this.sweep(now);
    let b = this.#buckets.get(key);
    if (!b) {
      if (this.#buckets.size >= this.maxKeys) this.evictOldest();
      b = { tokens: perMinute, at: now };
      this.#buckets.set(key, b);
    } else {
      b.tokens = Math.min(perMinute, b.tokens + (now - b.at) * perMs);
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000));
  }

  /** A bucket untouched for a minute is full again: forgetting it changes nothing. */
  private sweep(now: number): void {
    this.#lastSweep = now;
    for (const [k, b] of this.#buckets) if (now - b.at >= 60_000) this.#buckets.delete(k);
  }

  private evictOldest(): void {
    // Map iteration order is insertion order: the first keys are the oldest.
    let drop = Math.max(1, Math.floor(this.maxKeys / 10));
    for (const k of this.#buckets.keys()) {
      this.#buckets.delete(k);
      if (--drop <= 0) break;
    }
  }
}

/** One process: nobody else to tell, nothing ever missed. */
export const localBus: InvalidationBus = { publish: async () => {}, subscribe: () => {}, assertConnected: () => {} };

/** One process: it holds every role. */
export const soleLeader: Leadership = { leads: async () => true };

interface Doc { value: string; lookup: Readonly<Record<string, string>>; consumedAt?: number }

export class InProcessDocuments implements DocumentStore {
  readonly #docs: ExpiringMap<Doc>;
  constructor(max = MAX_ENTRIES, private readonly now: () => number = Date.now) { this.#docs = new ExpiringMap(max, now); }

  async put(kind: string, id: string, value: unknown, opts: PutOptions = {}): Promise<void> {
    // Stored as JSON text, as the database does: a caller's later change to `value` is not seen.
    this.#docs.set(keyOf(kind, id), { value: JSON.stringify(value), lookup: { ...opts.lookup } }, opts.ttlMs);
  }

  async putIfAbsent<T>(kind: string, id: string, value: T, opts?: PutOptions): Promise<T> {
    const live = await this.get<T>(kind, id);
    if (live) return live.value;
    await this.put(kind, id, value, opts);
    return value;
  }

  async get<T>(kind: string, id: string): Promise<StoredDocument<T> | undefined> {
    return this.stored<T>(keyOf(kind, id));
  }

  async findBy<T>(kind: string, name: string, value: string): Promise<{ id: string } & StoredDocument<T> | undefined> {
    const prefix = keyOf(kind, '');
    for (const [k, d] of this.#docs.entries()) {
      if (k.startsWith(prefix) && d.lookup[name] === value) return { id: k.slice(prefix.length), ...this.stored<T>(k)! };
    }
    return undefined;
  }

  async consume(kind: string, id: string): Promise<boolean> {
    const d = this.#docs.get(keyOf(kind, id));
    if (!d || d.consumedAt !== undefined) return false;
    d.consumedAt = this.now();
    return true;
  }

  async delete(kind: string, id: string): Promise<void> { this.#docs.delete(keyOf(kind, id)); }

  async deleteBy(name: string, value: string): Promise<number> {
    const gone = [...this.#docs.entries()].filter(([, d]) => d.lookup[name] === value).map(([k]) => k);
    for (const k of gone) this.#docs.delete(k);
    return gone.length;
  }

  private stored<T>(key: string): StoredDocument<T> | undefined {
    const d = this.#docs.get(key);
    if (!d) return undefined;
    const expiresAt = this.#docs.expiresAt(key);
    return { value: JSON.parse(d.value) as T, ...(expiresAt !== undefined && { expiresAt }), ...(d.consumedAt !== undefined && { consumedAt: d.consumedAt }) };
  }
}

export class InProcessVault implements TokenVault {
  readonly #secrets: ExpiringMap<Ciphertext>;
  constructor(max = MAX_ENTRIES) { this.#secrets = new ExpiringMap(max); }
  async put(key: string, ciphertext: Ciphertext, opts: { ttlMs?: number } = {}): Promise<void> {
    this.#secrets.set(key, Uint8Array.from(ciphertext), opts.ttlMs);
  }
  async get(key: string): Promise<Ciphertext | undefined> {
    const c = this.#secrets.get(key);
    return c && Uint8Array.from(c);
  }
  async delete(key: string): Promise<void> { this.#secrets.delete(key); }
}

/** kind and id joined so that no (kind, id) pair can collide with another. */
const keyOf = (kind: string, id: string): string => `${kind.length}:${kind}:${id}`;
