// The transport-agnostic FHIR router (design principle 3): FhirRequest → FhirResponse.
// It decides which interaction a request is, checks everything that can be checked without
// OSCAR (type, id, method, media types, body, parameters), calls the resource type's handler, and
// shapes the answer. Every error, whatever threw it, becomes an OperationOutcome here and only here.
import type { CapabilityStatement } from 'fhir/r4.js';
import { buildCapabilityStatement, type CapabilityOptions } from './capability.js';
import { methodNotAllowed, notFound, notImplemented, quoteInput } from './errors.js';
import type { FhirRequest, FhirResponse } from './exchange.js';
import { isValidId } from './ids.js';
import { instanceView, unavailableInteraction, unavailableOperation, type InstanceLimits, type InstanceView, type LimitedInteraction } from './instance-limits.js';
import { FHIR_JSON, negotiate, type JsonMediaType } from './negotiate.js';
import { toOperationOutcome } from './outcome.js';
import { parsePrefer, type Prefer } from './prefer.js';
import type { FhirContext, Registry, ResourceDefinition } from './registry.js';
import { operation } from './router/operation.js';
import { read } from './router/read.js';
import { json } from './router/respond.js';
import { parseRoute, type Route } from './router/route.js';
import type { RequestContext, ResourceValidator, RouterHooks, RouterState } from './router/request-context.js';
import { search } from './router/search.js';
import { create, update } from './router/write.js';
import { DEFAULT_COUNT, MAX_COUNT } from './search/parse.js';
import { InProcessLocks, type KeyedLocks, type LockOptions } from '../state/index.js';
import { unavailableText } from './unavailable.js';

export interface RouterOptions {
  registry: Registry;
  /** Public FHIR base URL (FHIR_BASE_URL), used in fullUrl, links, Location. Trailing slashes are dropped. */
  baseUrl: string;
  validator?: ResourceValidator;
  hooks?: RouterHooks;
  /** Page sizes: default 20, max 200. */
  paging?: { defaultCount?: number; maxCount?: number };
  /** IANA zone for date-only search values and date-times without an offset (the OSCAR zone). Default 'UTC'. */
  timezone?: string;
  /** Token systems accepted in searches under another spelling, mapped to the one we emit. */
  canonicalSystem?: (system: string) => string;
  /** Extra CapabilityStatement inputs (software version, SMART security). */
  capability?: Omit<CapabilityOptions, 'baseUrl'>;
  /** Write locks (src/state); default: this process only. */
  locks?: KeyedLocks;
  /** How long a write waits for, and may hold, its record's lock. */
  writeLock?: LockOptions;
  /**
   * What the back end cannot serve now (fhir/instance-limits.ts): asked on every request, so a
   * new object applies from the next request on; undefined = everything registered is served.
   */
  limits?: () => InstanceLimits | undefined;
}

/** A write waits this long for a record another write holds; OSCAR calls are bounded well below the lease. */
const DEFAULT_WRITE_LOCK: LockOptions = { waitMs: 30_000, leaseMs: 120_000 };

export type FhirRouter = (req: FhirRequest) => Promise<FhirResponse>;

const NO_SIGNAL = new AbortController().signal;
const NO_PREFER: Prefer = Object.freeze(parsePrefer(undefined));

/**
 * A request's FhirContext. Its abort signal is the request's, asked for only when a handler or
 * hook reads it: the HTTP request makes its signal on demand (an AbortController and a 'close'
 * listener on the response, src/http/fhir-handler.ts), and a miss whose handlers never read it
 * need not pay for one before its first OSCAR call.
 */
class RequestFhirContext implements FhirContext {
  readonly requestId: string;
  readonly auth: unknown;
  readonly prefer: Prefer;
  compartment?: string;
  readonly #req: FhirRequest;

  constructor(req: FhirRequest, readonly baseUrl: string) {
    this.#req = req;
    this.requestId = req.requestId;
    this.auth = req.auth;
    const prefer = req.headers.prefer;
    this.prefer = prefer === undefined ? NO_PREFER : parsePrefer(prefer);
  }

  get signal(): AbortSignal { return this.#req.signal ?? NO_SIGNAL; }
}

function allowFor(def: ResourceDefinition, level: 'type' | 'instance'): string[] {
  const i = def.interactions;
  return level === 'type'
    ? [...(i.search ? ['GET'] : []), ...(i.create ? ['POST'] : [])]
    : [...(i.read ? ['GET'] : []), ...(i.update ? ['PUT'] : [])];
}

/** The interaction a method means at a level, among those the back end may be unable to serve. */
function limitedInteraction(level: 'type' | 'instance', method: string): LimitedInteraction | undefined {
  if (level === 'type') return method === 'GET' ? 'search-type' : method === 'POST' ? 'create' : undefined;
  return method === 'GET' ? 'read' : method === 'PUT' ? 'update' : undefined;
}

/** 501 when the type implements the interaction but the back end cannot serve it (variants §7.3); else 405. */
function notAllowed(def: ResourceDefinition, level: 'type' | 'instance', method: string, view?: InstanceView, full?: ResourceDefinition): never {
  const interaction = limitedInteraction(level, method);
  const u = interaction && full && unavailableInteraction(view?.limits, full.type, interaction);
  if (u) throw notImplemented(unavailableText(`${full.type} ${interaction}`, u));
  const allow = allowFor(def, level);
  throw methodNotAllowed(`${method} is not supported on ${level === 'type' ? def.type : `${def.type}/[id]`}${def.readOnlyReason && method !== 'GET' ? ` (read-only: ${def.readOnlyReason})` : ''}`, allow);
}

function lastQueryValue(req: FhirRequest, name: string): string | undefined {
  let v: string | undefined;
  for (const [k, val] of req.query) if (k === name) v = val;
  return v;
}

export function createRouter(opts: RouterOptions): FhirRouter {
  opts.registry.check();
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const maxCount = opts.paging?.maxCount ?? MAX_COUNT;
  const fullState: RouterState = {
    registry: opts.registry,
    baseUrl,
    validator: opts.validator,
    hooks: opts.hooks ?? {},
    maxCount,
    locks: opts.locks ?? new InProcessLocks(),
    writeLock: opts.writeLock ?? DEFAULT_WRITE_LOCK,
    parseOptions: {
      defaultCount: opts.paging?.defaultCount ?? DEFAULT_COUNT,
      maxCount,
      timezone: opts.timezone ?? 'UTC',
      baseUrl,
      idPatternFor: (t) => opts.registry.get(t)?.idPattern,
      ...(opts.canonicalSystem && { canonicalSystem: opts.canonicalSystem }),
    },
  };
  // One state and one CapabilityStatement per view of the registry (instance-limits.ts builds a
  // view once per limits object).
  const states = new WeakMap<Registry, RouterState>();
  const capabilities = new WeakMap<Registry, CapabilityStatement>();
  const stateOf = (view: InstanceView): RouterState => {
    let s = states.get(view.registry);
    if (!s) states.set(view.registry, s = { ...fullState, registry: view.registry });
    return s;
  };
  const capabilityStatement = (view: InstanceView): CapabilityStatement => {
    let c = capabilities.get(view.registry);
    if (!c) capabilities.set(view.registry, c = buildCapabilityStatement(view.registry, { ...opts.capability, baseUrl, ...(view.limits && { limits: view.limits }) }));
    return c;
  };

  async function dispatch(req: FhirRequest, route: Route, mediaType: JsonMediaType, deferred: unknown): Promise<FhirResponse> {
    const view = instanceView(opts.registry, opts.limits?.());
    const state = stateOf(view);
    const ctx: FhirContext = new RequestFhirContext(req, baseUrl);
    const rc: RequestContext = { req, ctx, mediaType, pretty: lastQueryValue(req, '_pretty') === 'true' };
    if (deferred !== undefined) rc.deferredNotAcceptable = deferred;
    const method = req.method === 'HEAD' ? 'GET' : req.method;

    switch (route.kind) {
      case 'metadata':
        if (method !== 'GET') throw methodNotAllowed('/metadata accepts GET only', ['GET']);
        await state.hooks.beforeInteraction?.(ctx, { interaction: 'capabilities' });
        return json(rc, 200, capabilityStatement(view));
      case 'system':
        throw methodNotAllowed('System-level interactions (whole-system search, batch, transaction, history) are not supported', []);
      case 'system-op':
        throw notFound(`Operation $${route.op} is not supported at the system level`);
      case 'unknown':
        throw notFound(`No FHIR endpoint at ${quoteInput(req.path)}`);
      default:
        break;
    }
    const full = opts.registry.get(route.type);
    const def = view.registry.get(route.type);
    if (!def) {
      const u = full && unavailableInteraction(view.limits, full.type, 'read');
      if (u) throw notImplemented(unavailableText(full.type, u));
      throw notFound(`Resource type '${route.type}' is not supported (supported: ${view.registry.types().join(', ')})`);
    }
    if ('id' in route && !isValidId(route.id, def.idPattern)) {
      // mapping §1.1: an id that cannot exist is a 404, never an upstream call.
      throw notFound(`${def.type}/${route.id} is not known`);
    }
    switch (route.kind) {
      case 'type':
        if (method === 'GET' && def.interactions.search) return search(state, rc, def, false);
        if (method === 'POST' && def.interactions.create) return create(state, rc, def);
        return notAllowed(def, 'type', method, view, full);
      case 'search-post':
        if (method === 'POST' && !def.interactions.search) notAllowed(def, 'type', 'GET', view, full);
        if (method !== 'POST' || !def.interactions.search) {
          throw methodNotAllowed(`${def.type}/_search accepts POST${def.interactions.search ? '' : ' only where search is supported'}`, def.interactions.search ? ['POST'] : []);
        }
        return search(state, rc, def, true);
      case 'instance':
        if (method === 'GET' && def.interactions.read) return read(state, rc, def, route.id);
        if (method === 'PUT' && def.interactions.update) return update(state, rc, def, route.id);
        return notAllowed(def, 'instance', method, view, full);
      case 'vread':
        if (method === 'GET' && !def.interactions.read) notAllowed(def, 'instance', 'GET', view, full);
        if (method !== 'GET' || !def.interactions.read) throw methodNotAllowed(`${def.type}/[id]/_history/[vid] accepts GET only`, def.interactions.read ? ['GET'] : []);
        return read(state, rc, def, route.id, route.vid);
      case 'type-history':
      case 'instance-history':
        throw methodNotAllowed('History is not supported: OSCAR keeps no versions (only the current version can be read)', []);
      case 'type-op':
      case 'instance-op': {
        const u = unavailableOperation(view.limits, def.type, route.op);
        if (u) throw notImplemented(unavailableText(`$${route.op} on ${def.type}`, u));
        return operation(state, rc, def, route.op, route.kind === 'instance-op' ? route.id : undefined);
      }
    }
  }

  return async function route(req: FhirRequest): Promise<FhirResponse> {
    const parsedRoute = parseRoute(req.path);
    let mediaType: JsonMediaType = FHIR_JSON;
    try {
      let deferred: unknown;
      try {
        mediaType = negotiate(req.headers.accept, lastQueryValue(req, '_format'));
      } catch (err) {
        // A Binary read may still answer with raw bytes of the accepted type.
        const binaryRead = parsedRoute.kind === 'instance' && parsedRoute.type === 'Binary' && (req.method === 'GET' || req.method === 'HEAD');
        if (!binaryRead) throw err;
        deferred = err;
      }
      const res = await dispatch(req, parsedRoute, mediaType, deferred);
      if (req.method === 'HEAD') delete res.body;
      return res;
    } catch (err) {
      const mapped = toOperationOutcome(err);
      // A 501 is this instance's known limit, not trouble.
      if (mapped.status >= 500 && mapped.status !== 501) fullState.hooks.onError?.(err, req, { status: mapped.status, bug: mapped.bug });
      const res = json({ mediaType, pretty: lastQueryValue(req, '_pretty') === 'true' }, mapped.status, mapped.outcome, mapped.headers);
      if (req.method === 'HEAD') delete res.body;
      return res;
    }
  };
}
