// A Map whose entries may carry an expiry (ms epoch): an expired entry is never returned, and is
// removed when met or when the map is swept. Bounded: past `max` live entries, set() throws, so a
// flood can neither grow memory without end nor push out entries that must be kept (a used jti).
import { StateUnavailableError } from './errors.js';

interface Entry<V> { value: V; expiresAt: number | undefined }

export class ExpiringMap<V> {
  readonly #entries = new Map<string, Entry<V>>();

  constructor(private readonly max: number, private readonly now: () => number = Date.now) {}

  get size(): number { return this.#entries.size; }

  get(key: string): V | undefined {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt !== undefined && e.expiresAt <= this.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  /** Stores `value` for `ttlMs` (absent = until deleted). */
  set(key: string, value: V, ttlMs?: number): void {
    if (!this.#entries.has(key) && this.#entries.size >= this.max) {
      this.sweep();
      if (this.#entries.size >= this.max) throw new StateUnavailableError(`more than ${this.max} live entries in one in-process table`);
    }
    this.#entries.set(key, { value, expiresAt: ttlMs === undefined ? undefined : this.now() + ttlMs });
  }

  delete(key: string): boolean { return this.#entries.delete(key); }

  /** Live entries (expired ones are dropped on the way). */
  *entries(): IterableIterator<[string, V]> {
    for (const [k] of this.#entries) {
      const v = this.get(k);
      if (v !== undefined) yield [k, v];
    }
  }

  /** ms epoch at which `key` expires; undefined when it does not (or is absent). */
  expiresAt(key: string): number | undefined {
    return this.get(key) === undefined ? undefined : this.#entries.get(key)!.expiresAt;
  }

  private sweep(): void {
    const now = this.now();
    for (const [k, e] of this.#entries) if (e.expiresAt !== undefined && e.expiresAt <= now) this.#entries.delete(k);
  }
}
