// Operations: the built-in type-level $validate (runs the checks a create/update would, stores
// nothing, calls no handler) and the operations a type declares ($everything, …).
import type { Bundle, Parameters, Resource } from 'fhir/r4.js';
import { badRequest, methodNotAllowed, notFound, notSupported, type Issue } from '../errors.js';
import type { FhirResponse } from '../exchange.js';
import { isValidId } from '../ids.js';
import { requireJsonBody } from '../negotiate.js';
import { operationOutcome } from '../outcome.js';
import type { ResourceDefinition } from '../registry.js';
import { json } from './respond.js';
import type { RequestContext, RouterState } from './request-context.js';

/** The resource and mode of a $validate body: the resource itself, or Parameters{resource, mode}. */
function validateInput(body: unknown): { resource: unknown; mode: string | undefined } {
  if (typeof body === 'object' && body !== null && (body as { resourceType?: unknown }).resourceType === 'Parameters') {
    const params = (body as Parameters).parameter ?? [];
    const resource = params.find((p) => p.name === 'resource')?.resource;
    const mode = params.find((p) => p.name === 'mode')?.valueCode;
    if (resource === undefined) throw badRequest(`$validate: the Parameters have no 'resource' parameter`);
    return { resource, mode };
  }
  return { resource: body, mode: undefined };
}

async function validateOperation(state: RouterState, rc: RequestContext, def: ResourceDefinition): Promise<FhirResponse> {
  if (rc.req.method !== 'POST') throw methodNotAllowed('$validate needs POST with the resource as body', ['POST']);
  requireJsonBody(rc.req.headers['content-type']);
  const { resource, mode } = validateInput(rc.req.body);
  const modeParam = mode ?? rc.req.query.find(([k]) => k === 'mode')?.[1];
  if (modeParam !== undefined && modeParam !== 'create' && modeParam !== 'update') {
    throw notSupported(`$validate mode '${modeParam}' is not supported (create, update)`);
  }
  await state.hooks.beforeInteraction?.(rc.ctx, { interaction: 'operation', type: def.type, operation: 'validate' });
  const issues: Issue[] = [];
  const rt = typeof resource === 'object' && resource !== null ? (resource as { resourceType?: unknown }).resourceType : undefined;
  if (rt !== def.type) {
    issues.push({ severity: 'error', code: 'invalid', diagnostics: `Expected a ${def.type}, got ${typeof rt === 'string' ? rt : 'no resource'}`, expression: ['resourceType'] });
  } else {
    const r = resource as Resource;
    if (modeParam === 'update' && (r.id === undefined || !isValidId(r.id, def.idPattern))) {
      issues.push({ severity: 'error', code: 'required', diagnostics: `An update needs the id of an existing ${def.type}`, expression: [`${def.type}.id`] });
    }
    if (state.validator) issues.push(...(await state.validator.validate(r)));
  }
  // R4 $validate: 200 whether or not the resource is valid; the outcome says which.
  return json(rc, 200, operationOutcome(issues));
}

export async function operation(state: RouterState, rc: RequestContext, def: ResourceDefinition, name: string, id?: string): Promise<FhirResponse> {
  if (name === 'validate' && id === undefined) return validateOperation(state, rc, def);
  const op = (def.operations ?? []).find((o) => o.name === name && (id === undefined ? o.type : o.instance));
  if (!op) throw notFound(`Operation $${name} is not supported on ${id === undefined ? def.type : `${def.type} instances`}`);
  const method = rc.req.method;
  const allowed = op.affectsState ? ['POST'] : ['GET', 'POST'];
  if (!allowed.includes(method === 'HEAD' ? 'GET' : method)) throw methodNotAllowed(`$${name} accepts ${allowed.join(' or ')}`, allowed);
  if (method === 'POST' && rc.req.body !== undefined) requireJsonBody(rc.req.headers['content-type']);
  await state.hooks.beforeInteraction?.(rc.ctx, { interaction: 'operation', type: def.type, operation: name, ...(id === undefined ? {} : { id }) });
  const result = await op.handler(rc.ctx, {
    ...(id === undefined ? {} : { id }), method, params: rc.req.query,
    ...(rc.req.body === undefined ? {} : { body: rc.req.body }),
  });
  // Whatever an operation returns passes the same per-resource check as reads and searches.
  for (const r of returnedResources(result)) await state.hooks.checkResource?.(rc.ctx, r);
  return json(rc, 200, result);
}

/** The resources an operation result carries: a Bundle's entries, else the result itself (outcomes and Parameters carry none). */
function returnedResources(result: Resource): Resource[] {
  if (result.resourceType === 'Bundle') return ((result as Bundle).entry ?? []).flatMap((e) => (e.resource ? [e.resource] : []));
  return result.resourceType === 'OperationOutcome' || result.resourceType === 'Parameters' ? [] : [result];
}
