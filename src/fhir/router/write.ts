// create and update. Every check on the incoming body runs before any handler (and before
// any OSCAR call): media type, resourceType, id, then the validator, whose findings are shown
// only to a token the authorisation hook let through. What a write returns passes the same
// compartment check as a read. Conditional headers:
// If-None-Exist on create (search: 0 → create, 1 → return it, more → 412) and If-Match on
// update (the current version is read through the read handler).
import type { Resource } from 'fhir/r4.js';
import { badRequest, conflict, FhirError, invalidStructure, notSupported, preconditionFailed, unprocessable, type Issue } from '../errors.js';
import type { FhirResponse } from '../exchange.js';
import { requireJsonBody } from '../negotiate.js';
import type { ResourceDefinition, WriteResult } from '../registry.js';
import { withLock, LockTimeoutError } from '../../state/index.js';
import { conditionPairs } from '../condition.js';
import { pageOf } from '../search/page.js';
import { parseSearch } from '../search/parse.js';
import { etagMatches, stampVersion } from '../version.js';
import { readCurrent } from './read.js';
import { writeResponse } from './respond.js';
import type { InteractionInfo, RequestContext, RouterState } from './request-context.js';

/** The body as a resource of `type`, or a 400. */
export function resourceBody(type: string, body: unknown): Resource {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Buffer.isBuffer(body)) {
    throw invalidStructure(`The body must be a ${type} resource in JSON`);
  }
  const rt = (body as { resourceType?: unknown }).resourceType;
  if (rt !== type) {
    throw badRequest(`The body is ${typeof rt === 'string' ? `a ${rt}` : 'not a resource (no resourceType)'}, expected ${type}`, ['resourceType']);
  }
  return body as Resource;
}

function normalise(result: Resource | WriteResult): WriteResult {
  return 'resourceType' in result ? { resource: result as Resource } : result;
}

function stampedResult(type: string, result: Resource | WriteResult): { resource: Resource; issues: Issue[] } {
  const { resource, issues = [] } = normalise(result);
  if (!resource.id || resource.resourceType !== type) {
    throw new Error(`${type} write handler returned a resource without id or of the wrong type`);
  }
  return { resource: stampVersion(resource), issues };
}

/** If-Match: compares with the current version (read through the read handler); 412 on mismatch. */
async function checkIfMatch(rc: RequestContext, def: ResourceDefinition, id: string): Promise<void> {
  const ifMatch = rc.req.headers['if-match'];
  if (ifMatch === undefined) return;
  if (!def.interactions.read) throw notSupported(`If-Match is not supported for ${def.type}`);
  const current = await readCurrent(rc, def, id);
  if (!etagMatches(ifMatch, current.meta?.versionId ?? '')) {
    throw preconditionFailed(`${def.type}/${id} has changed: its current version is ${current.meta?.versionId ?? '?'}, not ${ifMatch}`);
  }
}

/**
 * Validates the incoming resource, but lets the authorisation hook speak first: a token that may
 * not write this type gets its 403, never the validator's findings. The hook sees the resource
 * only once it is valid (its compartment rules read references).
 */
async function authorisedAndValid(state: RouterState, rc: RequestContext, info: InteractionInfo & { resource: Resource }): Promise<Issue[]> {
  const issues = state.validator ? await state.validator.validate(info.resource) : [];
  const invalid = issues.some((i) => i.severity === 'error' || i.severity === 'fatal');
  const { resource: _unchecked, ...withoutBody } = info;
  await state.hooks.beforeInteraction?.(rc.ctx, invalid ? withoutBody : info);
  if (invalid) throw unprocessable(issues);
  return issues;
}

/**
 * Runs a read-decide-write sequence holding `key` (src/state), so two writers with the same
 * If-Match or the same If-None-Exist cannot both pass their check. Per process only (README).
 */
async function serialised<T>(state: RouterState, key: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await withLock(state.locks, key, state.writeLock, fn);
  } catch (e) {
    if (!(e instanceof LockTimeoutError)) throw e;
    throw new FhirError(503, { severity: 'error', code: 'transient', diagnostics: 'Another write to the same record is still under way. Retry later.' },
      { headers: { 'retry-after': String(Math.ceil(state.writeLock.waitMs / 1000)) } });
  }
}

/** One lock key per condition, whatever the order of its parameters. */
function conditionKey(type: string, pairs: readonly (readonly [string, string])[]): string {
  return `${type}?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).sort().join('&')}`;
}

const TIMED_OUT = new Set(['OscarTimeoutError', 'TimeoutError']);

/**
 * An EMR that did not answer in time may still have done the write (Tomcat finishes a request
 * whose caller has gone): the 504 says so and how to check before retrying.
 */
async function answeredInTime<T>(fn: () => Promise<T>, howToCheck: string): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const name = (e as { name?: unknown } | null)?.name;
    if (typeof name !== 'string' || !TIMED_OUT.has(name)) throw e;
    throw new FhirError(504, { severity: 'error', code: 'timeout', diagnostics: `The EMR did not answer in time, but it may have applied this write. ${howToCheck}` }, { cause: e });
  }
}

const CHECK_CREATE = (type: string): string => `Before sending it again, look for the ${type}: search for it, or send the retry with If-None-Exist naming what identifies it (for example patient and identifier), which returns the stored ${type} instead of creating a second one.`;
const CHECK_CHANGE = (type: string, id: string): string => `Read ${type}/${id} to see whether it was; a retry with If-Match answers 412 if it was.`;

/** What a write returns leaves through the same compartment check as a read. */
async function checkedResult(state: RouterState, rc: RequestContext, type: string, result: Resource | WriteResult): Promise<{ resource: Resource; issues: Issue[] }> {
  const stamped = stampedResult(type, result);
  await state.hooks.checkResource?.(rc.ctx, stamped.resource);
  return stamped;
}

export async function create(state: RouterState, rc: RequestContext, def: ResourceDefinition): Promise<FhirResponse> {
  requireJsonBody(rc.req.headers['content-type']);
  const body = resourceBody(def.type, rc.req.body);
  const notes: Issue[] = [];
  let incoming = body;
  if (body.id !== undefined) {
    // R4 http §3.1.0.7: an id in a create body SHALL be ignored; the server assigns the id.
    const { id: _ignored, ...rest } = body;
    incoming = rest as Resource;
    notes.push({ severity: 'warning', code: 'informational', diagnostics: 'The id in the body was ignored: the server assigns ids on create', expression: [`${def.type}.id`] });
  }
  notes.push(...(await authorisedAndValid(state, rc, { interaction: 'create', type: def.type, resource: incoming })));

  const ifNoneExist = rc.req.headers['if-none-exist'];
  if (ifNoneExist === undefined) return created(state, rc, def, incoming, notes);
  if (!def.conditionalCreate || !def.interactions.search) throw notSupported(`Conditional create (If-None-Exist) is not supported for ${def.type}`);
  const condition = conditionPairs(ifNoneExist);
  const search = parseSearch(def, [...condition, ['_count', '2']], { ...state.parseOptions, lenient: false });
  await state.hooks.beforeInteraction?.(rc.ctx, { interaction: 'search-type', type: def.type, search });
  return serialised(state, conditionKey(def.type, condition), async () => {
    // Cut as the router cuts a page (search/page.ts): an unpaged handler's matches counted, its first finished.
    const found = search.impossible ? { resources: [], total: 0 } : await pageOf(await def.interactions.search!(rc.ctx, search), search);
    const n = found.total ?? found.resources.length;
    if (n > 1) throw preconditionFailed(`If-None-Exist matches more than one ${def.type}`, 'multiple-matches');
    if (n === 1 && found.resources[0]) {
      const existing = stampVersion(found.resources[0]);
      await state.hooks.checkResource?.(rc.ctx, existing);
      return writeResponse(rc, 200, existing, [], `${def.type}/${existing.id ?? ''} already exists; nothing was created`, state.baseUrl);
    }
    // The one match exists but the outgoing policy withheld it (sanitize mode: its mapping is
    // broken, src/validation/README.md): it cannot be shown, and creating another would make the
    // duplicate If-None-Exist is there to prevent.
    if (n === 1 || (found.withheld ?? 0) > 0) {
      throw conflict(`If-None-Exist matches a ${def.type} in OSCAR that could not be converted to valid FHIR; nothing was created`);
    }
    return created(state, rc, def, incoming, notes);
  });
}

async function created(state: RouterState, rc: RequestContext, def: ResourceDefinition, incoming: Resource, notes: Issue[]): Promise<FhirResponse> {
  const stored = await answeredInTime(() => def.interactions.create!(rc.ctx, incoming), CHECK_CREATE(def.type));
  const { resource, issues } = await checkedResult(state, rc, def.type, stored);
  return writeResponse(rc, 201, resource, [...notes, ...issues], `Created ${def.type}/${resource.id ?? ''}`, state.baseUrl);
}

export async function update(state: RouterState, rc: RequestContext, def: ResourceDefinition, id: string): Promise<FhirResponse> {
  requireJsonBody(rc.req.headers['content-type']);
  const body = resourceBody(def.type, rc.req.body);
  if (body.id !== id) {
    throw badRequest(body.id === undefined
      ? `The body has no id; an update must carry the id of the URL (${id})`
      : `The body id (${body.id}) does not match the URL id (${id})`, [`${def.type}.id`]);
  }
  const notes = await authorisedAndValid(state, rc, { interaction: 'update', type: def.type, id, resource: body });
  const { resource, issues } = await serialised(state, `${def.type}/${id}`, async () => {
    await checkIfMatch(rc, def, id);
    return checkedResult(state, rc, def.type, await answeredInTime(() => def.interactions.update!(rc.ctx, id, body), CHECK_CHANGE(def.type, id)));
  });
  return writeResponse(rc, 200, resource, [...notes, ...issues], `Updated ${def.type}/${id}`, state.baseUrl);
}
