// Cache keys. An upstream entry is keyed by the OSCAR instance (URL and the identities the facade
// acts as: what OSCAR returns can depend on the calling provider, contract 7.9) plus the
// canonical request (operation + arguments, object keys sorted, defaults filled in). Who asked the
// facade is never part of a key: authorization runs on every request, before and after the cache.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../fhir/index.js';

export interface OscarIdentity {
  baseUrl: string;
  /** OAuth access token (public half) the REST calls are signed with. */
  restToken: string;
  /** SOAP login name. */
  soapUser: string;
}

/** A short, stable, non-secret id of the OSCAR instance + identity. */
export function instanceId(id: OscarIdentity): string {
  return createHash('sha256').update(`${id.baseUrl}\n${id.restToken}\n${id.soapUser}`).digest('base64url').slice(0, 12);
}

/** Arguments with trailing omitted ones filled from `defaults`, then trailing undefineds dropped. */
export function normalisedArgs(args: readonly unknown[], defaults: readonly unknown[] = []): unknown[] {
  const out = [...args];
  for (let i = out.length; i < defaults.length; i++) out.push(defaults[i]);
  for (let i = 0; i < out.length; i++) if (out[i] === undefined && defaults[i] !== undefined) out[i] = defaults[i];
  while (out.length > 0 && out[out.length - 1] === undefined) out.pop();
  return out;
}

export function upstreamKey(instance: string, operation: string, args: readonly unknown[]): string {
  return `${instance}|${operation}|${canonicalJson(args)}`;
}

/**
 * Key of a rendered read: the same bytes answer everyone allowed to see them, while the same
 * routes hold (`routes`: their fingerprint; bytes rendered under other routes are never served).
 */
export function renderedKey(instance: string, type: string, id: string, mediaType: string, routes = ''): string {
  return `${instance}|${routes}|GET ${type}/${id}|${mediaType}`;
}
