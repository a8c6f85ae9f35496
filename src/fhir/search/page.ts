// One page of a search handler's answer. Most OSCAR lists cannot be paged upstream, so their
// handlers answer every match (`unpaged`) and the page is cut here: the matches
// offset..offset+count, with the total of all of them, and the handler's `finish` (work only a
// returned match needs) done on those alone. The outgoing validation pages before it validates,
// so only what is returned is validated (src/validation/README.md), and the router pages what
// an unwrapped handler returns: both cut the page here, so they cannot disagree.
import type { Resource } from 'fhir/r4.js';
import type { SearchResult } from '../registry.js';
import type { ParsedSearch } from './types.js';

/**
 * `result` as one page of `search` (a paged handler's answer is one already). With
 * `_summary=count` no match is sent: the page is not finished (the router's access hooks still
 * see it).
 */
export function pageOf<R extends Resource>(result: SearchResult<R>, search: Pick<ParsedSearch, 'offset' | 'count' | 'summary'>): SearchResult<R> {
  if (!result.unpaged) return result;
  const { unpaged: _all, finish, resources, ...rest } = result;
  const page = resources.slice(search.offset, search.offset + search.count);
  return { ...rest, total: result.total ?? resources.length, resources: finish && search.summary !== 'count' ? page.map(finish) : page };
}

/** How many matches the page covers: those returned and those the outgoing policy withheld. */
export function pageSpan(result: SearchResult): number {
  return result.resources.length + (result.withheld ?? 0);
}
