// What every interaction module of the router shares: the configuration (RouterState) and the
// per-request facts (RequestContext).
import type { Resource } from 'fhir/r4.js';
import type { Issue } from '../errors.js';
import type { FhirRequest } from '../exchange.js';
import type { JsonMediaType } from '../negotiate.js';
import type { FhirContext, Registry } from '../registry.js';
import type { KeyedLocks, LockOptions } from '../../state/index.js';
import type { SearchParseOptions } from '../search/parse.js';
import type { ParsedSearch } from '../search/types.js';

export interface ResourceValidator {
  /** Problems with a resource; severity error/fatal makes a create/update a 422. */
  validate(resource: Resource): Issue[] | Promise<Issue[]>;
}

export type InteractionKind = 'read' | 'vread' | 'search-type' | 'create' | 'update' | 'operation' | 'capabilities';

export interface InteractionInfo {
  interaction: InteractionKind;
  type?: string;
  id?: string;
  /** Operation name without '$'. */
  operation?: string;
  search?: ParsedSearch;
  /** The incoming resource of create/update. */
  resource?: Resource;
}

export interface RouterHooks {
  /**
   * Runs before any handler is called, after the request was parsed and checked (authorisation
   * by type / interaction / scopes). Throw a FhirError (401/403) to refuse.
   */
  beforeInteraction?(ctx: FhirContext, info: InteractionInfo): void | Promise<void>;
  /** Runs on every resource about to be returned (compartment checks). Throw a FhirError to refuse. */
  checkResource?(ctx: FhirContext, resource: Resource): void | Promise<void>;
  /** Every error answered with a 5xx (mapped.bug: a 500, i.e. a bug). Log here; never log PHI. */
  onError?(err: unknown, req: FhirRequest, mapped: { status: number; bug: boolean }): void;
}

export interface RouterState {
  registry: Registry;
  baseUrl: string;
  validator: ResourceValidator | undefined;
  hooks: RouterHooks;
  parseOptions: SearchParseOptions;
  maxCount: number;
  /** Serialise read-decide-write sequences (If-Match, conditional create) per record / condition. */
  locks: KeyedLocks;
  writeLock: LockOptions;
}

/** One request on its way through the router (`rc` in the interaction modules; a SMART scope is another thing, src/auth/scopes.ts). */
export interface RequestContext {
  req: FhirRequest;
  ctx: FhirContext;
  /** Negotiated response media type. */
  mediaType: JsonMediaType;
  pretty: boolean;
  /** A 406 held back for a Binary read, which may still answer with raw bytes. */
  deferredNotAcceptable?: unknown;
}
