import type { ClinicStore } from '../clinic/store.js';
import type { ProviderRow } from '../clinic/model.js';
import type { SimOptions } from '../options.js';
import type { JsonEntity, Schema } from './body.js';

/** What a resource method sees (the JAX-RS parameters plus OSCAR's logged-in info). */
export interface RestContext {
  store: ClinicStore;
  opts: SimOptions;
  tz: string;
  /** Path parameters, decoded. Integer parameters were validated before the call. */
  params: Readonly<Record<string, string>>;
  /** Query parameters as JAX-RS decodes them (`+` → space, UTF-8). */
  query: URLSearchParams;
  /** The request entity (null when the body was empty). */
  body: JsonEntity | null;
  /** AbstractServiceImpl.getLoggedInInfo() (contract 1.5): session provider first, then OAuth; else 500. */
  provider(): ProviderRow;
  /** securityInfoManager.hasPrivilege(…, object, "r"): the caller, or RuntimeException("Access Denied") → 500 (contract 1.6). */
  requirePrivilege(object: string): ProviderRow;
  /** Scopes of the OAuth access token used, '' otherwise. */
  scopes: string;
}

export type RestResult =
  /** A returned object: rendered as JSON, or by `xml` when XML was negotiated. */
  | { kind: 'entity'; json: unknown; xml?: () => string }
  /** A resource method returning null (contract 1.6: 204). */
  | { kind: 'noContent' }
  /** A javax.ws.rs.core.Response built by the method. */
  | { kind: 'response'; status: number; body?: string; contentType?: string };

export interface RestRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** JAX-RS template under /ws/services, e.g. '/demographics/{id}'. */
  path: string;
  produces: readonly string[];
  consumes: readonly string[];
  entity?: { kind: 'bean'; schema: Schema } | { kind: 'objectNode' };
  /** Integer @PathParam / @QueryParam names: a value that does not convert → 404 (JAX-RS). */
  intParams?: readonly string[];
  intQuery?: readonly string[];
  handle(ctx: RestContext): RestResult;
}

export const entity = (json: unknown, xml?: () => string): RestResult => (xml ? { kind: 'entity', json, xml } : { kind: 'entity', json });
export const noContent: RestResult = { kind: 'noContent' };

/** Reads an Integer path parameter that the pipeline already validated. */
export function intParam(ctx: RestContext, name: string): number {
  return Number(ctx.params[name]);
}

/** Reads an Integer query parameter that the pipeline already validated (null when absent). */
export function intQuery(ctx: RestContext, name: string): number | null {
  const v = ctx.query.get(name);
  return v === null || v.trim() === '' ? null : Number(v.trim());
}

/** AbstractSearchResponse<T> (contract 1.4). */
export function searchResponse(content: unknown[], total: number, timestamp: number, query: string | null): Record<string, unknown> {
  return { offset: 0, limit: 0, total, timestamp, content, query };
}
