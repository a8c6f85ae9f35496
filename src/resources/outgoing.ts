// The outgoing validation policy (src/validation/README.md): every resource a handler
// returns is validated before the router stamps its version. A failure is a mapping bug.
//   strict   → the request fails (500): tests run this way, so a bug fails the test.
//   sanitize → the offending elements are dropped, the bug is logged (expressions only, no PHI)
//              and counted; a resource whose required core is broken is withheld.
import type { Resource } from 'fhir/r4.js';
import type { ResourceDefinition, SearchResult, WriteResult } from '../fhir/index.js';
import type { ValidationMode } from '../config.js';
import type { Logger } from '../logging.js';
import { sanitizeOutgoing } from '../validation/index.js';

export interface OutgoingPolicy {
  mode: ValidationMode;
  logger: Logger;
  /** Counts invalid outgoing resources (metrics). */
  onInvalid?: (type: string) => void;
}

export class OutgoingValidationError extends Error {
  constructor(readonly resourceType: string, readonly expressions: string[]) {
    super(`outgoing ${resourceType} failed validation at ${expressions.join(', ')}`);
    this.name = 'OutgoingValidationError';
  }
}

function check<R extends Resource>(r: R, policy: OutgoingPolicy): R | undefined {
  const result = sanitizeOutgoing(r);
  if (result.issues.length === 0) return r;
  const expressions = result.issues.map((i) => `${i.expression} (${i.rule ?? i.code})`);
  policy.onInvalid?.(r.resourceType);
  if (policy.mode === 'strict') throw new OutgoingValidationError(r.resourceType, expressions);
  policy.logger.error({ resourceType: r.resourceType, id: r.id, problems: expressions, dropped: result.dropped, withheld: !result.resource }, 'outgoing resource failed validation');
  return result.resource;
}

function isWrite<R extends Resource>(x: R | WriteResult<R>): x is WriteResult<R> {
  return 'resource' in x && !('resourceType' in x);
}

/** The same definition, with every resource its handlers return passed through the policy. */
export function withOutgoingValidation<R extends Resource>(def: ResourceDefinition<R>, policy: OutgoingPolicy): ResourceDefinition<R> {
  const i = def.interactions;
  const one = (r: R): R => {
    const out = check(r, policy);
    if (!out) throw new OutgoingValidationError(r.resourceType, ['(withheld)']);
    return out;
  };
  const write = (x: R | WriteResult<R>): R | WriteResult<R> => (isWrite(x) ? { ...x, resource: one(x.resource) } : one(x));
  return {
    ...def,
    interactions: {
      ...i,
      ...(i.read && { read: async (ctx, id) => { const r = await i.read!(ctx, id); return r && one(r); } }),
      ...(i.search && {
        search: async (ctx, s): Promise<SearchResult<R>> => {
          const res = await i.search!(ctx, s);
          const resources = res.resources.map((r) => check(r, policy)).filter((r): r is R => r !== undefined);
          return { ...res, resources };
        },
      }),
      ...(i.create && { create: async (ctx, r) => write(await i.create!(ctx, r)) }),
      ...(i.update && { update: async (ctx, id, r) => write(await i.update!(ctx, id, r)) }),
    },
  };
}
