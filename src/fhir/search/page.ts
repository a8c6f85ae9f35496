// One page of a search handler's answer. Most OSCAR lists cannot be paged upstream, so their
// handlers answer every match (`unpaged`; as resources, or as rows not yet mapped when the match
// was decided on the row) and the page is cut here: the matches offset..offset+count, made
// resources if they are rows, with the total of all of them, and the handler's `finish` (work only a
// returned match needs: a tag, a copy, a display name looked up) done on those alone, awaited
// before the page is handed on. The outgoing validation pages before it validates, so only what
// is returned is validated (src/validation/README.md), and the router, conditional create and
// $everything page what an unwrapped handler returns: all cut the page here, so they cannot
// disagree, and a finished match is whole before anything validates or stamps it.
import type { Resource } from 'fhir/r4.js';
import type { SearchResult } from '../registry.js';
import type { ParsedSearch } from './types.js';

/**
 * `result` as one page of `search` (a paged handler's answer is one already). With
 * `_summary=count` no match is sent: the page is not finished (the router's access hooks still
 * see it).
 */
export async function pageOf<R extends Resource>(result: SearchResult<R>, search: Pick<ParsedSearch, 'offset' | 'count' | 'summary'>): Promise<SearchResult<R>> {
  if (!result.unpaged) return result;
  const { unpaged: _all, finish, resources, rows, ...rest } = result;
  // Rows are made resources here, a page of them: with _summary=count too (the hooks see them).
  const all = rows ?? resources;
  const page = all.slice(search.offset, search.offset + search.count);
  const total = result.total ?? all.length;
  if (!finish || search.summary === 'count') return { ...rest, total, resources: page };
  return { ...rest, total, resources: await Promise.all(page.map(finish)) };
}

/** How many matches the page covers: those returned and those the outgoing policy withheld. */
export function pageSpan(result: SearchResult): number {
  return result.resources.length + (result.withheld ?? 0);
}
