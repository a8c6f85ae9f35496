// FhirResponse builders: JSON bodies with the negotiated media type, resource headers
// (ETag, Last-Modified, Location) and the Prefer: return variants of write answers.
import type { Resource } from 'fhir/r4.js';
import type { Issue } from '../errors.js';
import type { FhirResponse } from '../exchange.js';
import { operationOutcome } from '../outcome.js';
import type { ReturnPreference } from '../prefer.js';
import { weakEtag } from '../version.js';
import type { RequestContext } from './request-context.js';

export function json(rc: Pick<RequestContext, 'mediaType' | 'pretty'>, status: number, body: object, headers: Record<string, string> = {}): FhirResponse {
  const res: FhirResponse = { status, headers: { 'content-type': `${rc.mediaType}; charset=utf-8`, ...headers }, body };
  if (rc.pretty) res.pretty = true;
  return res;
}

/** ETag and Last-Modified of a stamped resource. */
export function resourceHeaders(resource: Resource): Record<string, string> {
  const headers: Record<string, string> = {};
  if (resource.meta?.versionId) headers.etag = weakEtag(resource.meta.versionId);
  const lastUpdated = resource.meta?.lastUpdated ? Date.parse(resource.meta.lastUpdated) : Number.NaN;
  if (!Number.isNaN(lastUpdated)) headers['last-modified'] = new Date(lastUpdated).toUTCString();
  return headers;
}

export function versionedLocation(baseUrl: string, resource: Resource): string {
  return `${baseUrl}/${resource.resourceType}/${resource.id ?? ''}/_history/${resource.meta?.versionId ?? ''}`;
}

/** Answer of create / update / conditional create, shaped by Prefer: return. */
export function writeResponse(rc: RequestContext, status: number, resource: Resource, issues: readonly Issue[], okMessage: string, baseUrl: string): FhirResponse {
  const headers: Record<string, string> = { ...resourceHeaders(resource), location: versionedLocation(baseUrl, resource) };
  const pref: ReturnPreference | undefined = rc.ctx.prefer.return;
  if (pref) headers['preference-applied'] = `return=${pref}`;
  if (pref === 'minimal') return { status, headers };
  if (pref === 'OperationOutcome') {
    return json(rc, status, operationOutcome(issues.length > 0 ? issues : [{ severity: 'information', code: 'informational', diagnostics: okMessage }]), headers);
  }
  return json(rc, status, resource, headers);
}
