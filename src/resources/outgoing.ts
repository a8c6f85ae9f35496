// The outgoing validation policy (src/validation/README.md): every resource a handler
// returns is validated before it is stamped with its version, and of a search only the page that
// is returned (an unpaged answer is cut to its page here first). A failure is a mapping bug.
//   strict   → the request fails (500): tests run this way, so a bug fails the test.
//   sanitize → the offending elements are dropped, the bug is logged (expressions only, no PHI)
//              and counted; a resource whose required core is broken is withheld.
//   Content found clean once is not validated again (src/validation/README.md, "Content already
//   found clean"): what is invalid is checked, logged and counted every time.
import type { Resource } from 'fhir/r4.js';
import { canonicalContent, pageOf, stampContent, stampedMeta, type CanonicalContent, type Issue, type StampedMeta, type ResourceDefinition, type SearchResult, type WriteResult } from '../fhir/index.js';
import type { ValidationMode } from '../config.js';
import type { Logger } from '../logging.js';
import { sanitizeOutgoing, type SanitizeResult } from '../validation/index.js';
import { OUTGOING_MEMO, type CleanMemo } from '../validation/outgoing-memo.js';

export interface OutgoingPolicy {
  mode: ValidationMode;
  logger: Logger;
  /** Counts invalid outgoing resources (metrics). */
  onInvalid?: (type: string) => void;
  /** The memo of clean content (the process's, OUTGOING_MEMO, unless given). */
  memo?: CleanMemo;
  /** The check itself (sanitizeOutgoing unless given): tests count its calls. */
  sanitize?: <T>(resource: T) => SanitizeResult<T>;
}

export class OutgoingValidationError extends Error {
  constructor(readonly resourceType: string, readonly expressions: string[]) {
    super(`outgoing ${resourceType} failed validation at ${expressions.join(', ')}`);
    this.name = 'OutgoingValidationError';
  }
}

/** A resource with its canonical content and stamped meta (fhir/version.ts), made once for the memo and the stamp. */
interface Prepared<R extends Resource> {
  resource: R;
  /** Undefined when the resource cannot be written as JSON (below). */
  content?: CanonicalContent;
  sm?: StampedMeta;
}

function prepare<R extends Resource>(resource: R): Prepared<R> {
  try {
    const content = canonicalContent(resource);
    return { resource, content, sm: stampedMeta(resource, content) };
  } catch {
    // What JSON cannot write (a BigInt, a cycle) is invalid FHIR: the check handles it as it did
    // before this text was made ahead of it (sanitized or refused), and the router stamps the rest.
    return { resource };
  }
}

/** Said by checked for a resource sent as it is. */
const CLEAN = Symbol('clean');

/**
 * CLEAN when the resource may be sent as it is; otherwise what the policy makes of it: a
 * sanitized copy (a new object, stamped from its own content by the router), or undefined when
 * withheld; strict mode throws.
 *
 * The memo (src/validation/outgoing-memo.ts) compares the full SHA-256 of the canonical text
 * without meta (what the version hashes) and the stamped meta's text: with them, the response
 * text is known to the character, so any difference in what is sent (a deep value, array order, a
 * member, meta) is another entry. A resource without a response text (no sorted copy: a toJSON or
 * an index-like key, fhir/version.ts) is serialised as it is: it is not remembered, always checked.
 */
function checked<R extends Resource>({ resource: r, content, sm }: Prepared<R>, policy: OutgoingPolicy): typeof CLEAN | R | undefined {
  const memo = policy.memo ?? OUTGOING_MEMO;
  const metaText = sm?.metaText;
  if (content && metaText !== undefined && memo.has(content.sha256, metaText)) return CLEAN;
  const result = (policy.sanitize ?? sanitizeOutgoing)(r);
  if (result.issues.length === 0) {
    // Clean: the check changed nothing, so the content made before it is still its content.
    if (content && metaText !== undefined) memo.add(content.sha256, metaText);
    return CLEAN;
  }
  const expressions = result.issues.map((i) => `${i.expression} (${i.rule ?? i.code})`);
  policy.onInvalid?.(r.resourceType);
  if (policy.mode === 'strict') throw new OutgoingValidationError(r.resourceType, expressions);
  policy.logger.error({ resourceType: r.resourceType, id: r.id, problems: expressions, dropped: result.dropped, withheld: !result.resource }, 'outgoing resource failed validation');
  return result.resource;
}

/** What `p` is sent as: stamped here when clean (the router's stampVersion returns it as it is). */
function sent<R extends Resource>(p: Prepared<R>, out: typeof CLEAN | R | undefined): R | undefined {
  if (out !== CLEAN) return out;
  return p.content ? stampContent(p.resource, p.content, p.sm) : p.resource;
}

/**
 * The resources that pass the policy (sanitized where needed) and how many were withheld. In three
 * passes, not one resource after another: the canonical texts, the checks, the stamps, each
 * pass's code and data kept in the processor's caches (one resource at a time cost about 1 µs a
 * resource more, bench/results.md).
 */
function checkAll<R extends Resource>(list: readonly R[], policy: OutgoingPolicy): { kept: R[]; withheld: number } {
  const prepared = list.map(prepare);
  const outs = prepared.map((p) => checked(p, policy));
  const kept: R[] = [];
  for (let i = 0; i < prepared.length; i++) {
    const out = sent(prepared[i]!, outs[i]);
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
    const p = prepare(r);
    const out = sent(p, checked(p, policy));
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
