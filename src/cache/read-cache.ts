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
// Writes: before a write to `Type/id` reaches the router, the cached entries of that record are
// dropped, so its If-Match check and the record an update starts from come from OSCAR; the write
// itself invalidates again when OSCAR has been written (cached-oscar.ts, and the handlers).
import type { Resource } from 'fhir/r4.js';
import {
  etagMatches, FHIR_JSON, negotiate, parsePrefer, renderBody, type FhirContext, type FhirRequest, type FhirResponse, type FhirRouter, type RouterHooks,
} from '../fhir/index.js';
import { changeOfTarget, tagsOfResource } from './fhir-records.js';
import { renderedKey } from './keys.js';
import { freezeAndMeasure } from './measure.js';
import type { CacheObserver, CacheStore, StoredEntry } from './store.js';
import type { RecordChange } from './tags.js';

export interface RenderedEntry extends StoredEntry {
  readonly bytes: Buffer;
  /** Headers of the 200 (content-type, etag, last-modified). */
  readonly headers: Readonly<Record<string, string>>;
  /** Headers of a 304 (etag, last-modified), as the router sends them. */
  readonly notModifiedHeaders: Readonly<Record<string, string>>;
  /** A frozen copy of the resource, for checkResource. */
  readonly resource: Resource;
  readonly versionId: string;
}

export interface ReadCacheOptions {
  store: CacheStore;
  instance: string;
  baseUrl: string;
  hooks: Pick<RouterHooks, 'beforeInteraction' | 'checkResource'>;
  invalidate(changes: readonly RecordChange[]): void;
  observer?: CacheObserver | undefined;
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

const isThenable = (x: unknown): x is PromiseLike<unknown> => typeof (x as { then?: unknown } | undefined)?.then === 'function';

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
    const prefer = req.headers.prefer;
    const ctx: FhirContext = {
      requestId: req.requestId, baseUrl, auth: req.auth, prefer: prefer === undefined ? NO_PREFER : parsePrefer(prefer),
      get signal() { return req.signal ?? NEVER; }, // made only if a hook asks
    };
    // The router runs the same checks again and answers a refusal its usual way.
    const refused = (): Promise<FhirResponse> => router(req);
    let before: unknown;
    try {
      before = hooks.beforeInteraction?.(ctx, { interaction: 'read', type, id });
    } catch {
      return refused();
    }
    const check = (): FhirResponse | Promise<FhirResponse> => {
      let checked: unknown;
      try {
        checked = hooks.checkResource?.(ctx, e.resource);
      } catch {
        return refused();
      }
      // Awaited only when a hook is asynchronous: a hit should not pay for microtasks it does not need.
      return isThenable(checked) ? Promise.resolve(checked).then(() => answer(req, e, inm), refused) : answer(req, e, inm);
    };
    return isThenable(before) ? Promise.resolve(before).then(check, refused) : check();
  }

  async function renderAndStore(req: FhirRequest, router: FhirRouter, key: string): Promise<FhirResponse> {
    const seq = store.seq;
    const res = await router(req);
    const body = res.body;
    if (res.status !== 200 || body === undefined || Buffer.isBuffer(body) || res.pretty) return res;
    const resource = body as Resource;
    const versionId = resource.meta?.versionId;
    const tags = tagsOfResource(resource);
    // Not storable: untracked type, or something was invalidated while it was being built.
    if (!versionId || !tags || store.seq !== seq) return res;
    const rendered = renderBody(res)!;
    // Small Buffers are slices of a shared 8 KiB pool; a cached slice would pin the whole slab.
    const bytes = Buffer.allocUnsafeSlow(rendered.length);
    rendered.copy(bytes);
    const copy = JSON.parse(rendered.toString('utf8')) as Resource; // our own, frozen below
    const size = bytes.length + freezeAndMeasure(copy) + key.length * 2 + ENTRY_OVERHEAD;
    const notModifiedHeaders: Record<string, string> = {};
    if (res.headers.etag) notModifiedHeaders.etag = res.headers.etag;
    if (res.headers['last-modified']) notModifiedHeaders['last-modified'] = res.headers['last-modified'];
    const entry: RenderedEntry = { bytes, headers: { ...res.headers }, notModifiedHeaders, resource: copy, versionId, tags, size };
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

  function write(req: FhirRequest, router: FhirRouter): Promise<FhirResponse> {
    const m = TYPE_PATH.exec(req.path);
    if (m) {
      const [, type, id] = m;
      // A create with If-None-Exist searches first: its search must see OSCAR as it is.
      const conditionalCreate = id === undefined && req.headers['if-none-exist'] !== undefined;
      if (id !== undefined || conditionalCreate) {
        const change = changeOfTarget(type!, id);
        if (change) opts.invalidate([change]);
        else store.clear();
      }
    }
    return router(req);
  }

  return (req, router) => {
    const method = req.method;
    if (method !== 'GET' && method !== 'HEAD') {
      // A POST search or operation reads; everything else may write.
      const reads = method === 'POST' && (req.path.endsWith('/_search') || req.path.includes('/$'));
      return reads ? router(req) : write(req, router);
    }
    if (req.query.length > 0) return router(req);
    const m = TYPE_PATH.exec(req.path);
    const type = m?.[1];
    const id = m?.[2];
    if (type === undefined || id === undefined || NOT_RENDERED.has(type)) return router(req);
    const mediaType = mediaTypeOf(req.headers.accept);
    if (mediaType === null) return router(req);
    const key = renderedKey(instance, type, id, mediaType);
    const entry = store.get<RenderedEntry>(key);
    if (entry) {
      observer?.hit('main', 'rendered');
      return hit(req, router, entry, type, id);
    }
    observer?.miss('main', 'rendered');
    return method === 'HEAD' ? router(req) : renderAndStore(req, router, key);
  };
}
