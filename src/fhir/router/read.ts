// read and vread. Versions are content hashes (version.ts), so only the current version exists:
// vread of it is a read, of any other version a 404. Binary answers with its raw bytes unless the
// client explicitly asks for FHIR JSON (mapping §6.2).
import type { Binary, Resource } from 'fhir/r4.js';
import { notAcceptable, notFound } from '../errors.js';
import type { FhirResponse } from '../exchange.js';
import { acceptsContentType, wantsFhirResource } from '../negotiate.js';
import type { ResourceDefinition } from '../registry.js';
import { parseSubsetParams } from '../search/parse.js';
import { applyElements, applySummary, elementListsFor } from '../summary.js';
import { etagMatches, stampVersion } from '../version.js';
import { json, resourceHeaders } from './respond.js';
import type { RequestContext, RouterState } from './request-context.js';

/** Reads through the handler and stamps meta.versionId; 404 when absent. No hooks, no headers. */
export async function readCurrent(rc: RequestContext, def: ResourceDefinition, id: string): Promise<Resource> {
  const found = await def.interactions.read!(rc.ctx, id);
  if (!found) throw notFound(`${def.type}/${id} is not known`);
  return stampVersion(found);
}

function notModified(rc: RequestContext, resource: Resource): boolean {
  const inm = rc.req.headers['if-none-match'];
  if (inm !== undefined) return resource.meta?.versionId !== undefined && etagMatches(inm, resource.meta.versionId);
  const ims = rc.req.headers['if-modified-since'];
  const since = ims === undefined ? Number.NaN : Date.parse(ims);
  const last = resource.meta?.lastUpdated ? Date.parse(resource.meta.lastUpdated) : Number.NaN;
  // HTTP dates have whole seconds: compare at that precision.
  return !Number.isNaN(since) && !Number.isNaN(last) && Math.floor(last / 1000) <= Math.floor(since / 1000);
}

export async function read(state: RouterState, rc: RequestContext, def: ResourceDefinition, id: string, vid?: string): Promise<FhirResponse> {
  const subset = parseSubsetParams(def.type, rc.req.query);
  await state.hooks.beforeInteraction?.(rc.ctx, { interaction: vid === undefined ? 'read' : 'vread', type: def.type, id });
  const resource = await readCurrent(rc, def, id);
  if (vid !== undefined && resource.meta?.versionId !== vid) {
    throw notFound(`${def.type}/${id} has no version ${vid}; only the current version is available`);
  }
  await state.hooks.checkResource?.(rc.ctx, resource);
  const headers = resourceHeaders(resource);
  if (notModified(rc, resource)) return { status: 304, headers };

  if (resource.resourceType === 'Binary') {
    const format = rc.req.query.find(([k]) => k === '_format')?.[1];
    const accept = rc.req.headers.accept;
    const binary = resource as Binary;
    if (!wantsFhirResource(accept, format) && binary.data !== undefined) {
      if (!acceptsContentType(accept, binary.contentType)) {
        throw notAcceptable(`This Binary is ${binary.contentType}; ask for that type or for application/fhir+json`);
      }
      return { status: 200, headers: { ...headers, 'content-type': binary.contentType }, body: Buffer.from(binary.data, 'base64') };
    }
  }
  if (rc.deferredNotAcceptable !== undefined) throw rc.deferredNotAcceptable;
  const lists = elementListsFor(def.type, def.elements);
  const shaped = applyElements(applySummary(resource, subset.summary, lists), subset.elements, lists);
  return json(rc, 200, shaped, headers);
}
