// The outgoing validation policy (src/validation/README.md): every resource a handler
// returns is validated before the router stamps its version, and of a search only the page that
// is returned (an unpaged answer is cut to its page here first). A failure is a mapping bug.
//   strict   → the request fails (500): tests run this way, so a bug fails the test.
//   sanitize → the offending elements are dropped, the bug is logged (expressions only, no PHI)
//              and counted; a resource whose required core is broken is withheld.
import type { Resource } from 'fhir/r4.js';
import { pageOf, type Issue, type ResourceDefinition, type SearchResult, type WriteResult } from '../fhir/index.js';
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

/** The resources that pass the policy (sanitized where needed) and how many were withheld. */
function checkAll<R extends Resource>(list: readonly R[], policy: OutgoingPolicy): { kept: R[]; withheld: number } {
  const kept: R[] = [];
  for (const r of list) {
    const out = check(r, policy);
    if (out) kept.push(out);
  }
  return { kept, withheld: list.length - kept.length };
}

/** A page's matches and included resources through the policy; what is withheld is counted and said. */
function checkedPage<R extends Resource>(page: SearchResult<R>, policy: OutgoingPolicy): SearchResult<R> {
  const matches = checkAll(page.resources, policy);
  const included = page.included && checkAll(page.included, policy);
  const left = matches.withheld + (included?.withheld ?? 0);
  const withheld = matches.withheld + (page.withheld ?? 0);
  return {
    ...page,
    resources: matches.kept,
    ...(included && { included: included.kept }),
    ...(withheld > 0 && { withheld }),
    ...(left > 0 && { outcome: [...(page.outcome ?? []), withheldIssue(matches.withheld, included?.withheld ?? 0)] }),
  };
}

/** Said in the searchset's OperationOutcome entry: Bundle.total and the paging count withheld matches. */
function withheldIssue(matches: number, included: number): Issue {
  const parts = [matches > 0 && `${matches} matching resource${matches === 1 ? '' : 's'}`, included > 0 && `${included} included resource${included === 1 ? '' : 's'}`].filter(Boolean);
  return {
    severity: 'warning', code: 'incomplete',
    diagnostics: `${parts.join(' and ')} of this page could not be converted from OSCAR to valid FHIR and ${matches + included === 1 ? 'is' : 'are'} left out; Bundle.total counts the matches left out`,
  };
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
          // _summary=count sends no resource (the router answers the total alone): nothing to validate.
          if (s.summary === 'count') return res;
          // Only what is returned is validated: an unpaged answer is cut to its page first.
          return checkedPage(await pageOf(res, s), policy);
        },
      }),
      ...(i.create && { create: async (ctx, r) => write(await i.create!(ctx, r)) }),
      ...(i.update && { update: async (ctx, id, r) => write(await i.update!(ctx, id, r)) }),
    },
  };
}
