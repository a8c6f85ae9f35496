// Cache invalidation between instances: a write on one instance must evict on every instance
// before its response is sent, or the next read through another instance is stale. The message
// names cache tags (src/cache/tags.ts) or everything; this module does not read them.

export type Invalidation = { tags: readonly string[] } | { all: true };

export interface InvalidationBus {
  /**
   * Tells every other instance and resolves once each has applied it (or has been cut off from
   * the state and so drops its whole cache). The caller has already applied it locally.
   * Throws StateUnavailableError when the message could not be sent.
   */
  publish(message: Invalidation): Promise<void>;
  /** Messages from other instances. Also called with { all: true } when this instance may have missed some. */
  subscribe(listener: (message: Invalidation) => void): void;
  /** Throws StateUnavailableError when a publish would fail now (checked before an OSCAR write). */
  assertConnected(): void;
}
