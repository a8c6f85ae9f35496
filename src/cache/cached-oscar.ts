// The OscarClient the resources use: the same methods, but reads are answered from the cache
// (one upstream call for identical concurrent misses) and writes invalidate what they touch. It
// is a Proxy over the real client, so it is an OscarClient in every respect (types, instanceof,
// plumbing).
import type { OscarClient } from '../oscar/client.js';
import { OscarSignInEndedError, OscarUnavailableError, OscarUnsupportedRequestError } from '../oscar/errors.js';
import { UnsendableTextError } from '../oscar/soap-envelope.js';
import type { FreshReads } from './fresh-reads.js';
import { freezeAndMeasure } from './measure.js';
import { normalisedArgs, upstreamKey } from './keys.js';
import type { CacheStore, UpstreamEntry } from './store.js';
import { tagsOfChange, type RecordChange } from './tags.js';
import { UPSTREAM_OPS, type ReadRule, type WriteRule } from './upstream-ops.js';

type AnyFn = (...args: unknown[]) => unknown;

export interface CachedOscarOptions {
  store: CacheStore;
  /** instanceId() of the OSCAR connection. */
  instance: string;
  /** Inside a write request every read goes to OSCAR (fresh-reads.ts). */
  fresh?: FreshReads;
  /** Invalidation (the store's, plus every other instance: resolves once they have applied it). */
  invalidate(changes: readonly RecordChange[]): void | Promise<void>;
  /** Throws when a write's invalidation could not reach the other instances (checked before sending it). */
  beforeWrite?(): void;
  /** A client method that upstream-ops.ts does not classify was called (the cache was dropped). */
  onUnknown?(method: string): void;
}

/** Key and entry bookkeeping around what upstream answers occupy besides their value. */
const ENTRY_OVERHEAD = 256;

function cachedRead(name: string, rule: ReadRule, call: AnyFn, o: CachedOscarOptions): AnyFn {
  const { store, instance } = o;
  return async (...args: unknown[]) => {
    if (!store.has(rule.cache)) return call(...args);
    const norm = normalisedArgs(args, rule.defaults);
    const key = upstreamKey(instance, name, norm);
    let own = false;
    let entry: UpstreamEntry;
    try {
      entry = await store.upstream(rule.cache, key, async (): Promise<UpstreamEntry> => {
        own = true;
        const value = await call(...args);
        const size = freezeAndMeasure(value) + key.length * 2 + ENTRY_OVERHEAD;
        return { value, tags: rule.tags(norm, value), size };
      }, o.fresh?.active === true);
    } catch (e) {
      // contract 2.7: OSCAR refused the token of the signed-in user whose call this read joined,
      // which says nothing of this caller's: asked again as its own (its own token, its own refusal).
      if (!own && e instanceof OscarSignInEndedError) return call(...args);
      throw e;
    }
    // Rows are frozen and shared; the array itself is the caller's to sort or filter.
    return Array.isArray(entry.value) ? entry.value.slice() : entry.value;
  };
}

/** Failures raised before the request left the facade: OSCAR cannot have applied anything. */
function neverSent(e: unknown): boolean {
  if (e instanceof OscarUnavailableError) return e.reason !== 'connection' || e.code === 'ECONNREFUSED';
  return e instanceof OscarUnsupportedRequestError || e instanceof UnsendableTextError;
}

/**
 * The one place the facade's own writes invalidate: once the call was sent, whatever its outcome
 * (handlers do not invalidate; a write refused before it was sent drops nothing).
 */
function writeThrough(rule: WriteRule, call: AnyFn, o: CachedOscarOptions): AnyFn {
  return async (...args: unknown[]) => {
    o.beforeWrite?.();
    let result: unknown;
    try {
      result = await call(...args);
    } catch (e) {
      // A failed or timed-out write may still have been applied by OSCAR.
      if (!neverSent(e)) await o.invalidate(rule.changes(args, undefined));
      throw e;
    }
    await o.invalidate(rule.changes(args, result));
    return result;
  };
}

function unknownOperation(name: string, call: AnyFn, o: CachedOscarOptions): AnyFn {
  const after = (): void => {
    o.store.clear();
    o.onUnknown?.(name);
  };
  return (...args: unknown[]) => {
    let r: unknown;
    try {
      r = call(...args);
    } catch (e) {
      after();
      throw e;
    }
    if (r instanceof Promise) return r.finally(after);
    after();
    return r;
  };
}

export function wrapOscar(oscar: OscarClient, o: CachedOscarOptions): OscarClient {
  const wrapped = new Map<string, AnyFn>();
  return new Proxy(oscar, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      // Private helpers are only ever called on the real client (methods are bound to it).
      if (typeof prop !== 'string' || typeof value !== 'function' || prop === 'constructor') return value;
      let fn = wrapped.get(prop);
      if (!fn) {
        const call = (value as AnyFn).bind(target);
        const rule = UPSTREAM_OPS[prop];
        if (!rule) fn = unknownOperation(prop, call, o);
        else if (rule.kind === 'read') fn = cachedRead(prop, rule, call, o);
        else if (rule.kind === 'write') fn = writeThrough(rule, call, o);
        else fn = call;
        wrapped.set(prop, fn);
      }
      return fn;
    },
  });
}

/** Tags of a batch of changes, for CacheStore.invalidate. */
export function tagsOfChanges(changes: readonly RecordChange[]): string[] {
  return changes.flatMap(tagsOfChange);
}
