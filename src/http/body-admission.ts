// Which request bodies are worth reading at all, decided from the route and the caller before a
// byte of the body is read: a body costs memory and CPU to read and parse, so an interaction the
// type does not offer, or one the token has no scope for, is answered without reading it. What is
// read is bounded per interaction: only a document upload needs megabytes.
import { parseRoute, type FhirRequest, type Registry, type ResourceDefinition } from '../fhir/index.js';

export interface BodyLimits {
  /** A create of a type that carries document content (MAX_BODY_BYTES). */
  documentBytes: number;
  /** Any other resource, a $validate of it, a form `_search` (MAX_RESOURCE_BODY_BYTES). */
  resourceBytes: number;
}

/** What the caller would need to be allowed: a permission letter on the type, or any permission (operations). */
export type Attempt = 'c' | 'u' | 's' | 'any';

export interface BodyAdmissionOptions {
  registry: Registry;
  limits: BodyLimits;
  /**
   * Throws the 401/403 the router would answer when `auth` may not even attempt this on `type`;
   * absent = nothing is refused here (AUTH_MODE=none). The router still makes every real check.
   */
  refuseAttempt?: (auth: unknown, type: string, attempt: Attempt) => void;
}

/** Types whose create carries document bytes (DocumentReference.content.attachment.data). */
const DOCUMENT_TYPES: ReadonlySet<string> = new Set(['DocumentReference', 'Binary']);

/**
 * The body limit for this request, or undefined when the interaction takes no body here (the
 * router then answers its 404/405 without one). Throws a FhirError when the caller may not try.
 */
export type AdmitBody = (req: FhirRequest) => number | undefined;

interface Plan { def: ResourceDefinition; attempt: Attempt; form?: boolean }

function planOf(req: FhirRequest, registry: Registry): Plan | undefined {
  const route = parseRoute(req.path);
  if (!('type' in route)) return undefined;
  const def = registry.get(route.type);
  if (!def) return undefined;
  const { interactions } = def;
  switch (route.kind) {
    case 'type':
      return req.method === 'POST' && interactions.create ? { def, attempt: 'c' } : undefined;
    case 'search-post':
      return req.method === 'POST' && interactions.search ? { def, attempt: 's', form: true } : undefined;
    case 'instance':
      return req.method === 'PUT' && interactions.update ? { def, attempt: 'u' } : undefined;
    case 'type-op':
    case 'instance-op': {
      if (req.method !== 'POST') return undefined;
      const known = (route.kind === 'type-op' && route.op === 'validate')
        || (def.operations ?? []).some((o) => o.name === route.op && (route.kind === 'type-op' ? o.type : o.instance));
      return known ? { def, attempt: 'any' } : undefined;
    }
    default:
      return undefined;
  }
}

export function createBodyAdmission(opts: BodyAdmissionOptions): AdmitBody {
  const { registry, limits, refuseAttempt } = opts;
  return (req) => {
    const plan = planOf(req, registry);
    if (!plan) return undefined;
    refuseAttempt?.(req.auth, plan.def.type, plan.attempt);
    return !plan.form && DOCUMENT_TYPES.has(plan.def.type) ? limits.documentBytes : limits.resourceBytes;
  };
}
