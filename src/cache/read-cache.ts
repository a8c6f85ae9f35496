// The read fast path: `GET [base]/Type/id` answered from the serialised bytes of an earlier
// answer, skipping router, mapping, outgoing validation, version hashing and JSON serialisation.
// Authorization is not skipped: the caller was authenticated by the HTTP handler before this
// runs, and the same router hooks (beforeInteraction: may this caller read this type / id?,
// checkResource: may this caller see this resource?) run on every hit exactly as the router runs
// them; the audit trail runs in the handler. Any refusal, and anything the fast path does not
// answer itself (queries, _format, If-Modified-Since…), goes to the router.
//
// A rendered entry is tagged with its own record and every record it references
// (fhir-records.ts), and lives half the TTL: the upstream entries it was built from live the
// other half, so no answer is older than CACHE_TTL_SECONDS.
//
// Writes run with fresh reads (fresh-reads.ts): their If-Match check and the record an update
// starts from come from OSCAR. Nothing is dropped here: the OSCAR write itself invalidates what it
// touched once it was sent (cached-oscar.ts), so a write refused by the router drops nothing.
import type { Resource } from 'fhir/r4.js';
import {
  etagMatches, FHIR_JSON, negotiate, parsePrefer, renderBody, type FhirContext, type FhirRequest, type FhirResponse, type FhirRouter, type RouterHooks,
} from '../fhir/index.js';
import { tagsOfResource, type RecordKinds } from './fhir-records.js';
import type { FreshReads } from './fresh-reads.js';
import { renderedKey } from './keys.js';
import { freezeAndMeasure } from './measure.js';
import type { CacheObserver, CacheStore, StoredEntry } from './store.js';

/** A rendered read: its bytes and headers, and (made when first needed) a frozen copy of the resource. */
class Rendered implements StoredEntry {
  #resource: Resource | undefined;
  constructor(
    readonly bytes: Buffer,
    /** Headers of the 200 (content-type, etag, last-modified). */
    readonly headers: Readonly<Record<string, string>>,
    /** Headers of a 304 (etag, last-modified), as the router sends them. */
    readonly notModifiedHeaders: Readonly<Record<string, string>>,
    readonly versionId: string,
    readonly tags: readonly string[],
    readonly size: number,
  ) {}

  /** Our own frozen copy, for checkResource: no hook can change what the next caller gets. */
  get resource(): Resource {
    if (!this.#resource) {
      const r = JSON.parse(this.bytes.toString('utf8')) as Resource;
      freezeAndMeasure(r);
      this.#resource = r;
    }
    return this.#resource;
  }
}
type RenderedEntry = Rendered;

export interface ReadCacheOptions {
  store: CacheStore;
  instance: string;
  baseUrl: string;
  hooks: Pick<RouterHooks, 'beforeInteraction' | 'checkResource'>;
  fresh: FreshReads;
  /** Which OSCAR record each FHIR type's ids name (from the resource definitions). */
  kinds: RecordKinds;
  observer?: CacheObserver | undefined;
  /**
   * How the connected OSCAR's interactions are routed now (routing/routes.ts fingerprint): part of
   * every rendered key, so bytes rendered before a capability change are never served after it.
   */
  routes?: () => string;
}

/** Runs the router for one request, answering authorised cache hits itself (sync when it can). */
export type ServeFn = (req: FhirRequest, router: FhirRouter) => FhirResponse | Promise<FhirResponse>;

/** Types never answered from rendered bytes: Binary content depends on Accept in detail. */
const NOT_RENDERED: ReadonlySet<string> = new Set(['Binary']);
const TYPE_PATH = /^\/([A-Z][A-Za-z]{1,63})(?:\/([A-Za-z0-9.-]{1,64}))?$/;
const NEVER = new AbortController().signal;
const NO_PREFER = Object.freeze(parsePrefer(undefined));
/** Headers, key and bookkeeping besides the bytes and the resource copy. */
const ENTRY_OVERHEAD = 512;
/**
 * Memory of the parsed resource copy per byte of its JSON: its walk is about 3.7 bytes per byte,
 * times measure.ts's resident bytes per walked byte (4), rounded up.
 */
const PARSED_PER_BYTE = 15;

const isThenable = (x: unknown): x is PromiseLike<unknown> => typeof (x as { then?: unknown } | undefined)?.then === 'function';

/** The hooks' FhirContext on a hit; the abort signal is made only if a hook asks for it. */
class HitContext implements FhirContext {
  readonly requestId: string;
  readonly auth: unknown;
  readonly prefer: FhirContext['prefer'];
  constructor(private readonly req: FhirRequest, readonly baseUrl: string) {
    this.requestId = req.requestId;
    this.auth = req.auth;
    const prefer = req.headers.prefer;
    this.prefer = prefer === undefined ? NO_PREFER : parsePrefer(prefer);
  }

  get signal(): AbortSignal { return this.req.signal ?? NEVER; }
}

export function createReadCache(opts: ReadCacheOptions): ServeFn {
  const { store, instance, baseUrl, hooks, observer } = opts;
  const hooked = hooks.beforeInteraction !== undefined || hooks.checkResource !== undefined;

  function answer(req: FhirRequest, e: RenderedEntry, inm: string | undefined): FhirResponse {
    if (inm !== undefined && etagMatches(inm, e.versionId)) return { status: 304, headers: e.notModifiedHeaders };
    if (req.method === 'HEAD') return { status: 200, headers: e.headers };
    return { status: 200, headers: e.headers, body: e.bytes };
  }

  /** A hit: the auth hooks, then the cached answer; any refusal is answered by the router. */
  function hit(req: FhirRequest, router: FhirRouter, e: RenderedEntry, type: string, id: string): FhirResponse | Promise<FhirResponse> {
    const inm = req.headers['if-none-match'];
    if (inm === undefined && req.headers['if-modified-since'] !== undefined) return router(req);
    if (!hooked) return answer(req, e, inm);
    const ctx = new HitContext(req, baseUrl);
    // Straight-line while the hooks are synchronous (no closures, no microtasks); the router runs
    // the same checks again on a refusal and answers it its usual way.
    let pending: unknown;
    try {
      pending = hooks.beforeInteraction?.(ctx, { interaction: 'read', type, id });
      if (isThenable(pending)) return afterHooks(req, router, e, ctx, inm, pending, true);
      pending = hooks.checkResource?.(ctx, e.resource);
      if (isThenable(pending)) return afterHooks(req, router, e, ctx, inm, pending, false);
    } catch {
      return router(req);
    }
    return answer(req, e, inm);
  }

  async function afterHooks(req: FhirRequest, router: FhirRouter, e: RenderedEntry, ctx: FhirContext, inm: string | undefined, pending: unknown, checkToo: boolean): Promise<FhirResponse> {
    try {
      await pending;
      if (checkToo) await hooks.checkResource?.(ctx, e.resource);
    } catch {
      return router(req);
    }
    return answer(req, e, inm);
  }

  async function renderAndStore(req: FhirRequest, router: FhirRouter, key: string): Promise<FhirResponse> {
    const seq = store.seq;
    const res = await router(req);
    const body = res.body;
    if (res.status !== 200 || body === undefined || Buffer.isBuffer(body) || res.pretty) return res;
    const resource = body as Resource;
    const versionId = resource.meta?.versionId;
    const tags = tagsOfResource(resource, opts.kinds);
    // Not storable: untracked type, or something was invalidated while it was being built.
    if (!versionId || !tags || store.seq !== seq) return res;
    const rendered = renderBody(res)!;
    // Small Buffers are slices of a shared 8 KiB pool; a cached slice would pin the whole slab.
    const bytes = Buffer.allocUnsafeSlow(rendered.length);
    rendered.copy(bytes);
    const notModifiedHeaders: Record<string, string> = {};
    if (res.headers.etag) notModifiedHeaders.etag = res.headers.etag;
    if (res.headers['last-modified']) notModifiedHeaders['last-modified'] = res.headers['last-modified'];
    // The resource copy for checkResource is parsed from the bytes on the first hit that needs it
    // (not on the miss); its memory is counted from the start.
    const size = bytes.length * (1 + PARSED_PER_BYTE) + key.length * 2 + ENTRY_OVERHEAD;
    const entry = new Rendered(bytes, { ...res.headers }, notModifiedHeaders, versionId, tags, size);
    store.set(key, entry);
    return { ...res, body: bytes };
  }

  /** The negotiated media type of an Accept header (a handful of distinct values in practice). */
  const mediaTypes = new Map<string, string | null>();
  function mediaTypeOf(accept: string | undefined): string | null {
    if (accept === undefined) return FHIR_JSON;
    let m = mediaTypes.get(accept);
    if (m === undefined) {
      try { m = negotiate(accept); } catch { m = null; }
      if (mediaTypes.size >= 256) mediaTypes.clear();
      mediaTypes.set(accept, m);
    }
    return m;
  }

  /**
   * A readable path's type, id and rendered key, for the media type and routes the key was made
   * for: a hit finds its entry with a string made once (its hash kept), not a new one per request,
   * and matches no pattern. Undefined for a path the fast path does not answer.
   */
  interface PathKey { type: string; id: string; mediaType: string; routes: string | undefined; key: string }
  const keys = new Map<string, PathKey>();
  function keyOf(path: string, mediaType: string): PathKey | undefined {
    const routes = opts.routes?.();
    let k = keys.get(path);
    if (k === undefined || k.mediaType !== mediaType || k.routes !== routes) {
      const m = TYPE_PATH.exec(path);
      const type = m?.[1];
      const id = m?.[2];
      if (type === undefined || id === undefined || NOT_RENDERED.has(type)) return undefined;
      k = { type, id, mediaType, routes, key: renderedKey(instance, type, id, mediaType, routes) };
      if (keys.size >= 10_000) keys.clear();
      keys.set(path, k);
    }
    return k;
  }

  return (req, router) => {
    // A SMART app user's answers depend on what OSCAR lets that user see: never from or into the
    // shared cache (src/auth/oscar/identity.ts).
    if ((req.auth as { oscarProvider?: unknown } | undefined)?.oscarProvider !== undefined) return opts.fresh.run(() => router(req));
    const method = req.method;
    if (method !== 'GET' && method !== 'HEAD') {
      // A POST search or operation reads; everything else may write.
      const reads = method === 'POST' && (req.path.endsWith('/_search') || req.path.includes('/$'));
      return reads ? router(req) : opts.fresh.run(() => router(req));
    }
    if (req.query.length > 0) return router(req);
    const mediaType = mediaTypeOf(req.headers.accept);
    const k = mediaType === null ? undefined : keyOf(req.path, mediaType);
    if (k === undefined) return router(req);
    const entry = store.get<RenderedEntry>(k.key);
    if (entry) {
      observer?.hit('main', 'rendered');
      return hit(req, router, entry, k.type, k.id);
    }
    observer?.miss('main', 'rendered');
    return method === 'HEAD' ? router(req) : renderAndStore(req, router, k.key);
  };
}
