// search-type (GET [type]?… and POST [type]/_search): parse and check the parameters, call the
// handler (unless the search can match nothing), page, resolve includes, subset, and wrap it all
// in a searchset Bundle.
import type { Resource } from 'fhir/r4.js';
import type { Issue } from '../errors.js';
import type { FhirResponse, FormBody } from '../exchange.js';
import { pageLinks, resourceKey, searchsetBundle } from '../bundle.js';
import { resolveIncludes } from '../include.js';
import { requireFormBody } from '../negotiate.js';
import type { ResourceDefinition, SearchResult } from '../registry.js';
import { pageOf, pageSpan } from '../search/page.js';
import { parseSearch } from '../search/parse.js';
import type { ParsedSearch } from '../search/types.js';
import { applyElements, applySummary, elementListsFor } from '../summary.js';
import { stampVersion } from '../version.js';
import { json } from './respond.js';
import type { RequestContext, RouterState } from './request-context.js';

/** Query pairs of a `_search` form body, whatever shape the adapter parsed it into. */
export function formPairs(body: unknown): [string, string][] {
  if (body === undefined || body === null || body === '') return [];
  if (typeof body === 'string') return [...new URLSearchParams(body)];
  if (body instanceof URLSearchParams) return [...body];
  if (Buffer.isBuffer(body)) return [...new URLSearchParams(body.toString('utf8'))];
  if (Array.isArray(body)) return (body as FormBody as readonly (readonly [string, string])[]).map(([k, v]) => [String(k), String(v)]);
  if (typeof body === 'object') {
    const out: [string, string][] = [];
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      for (const item of Array.isArray(v) ? v : [v]) if (item !== undefined) out.push([k, String(item)]);
    }
    return out;
  }
  return [];
}

interface Page {
  matches: Resource[];
  total?: number;
  nextOffset?: number;
}

async function paginate(type: string, search: ParsedSearch, result: SearchResult): Promise<Page> {
  const { offset, count } = search;
  const paged = await pageOf(result, search);
  if (paged.resources.length > count) {
    // A handler bug: the page would silently lose or repeat matches.
    throw new Error(`${type} search handler returned ${paged.resources.length} resources for a page of ${count}; return at most search.count or set unpaged`);
  }
  const matches = paged.resources;
  // Withheld matches (outgoing policy) are part of the page: the next one starts after them.
  const end = offset + pageSpan(paged);
  const more = count > 0 && paged.total !== undefined && end < paged.total;
  const page: Page = { matches, total: paged.total ?? end };
  if (more) page.nextOffset = end;
  return page;
}

export async function search(state: RouterState, rc: RequestContext, def: ResourceDefinition, viaPost: boolean): Promise<FhirResponse> {
  let pairs = rc.req.query;
  if (viaPost) {
    const body = formPairs(rc.req.body);
    requireFormBody(rc.req.headers['content-type'], body.length > 0);
    pairs = [...pairs, ...body];
  }
  const parsed = parseSearch(def, pairs, { ...state.parseOptions, lenient: rc.ctx.prefer.handling === 'lenient' });
  const lists = elementListsFor(def.type, def.elements);
  // Fail before calling OSCAR when the answer could not be shaped anyway.
  if ((parsed.summary === 'true' || parsed.summary === 'text') && !lists) applySummary({ resourceType: def.type }, parsed.summary, lists);
  await state.hooks.beforeInteraction?.(rc.ctx, { interaction: 'search-type', type: def.type, search: parsed });

  const result: SearchResult = parsed.impossible ? { resources: [], total: 0 } : await def.interactions.search!(rc.ctx, parsed);
  const page = await paginate(def.type, parsed, result);
  // _summary=count sends no resource: none is stamped (the hooks below still see the page).
  const matches = parsed.summary === 'count' ? page.matches : page.matches.map((r) => stampVersion(r));
  const issues: Issue[] = [...parsed.issues, ...(result.outcome ?? [])];

  let included: Resource[] = [];
  if (parsed.summary !== 'count' && matches.length > 0 && parsed.include.length > 0) {
    if (result.included) {
      const seen = new Set(matches.map(resourceKey));
      included = result.included.filter((r) => { const k = resourceKey(r); if (seen.has(k)) return false; seen.add(k); return true; });
    } else {
      included = await resolveIncludes({ ctx: rc.ctx, registry: state.registry, matches, include: parsed.include });
    }
    included = included.map((r) => stampVersion(r));
  }
  // The hook answers with a promise only when it waits for something: a page of plain checks
  // passes without a microtask per entry.
  const { hooks } = state;
  if (hooks.checkResource) {
    for (const list of [matches, included]) {
      for (const r of list) {
        const pending = hooks.checkResource(rc.ctx, r);
        if (pending) await pending;
      }
    }
  }

  const shapedMatches = parsed.summary === 'count' ? [] : matches.map((r) => applyElements(applySummary(r, parsed.summary, lists), parsed.elements, lists));
  const shapedIncluded = parsed.summary === 'count' ? [] : included.map((r) => {
    const own = elementListsFor(r.resourceType, state.registry.get(r.resourceType)?.elements);
    return own || parsed.summary === 'data' ? applySummary(r, parsed.summary, own) : r;
  });
  if (parsed.summary === 'count' && page.total === undefined) {
    issues.push({ severity: 'warning', code: 'incomplete', diagnostics: 'The number of matches is not known for this search' });
  }
  const bundle = searchsetBundle({
    baseUrl: state.baseUrl,
    matches: shapedMatches,
    included: shapedIncluded,
    ...(parsed.total === 'none' || page.total === undefined ? {} : { total: page.total }),
    links: pageLinks({
      baseUrl: state.baseUrl, search: parsed,
      ...(page.nextOffset === undefined || parsed.summary === 'count' ? {} : { nextOffset: page.nextOffset }),
    }),
    issues,
  });
  return json(rc, 200, bundle);
}
